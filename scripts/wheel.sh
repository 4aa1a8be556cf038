#!/usr/bin/env bash
# Build the Python wheels (maturin, `bindings = "bin"`, see pyproject.toml), one per platform,
# and check them; the Linux x86_64 one also the way a user gets it: installed into a fresh venv,
# with pipx and with `uv tool install`.
#
# The five wheels (target triple, how it is linked, platform tag):
#   x86_64-unknown-linux-gnu   host gcc                          manylinux_2_34_x86_64
#   aarch64-unknown-linux-gnu  zig (maturin --zig)               manylinux_2_17_aarch64 (and 2014)
#   x86_64-apple-darwin        zig (maturin --zig)               macosx_10_12_x86_64
#   aarch64-apple-darwin       zig (maturin --zig)               macosx_11_0_arm64
#   x86_64-pc-windows-gnu      Debian's gcc-mingw-w64-x86-64     win_amd64
# The macOS binaries link no framework (libSystem, libiconv, libcharset), so zig needs no macOS
# SDK. Each is one release build; scripts/wine-test.sh then runs the Windows wheel's .exe under
# Wine.
# `--native` builds and checks only the Linux x86_64 wheel (quick local runs); `--cross` only the
# other four (built and checked, none installed: .ci/run builds them with a lighter profile, see
# below). The release profile can be changed from the environment as cargo allows
# (CARGO_PROFILE_RELEASE_OPT_LEVEL=1 ...); each build's wall-clock and CPU time is printed.
#
# Checks (each against a tool we did not write):
# - each wheel's file list (Python's zipfile): exactly one executable, the binary, and nothing
#   of Python; every committed man page and the bash/zsh/fish completion scripts, byte for byte;
#   name and version in METADATA equal Cargo's (`cargo metadata`); the platform tag in its name
#   and WHEEL file is the expected one;
# - each wheel's binary: file(1) names its format and architecture (ELF x86-64 / ARM aarch64,
#   Mach-O x86_64 / arm64, PE32+ x86-64 console); the arm64 Mach-O carries the ad-hoc code
#   signature Apple silicon requires, every page hash checked as the kernel checks it (Apple's
#   code signing format);
# - in a fresh venv (pip): `spec-kitty-tracker --version` equals Cargo's version; every man page
#   renders with `man -l` without a groff warning, and `man` finds it through PATH alone; the bash
#   completion script is at share/bash-completion/completions/ and real bash completes with it;
#   scripts/demo.sh runs every step with the installed binary;
# - pipx links the man pages where `man` finds them; the README's MANPATH line for uv works.
#
# maturin, ziglang (zig as a cross linker), pipx and uv come from PyPI, pinned, into a venv kept
# under target/wheel-tools (reruns reuse it); missing rustup targets and Debian packages (mingw,
# file, man-db, groff) are installed. The wheels are left in target/wheels/.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
MATURIN_VERSION=1.16.0 ZIGLANG_VERSION=0.17.1 PIPX_VERSION=1.18.4 UV_VERSION=0.13.8
python=${PYTHON:-python3}
target=$(realpath -m "${CARGO_TARGET_DIR:-target}")
say() { printf 'wheel.sh: %s\n' "$*" >&2; }
fail() { printf 'wheel.sh: FAILED: %s\n' "$*" >&2; exit 1; }

# target triple, extra maturin options, platform tag, file(1) pattern of the binary
platforms=(
  "x86_64-unknown-linux-gnu||manylinux_2_34_x86_64|ELF 64-bit LSB .*x86-64"
  "x86_64-pc-windows-gnu||win_amd64|PE32\\+ executable \\(console\\) x86-64.*MS Windows"
  "aarch64-unknown-linux-gnu|--zig --compatibility manylinux_2_17|manylinux_2_17_aarch64|ELF 64-bit LSB .*ARM aarch64"
  "x86_64-apple-darwin|--zig|macosx_10_12_x86_64|Mach-O 64-bit x86_64 executable"
  "aarch64-apple-darwin|--zig|macosx_11_0_arm64|Mach-O 64-bit arm64 executable"
)
install_checks=true
case "${1-}" in
  --native) platforms=("${platforms[0]}") ;;
  --cross) platforms=("${platforms[@]:1}") install_checks=false ;;
  "") ;;
  *) fail "usage: scripts/wheel.sh [--native | --cross]" ;;
