#!/usr/bin/env bash
# Line coverage of the workspace with cargo-tarpaulin's llvm engine (no extra toolchain
# components needed). Runs of our binary started by the integration tests are counted too:
# tarpaulin gives every test binary an LLVM_PROFILE_FILE pattern inside its profraw folder, the
# test sandbox (tests/it/common/mod.rs) passes it on to the instrumented binary it spawns, and
# tarpaulin merges every new profile against the test and the workspace binaries.
#
# Prints the total and the ten weakest files, writes target/coverage/tarpaulin-report.html
# (and .json). Installs cargo-tarpaulin from crates.io when it is missing (~10 min on 2 cores).
# Not part of .ci/run: see README "Coverage" for the time it takes.
#
# The interop tests with spec-kitty-cli 3.2.7 (tests/it/session32.rs, the only ones that run the
# refresh transaction through the binary) skip without their venv, so it is made first, as
# .ci/run does (idempotent; ~150 MB from PyPI the first time).
#
# The fault tests that SIGKILL the binary at random points (`kill_9_*`) are skipped: a process
# killed while the profiling runtime writes its file leaves a truncated profile, which tarpaulin's
# profile parser cannot read (it aborts the whole run).
#
# build.rs is left out of the report: a build script runs at build time, not under the tests, and
# tarpaulin cannot see it. That is honest because it is a thin wrapper (read commands.yaml and
# templates/, write OUT_DIR); the code generation it calls lives in crates/command-spec, which is
# measured and tested (its generated output is compiled into the binary and tested there too).
#
# Usage: scripts/coverage.sh [--floor PERCENT]   (exit 1 when the total is below PERCENT)
set -euo pipefail
cd "$(dirname "$0")/.."
floor=""
if [[ "${1:-}" == "--floor" ]]; then
    floor="${2:?--floor needs a percentage}"
fi
if ! cargo tarpaulin --version >/dev/null 2>&1; then
    echo "coverage: installing cargo-tarpaulin (cargo install --locked)" >&2
    cargo install cargo-tarpaulin --locked
fi
bash scripts/interop-venv.sh >/dev/null
out=target/coverage
mkdir -p "$out"
# A separate target dir keeps the instrumented build from evicting the normal one.
cargo tarpaulin --workspace --all-features --engine llvm \
    --target-dir target/tarpaulin-build \
    --exclude-files 'tests/*' --exclude-files '*/tests/*' --exclude-files build.rs \
    --out Html --out Json --output-dir "$out" --skip-clean \
    -- --skip kill_9_ \
    >"$out/tarpaulin.log" 2>&1 || {
    tail -n 40 "$out/tarpaulin.log" >&2
    echo "coverage: cargo tarpaulin failed (full log: $out/tarpaulin.log)" >&2
    exit 1
}
python3 - "$out/tarpaulin-report.json" "$floor" <<'PY'
import json, os, sys

root = os.getcwd()

report = json.load(open(sys.argv[1]))
rows = []
for f in report["files"]:
    path = os.path.relpath("/".join(f["path"]).replace("//", "/"), root)
    if f["coverable"]:
        rows.append((f["covered"] / f["coverable"] * 100, f["covered"], f["coverable"], path))
covered = sum(r[1] for r in rows)
coverable = sum(r[2] for r in rows)
total = covered / coverable * 100 if coverable else 0.0
print(f"total: {total:.1f}% ({covered}/{coverable} lines)")
print("weakest files:")
for pct, c, n, path in sorted(rows)[:10]:
    print(f"  {pct:5.1f}%  {c:4}/{n:<4}  {path}")
print("html report: target/coverage/tarpaulin-report.html")
floor = sys.argv[2]
if floor and total < float(floor):
    print(f"coverage: {total:.1f}% is below the floor of {floor}%", file=sys.stderr)
    sys.exit(1)
PY
