#!/usr/bin/env python3
"""Benchmark against the floor: `sync pull` vs curl fetching the very same bytes, in one run.

The contract mock runs with --cache-bodies: every pull page is serialised once (during the
warm-up) and served as the same pre-built bytes afterwards, so the server's cost is out of the
measurement and curl's time is the floor (connect, request, receive, write). Each run is a
pair (curl, then ours, alternating order); the script prints medians and the median of the
per-pair ratios, and peak RSS of each process (GNU time; install it with `apt-get install time`
if /usr/bin/time is missing). Both sides run under GNU time, so its cost is in both.

Cases: one 10 000-issue page (human and --json) against one curl; `--all` over 10 pages of
10 000 (100 000 issues, --json and human) against 10 sequential curls; start-up of `providers`
against /bin/true. Output of both sides goes to a pipe this script drains.

At the end it says which targets were missed, and runs the formatter's own bench (divan) unless
--no-formatter.

Usage: python3 scripts/bench_pull.py [--runs N] [--no-build] [--no-formatter] [--markdown]
"""
import json, os, statistics, subprocess, sys, tempfile, time

if not os.path.exists("/usr/bin/time"):
    sys.exit("needs GNU time: apt-get install time")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 15
LIMIT = 10_000
PAGES = 10
MIB = 1024 * 1024


TIME = "/usr/bin/time"


