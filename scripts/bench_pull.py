#!/usr/bin/env python3
"""Benchmark: `sync pull --limit 10000 --json` against the contract mock vs curl doing the same
single request, in the same run. Prints median wall times, the ratio (target <= 1.5x curl) and
peak RSS (target < 4x the response size + 10 MiB), and the start-up time of `providers`.

Usage: python3 scripts/bench_pull.py [--runs N]   (builds the release binaries first)
"""
import json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 15
LIMIT = 10000


def measure(argv, env, cwd):
    """Median wall time (s), peak RSS (KiB, via GNU time: a forked Python would count its own
    pages) and stdout size."""
    times, rss, size = [], 0, 0
    for _ in range(RUNS):
        start = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], env=env, cwd=cwd, capture_output=True)
        times.append(time.perf_counter() - start)
        if p.returncode != 0:
            sys.exit(f"{argv[0]} failed: {p.stderr.decode()[:500]}")
        rss = max(rss, int(p.stderr.decode().strip().splitlines()[-1]))
        size = len(p.stdout)
    times.sort()
    return times[len(times) // 2], rss, size


def main():
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet", "--workspace", "--bins"], cwd=ROOT, check=True)
    tool = os.path.join(ROOT, "target/release/spec-kitty-tracker")
    mock = os.path.join(ROOT, "target/release/spec-kitty-tracker-mock")
    work = tempfile.mkdtemp()
    server = subprocess.Popen([mock, "--quiet", "--issues", str(LIMIT)], stdout=subprocess.PIPE)
    try:
        url = server.stdout.readline().decode().strip()
        env = {"PATH": os.environ["PATH"], "HOME": work, "SPEC_KITTY_HOME": os.path.join(work, "state"),
               "SPEC_KITTY_ENABLE_SAAS_SYNC": "1", "SPEC_KITTY_SAAS_URL": url}
        project = os.path.join(work, "project")
        os.makedirs(os.path.join(project, ".kittify"))
        subprocess.run([tool, "auth", "login", "-u", "bench", "--password-stdin"], input=b"demo-password", env=env, cwd=project, check=True, capture_output=True)
        subprocess.run([tool, "bind", "--provider", "linear", "--project-slug", "bench"], env=env, cwd=project, check=True, capture_output=True)
        creds = open(os.path.join(work, "state", "credentials")).read()
        token = next(l.split('"')[1] for l in creds.splitlines() if l.startswith("access ="))
        body = json.dumps({"provider": "linear", "project_slug": "bench", "limit": LIMIT})
        curl = ["curl", "-sS", "--fail", "-X", "POST", f"{url}/api/v1/tracker/pull/",
                "-H", f"Authorization: Bearer {token}", "-H", "X-Team-Slug: demo-team",
                "-H", "Accept: application/json", "-H", "Content-Type: application/json", "--data", body]
        ours = [tool, "sync", "pull", "--limit", str(LIMIT), "--json"]
        # Warm up both (page cache, mock allocations).
        measure(curl, env, project)
        measure(ours, env, project)
        curl_t, curl_rss, size = measure(curl, env, project)
        ours_t, ours_rss, ours_size = measure(ours, env, project)
        mib = 1024 * 1024
        limit_rss = 4 * size + 10 * mib
        print(f"response: {size / mib:.1f} MiB raw JSON ({ours_size / mib:.1f} MiB pretty-printed by --json), {RUNS} runs each, medians")
        print(f"curl:               {curl_t * 1000:8.1f} ms   peak RSS {curl_rss / 1024:6.1f} MiB")
        print(f"spec-kitty-tracker: {ours_t * 1000:8.1f} ms   peak RSS {ours_rss / 1024:6.1f} MiB")
        print(f"time ratio: {ours_t / curl_t:.2f}x curl (target <= 1.50x)")
        print(f"peak RSS: {ours_rss * 1024 / mib:.1f} MiB, budget 4x response + 10 MiB = {limit_rss / mib:.1f} MiB "
              f"({'within' if ours_rss * 1024 <= limit_rss else 'OVER'} budget)")
        startup, _, _ = measure([tool, "providers"], env, project)
        baseline, _, _ = measure(["/bin/true"], env, project)
        print(f"start-up (providers): {startup * 1000:.2f} ms (process spawn baseline /bin/true {baseline * 1000:.2f} ms; target < 5 ms)")
    finally:
        server.kill()


if __name__ == "__main__":
    main()
