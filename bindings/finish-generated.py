#!/usr/bin/env python3
"""Finishes the bindings uniffi-bindgen generated, so that in every language
a refusal's readable message is the core error's Display text while the
error keeps its stable `code`.

UniFFI 0.32 gives an error enum with fields a message that lists the fields
(`code=..., reason=...`) in Kotlin (`message`) and Python (`str(e)`), and a
Swift `errorDescription` that does the same; a flat error would carry the
text but lose `code` (and could no longer be thrown by a DeviceSigner
written in Kotlin or Swift), and an error object leaves Kotlin's `message`
null. UniFFI has no setting for this, so three small edits follow the
generation:

- Kotlin: `DocbridgeException.Refused.message` returns `reason`;
- Python: `DocbridgeError.Refused` passes `reason` to `Exception`, so
  `str(e)` is the message;
- Swift: `uniffi.toml` sets `omit_localized_error_conformance`, and an
  extension makes `DocbridgeError` a `LocalizedError` whose
  `errorDescription` is `description` (the Display text), and declares the
  `CustomStringConvertible` that `description` already satisfies, so
  `"\\(error)"` is the message too.

Each edit must match the generated text exactly once; anything else fails
the build, so a UniFFI upgrade that changes the templates is noticed.

Usage: finish-generated.py OUT_DIR (the directory holding kotlin/, python/
and swift/ as `uniffi-bindgen generate --out-dir OUT_DIR/<language>`
writes them); a language directory that is absent is skipped.
"""

import os
import sys

KOTLIN = (
    "org/docbridge/docbridge_ffi.kt",
    'get() = "code=${ `code` }, reason=${ `reason` }"',
    "get() = `reason`",
)
PYTHON = (
    "docbridge_ffi.py",
    """super().__init__(", ".join([
                "code={!r}".format(code),
                "reason={!r}".format(reason),
            ]))""",
    "super().__init__(reason)",
)
SWIFT_FILE = "Docbridge.swift"
SWIFT_ANCHOR = "extension DocbridgeError: Foundation.LocalizedError"
SWIFT_EXTENSION = """
// Added by bindings/finish-generated.py: the readable message for
// `localizedDescription` and string interpolation, instead of a dump of
// the fields.
extension DocbridgeError: Foundation.LocalizedError, Swift.CustomStringConvertible {
    public var errorDescription: String? { description }
}
"""


def fail(message):
    sys.exit(f"finish-generated.py: {message}")


def replace_once(path, old, new):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    count = text.count(old)
    if count != 1:
        fail(f"{path}: expected the generated text once, found it {count} times: {old!r}")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new))


def finish_swift(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    declarations = [line for line in text.splitlines() if line.startswith("enum DocbridgeError: ")]
    if len(declarations) != 1:
        fail(f"{path}: expected one declaration of enum DocbridgeError, found {len(declarations)}")
    if "LocalizedError" in declarations[0]:
        fail(f"{path}: DocbridgeError is already a LocalizedError; is omit_localized_error_conformance set in uniffi.toml?")
    if text.count("public var description: String") != 1:
        fail(f"{path}: expected exactly one `description` (the exported Display of DocbridgeError)")
    if SWIFT_ANCHOR in text:
        fail(f"{path}: already finished")
    with open(path, "a", encoding="utf-8") as f:
        f.write(SWIFT_EXTENSION)


def main():
    if len(sys.argv) != 2:
        fail("usage: finish-generated.py OUT_DIR")
    out = sys.argv[1]
    done = []
    for language, (relative, old, new) in (("kotlin", KOTLIN), ("python", PYTHON)):
        path = os.path.join(out, language, relative)
        if os.path.isdir(os.path.join(out, language)):
            replace_once(path, old, new)
            done.append(language)
    swift = os.path.join(out, "swift", SWIFT_FILE)
    if os.path.isdir(os.path.join(out, "swift")):
        finish_swift(swift)
        done.append("swift")
    if not done:
        fail(f"no kotlin/, python/ or swift/ under {out}")
    print(f"finished the generated bindings: {', '.join(done)}")


main()
