#!/usr/bin/env python3
"""Benchmark: local pull of 10 000 stub beads issues (time and peak RSS), with the stub `bd`
alone as the baseline measured in the same run (the provider's own cost).

Usage: python3 scripts/bench_local.py [--runs N]   (builds the release binary first)
"""
import json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
N = 10000


def timed(argv, env, cwd):
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], env=env, cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"{argv} failed: {p.stderr.decode()[:500]}")
    return elapsed, int(p.stderr.decode().strip().splitlines()[-1])


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet", "--bins"], cwd=ROOT, check=True)
    tool = os.path.join(ROOT, "target/release/spec-kitty-tracker")
    stubs = os.path.join(ROOT, "tests/fixtures/bin")
    work = tempfile.mkdtemp()
    project = os.path.join(work, "project")
    os.makedirs(os.path.join(project, ".kittify"))
    state = os.path.join(work, "bd.json")
    issues = [{"id": f"demo-{i:05}", "title": f"Issue {i}", "description": f"Body {i}", "status": "open", "priority": i % 5,
               "issue_type": "task", "labels": ["bench"], "created_at": "2026-03-01T00:00:00.123456789Z",
               "updated_at": "2026-03-02T00:00:00Z"} for i in range(1, N + 1)]
    with open(state, "w") as f:
        json.dump({"next": N + 1, "issues": issues}, f)
    env = {"PATH": f"{stubs}:{os.environ['PATH']}", "HOME": work, "SPEC_KITTY_ENABLE_SAAS_SYNC": "1",
           "SPEC_KITTY_HOME": os.path.join(work, "state"), "STUB_STATE": state, "STUB_LOG": os.devnull, "STUB_LIMIT": str(N * 10)}
    subprocess.run([tool, "bind", "--provider", "beads", "--workspace", "bench"], env=env, cwd=project, check=True, capture_output=True)
    baseline = median([timed([os.path.join(stubs, "bd"), "--json", "list"], env, project)[0] for _ in range(RUNS)])
    first, rss_first, again, rss_again = [], 0, [], 0
    for _ in range(RUNS):
        db_dir = os.path.join(work, "state", "trackers")
        if os.path.isdir(db_dir):
            for f in os.listdir(db_dir):
                os.remove(os.path.join(db_dir, f))
        t, rss = timed([tool, "sync", "pull", "--limit", str(N)], env, project)
        first.append(t)
        rss_first = max(rss_first, rss)
        t, rss = timed([tool, "sync", "pull", "--limit", str(N)], env, project)
        again.append(t)
        rss_again = max(rss_again, rss)
    print(f"local pull of {N} stub issues, {RUNS} runs, medians")
    print(f"stub `bd --json list` alone:      {baseline * 1000:8.1f} ms")
    print(f"first pull (10000 created):       {median(first) * 1000:8.1f} ms  ({median(first) / baseline:.2f}x the stub)  peak RSS {rss_first / 1024:.1f} MiB")
    print(f"second pull (10000 unchanged):    {median(again) * 1000:8.1f} ms  ({median(again) / baseline:.2f}x the stub)  peak RSS {rss_again / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
