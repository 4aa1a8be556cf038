#!/usr/bin/env bash
# The main job, end to end, the spec-kitty 3.2 way: start the bundled contract mock (the Spec
# Kitty SaaS tracker API on 127.0.0.1), log in with the device flow (the demo approves the code
# itself), list Linear's bindable resources (discover), bind a throw-away project through
# discovery (bind-resolve answers one exact match; the server issues the binding_ref stored in
# the `tracker:` block beside the generated `project:` identity), then status, list-tickets,
# issue-search, sync pull (one page, then --all), sync push (accepted with 202 and polled),
# sync run and map list; then the hard-breaks, a local binding and logout.
# Every step declares the exit code it expects (0 on the main path, README "Exit codes" for the
# hard-breaks); the demo exits 1 and names each step that differed on stderr
# (`demo: step '...' exited X, expected Y`), and at once when the mock or the login fails.
# Everything lives in a temp directory; $HOME is not touched.
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
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# push, run and bind-confirm are accepted (202) and complete after two polls.
"$mock" --quiet --scenario async > "$work/mock.url" &
mock_pid=$!
for _ in $(seq 50); do [ -s "$work/mock.url" ] && break; sleep 0.1; done
url=$(head -n1 "$work/mock.url")
[ -n "$url" ] || die "the contract mock printed no URL"

export HOME="$work/home" SPEC_KITTY_HOME="$work/home/.spec-kitty" SPEC_KITTY_ENABLE_SAAS_SYNC=1
export SPEC_KITTY_SAAS_URL="$url"
export SPEC_KITTY_TRACKER_POLL_SCALE=250   # the real 1, 2, 4 ... s polling schedule, 4x faster
# The project directory's name becomes the generated project slug (`project:` block).
project="$work/demo-project"
mkdir -p "$HOME" "$project/.kittify"
printf '# my project\nagents:\n  available: [claude]\n' > "$project/.kittify/config.yaml"
cd "$project"
cat > changes.json <<'JSON'
[{"ref": {"system": "linear", "workspace": "demo-workspace", "id": "id-000001", "key": "LIN-1"},
  "action": "update", "patch": {"title": "Make the tracker sync dependable"}},
 {"ref": {"system": "linear", "workspace": "demo-workspace", "id": "id-000002", "key": "LIN-2"},
  "action": "transition", "target_status": "done"}]
JSON

failures=()
header() { printf '\n\033[1m$ spec-kitty-tracker %s\033[0m\n' "$*"; }
# step EXPECTED ARGS...: run the binary (never on a terminal's stdin: nothing may prompt) and
# record the step when its exit code differs from the one it declares.
step() {
  local expected=$1 got=0
  shift
  header "$@"
  "$bin" "$@" < /dev/null || got=$?
  [ "$got" -eq 0 ] || printf '(exit %s)\n' "$got"
  if [ "$got" -ne "$expected" ]; then
    failures+=("demo: step 'spec-kitty-tracker $*' exited $got, expected $expected")
    printf '(expected exit %s)\n' "$expected"
  fi
}
section() { printf '\n\033[1;4m# %s\033[0m\n' "$*"; }

printf 'contract mock: %s\n' "$url"
step 0 providers

section 'log in: the headless (device code) flow'
# A user would enter the code in a browser; the demo approves it through the mock's test
# endpoint instead.
header auth login --headless
timeout 60 "$bin" auth login --headless < /dev/null > "$work/login.out" 2> "$work/login.err" &
login_pid=$!
login_failed() {
  cat "$work/login.out"; tail -n +"$((shown + 1))" "$work/login.err"
  die "step 'spec-kitty-tracker auth login --headless' $*"
}
for _ in $(seq 100); do
  grep -qs 'enter the code' "$work/login.err" && break
  kill -0 "$login_pid" 2> /dev/null || break
  sleep 0.1
done
shown=$(wc -l < "$work/login.err")
head -n "$shown" "$work/login.err"
user_code=$(head -n "$shown" "$work/login.err" | sed -n 's/.*enter the code: //p')
if [ -z "$user_code" ]; then
  kill "$login_pid" 2> /dev/null && login_failed "showed no device code in 10 s"
  got=0
  wait "$login_pid" || got=$?
  login_failed "exited $got before showing a device code, expected 0"
fi
printf '(the demo approves code %s for the user: POST /__mock/oauth/device/approve)\n' "$user_code"
curl -sf -X POST "$url/__mock/oauth/device/approve?user_code=$user_code" > /dev/null ||
  die "the mock refused to approve device code $user_code"
got=0
wait "$login_pid" || got=$?
[ "$got" -eq 0 ] || login_failed "exited $got, expected 0"
cat "$work/login.out"
step 0 auth whoami

section 'bind through discovery, as spec-kitty 3.2 does'
step 0 discover --provider linear
step 0 bind --provider linear
printf '\n--- .kittify/config.yaml (the project identity and the server-issued binding) ---\n'
cat .kittify/config.yaml
step 0 status

section 'hosted reads and sync'
step 0 list-tickets --provider linear --limit 3
step 0 issue-search --provider linear --query LIN-2
step 0 sync pull --limit 3
step 0 sync pull --all --limit 10
step 0 sync push -v --items-json changes.json   # -v: the 202 and the polls, on stderr
step 0 sync run
step 0 map list

section 'hard-breaks: what SaaS-backed providers refuse (exit 3)'
step 3 map add --wp-id WP01 --external-id LIN-1
step 3 bind --provider linear --credential api_key=secret
step 3 sync publish
step 3 bind --provider azure-devops

section 'a local provider binding (the beads/fp connectors run their own CLIs)'
step 0 bind --provider beads --workspace demo-ws --credential command=bd
step 0 unbind
step 0 auth logout

if [ ${#failures[@]} -gt 0 ]; then
  printf '%s\n' "${failures[@]}" >&2
  exit 1
fi
printf '\ndemo: every step exited as expected\n'
