#!/usr/bin/env bash
# Counts the instructions one verification (or issuance) spends beside its
# crypto, for comparing two builds of the code around the crypto: time
# ratios on these machines move by several per cent from run to run, while
# instruction counts do not.
#
# Runs the ratio bench under callgrind with `profile 0` and `profile N`,
# takes the difference per run, and subtracts the provider's verify, sign
# and digest calls, the device key's reading (PublicKey::from_cose_key) and,
# for deviceMac, ECDH, HKDF and HMAC: the same work in every build. Under
# valgrind SHA-256 runs without the SHA extensions, so the counts say
# nothing about the crypto's share of the time.
#
# Needs valgrind (callgrind_annotate) and python3.
# Usage: scripts/bench-instructions.sh CASE [N]
#   CASE: text in a case name of the ratio bench ("Ed25519 response",
#         "IssuerSigned alone (Ed25519", "Annex D", "issuing"); N defaults to 500.
set -euo pipefail
cd "$(dirname "$0")/.."
CASE=${1:?usage: scripts/bench-instructions.sh CASE [N]}
N=${2:-500}
# The pure-Rust provider's build (another feature set builds another binary).
BIN=$(cargo bench --bench ratios --features rayon --no-run 2>&1 |
    sed -n 's/.*Executable benches\/ratios.rs (\(.*\))/\1/p')
[ -x "$BIN" ] || { echo "no bench binary" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -r -- "${OUT:?}"' EXIT
for n in 0 "$N"; do
    valgrind --tool=callgrind --callgrind-out-file="$OUT/$n" \
        "$BIN" --bench only "$CASE" profile "$n" >/dev/null 2>&1
    callgrind_annotate --inclusive=yes --threshold=100 "$OUT/$n" >"$OUT/$n.txt"
done
python3 - "$OUT/0.txt" "$OUT/$N.txt" "$N" <<'PY'
import re, sys

def totals(path):
    program, calls = 0, {}
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"\s*([\d,]+) \([\s\d.]+%\)\s+(\S*?:)?(.*?)( \[|$)", line)
        if not m:
            continue
        count = int(m.group(1).replace(",", ""))
        name = m.group(3).strip()
        if name == "PROGRAM TOTALS":
            program = count
        else:
            calls[name] = calls.get(name, 0) + count
    return program, calls

(p0, c0), (p1, c1), n = totals(sys.argv[1]), totals(sys.argv[2]), int(sys.argv[3])
per = lambda name: (c1.get(name, 0) - c0.get(name, 0)) / n
provider = "<docbridge::provider::rust_crypto::RustCrypto as docbridge::provider::CryptoProvider>::"
crypto = sum(per(provider + op) for op in ("verify", "sign", "digest"))
crypto += per("docbridge::cose::PublicKey::from_cose_key")
crypto += sum(per(k) for k in c1 if k.startswith(provider) and re.search(r"ecdh|hkdf|hmac", k))
total = (p1 - p0) / n
print(f"per run: {total:,.0f} instructions, of which crypto {crypto:,.0f}; beside the crypto {total - crypto:,.0f}")
PY