def run_once(argv, env, cwd):
    """Wall time (s), peak RSS (bytes) and stdout size of one run of argv. Peak RSS comes from
    GNU time (its own small process forks the command; wait4 on a child forked by this Python
    would count the pages it shares with Python before exec)."""
    with tempfile.NamedTemporaryFile() as rss_file:
        start = time.perf_counter()
        p = subprocess.Popen([TIME, "-f", "%M", "-o", rss_file.name, *argv], env=env, cwd=cwd,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out = p.stdout.read()
        err = p.stderr.read()
        p.wait()
        elapsed = time.perf_counter() - start
        if p.returncode != 0:
            sys.exit(f"{argv[0]} failed ({p.returncode}): {err.decode()[:500]}")
        rss = int(open(rss_file.name).read().split()[-1]) * 1024
    return elapsed, rss, len(out)


def run_many(commands, env, cwd):
    """Run commands one after the other: total time, max RSS, total output."""
    total, rss, size = 0.0, 0, 0
    for argv in commands:
        t, r, s = run_once(argv, env, cwd)
        total, rss, size = total + t, max(rss, r), size + s
    return total, rss, size


def paired(floor, ours, env, cwd):
    """RUNS pairs; medians of both, median of the per-pair ratios, max RSS of both."""
    f_times, o_times, ratios, f_rss, o_rss = [], [], [], 0, 0
    run_many(floor, env, cwd)  # warm-up (page cache, mock cache)
    run_many(ours, env, cwd)
    for i in range(RUNS):
        order = [(floor, True), (ours, False)] if i % 2 == 0 else [(ours, False), (floor, True)]
        result = {}
        for cmds, is_floor in order:
            result[is_floor] = run_many(cmds, env, cwd)
        (ft, fr, fs), (ot, orss, osz) = result[True], result[False]
        f_times.append(ft)
        o_times.append(ot)
        ratios.append(ot / ft)
        f_rss, o_rss = max(f_rss, fr), max(o_rss, orss)
    return {
        "floor_ms": statistics.median(f_times) * 1000,
        "ours_ms": statistics.median(o_times) * 1000,
        "ratio": statistics.median(ratios),
        "floor_rss": f_rss,
        "ours_rss": o_rss,
        "floor_bytes": fs,
        "ours_bytes": osz,
    }


def main():
    if "--no-build" not in sys.argv:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet", "--workspace", "--bins"], cwd=ROOT, check=True)
    tool = os.path.join(ROOT, "target/release/spec-kitty-tracker")
    mock = os.path.join(ROOT, "target/release/spec-kitty-tracker-mock")
    work = tempfile.mkdtemp()
    server = subprocess.Popen([mock, "--quiet", "--cache-bodies", "--issues", str(LIMIT * PAGES)], stdout=subprocess.PIPE)
    try:
        url = server.stdout.readline().decode().strip()
        env = {"PATH": os.environ["PATH"], "HOME": work, "SPEC_KITTY_HOME": os.path.join(work, "state"),
               "SPEC_KITTY_ENABLE_SAAS_SYNC": "1", "SPEC_KITTY_SAAS_URL": url, "NO_COLOR": "1"}
        project = os.path.join(work, "project")
        os.makedirs(os.path.join(project, ".kittify"))
        subprocess.run([tool, "auth", "login", "-u", "bench", "--password-stdin"], input=b"demo-password", env=env, cwd=project, check=True, capture_output=True)
        subprocess.run([tool, "bind", "--provider", "linear", "--project-slug", "bench"], env=env, cwd=project, check=True, capture_output=True)
        creds = open(os.path.join(work, "state", "credentials")).read()
        token = next(l.split('"')[1] for l in creds.splitlines() if l.startswith("access ="))

        def curl(cursor):
            body = {"provider": "linear", "project_slug": "bench", "limit": LIMIT}
            if cursor:
                body["cursor"] = cursor
            return ["curl", "-sS", "--fail", "-X", "POST", f"{url}/api/v1/tracker/pull/",
                    "-H", f"Authorization: Bearer {token}", "-H", "X-Team-Slug: demo-team",
                    "-H", "Accept: application/json", "-H", "Content-Type: application/json",
                    "--data", json.dumps(body)]

        one = [curl(None)]
        every = [curl(None if n == 0 else f"c{n * LIMIT}") for n in range(PAGES)]
        run_many(every, env, project)  # builds and caches every page in the mock
        pull = [tool, "sync", "pull", "--limit", str(LIMIT)]
        cases = [
            ("one 10k page, human", one, [pull], 1.5),
            ("one 10k page, --json", one, [pull + ["--json"]], 2.0),
            (f"--all, {PAGES} x 10k, --json", every, [pull + ["--all", "--json"]], 1.5),
            (f"--all, {PAGES} x 10k, human", every, [pull + ["--all"]], 1.5),
        ]
        rows = []
        for name, floor, ours, target in cases:
            r = paired(floor, ours, env, project)
            rows.append((name, r, target))
            print(f"{name:26} curl {r['floor_ms']:7.1f} ms  ours {r['ours_ms']:7.1f} ms  "
                  f"ratio {r['ratio']:.2f}x (target <= {target}x)  "
                  f"RSS curl {r['floor_rss'] / MIB:5.1f} MiB, ours {r['ours_rss'] / MIB:5.1f} MiB", flush=True)
        page_bytes = rows[0][1]["floor_bytes"]
        one_rss = max(rows[0][1]["ours_rss"], rows[1][1]["ours_rss"])
        all_rss = max(rows[2][1]["ours_rss"], rows[3][1]["ours_rss"])
        print(f"page body {page_bytes / MIB:.2f} MiB; --json prints {rows[1][1]['ours_bytes'] / MIB:.2f} MiB "
              f"(one page), {rows[2][1]['ours_bytes'] / MIB:.2f} MiB (--all)")
        print(f"peak RSS one page: {one_rss / MIB:.1f} MiB (target <= body + 12 MiB = {(page_bytes + 12 * MIB) / MIB:.1f} MiB)")
        print(f"peak RSS --all:    {all_rss / MIB:.1f} MiB (target <= 16 MiB)")
        start = paired([["/bin/true"]], [[tool, "providers"]], env, project)
        print(f"start-up (providers): {start['ours_ms']:.2f} ms (/bin/true {start['floor_ms']:.2f} ms, "
              f"so {start['ours_ms'] - start['floor_ms']:.2f} ms over starting a process)")
        missed = [name for name, r, target in rows if r["ratio"] > target]
        if one_rss > page_bytes + 12 * MIB:
            missed.append("peak RSS one page")
        if all_rss > 16 * MIB:
            missed.append("peak RSS --all")
        print("targets: " + ("all met" if not missed else "MISSED: " + ", ".join(missed)))
        if "--markdown" in sys.argv:
            print("\n| work | curl (floor) | ours | ratio | target | peak RSS ours |\n|---|---|---|---|---|---|")
            for name, r, target in rows:
                print(f"| `{name}` | {r['floor_ms']:.1f} ms | {r['ours_ms']:.1f} ms | {r['ratio']:.2f}x | <= {target}x | {r['ours_rss'] / MIB:.1f} MiB |")
            print(f"| `providers` start-up | {start['floor_ms']:.1f} ms (/bin/true) | {start['ours_ms']:.1f} ms | | | |")
    finally:
        server.kill()
    if "--no-formatter" not in sys.argv:
        # The formatter alone, in the same run (divan; medians are the middle column).
        print("\nformatter alone (cargo bench -p jsonfmt --bench jsonfmt, 30 samples; target >= 1 GB/s):", flush=True)
        subprocess.run(["cargo", "bench", "--quiet", "--locked", "-p", "jsonfmt", "--bench", "jsonfmt", "--",
                        "--sample-count", "30"], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
