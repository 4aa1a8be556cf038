#!/usr/bin/env bash
# Install spec-kitty-tracker with its man pages and shell completions under a prefix
# (default ~/.local), in the places man(1), bash-completion and fish look by themselves:
#   PREFIX/bin/spec-kitty-tracker                       (cargo install --locked)
#   PREFIX/share/man/man1/spec-kitty-tracker*.1         (man finds it when PREFIX/bin is on PATH)
#   PREFIX/share/bash-completion/completions/spec-kitty-tracker
#   PREFIX/share/zsh/site-functions/_spec-kitty-tracker
#   PREFIX/share/fish/vendor_completions.d/spec-kitty-tracker.fish
# Usage: bash scripts/install.sh [--prefix DIR] [--binary FILE]
#   --binary FILE  install this already built binary instead of running cargo install
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="$HOME/.local"
binary=
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --binary) binary=${2:?--binary needs a file}; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
name=spec-kitty-tracker

if [ -n "$binary" ]; then
  install -Dm755 "$binary" "$prefix/bin/$name"
else
  cargo install --locked --path . --root "$prefix"
fi
install -d "$prefix/share/man/man1"
install -m644 man/*.1 "$prefix/share/man/man1/"
install -Dm644 completions/$name.bash "$prefix/share/bash-completion/completions/$name"
install -Dm644 completions/_$name "$prefix/share/zsh/site-functions/_$name"
install -Dm644 completions/$name.fish "$prefix/share/fish/vendor_completions.d/$name.fish"

echo "Installed $name, its man pages and completions under $prefix."
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "- add $prefix/bin to PATH (man then finds $prefix/share/man too)" ;;
esac
if [ -n "${MANPATH:-}" ]; then
  echo "- MANPATH is set, so man looks only there: add $prefix/share/man to it"
fi
if [ "$prefix" != "$HOME/.local" ]; then
  echo "- bash: source $prefix/share/bash-completion/completions/$name from ~/.bashrc"
  echo "- fish: add $prefix/share/fish/vendor_completions.d to \$fish_complete_path"
fi
echo "- zsh: put 'fpath+=($prefix/share/zsh/site-functions)' before compinit in ~/.zshrc"
