//! One cfg for "the session's Wasm, without std" (`tokenward_no_std`): wasm32 with the `std`
//! feature off. Native builds always link std (tests, the cdylib's unwinding).
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(tokenward_no_std)");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    if wasm && std::env::var_os("CARGO_FEATURE_STD").is_none() {
        println!("cargo::rustc-cfg=tokenward_no_std");
    }
}