esac

# man-db and groff render the man pages, file(1) names the binaries, mingw links the Windows
# one; install them when missing (Debian/Ubuntu, as root).
packages=()
command -v man > /dev/null || packages+=(man-db)
command -v groff > /dev/null || packages+=(groff-base)
command -v file > /dev/null || packages+=(file)
if [[ ${platforms[*]} == *windows* ]] && ! command -v x86_64-w64-mingw32-gcc > /dev/null; then
  packages+=(gcc-mingw-w64-x86-64)
fi
if [ ${#packages[@]} -gt 0 ]; then
  say "installing ${packages[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" > /dev/null
fi
installed_targets=$(rustup target list --installed)
for platform in "${platforms[@]}"; do
  triple=${platform%%|*}
  grep -qx "$triple" <<< "$installed_targets" || rustup target add "$triple" >&2
done

tools="$target/wheel-tools"
pins="maturin==$MATURIN_VERSION ziglang==$ZIGLANG_VERSION pipx==$PIPX_VERSION uv==$UV_VERSION"
if [ "$(cat "$tools/pins" 2> /dev/null)" != "$pins" ]; then
  say "setting up $tools ($pins)"
  rm -rf "$tools"
  "$python" -m venv "$tools"
  # shellcheck disable=SC2086  # $pins is a list of requirements
  "$tools/bin/pip" install --quiet --disable-pip-version-check $pins
  echo "$pins" > "$tools/pins"
fi

# Cargo's version; a SemVer pre-release (1.0.0-rc.1) would be spelled the PEP 440 way (1.0.0rc1)
# in the wheel's name and METADATA, and the checks below would need to convert it.
version=$(cargo metadata --locked --no-deps --format-version 1 |
  "$python" -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "spec-kitty-tracker"))')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# maturin --zig finds zig through the ziglang package of the tools venv; zig's cache (the libc
# stubs it builds per target) is kept beside it.
export PATH="$tools/bin:$PATH" ZIG_GLOBAL_CACHE_DIR="$target/wheel-tools/zig-cache"
# $cpu: CPU seconds (user + system) of the finished child processes so far, from bash's `times`
# (run in this shell: a subshell's `times` starts from zero).
cpu_now() {
  times > "$work/times"
  cpu=$(tail -n 1 "$work/times" | awk '{ t = 0; for (i = 1; i <= NF; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] } printf "%d", t }')
}
build_seconds=""
for platform in "${platforms[@]}"; do
  IFS='|' read -r triple options tag pattern <<< "$platform"
  say "building the $tag wheel of spec-kitty-tracker $version ($triple, release build, opt-level ${CARGO_PROFILE_RELEASE_OPT_LEVEL:-3})"
  rm -f "$target"/wheels/spec_kitty_tracker_cli-*-"$tag".whl
  cpu_now
  build_started=$SECONDS build_cpu=$cpu
  # shellcheck disable=SC2086  # $options is a list of options
  "$tools/bin/maturin" build --release --quiet --target "$triple" $options --out "$target/wheels" >&2
  cpu_now
  build_seconds+="${build_seconds:+, }$triple $((SECONDS - build_started))s (CPU $((cpu - build_cpu))s)"
  # maturin may put an older alias first (manylinux2014_aarch64.manylinux_2_17_aarch64).
  wheels=("$target"/wheels/spec_kitty_tracker_cli-"$version"-py3-none-*"$tag".whl)
  [ ${#wheels[@]} -eq 1 ] && [ -f "${wheels[0]}" ] || fail "expected one $tag wheel in $target/wheels, got: ${wheels[*]}"
  wheel=${wheels[0]}
  exe=spec-kitty-tracker
  [[ $triple != *windows* ]] || exe=spec-kitty-tracker.exe

  say "checking the file list of $(basename "$wheel")"
  "$python" - "$wheel" "$version" "$tag" "$exe" "$work/binary" << 'PY'
import pathlib, sys, zipfile
from email.parser import Parser

wheel, version, tag, exe, binary_out = sys.argv[1:]
data = f"spec_kitty_tracker_cli-{version}.data"
info = f"spec_kitty_tracker_cli-{version}.dist-info"
binary = f"{data}/scripts/{exe}"
errors = []
with zipfile.ZipFile(wheel) as z:
    entries = {e.filename: e for e in z.infolist() if not e.is_dir()}
    executables = sorted(n for n, e in entries.items() if (e.external_attr >> 16) & 0o111)
    if executables != [binary]:
        errors.append(f"executables: expected only the binary, got {executables}")
    outside = sorted(n for n in entries if not n.startswith((data + "/", info + "/")))
    if outside:
        errors.append(f"files outside .data/ and .dist-info/ (Python code?): {outside}")
    # Each shipped data file and the committed file it must equal.
    share = f"{data}/data/share"
    shipped = {f"{share}/man/man1/{p.name}": p for p in pathlib.Path("man").glob("*.1")}
    shipped.update({
        f"{share}/bash-completion/completions/spec-kitty-tracker": pathlib.Path("completions/spec-kitty-tracker.bash"),
        f"{share}/zsh/site-functions/_spec-kitty-tracker": pathlib.Path("completions/_spec-kitty-tracker"),
        f"{share}/fish/vendor_completions.d/spec-kitty-tracker.fish": pathlib.Path("completions/spec-kitty-tracker.fish"),
    })
    in_data = {n for n in entries if n.startswith(data + "/")}
    expected = set(shipped) | {binary}
    if in_data != expected:
        errors.append(
            f"data files: missing {sorted(expected - in_data)}, unexpected {sorted(in_data - expected)}"
            " (packaging/wheel-data/ holds one symlink per shipped file)"
        )
    for name, source in shipped.items():
        if name in entries and z.read(name) != source.read_bytes():
            errors.append(f"{name} differs from {source}")
    meta = Parser().parsestr(z.read(f"{info}/METADATA").decode())
    if (meta["Name"], meta["Version"]) != ("spec-kitty-tracker-cli", version):
        errors.append(f"METADATA names {meta['Name']} {meta['Version']}")
    tags = Parser().parsestr(z.read(f"{info}/WHEEL").decode()).get_all("Tag")
    if f"py3-none-{tag}" not in tags or any(not t.startswith("py3-none-") for t in tags):
        errors.append(f"WHEEL tags {tags}, expected py3-none-{tag}")
    if binary in entries:
        pathlib.Path(binary_out).write_bytes(z.read(binary))
if errors:
    sys.exit("wheel.sh: FAILED:\n  " + "\n  ".join(errors))
PY
  format=$(file -b "$work/binary")
  grep -Eq "^$pattern" <<< "$format" || fail "$(basename "$wheel"): the binary is '$format', expected /$pattern/"
  if [[ $triple == aarch64-apple-darwin ]]; then
    "$python" - "$work/binary" << 'PY' || fail "$(basename "$wheel"): the code signature"
import hashlib, struct, sys

# The ad-hoc code signature macOS requires of arm64 code (Apple silicon refuses to run an
# unsigned arm64 binary), checked the way the kernel does: LC_CODE_SIGNATURE points at a
# SuperBlob whose CodeDirectory holds a hash of every page of the file up to codeLimit.
data = open(sys.argv[1], "rb").read()
magic, cputype, _, _, ncmds, _, _, _ = struct.unpack_from("<IiiIIIII", data, 0)
if magic != 0xFEEDFACF:
    sys.exit(f"not a 64-bit Mach-O (magic {magic:#x})")
offset, signature = 32, None
for _ in range(ncmds):
    cmd, size = struct.unpack_from("<II", data, offset)
    if cmd == 0x1D:  # LC_CODE_SIGNATURE
        signature = struct.unpack_from("<II", data, offset + 8)
    offset += size
if signature is None:
    sys.exit("no LC_CODE_SIGNATURE: macOS on Apple silicon will not run it")
dataoff, datasize = signature
blob = data[dataoff:dataoff + datasize]
sb_magic, _, count = struct.unpack_from(">III", blob, 0)
if sb_magic != 0xFADE0CC0:
    sys.exit(f"the signature is not an embedded SuperBlob (magic {sb_magic:#x})")
directories = 0
for i in range(count):
    _, blob_offset = struct.unpack_from(">II", blob, 12 + 8 * i)
    (cd_magic,) = struct.unpack_from(">I", blob, blob_offset)
    if cd_magic != 0xFADE0C02:  # CodeDirectory
        continue
    directories += 1
    (_, _, _, _, hash_offset, _, _, n_code_slots, code_limit, hash_size, hash_type, _,
     page_log) = struct.unpack_from(">IIIIIIIIIBBBB", blob, blob_offset)
    algorithm = {1: "sha1", 2: "sha256"}.get(hash_type)
    if algorithm is None or page_log == 0:
        sys.exit(f"unexpected CodeDirectory (hash type {hash_type}, page size 2^{page_log})")
    page = 1 << page_log
    if n_code_slots != (code_limit + page - 1) // page or code_limit != dataoff:
        sys.exit(f"the CodeDirectory covers {code_limit} bytes in {n_code_slots} pages, the code ends at {dataoff}")
    for slot in range(n_code_slots):
        want = blob[blob_offset + hash_offset + slot * hash_size:][:hash_size]
        got = hashlib.new(algorithm, data[slot * page:min((slot + 1) * page, code_limit)]).digest()[:hash_size]
        if got != want:
            sys.exit(f"page {slot}: its hash does not match the signature (changed after signing?)")
if directories == 0:
    sys.exit("the signature holds no CodeDirectory")
PY
  fi
  say "ok: $(basename "$wheel"): $format"
done
if ! $install_checks; then
  say "ok: ${#platforms[@]} wheels built and checked (builds: $build_seconds; total $((SECONDS - started))s)"
  exit 0
fi
wheel=$(echo "$target"/wheels/spec_kitty_tracker_cli-"$version"-py3-none-manylinux_2_34_x86_64.whl)

say "installing into a fresh venv"
venv="$work/venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"
got=$("$venv/bin/spec-kitty-tracker" --version)
[ "$got" = "spec-kitty-tracker $version" ] || fail "--version printed '$got', Cargo.toml says $version"

man1="$venv/share/man/man1"
pages=("$man1"/*.1)
[ ${#pages[@]} -eq "$(find man -name '*.1' | wc -l)" ] || fail "$man1 holds ${#pages[@]} pages"
for page in "${pages[@]}"; do
  MANWIDTH=80 man --warnings -l "$page" > "$work/page.txt" 2> "$work/page.err" || fail "man -l $page"
  [ ! -s "$work/page.err" ] || fail "man -l $page warns: $(cat "$work/page.err")"
  grep -q '^NAME' "$work/page.txt" || fail "man -l $page rendered no NAME section"
done
found=$(env -u MANPATH PATH="$venv/bin:/usr/bin:/bin" man -w spec-kitty-tracker-sync-pull)
[ "$found" = "$man1/spec-kitty-tracker-sync-pull.1" ] || fail "man -w found '$found' with $venv/bin on PATH"

bash_completion="$venv/share/bash-completion/completions/spec-kitty-tracker"
[ -f "$bash_completion" ] || fail "no bash completion script at $bash_completion"
# Real bash completes `spec-kitty-tracker sync p<TAB>` with the function the installed script
# registers.
completed=$(bash --norc --noprofile -c '
  source "$1"
  COMP_WORDS=(spec-kitty-tracker sync p); COMP_CWORD=2; COMP_LINE="spec-kitty-tracker sync p"; COMP_POINT=${#COMP_LINE}
  "$(complete -p spec-kitty-tracker | sed -E "s/.*-F ([^ ]+).*/\1/")" spec-kitty-tracker p sync
  printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$bash_completion")
[ "$completed" = "publish pull push " ] || fail "bash completed 'spec-kitty-tracker sync p' to '$completed'"

say "running scripts/demo.sh with the installed binary"
# The demo fails by itself when a step exits other than it declares; a wrapper counts the
# calls, so a demo that silently used another binary fails here.
printf '#!/bin/sh\necho x >> "%s"\nexec "%s" "$@"\n' "$work/calls" "$venv/bin/spec-kitty-tracker" > "$work/installed"
chmod +x "$work/installed"
: > "$work/calls"
SPEC_KITTY_TRACKER_BIN="$work/installed" bash scripts/demo.sh > "$work/demo.txt" 2>&1 ||
  fail "demo: $(tail -n 5 "$work/demo.txt")"
steps=$(grep -c '^.*\$ .*spec-kitty-tracker ' "$work/demo.txt" || true)
calls=$(wc -l < "$work/calls")
[ "$steps" -gt 10 ] && [ "$calls" -eq "$steps" ] || fail "demo ran $steps steps, the installed binary $calls times"

say "installing with pipx and with uv tool install"
home="$work/home"
mkdir -p "$home"
PIPX_HOME="$home/.local/share/pipx" PIPX_BIN_DIR="$home/.local/bin" PIPX_MAN_DIR="$home/.local/share/man" \
  "$tools/bin/pipx" install --quiet "$wheel" > /dev/null
got=$("$home/.local/bin/spec-kitty-tracker" --version)
[ "$got" = "spec-kitty-tracker $version" ] || fail "pipx: --version printed '$got'"
# pipx symlinks the pages into PIPX_MAN_DIR; man -w prints the file the link points to.
linked="$home/.local/share/man/man1/spec-kitty-tracker.1"
[ -L "$linked" ] || fail "pipx did not link $linked"
found=$(env -u MANPATH PATH="$home/.local/bin:/usr/bin:/bin" man -w spec-kitty-tracker)
[ "$(realpath "$found")" = "$(realpath "$linked")" ] || fail "pipx: man -w found '$found'"

export UV_TOOL_DIR="$work/uv-tools" UV_TOOL_BIN_DIR="$work/uv-bin" UV_CACHE_DIR="$work/uv-cache" UV_PYTHON_DOWNLOADS=never
"$tools/bin/uv" tool install --quiet --offline --python "$python" "$wheel"
got=$("$UV_TOOL_BIN_DIR/spec-kitty-tracker" --version)
[ "$got" = "spec-kitty-tracker $version" ] || fail "uv: --version printed '$got'"
# The README's line for uv users, verbatim apart from the path of uv.
found=$(
  unset MANPATH
  export MANPATH="$("$tools/bin/uv" tool dir)/spec-kitty-tracker-cli/share/man:${MANPATH-}"
  man -w spec-kitty-tracker
)
[ "$found" = "$UV_TOOL_DIR/spec-kitty-tracker-cli/share/man/man1/spec-kitty-tracker.1" ] || fail "uv: man -w found '$found'"

say "ok: ${#platforms[@]} wheels, $(basename "$wheel") installed and exercised (builds: $build_seconds; total $((SECONDS - started))s)"
