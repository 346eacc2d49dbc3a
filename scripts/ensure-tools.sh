#!/usr/bin/env bash
# Installs what the build, demo and tests need, only where it is missing, so a fresh CI machine
# and a developer's warm one run the same script. Everything comes from package registries
# (rustup targets, crates.io, npm, apt): nothing downloads a prebuilt binary from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[ensure-tools] %s\n' "$*" >&2; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown >/dev/null
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
    say "cargo install wasm-bindgen-cli --version $want (found: ${have:-none}; takes several minutes)"
    cargo install -q --force wasm-bindgen-cli --version "$want"
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

# The browser tests drive Debian's chromium: playwright's own browser download is not reachable.
ensure_chromium() {
  if [[ ! -x /usr/bin/chromium ]]; then
    say "apt-get install chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  fi
}

ensure_wasm_target
ensure_wasm_bindgen
ensure_node_modules
ensure_chromium
