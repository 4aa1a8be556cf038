#!/usr/bin/env bash
# A guided tour of spec-kitty-tracker on a throw-away project: providers, bind, status,
# hard-breaks and unbind. Everything happens in a temp directory; nothing in $HOME is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --locked
bin="$PWD/target/debug/spec-kitty-tracker"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" SPEC_KITTY_HOME="$work/home/.spec-kitty" SPEC_KITTY_ENABLE_SAAS_SYNC=1
mkdir -p "$HOME" "$work/project/.kittify"
printf '# my project\nagents:\n  available: [claude]\n' > "$work/project/.kittify/config.yaml"
cd "$work/project"

step() { printf '\n\033[1m$ spec-kitty-tracker %s\033[0m\n' "$*"; "$bin" "$@" || printf '(exit %s)\n' "$?"; }

step providers
step bind --provider linear --project-slug demo-project
printf '\n--- .kittify/config.yaml ---\n'; cat .kittify/config.yaml
step status --json
step map add --wp-id WP01 --external-id LIN-1
step bind --provider linear --project-slug demo-project --credential api_key=secret
step sync publish
step bind --provider azure-devops
step bind --provider beads --workspace demo-ws --credential command=bd
step status
step unbind
printf '\n--- .kittify/config.yaml ---\n'; cat .kittify/config.yaml
