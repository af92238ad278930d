//! `uniffi-bindgen generate --library <libdocbridge_ffi.so> --language kotlin|swift|python`:
//! UniFFI's own command line, built as a separate package so that its `cli`
//! feature never changes how `docbridge-ffi` is compiled.

fn main() {
    uniffi::uniffi_bindgen_main()
}
