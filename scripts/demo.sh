#!/usr/bin/env bash
# The main job, end to end: start the bundled contract mock (the Spec Kitty SaaS tracker API on
# 127.0.0.1), log in with the device flow (the demo approves the code itself), bind a throw-away project to Linear, and run status, sync pull, sync push
# (accepted with 202 and polled), sync run and map list; then show hard-breaks and a local
# binding. Everything lives in a temp directory; $HOME is not touched.
# SPEC_KITTY_TRACKER_BIN=PATH|NAME runs the demo with that binary (e.g. one installed from the wheel,
# see scripts/wheel.sh) instead of the debug build; the mock is always built by cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
target=$(realpath -m "${CARGO_TARGET_DIR:-target}")
if [ -n "${SPEC_KITTY_TRACKER_BIN:-}" ]; then
  found=$(command -v "$SPEC_KITTY_TRACKER_BIN") ||
    { echo "error: SPEC_KITTY_TRACKER_BIN=$SPEC_KITTY_TRACKER_BIN is not an executable" >&2; exit 2; }
  bin=$(realpath -s "$found")
  cargo build --quiet --locked -p contract-mock --bins
else
  bin="$target/debug/spec-kitty-tracker"
  cargo build --quiet --locked --workspace --bins
fi
mock="$target/debug/spec-kitty-tracker-mock"
work=$(mktemp -d)
mock_pid=
cleanup() { [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# push and run are accepted (202) and complete after two polls.
"$mock" --quiet --scenario async > "$work/mock.url" &
mock_pid=$!
for _ in $(seq 50); do [ -s "$work/mock.url" ] && break; sleep 0.1; done
url=$(head -n1 "$work/mock.url")

export HOME="$work/home" SPEC_KITTY_HOME="$work/home/.spec-kitty" SPEC_KITTY_ENABLE_SAAS_SYNC=1
export SPEC_KITTY_SAAS_URL="$url"
export SPEC_KITTY_TRACKER_POLL_SCALE=250   # the real 1, 2, 4 ... s polling schedule, 4x faster
mkdir -p "$HOME" "$work/project/.kittify"
printf '# my project\nagents:\n  available: [claude]\n' > "$work/project/.kittify/config.yaml"
cd "$work/project"
cat > changes.json <<'JSON'
[{"ref": {"system": "linear", "workspace": "demo-workspace", "id": "id-000001", "key": "LIN-1"},
  "action": "update", "patch": {"title": "Make the tracker sync dependable"}},
 {"ref": {"system": "linear", "workspace": "demo-workspace", "id": "id-000002", "key": "LIN-2"},
  "action": "transition", "target_status": "done"}]
JSON

step() { printf '\n\033[1m$ spec-kitty-tracker %s\033[0m\n' "$*"; "$bin" "$@" || printf '(exit %s)\n' "$?"; }

printf 'contract mock: %s\n' "$url"
step providers
# The headless (device code) login; a user would enter the code in a browser, the demo
# approves it through the mock's test endpoint instead.
printf '\n\033[1m$ spec-kitty-tracker auth login --headless\033[0m\n'
"$bin" auth login --headless > "$work/login.out" 2> "$work/login.err" &
login_pid=$!
for _ in $(seq 100); do grep -q 'enter the code' "$work/login.err" && break; sleep 0.1; done
cat "$work/login.err"
user_code=$(sed -n 's/.*enter the code: //p' "$work/login.err")
printf '(the demo approves code %s for the user: POST /__mock/oauth/device/approve)\n' "$user_code"
curl -sf -X POST "$url/__mock/oauth/device/approve?user_code=$user_code" > /dev/null
wait "$login_pid" || printf '(exit %s)\n' "$?"
cat "$work/login.out"
step auth status
step auth whoami
step bind --provider linear --project-slug demo-project
printf '\n--- .kittify/config.yaml ---\n'; cat .kittify/config.yaml
step status
step sync pull --limit 3
step sync pull --all --limit 10
step sync push --items-json changes.json
step sync run --json
step map list
printf '\n# hard-breaks: what SaaS-backed providers refuse\n'
step map add --wp-id WP01 --external-id LIN-1
step bind --provider linear --project-slug demo-project --credential api_key=secret
step sync publish
step bind --provider azure-devops
printf '\n# a local provider binding (the beads/fp connectors run their own CLIs)\n'
step bind --provider beads --workspace demo-ws --credential command=bd
step unbind
step auth logout
