#!/usr/bin/env bash
# Creates (or reuses) a throwaway venv holding spec-kitty-cli 3.2.7 from PyPI, for the interop
# test tests/it/session32.rs. Idempotent: a venv that already has that version is kept. Location:
# $SPEC_KITTY_INTEROP_VENV, else target/interop-venv (so `cargo clean` removes it). Prints the path.
set -euo pipefail
cd "$(dirname "$0")/.."
version=3.2.7
venv="${SPEC_KITTY_INTEROP_VENV:-$PWD/target/interop-venv}"
has_version() {
  "$venv/bin/python" - "$version" <<'PY' 2>/dev/null
import importlib.metadata, sys
sys.exit(importlib.metadata.version("spec-kitty-cli") != sys.argv[1])
PY
}
if [ -x "$venv/bin/python" ] && has_version; then
  echo "$venv"
  exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv"
# The full dependency set: importing specify_cli pulls in typer, rich, httpx, pydantic, ...
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "spec-kitty-cli==$version" >&2
has_version
echo "$venv"
