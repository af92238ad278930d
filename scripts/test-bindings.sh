#!/usr/bin/env bash
# Builds the UniFFI bindings of docbridge-ffi (bindings/) for Kotlin, Swift
# and Python and runs one test program in each over every case of
# test-vectors/ plus the holder, consent and error checks. Each program ends
# with "N passed, M failed"; the script exits non-zero on any failure.
#
# Installs what it needs and keeps it between runs:
#   apt:   libjna-java (JNA for Kotlin/JVM), debootstrap
#   npm:   kotlin-compiler, under $CACHE/npm
#   Swift: a Debian trixie chroot with swiftlang (Debian bookworm has no
#          Swift compiler and trixie's needs glibc 2.38), under $CACHE/trixie
# Usage: scripts/test-bindings.sh [--setup-only]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${DOCBRIDGE_BINDINGS_CACHE:-/var/cache/docbridge-bindings}
KOTLIN_VERSION=2.4.20
K=$CACHE/npm/node_modules/kotlin-compiler
CHROOT=$CACHE/trixie
mkdir -p "$CACHE"

step() { echo "== $*"; }

# ----- toolchains -----
apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
[ -f /usr/share/java/jna.jar ] && [ -f /usr/share/java/gson.jar ] || {
  step "apt install libjna-java libgoogle-gson-java"; apt_install libjna-java libgoogle-gson-java
}
[ -x "$K/bin/kotlinc" ] || {
  step "npm install kotlin-compiler@$KOTLIN_VERSION"
  npm install --prefix "$CACHE/npm" --no-audit --no-fund --silent "kotlin-compiler@$KOTLIN_VERSION"
}
if [ ! -x "$CHROOT/usr/bin/swiftc" ] && [ ! -x "$CHROOT/usr/libexec/swift/bin/swiftc" ]; then
  step "Debian trixie chroot with swiftlang (once; kept in $CHROOT)"
  command -v debootstrap >/dev/null || apt_install debootstrap
  rm -rf "${CHROOT:?}.partial"
  debootstrap --variant=minbase trixie "$CHROOT.partial" >/dev/null
  chroot "$CHROOT.partial" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends swiftlang libc6-dev >/dev/null && apt-get clean'
  mv "$CHROOT.partial" "$CHROOT"
fi
[ "${1:-}" = "--setup-only" ] && exit 0

# ----- Rust: the release cdylib, and the generator (its own package, so
# building it never changes how the library is compiled) -----
step "cargo build --release -p docbridge-ffi --features demo; cargo build -p uniffi-bindgen"
cargo build --locked --quiet --release -p docbridge-ffi --features demo
cargo build --locked --quiet -p uniffi-bindgen
LIB=$ROOT/target/release/libdocbridge_ffi.so
OUT=$ROOT/target/bindings
rm -rf "${OUT:?}/kotlin" "${OUT:?}/swift" "${OUT:?}/python"
mkdir -p "$OUT"
for language in kotlin swift python; do
  target/debug/uniffi-bindgen generate --no-format --library "$LIB" --language "$language" \
    --out-dir "$OUT/$language" >/dev/null
done
# The readable error message in every language (see the script's header;
# apps that package the bindings run the same step).
python3 bindings/finish-generated.py "$OUT"
VECTORS=$ROOT/test-vectors
status=0
result() { # name, exit status
  if [ "$2" -ne 0 ]; then echo "== $1: FAILED (exit $2)"; status=1; fi
}

# ----- Python -----
step "Python"
cp "$LIB" "$OUT/python/"
set +e
python3 bindings/tests/python/test_bindings.py "$OUT/python" "$VECTORS"
result python $?
set -e

# ----- Kotlin on the JVM -----
step "Kotlin (JVM)"
CP=/usr/share/java/jna.jar:/usr/share/java/gson.jar
# Compiling the generated bindings takes kotlinc minutes: keep the jar for
# as long as the generated source is the same.
KT=$OUT/kotlin/org/docbridge/docbridge_ffi.kt
JAR=$CACHE/kotlin/bindings-$(sha256sum "$KT" | cut -c1-16).jar
if [ ! -f "$JAR" ]; then
  mkdir -p "$CACHE/kotlin"
  "$K/bin/kotlinc" -nowarn "$KT" -cp "$CP" -d "$JAR.partial.jar"
  mv "$JAR.partial.jar" "$JAR"
fi
"$K/bin/kotlinc" -nowarn bindings/tests/kotlin/Main.kt -cp "$JAR:$CP" -d "$OUT/kotlin/test.jar"
set +e
java -Djna.library.path="$(dirname "$LIB")" \
  -cp "$OUT/kotlin/test.jar:$JAR:$K/lib/kotlin-stdlib.jar:$CP" MainKt "$VECTORS"
result kotlin $?
set -e

# ----- Swift, in the trixie chroot -----
step "Swift (chroot: $CHROOT)"
mountpoint -q "$CHROOT/proc" || { mount -t proc proc "$CHROOT/proc"; trap 'umount "$CHROOT/proc"' EXIT; }
W=$CHROOT/work
rm -rf "${W:?}"
mkdir -p "$W/vectors"
cp "$OUT/swift/"* "$LIB" bindings/tests/swift/main.swift "$W/"
cp -r "$VECTORS/." "$W/vectors/"
set +e
chroot "$CHROOT" sh -c 'cd /work && swiftc -module-name DocbridgeTest \
    -Xcc -fmodule-map-file=/work/DocbridgeFFI.modulemap -I /work -L /work -ldocbridge_ffi \
    Docbridge.swift main.swift -o swift_test && LD_LIBRARY_PATH=/work ./swift_test /work/vectors'
result swift $?
set -e

# ----- size -----
strip -o "$OUT/libdocbridge_ffi.stripped.so" "$LIB"
echo "== stripped release cdylib: $(stat -c %s "$OUT/libdocbridge_ffi.stripped.so") bytes (target/release/libdocbridge_ffi.so)"
exit $status
