//! Passes each program's linker script, and only when building for the bare-metal target.
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        println!("cargo:rustc-link-arg-bin=bench-clock=-T{dir}/clock.ld");
        println!("cargo:rustc-link-arg-bin=bench-entry=-T{dir}/entry.ld");
    }
    println!("cargo:rerun-if-changed=clock.ld");
    println!("cargo:rerun-if-changed=entry.ld");
}
