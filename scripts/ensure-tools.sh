#!/usr/bin/env bash
# Installs what a command needs, only where it is missing, so a fresh CI machine and a
# developer's warm one run the same script. Everything comes from package registries
# (rustup, crates.io, npm, apt): nothing downloads a prebuilt binary from elsewhere.
#
# Usage: scripts/ensure-tools.sh build|test|fuzz
#   build  for ./run build, ./run demo and npm run build: the Rust toolchain pinned in
#          rust-toolchain.toml with its wasm32 target, wasm-bindgen-cli, node_modules.
#          Needs no root (the demo serves the user's own browser: no chromium).
#   test   for ./run test: build's tools, rustfmt and clippy, fuzz's tools, and Debian's
#          chromium for the browser tests (apt-get, as root, only when /usr/bin/chromium is
#          missing).
#   fuzz   for ./run fuzz: the pinned toolchain, a nightly one and cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[ensure-tools] %s\n' "$*" >&2; }

mode="${1:-}"
case "$mode" in
  build | test | fuzz) ;;
  *)
    printf 'usage: scripts/ensure-tools.sh build|test|fuzz\n' >&2
    exit 2
    ;;
esac

# rustup installs the pinned toolchain on first use anyway; asked explicitly here, so the
# install is announced and also works where auto-install is off (RUSTUP_AUTO_INSTALL=0).
ensure_toolchain() {
  local channel
  channel="$(awk -F'"' '/^channel *=/ { print $2; exit }' rust-toolchain.toml)"
  if [[ -z "$channel" ]]; then
    say "rust-toolchain.toml names no channel" && exit 1
  fi
  if ! rustup toolchain list | grep -q "^${channel}-"; then
    say "rustup toolchain install $channel (rust-toolchain.toml)"
    # No argument: the file's channel, with its targets and components.
    rustup toolchain install
  fi
}

# For the active (pinned) toolchain: one installed before its file listed these lacks them.
ensure_rustup_parts() {
  local kind="$1" installed part missing=()
  shift
  installed="$(rustup "$kind" list --installed)"
  for part in "$@"; do
    grep -q "^${part}\(-\|$\)" <<<"$installed" || missing+=("$part")
  done
  if ((${#missing[@]})); then
    say "rustup $kind add ${missing[*]}"
    rustup "$kind" add "${missing[@]}" >/dev/null
  fi
}

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly, or it refuses the module.
ensure_wasm_bindgen() {
  local want have
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  if [[ -z "$want" ]]; then
    say "Cargo.lock has no wasm-bindgen package entry: cannot pick a wasm-bindgen-cli version" && exit 1
  fi
  have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
  if [[ "$have" != "$want" ]]; then
    say "cargo install --locked wasm-bindgen-cli --version $want (found: ${have:-none}; takes several minutes)"
    cargo install -q --locked --force wasm-bindgen-cli --version "$want"
  fi
}

# npm ci only when node_modules does not match package-lock.json: a stamp of the lock's hash
# survives fresh clones, where file times say nothing.
ensure_node_modules() {
  local stamp=node_modules/.tokenward-lock-sha256 want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    printf '%s\n' "$want" >"$stamp"
  fi
}

# cargo fuzz needs a nightly rustc (its sanitizer-coverage flags); everything else stays on the
# pinned toolchain. Any nightly does: installed only when there is none (a dated one, such as
# nightly-2026-05-20, is not what `cargo +nightly` runs). cargo-fuzz at the version
# scripts/fuzz.sh was written for, built with the pinned toolchain (under 2.5 minutes, one core).
CARGO_FUZZ_VERSION=0.13.2
ensure_fuzz() {
  local have
  if ! rustup toolchain list | grep -q '^nightly-[a-z]'; then
    say "rustup toolchain install nightly --profile minimal (for cargo fuzz)"
    rustup toolchain install nightly --profile minimal
  fi
  have="$(cargo fuzz --version 2>/dev/null | awk '{ print $2 }' || true)"
  if [[ "$have" != "$CARGO_FUZZ_VERSION" ]]; then
    say "cargo install --locked cargo-fuzz --version $CARGO_FUZZ_VERSION (found: ${have:-none}; takes a few minutes)"
    cargo install -q --locked --force cargo-fuzz --version "$CARGO_FUZZ_VERSION"
  fi
}

# The browser tests drive Debian's chromium: playwright's own browser download is not reachable.
ensure_chromium() {
  if [[ ! -x /usr/bin/chromium ]]; then
    if [[ "$(id -u)" != 0 ]]; then
      say "the browser tests need /usr/bin/chromium: install it as root (apt-get install chromium)" && exit 1
    fi
    say "apt-get install chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  fi
}

ensure_toolchain
if [[ "$mode" == fuzz ]]; then
  ensure_fuzz
  exit 0
fi
ensure_rustup_parts target wasm32-unknown-unknown
ensure_wasm_bindgen
ensure_node_modules
if [[ "$mode" == test ]]; then
  ensure_rustup_parts component rustfmt clippy
  ensure_fuzz
  ensure_chromium
fi
