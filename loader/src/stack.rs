//! The loader's stack has no guard page (the MMU is off): below it lies .bss. It is painted at
//! entry and read back before the hand-off, so an overflow is a `stack` error, never a jump
//! with corrupted statics, and the console says how much of it was used.

use core::arch::asm;
use core::ptr::{addr_of, read_volatile, write_volatile};

extern "C" {
    /// Linker symbols (linker.ld): the lowest and one past the highest byte of the stack.
    static __stack_bottom: u64;
    static __stack_top: u64;
}

/// The word painted over the unused stack.
const PAINT: u64 = 0x5342_5354_4143_4b21;
/// Bytes above the current stack pointer left unpainted: this function's own frame.
const MARGIN: usize = 256;
/// Bytes at the bottom of the stack that must still hold the paint at the hand-off.
const GUARD: usize = 1024;

fn bounds() -> (*mut u64, *mut u64) {
    // Only the symbols' addresses are taken.
    (addr_of!(__stack_bottom).cast_mut(), addr_of!(__stack_top).cast_mut())
}

/// Paints the stack below the current stack pointer. Called first thing in `loader_main`.
pub fn paint() {
    let sp: usize;
    // SAFETY: reading SP has no effect.
    unsafe { asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags)) };
    let (bottom, _) = bounds();
    let mut word = bottom;
    while (word as usize) + MARGIN < sp {
        // SAFETY: `[__stack_bottom, sp - MARGIN)` is stack below every live frame: nothing
        // reads it before a call pushes a frame there, which overwrites the paint.
        unsafe { write_volatile(word, PAINT) };
        // SAFETY: stays inside the stack, which ends above `sp`.
        word = unsafe { word.add(1) };
    }
}

/// The stack's size in bytes.
pub fn size() -> usize {
    let (bottom, top) = bounds();
    top as usize - bottom as usize
}

/// How many bytes of the stack were used; `Err` with the stack's size when the guard at its
/// bottom was overwritten (the stack reached .bss).
pub fn used() -> Result<usize, usize> {
    let (bottom, top) = bounds();
    let size = size();
    let mut word = bottom;
    while word < top {
        // SAFETY: inside the stack, below the current frame; reading has no effect.
        if unsafe { read_volatile(word) } != PAINT {
            break;
        }
        // SAFETY: `word < top`, so one more is still inside or at the end.
        word = unsafe { word.add(1) };
    }
    let untouched = word as usize - bottom as usize;
    if untouched < GUARD {
        return Err(size);
    }
    Ok(size - untouched)
}
