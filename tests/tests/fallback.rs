//! Boot counting with a fallback, without firmware: an entry whose kernel panics (`panic=-1`
//! resets the machine; QEMU's reset keeps RAM, so springboard's state page survives) is marked
//! failed, and springboard boots its fallback.

use qemu_tests::boot_broken_then_good;

#[test]
fn a_panicking_entry_is_marked_failed_and_its_fallback_boots() {
    boot_broken_then_good("fallback", None, &["failed"]);
}
