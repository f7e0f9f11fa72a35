// The conformance payload's assembly: Image header and start, the EL2 probe that
// HVC_SOFT_RESTART enters, the payload's own EL2 vector table, and a call wrapper that checks
// the callee-saved registers across `hvc #0`. Numbers come from Rust (`const` operands).

    .section .text.head, "ax"
    .global _start
_start:
    b       payload_start           // code0
    .long   0                       // code1
    .quad   {text_offset}           // text_offset: linked at DRAM base + this
    .quad   __payload_size          // image_size
    .quad   {image_flags}           // flags
    .quad   0, 0, 0                 // res2, res3, res4
    .long   {image_magic}           // magic, "ARM\x64"
    .long   0                       // res5
    .if     . - _start != {header_len}
    .error  "the Image header is not HEADER_LEN bytes"
    .endif

    // At EL1 (springboard.handoff=el1), x0 = DTB.
payload_start:
    adr_l   x9, __stack_top
    mov     sp, x9
    adr_l   x9, __bss_start
    adr_l   x10, __bss_end
1:  cmp     x9, x10
    b.hs    2f
    stp     xzr, xzr, [x9], #16
    b       1b
2:  adr     x1, _start
    bl      payload_main
    b       .

    .text
    // EL1: one round of HVC_SOFT_RESTART into el2_probe with distinctive x2..x4 (and x3,
    // which must survive).
    .global el1_soft_restart_round
el1_soft_restart_round:
    mov     x0, #{soft_restart}
    adr     x1, el2_probe
    movz    x2, #({arg_a} & 0xffff)
    movk    x2, #(({arg_a} >> 16) & 0xffff), lsl #16
    movk    x2, #(({arg_a} >> 32) & 0xffff), lsl #32
    movk    x2, #(({arg_a} >> 48) & 0xffff), lsl #48
    movz    x3, #({arg_b} & 0xffff)
    movk    x3, #(({arg_b} >> 16) & 0xffff), lsl #16
    movk    x3, #(({arg_b} >> 32) & 0xffff), lsl #32
    movk    x3, #(({arg_b} >> 48) & 0xffff), lsl #48
    movz    x4, #({arg_c} & 0xffff)
    movk    x4, #(({arg_c} >> 16) & 0xffff), lsl #16
    movk    x4, #(({arg_c} >> 32) & 0xffff), lsl #32
    movk    x4, #(({arg_c} >> 48) & 0xffff), lsl #48
    hvc     #0
    b       .                       // HVC_SOFT_RESTART never returns

    // EL2, entered by the stub's HVC_SOFT_RESTART. Record the state on the first entry, and
    // on every entry count it and keep VBAR_EL2 / SCTLR_EL2; then go back to EL1 for another
    // round, or, after the last one, to el1_resume.
el2_probe:
    adr_l   x9, probe_area
    ldr     x10, [x9, #{p_count}]
    cbnz    x10, 1f
    stp     x0, x1, [x9, #{p_x0}]
    stp     x2, x3, [x9, #{p_x2}]
    mrs     x11, CurrentEL
    str     x11, [x9, #{p_el}]
    mrs     x11, daif
    str     x11, [x9, #{p_daif}]
    mrs     x11, sctlr_el2
    str     x11, [x9, #{p_sctlr}]
    mrs     x11, vbar_el2
    str     x11, [x9, #{p_vbar}]
    mrs     x11, spsel
    str     x11, [x9, #{p_spsel}]
    b       2f
1:  ldp     x11, x12, [x9, #{p_x0}]
    cmp     x0, x11
    ccmp    x1, x12, #0, eq
    ldp     x11, x12, [x9, #{p_x2}]
    ccmp    x2, x11, #0, eq
    ccmp    x3, x12, #0, eq
    b.eq    2f
    ldr     x11, [x9, #{p_drift}]
    add     x11, x11, #1
    str     x11, [x9, #{p_drift}]
2:  mrs     x11, vbar_el2
    str     x11, [x9, #{p_last_vbar}]
    mrs     x11, sctlr_el2
    str     x11, [x9, #{p_last_sctlr}]
    mrs     x11, daif
    str     x11, [x9, #{p_last_daif}]
    add     x10, x10, #1
    str     x10, [x9, #{p_count}]
    mov     x11, #{spsr_el1h}
    msr     spsr_el2, x11
    adr     x11, el1_soft_restart_round
    cmp     x10, #{rounds}
    b.lo    3f
    adr     x11, el1_resume
3:  msr     elr_el2, x11
    eret

el1_resume:
    adr_l   x9, __stack_top
    mov     sp, x9
    bl      payload_resume
    b       .

    // EL1, x0 = context: where a CPU that powered down in the CPU_SUSPEND check resumes,
    // through the stub's secondary entry. A fresh stack; the check goes on in Rust with x0 and
    // CurrentEL.
    .global suspend_resume_entry
suspend_resume_entry:
    mrs     x1, CurrentEL
    adr_l   x9, __stack_top
    mov     sp, x9
    bl      payload_suspend_resumed
    b       .

    // The payload's own EL2 vectors, installed with HVC_SET_VECTORS. The lower-EL sync slot
    // answers the marker call itself and passes anything else to springboard's stub (its
    // address in probe_area), as a hypervisor that chains to the stub would.
    .balign {vectors_size}
    .global payload_vectors
payload_vectors:
    .irp slot, 0, 1, 2, 3, 4, 5, 6, 7
    .balign {slot_size}
    b       .
    .endr
    .balign {slot_size}
    b       payload_el2_sync
    .irp slot, 9, 10, 11, 12, 13, 14, 15
    .balign {slot_size}
    b       .
    .endr
payload_el2_sync:
    cmp     x0, #{marker_call}
    b.ne    1f
    movz    x0, #({marker_answer} & 0xffff)
    movk    x0, #({marker_answer} >> 16), lsl #16
    eret
1:  adrp    x17, probe_area
    ldr     x17, [x17, #{p_stub}]
    add     x17, x17, #{lower_a64_sync}
    br      x17

    // x0 = call number, x1 = argument. Sets x19..x30 to canaries, makes the call, counts the
    // canaries (and SP) that changed. Returns x0 = the call's x0, x1 = changed registers.
    .global hvc_with_canaries
hvc_with_canaries:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    stp     x21, x22, [sp, #-16]!
    stp     x23, x24, [sp, #-16]!
    stp     x25, x26, [sp, #-16]!
    stp     x27, x28, [sp, #-16]!
    adrp    x9, probe_area
    mov     x10, sp
    str     x10, [x9, #{p_sp}]
    .irp n, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
    movz    x\n, #(0xc000 + \n)
    movk    x\n, #0x5b00, lsl #48
    .endr
    hvc     #0
    mov     x1, #0
    .irp n, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
    movz    x17, #(0xc000 + \n)
    movk    x17, #0x5b00, lsl #48
    cmp     x\n, x17
    cinc    x1, x1, ne
    .endr
    adrp    x9, probe_area
    ldr     x10, [x9, #{p_sp}]
    mov     x11, sp
    cmp     x10, x11
    cinc    x1, x1, ne
    mov     sp, x10
    ldp     x27, x28, [sp], #16
    ldp     x25, x26, [sp], #16
    ldp     x23, x24, [sp], #16
    ldp     x21, x22, [sp], #16
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret

    .section .bss.probe_area, "aw", %nobits
    .balign 4096
    .global probe_area
probe_area:
    .space {probe_size}
