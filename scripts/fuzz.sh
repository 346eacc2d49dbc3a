#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ (decode, keyset, verify_explain) one after another, each
# for a fixed time: `./run fuzz [seconds]` for a real session, `./run test` for a short one.
#
# Usage: scripts/fuzz.sh [seconds-per-target] [target...]
#   seconds  how long each target runs (default 60; ./run test passes 5)
#   target   the targets to run (default: every one in fuzz/Cargo.toml)
#
# Each target starts from its committed seeds, fuzz/seeds/<target>/ (read only), and from what
# earlier runs kept in fuzz/corpus/<target>/ (gitignored; libFuzzer writes there, and it is
# minimised after each run). libFuzzer's output goes to fuzz/target/logs/<target>.log; one line
# per target says what it ran. A crash, panic or failed assertion stops the script non-zero and
# names the input saved under fuzz/artifacts/<target>/, with the command that replays it.
# Needs a nightly toolchain and cargo-fuzz: ./run fuzz and ./run test install them first
# (scripts/ensure-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

say() { printf '[fuzz] %s\n' "$*" >&2; }

seconds="${1:-60}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || {
  say "usage: scripts/fuzz.sh [seconds-per-target] [target...]"
  exit 2
}
shift || true
if (($#)); then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

# No sanitizer, debug assertions on: tokenward has no unsafe code outside the Wasm bindings,
# so what fuzzing can find is panics, overflows and disagreeing verdicts, which these catch.
# Measured on a 2-core machine, cold, one job: this build takes 3m04s against ASan's 4m41s,
# and verify_explain runs 8,300 inputs/s against ASan's 1,200. An unoptimised build (--dev)
# saves under a minute but runs verify_explain at 20 inputs/s: too slow even for 5 s.
build=(--sanitizer none --debug-assertions)
# Per input 10 s, far beyond any legitimate one (libFuzzer's slowest in 22 million runs took
# under a second), and 2 GiB (libFuzzer's default, written down; peak seen 40 MB). 8 KiB
# inputs hold a token with many claims or a key set of several RSA keys. The dictionary names
# the JOSE members, which libFuzzer cannot learn from string comparisons without a sanitizer.
libfuzzer=(-timeout=10 -rss_limit_mb=2048 -max_len=8192 -dict=jose.dict -print_final_stats=1)

# Built once here; `cargo fuzz run` below, with the same flags, finds it up to date.
cargo +nightly fuzz build "${build[@]}"
mkdir -p target/logs
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  log="target/logs/$target.log"
  if ! cargo +nightly fuzz run "${build[@]}" "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" "${libfuzzer[@]}" >"$log" 2>&1; then
    # The panic (or libFuzzer's report of a timeout, leak or out-of-memory), else the log's end.
    grep -m 1 -A 12 -E 'panicked at|ERROR: libFuzzer|^==[0-9]+==' "$log" >&2 || tail -n 40 "$log" >&2
    artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
    artifact="${artifact#"$PWD"/}"
    say "$target FAILED: input saved in fuzz/${artifact:-artifacts/$target/}; whole log: fuzz/$log"
    say "replay: (cd fuzz && cargo +nightly fuzz run ${build[*]} $target ${artifact:-artifacts/$target/<file>})"
    exit 1
  fi
  # libFuzzer only ever adds to corpus/: keep the inputs that still add coverage.
  cargo +nightly fuzz cmin "${build[@]}" "$target" "corpus/$target" >>"$log" 2>&1
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | head -n 1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | head -n 1)"
  corpus="$(find "corpus/$target" -type f | wc -l)"
  say "$target: ${runs:-?} inputs in ${seconds}s (${rate:-?}/s), no failure; corpus/$target holds $corpus"
done
