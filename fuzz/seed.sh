#!/usr/bin/env bash
# Builds the seed corpora of every fuzz target in fuzz/corpus/<target>/ from
# the conformance vectors (test-vectors/) and the external vectors
# (../shared/vectors/external). The corpora are generated, not committed:
# run this before fuzzing (fuzz/run.sh does). Hex files are decoded.
set -euo pipefail
cd "$(dirname "$0")"
vectors=../test-vectors/cases
external=../../shared/vectors/external

add() { # add TARGET FILE...: copies each file, named by its content hash
  local target=$1
  shift
  mkdir -p "corpus/$target"
  local file
  for file in "$@"; do
    [ -f "$file" ] || continue
    cp "$file" "corpus/$target/$(sha1sum "$file" | cut -c1-16)"
  done
}

add_hex() { # add_hex TARGET FILE...: the bytes a hex file spells
  local target=$1
  shift
  mkdir -p "corpus/$target"
  local file bytes
  for file in "$@"; do
    [ -f "$file" ] || continue
    bytes=$(tr -d ' \n\r' < "$file")
    printf '%s' "$bytes" | xxd -r -p > "corpus/$target/hex-$(basename "$file" .hex)"
  done
}

mapfile -t all_cbor < <(find "$vectors" "$external" -type f \( -name '*.cbor' -o -name '*.cwt' -o -name '*.vical' -o -name '*.bin' \) | sort)
mapfile -t all_hex < <(find "$external" -type f -name '*.hex' | sort)

add cbor_decode "${all_cbor[@]}"
add_hex cbor_decode "${all_hex[@]}"
add verify_issuer_signed "$vectors"/{valid,cbor,cose,cert,mso,date,time,policy,status,structure,claims}-*/*.cbor
add_hex verify_issuer_signed "$external"/iso18013-5-annex-d/*/issuer_signed*.hex
add device_response "$vectors"/{response,via}-*/*.cbor "$external"/openid4vp/*device_response.cbor "$external"/dcapi/*device_response.cbor
add_hex device_response "$external"/iso18013-5-annex-d/*/device_response*.hex
add device_request "$vectors"/request-*/*.cbor
add_hex device_request "$external"/iso18013-5-annex-d/*/device_request*.hex
add trust_list "$vectors"/trust-*/*.cbor "$external"/vical/*.cbor "$external"/vical/*.vical
add trust_store_state "$vectors"/trust-*/saved-state.cbor
add status_token "$vectors"/status-*/*.cwt "$external"/token-status-list/*.cbor
add session "$vectors"/session-*/*.cbor "$vectors"/session-*/*.bin
add_hex session "$external"/iso18013-5-annex-d/*/session_*.hex
add claims "$vectors"/valid-*/*.cbor "$vectors"/claims-*/*.cbor
find "$vectors" -name '*.json' ! -name 'case.json' -exec bash -c 'for f; do mkdir -p corpus/claims; cp "$f" "corpus/claims/json-$(sha1sum "$f" | cut -c1-16)"; done' _ {} +
# The structure-aware target reads mutation commands: a few fixed seeds
# (every operation once, on the first items) are enough for libFuzzer.
mkdir -p corpus/resigned_document
for op in $(seq 0 11); do
  printf "$(printf '\\x%02x\\x00\\x00\\x01' "$op")" > "corpus/resigned_document/op-$op"
done
# The regressions: every committed crash input is a seed too.
for dir in regressions/*/; do
  [ -d "$dir" ] || continue
  add "$(basename "$dir")" "$dir"*
done
for target in corpus/*/; do
  echo "$(basename "$target"): $(find "$target" -type f | wc -l) seeds"
done
