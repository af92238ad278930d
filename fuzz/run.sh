#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, one after
# the other, and fails on the first crash, timeout or out-of-memory:
#
#   fuzz/run.sh SECONDS [TARGET...]
#
# Needs `cargo install cargo-fuzz` and a C++ compiler; the stable toolchain
# is enough with RUSTC_BOOTSTRAP=1 (set here). A crashing input is left in
# fuzz/artifacts/<target>/; copy it to fuzz/regressions/<target>/ and
# `cargo test -p docbridge --test fuzz_regressions` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
export RUSTC_BOOTSTRAP=1
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
./seed.sh > /dev/null
cargo fuzz build --sanitizer none --debug-assertions
for target in "${targets[@]}"; do
  case $target in
    cbor_decode | verify_issuer_signed | device_response) max_len=1100000 ;; # past 1 MiB
    resigned_document) max_len=512 ;;
    *) max_len=262144 ;;
  esac
  log=$(mktemp)
  # -rss_limit_mb: an input that makes the library hold more than this is a
  # finding (the library's budget is 4x the input plus 16 MiB); -timeout:
  # one input slower than this is one too.
  if ! cargo fuzz run --sanitizer none --debug-assertions "$target" -- \
    -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=1024 \
    -timeout=10 -print_final_stats=1 > "$log" 2>&1; then
    tail -n 40 "$log"
    echo "FAIL $target: see fuzz/artifacts/$target/" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "ok $target: $runs executions in ${seconds}s"
  rm -f "$log"
done
