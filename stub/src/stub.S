// springboard's resident EL2 stub: vectors, hyp-stub ABI dispatcher, PSCI relay, and the
// EL1 environment it sets up. Every number comes from abi.rs / regs.rs through `const`
// operands (register field positions included); only `#0` (`hvc`/`smc` immediates, success)
// and the 16-bit split of `movz`/`movk` are written here. Position independent (only `adr`),
// stackless, no Rust at run time.
//
// On every call: x0 = function ID in, status out; x1..x4 = arguments. x9 is the dispatcher's
// scratch, kept in TPIDR_EL2 and restored before every ERET, so callers get back every register
// but x0 (x0..x3 for the SMCCC queries and the PSCI relay, as SMCCC allows).

    // Branches to `\other` unless `\reg` holds a PSCI function ID: 0x84/0xc4 in the top byte
    // of a 32-bit ID, zeros down to the function number. Clobbers x9.
    .macro  psci_id reg, other
    lsr     x9, \reg, #{psci_top_shift}
    cmp     x9, #{psci_smc32}
    b.eq    1f
    cmp     x9, #{psci_smc64}
    b.ne    \other
1:  ubfx    x9, \reg, #{psci_fn_bits}, #({psci_top_shift} - {psci_fn_bits})
    cbnz    x9, \other
    .endm

    .section .text.stub, "ax"
    .balign {vectors_size}
    .global __stub_start
__stub_start:
    // One group of four slots: synchronous to `\sync`; IRQ, FIQ and SError idle. An idle slot
    // is a self-loop of its own, so a debugger or `-d int` shows which one was taken.
    .macro  vector_group sync
    .balign {slot_size}
    b       \sync
    .rept 3
    .balign {slot_size}
    b .
    .endr
    .endm

    vector_group .          // Current EL with SP_EL0: never used at EL2.
    vector_group stub_sync  // Current EL with SP_ELx: `hvc #0` made at EL2 itself.
    vector_group stub_sync  // Lower EL, AArch64: `hvc #0` from EL1.
    vector_group .          // Lower EL, AArch32: not supported.

    // The stub's pen, first after the vectors so that it is at abi::STUB_PARK_OFFSET in every
    // build: a later springboard may rewrite the stub around a CPU waiting here. x9 = this
    // CPU's wake word (its CPU slot's, in the state page). At EL2, MMU and caches off, D, A, I
    // and F masked: wait for an event until CPU_ON writes an entry there, clear it, go there.
    // (`.org` is an offset in .text.stub, which __stub_start opens; it fails to assemble if the
    // vectors ever grow past it.)
    .org    {park_offset}
stub_park:
    wfe
    ldr     x10, [x9]
    cbz     x10, stub_park
    str     xzr, [x9]
    br      x10

stub_sync:
    msr     tpidr_el2, x9
    mrs     x9, esr_el2
    lsr     x9, x9, #{esr_ec_shift}
    cmp     x9, #{ec_hvc64}
    b.ne    stub_not_hvc
    cmp     x0, #{soft_restart}
    b.eq    stub_soft_restart
    cmp     x0, #{set_vectors}
    b.eq    stub_set_vectors
    cmp     x0, #{reset_vectors}
    b.eq    stub_reset_vectors
    cmp     x0, #{get_ich_vtr}
    b.eq    stub_get_ich_vtr
    movz    x9, #{vh_count_lo}
    movk    x9, #{vh_count_hi}, lsl #16
    cmp     x0, x9
    b.eq    stub_vendor_count
    add     x9, x9, #{vh_uid_step}
    cmp     x0, x9
    b.eq    stub_vendor_uid
    add     x9, x9, #{vh_revision_step}
    cmp     x0, x9
    b.eq    stub_vendor_revision
    // SMCCC fast calls only from here on (bit 31 set, nothing above bit 31).
    lsr     x9, x0, #{fn_id_bits}
    cbnz    x9, stub_error
    tbz     x0, #{fast_call_bit}, stub_error
    psci_id x0, stub_other_fast_call
    // PSCI served here when the loader wrote abi::STUB_PSCI_MAGIC (a board without PSCI
    // firmware); FAR_EL2 (meaningless outside an abort) keeps x10 meanwhile.
    adr     x9, __stub_start
    ldr     x9, [x9, #({state_page} + {stub_psci_offset})]
    msr     far_el2, x10
    movz    x10, #(({stub_psci_magic}) & 0xffff)
    movk    x10, #((({stub_psci_magic}) >> 16) & 0xffff), lsl #16
    movk    x10, #((({stub_psci_magic}) >> 32) & 0xffff), lsl #32
    movk    x10, #((({stub_psci_magic}) >> 48) & 0xffff), lsl #48
    cmp     x9, x10
    b.eq    stub_psci_local
    mrs     x10, far_el2
    and     x9, x0, #((1 << {psci_fn_bits}) - 1)
    cmp     x9, #{psci_cpu_on}
    b.eq    stub_psci_cpu_on
    cmp     x9, #{psci_cpu_suspend}
    b.eq    stub_psci_cpu_suspend
    cmp     x9, #{psci_system_suspend}
    b.eq    stub_psci_system_suspend
    mrs     x9, tpidr_el2
    smc     #0
    eret

    // Architecture calls (SMCCC_VERSION, SMCCC_ARCH_FEATURES, the workarounds) and the other
    // standard services (TRNG, …) go to EL3 when there is one; every other fast call, and
    // these too without EL3, is answered NOT_SUPPORTED.
stub_other_fast_call:
    ubfx    x9, x0, #{oen_shift}, #{oen_width}
    cmp     x9, #{oen_arch}
    b.eq    1f
    cmp     x9, #{oen_standard}
    b.ne    stub_not_supported
1:  mrs     x9, id_aa64pfr0_el1
    ubfx    x9, x9, #{pfr0_el3_shift}, #{id_width}
    cbz     x9, stub_not_supported
    mrs     x9, tpidr_el2
    smc     #0
    eret

stub_not_supported:
    mov     x0, #{not_supported}
    b       stub_return

stub_error:                         // HVC_FINALISE_EL2 and anything unknown
    movz    x0, #{err_lo}
    movk    x0, #{err_hi}, lsl #16
stub_return:
    mrs     x9, tpidr_el2
    eret

    // x1 = new VBAR_EL2; the architecture needs 2 KiB alignment.
stub_set_vectors:
    tst     x1, #({vectors_size} - 1)
    b.ne    stub_error
    msr     vbar_el2, x1
    mov     x0, #0
    b       stub_return

    // SCTLR_EL2 to springboard's value (MMU and caches off) and VBAR_EL2 back to the stub's
    // vectors: all of HVC_RESET_VECTORS, and HVC_SOFT_RESTART's first step. Clobbers x9.
    .macro  el2_reset
    movz    x9, #{sctlr_el2_lo}
    movk    x9, #{sctlr_el2_hi}, lsl #16
    msr     sctlr_el2, x9
    isb
    adr     x9, __stub_start
    msr     vbar_el2, x9
    .endm

stub_reset_vectors:
    el2_reset
    mov     x0, #0
    b       stub_return

    // x1 = entry (4-byte aligned, else HVC_STUB_ERR), x2..x4 = the next image's x0..x2. The
    // exception entry masked D, A, I, F;
    // the ERET keeps them masked (SPSR) and stays at EL2h. x3 and x9 are the caller's.
stub_soft_restart:
    tst     x1, #({entry_align} - 1) // an entry must be a 4-byte aligned instruction
    b.ne    stub_error
    el2_reset
    msr     elr_el2, x1
    mov     x9, #{spsr_el2h}
    msr     spsr_el2, x9
    mrs     x9, tpidr_el2
    mov     x0, x2
    mov     x1, x3
    mov     x2, x4
    eret

    // x1 = ICH_VTR_EL2 when the GICv3 system registers exist (ID_AA64PFR0_EL1.GIC != 0).
stub_get_ich_vtr:
    mrs     x9, id_aa64pfr0_el1
    ubfx    x9, x9, #{pfr0_gic_shift}, #{id_width}
    cbz     x9, stub_error
    mrs     x1, s3_4_c12_c11_1      // ICH_VTR_EL2
    mov     x0, #0
    b       stub_return

stub_vendor_count:
    mov     x0, #{vh_call_count}
    b       stub_return

stub_vendor_uid:
    movz    w0, #({uid0} & 0xffff)
    movk    w0, #({uid0} >> 16), lsl #16
    movz    w1, #({uid1} & 0xffff)
    movk    w1, #({uid1} >> 16), lsl #16
    movz    w2, #({uid2} & 0xffff)
    movk    w2, #({uid2} >> 16), lsl #16
    movz    w3, #({uid3} & 0xffff)
    movk    w3, #({uid3} >> 16), lsl #16
    b       stub_return

stub_vendor_revision:
    mov     x0, #{rev_major}
    mov     x1, #{rev_minor}
    b       stub_return

    // x9 = the state-page slot of the CPU whose MPIDR is in x10 (slot = Aff1 * 8 + Aff0, with
    // Aff1 < 4, Aff0 < 8, Aff2 = Aff3 = 0: abi::cpu_slot); branches to \none when it has none.
    // Clobbers x10.
    .macro cpu_slot none
    ubfx    x9, x10, #{aff2_shift}, #{aff_width}
    cbnz    x9, \none
    ubfx    x9, x10, #{aff3_shift}, #{aff_width}
    cbnz    x9, \none
    ubfx    x9, x10, #{aff1_shift}, #{aff_width}
    cmp     x9, #(1 << {slot_aff1_bits})
    b.hs    \none
    ubfx    x9, x10, #{aff0_shift}, #{aff_width}
    cmp     x9, #(1 << {slot_aff0_bits})
    b.hs    \none
    ubfx    x9, x10, #{aff1_shift}, #{slot_aff1_bits}
    lsl     x9, x9, #{slot_aff0_bits}
    bfxil   x9, x10, #{aff0_shift}, #{slot_aff0_bits}
    adr     x10, __stub_start
    add     x10, x10, #{state_page}
    add     x10, x10, #{cpu_slots_offset}
    add     x9, x10, x9, lsl #{slot_size_log2}
    .endm

    // With x10 = the MPIDR whose slot it is: keep (\entry, \context) in that slot, put the
    // stub's secondary entry in \entry and relay. No slot: INVALID_PARAMETERS.
    .macro keep_entry entry, context
    cpu_slot stub_psci_no_slot
    stp     \entry, \context, [x9]
    adr     \entry, stub_secondary
    b       stub_psci_relay
    .endm

    // PSCI calls that name an entry point: keep (entry, context) in a state-page slot and
    // pass the stub's secondary entry instead, which prepares EL2 and drops to the caller's
    // entry at EL1. FAR_EL2 (meaningless outside an abort) holds x10 meanwhile.
    // CPU_ON: x1 = target MPIDR, x2 = entry, x3 = context; the target's slot.
stub_psci_cpu_on:
    msr     far_el2, x10
    mov     x10, x1
    keep_entry x2, x3
    // CPU_SUSPEND: x1 = power state, x2 = entry, x3 = context; this CPU's slot.
stub_psci_cpu_suspend:
    msr     far_el2, x10
    mrs     x10, mpidr_el1
    keep_entry x2, x3
    // SYSTEM_SUSPEND: x1 = entry, x2 = context; this CPU's slot.
stub_psci_system_suspend:
    msr     far_el2, x10
    mrs     x10, mpidr_el1
    keep_entry x1, x2
stub_psci_relay:
    mrs     x10, far_el2
    mrs     x9, tpidr_el2
    smc     #0
    eret
stub_psci_no_slot:
    mrs     x10, far_el2
    mov     x0, #{psci_invalid}
    b       stub_return

    // x9 = the function number of the PSCI ID in \id when the stub serves it itself
    // (abi::stub_psci_serves), else branch to \no. Clobbers x10.
    .macro psci_served id, no
    lsr     x10, \id, #{psci_top_shift}
    cmp     x10, #{psci_smc64}
    movz    x10, #{stub_psci_smc32}
    b.ne    1f
    movz    x10, #{stub_psci_smc64}
1:  and     x9, \id, #((1 << {psci_fn_bits}) - 1)
    lsr     x10, x10, x9
    tbz     x10, #0, \no
    .endm

    // PSCI 1.0 served by the stub itself on a board without PSCI firmware (abi::StubPsci).
    // x10 is in FAR_EL2; x1..x3 are scratch once read (SMCCC lets a call change them). The
    // state page says, per CPU slot, what each CPU is doing (abi::CPU_*) and how to wake it.
stub_psci_local:
    psci_served x0, stub_psci_local_not_supported
    cmp     x9, #{psci_version_fn}
    b.eq    stub_psci_local_version
    cmp     x9, #{psci_cpu_on}
    b.eq    stub_psci_local_cpu_on
    cmp     x9, #{psci_cpu_off_fn}
    b.eq    stub_psci_local_cpu_off
    cmp     x9, #{psci_affinity_info_fn}
    b.eq    stub_psci_local_affinity_info
    cmp     x9, #{psci_migrate_info_type_fn}
    b.eq    stub_psci_local_migrate_info_type
    cmp     x9, #{psci_system_off_fn}
    b.eq    stub_psci_local_system_off
    cmp     x9, #{psci_system_reset_fn}
    b.eq    stub_psci_local_system_reset
    // PSCI_FEATURES(x1 = function ID): 0 (no flags) for a PSCI ID served here.
    lsr     x9, x1, #{fn_id_bits}
    cbnz    x9, stub_psci_local_not_supported
    psci_id x1, stub_psci_local_not_supported
    psci_served x1, stub_psci_local_not_supported
    mov     x0, #0
    b       stub_psci_local_return

stub_psci_local_version:
    mov     x0, #{stub_psci_version}
    b       stub_psci_local_return

stub_psci_local_migrate_info_type:
    mov     x0, #{psci_no_trusted_os}
    b       stub_psci_local_return

    // CPU_ON: x1 = target MPIDR, x2 = entry, x3 = context. Keep (entry, context) in the
    // target's slot, mark it ON_PENDING, then write the stub's secondary entry where the CPU
    // waits for it — its release address (firmware pen) or its wake word (the stub's pen) —
    // and wake it with an event.
stub_psci_local_cpu_on:
    tst     x2, #({entry_align} - 1)
    b.ne    stub_psci_local_invalid_address
    mov     x10, x1
    cpu_slot stub_psci_local_invalid
    ldr     x10, [x9, #{slot_state}]
    cmp     x10, #{cpu_state_on}
    b.eq    stub_psci_local_already_on
    cmp     x10, #{cpu_on_pending}
    b.eq    stub_psci_local_on_pending
    cmp     x10, #{cpu_in_pen}
    b.eq    1f
    cmp     x10, #{cpu_parked}
    b.ne    stub_psci_local_invalid
1:  stp     x2, x3, [x9, #{slot_entry}]
    mov     x1, #{cpu_on_pending}
    str     x1, [x9, #{slot_state}]
    add     x1, x9, #{slot_wake}    // parked: the wake word is the mailbox
    cmp     x10, #{cpu_parked}
    b.eq    2f
    ldr     x1, [x9, #{slot_wake}]  // in the firmware's pen: it holds the release address
2:  adr     x2, stub_secondary
    dmb     sy                      // entry, context and state before the release
    str     x2, [x1]
    dsb     sy
    sev
    mov     x0, #0
    b       stub_psci_local_return

    // CPU_OFF: this CPU's wake word cleared, its state PARKED, then wait in the stub's pen.
    // Never returns (a CPU without a slot gets DENIED).
stub_psci_local_cpu_off:
    mrs     x10, mpidr_el1
    cpu_slot stub_psci_local_denied
    str     xzr, [x9, #{slot_wake}]
    mov     x1, #{cpu_parked}
    dmb     sy                      // the mailbox is empty before the state says parked
    str     x1, [x9, #{slot_state}]
    dsb     sy
    add     x9, x9, #{slot_wake}
    b       stub_park

    // AFFINITY_INFO: x1 = target MPIDR, x2 = lowest affinity level (only 0 is served).
stub_psci_local_affinity_info:
    cbnz    x2, stub_psci_local_invalid
    mov     x10, x1
    cpu_slot stub_psci_local_invalid
    ldr     x10, [x9, #{slot_state}]
    cbz     x10, stub_psci_local_invalid    // abi::CPU_ABSENT
    mov     x0, #{affinity_on}
    cmp     x10, #{cpu_state_on}
    b.eq    stub_psci_local_return
    mov     x0, #{affinity_on_pending}
    cmp     x10, #{cpu_on_pending}
    b.eq    stub_psci_local_return
    mov     x0, #{affinity_off}
    b       stub_psci_local_return

    // SYSTEM_OFF and SYSTEM_RESET through the BCM2835 PM watchdog whose base the loader
    // wrote (NOT_SUPPORTED without one): the stub-PSCI word cleared, then PM_RSTS's partition
    // says halt (63) or boot (0), then
    // PM_WDOG a few ticks and PM_RSTC a full reset, as Linux's bcm2835_wdt does. Never returns.
stub_psci_local_system_off:
    movz    w1, #{pm_halt}
    b       1f
stub_psci_local_system_reset:
    mov     w1, #0
1:  adr     x9, __stub_start
    ldr     x9, [x9, #({state_page} + {stub_psci_watchdog_offset})]
    cbz     x9, stub_psci_local_not_supported
    // The CPUs this stub parked start again in the firmware's pen: the next springboard must
    // not take them for parked, so the state page stops saying the stub serves PSCI.
    adr     x10, __stub_start
    str     xzr, [x10, #({state_page} + {stub_psci_offset})]
    dsb     sy
    movk    w1, #({pm_password} >> 16), lsl #16
    str     w1, [x9, #{pm_rsts}]
    movz    w1, #{pm_wdog_ticks}
    movk    w1, #({pm_password} >> 16), lsl #16
    str     w1, [x9, #{pm_wdog}]
    movz    w1, #{pm_full_reset}
    movk    w1, #({pm_password} >> 16), lsl #16
    str     w1, [x9, #{pm_rstc}]
    dsb     sy
2:  wfi
    b       2b

stub_psci_local_not_supported:
    mov     x0, #{not_supported}
    b       stub_psci_local_return
stub_psci_local_invalid:
    mov     x0, #{psci_invalid}
    b       stub_psci_local_return
stub_psci_local_denied:
    mov     x0, #{psci_denied}
    b       stub_psci_local_return
stub_psci_local_already_on:
    mov     x0, #{psci_already_on}
    b       stub_psci_local_return
stub_psci_local_on_pending:
    mov     x0, #{psci_on_pending}
    b       stub_psci_local_return
stub_psci_local_invalid_address:
    mov     x0, #{psci_invalid_address}
stub_psci_local_return:
    mrs     x10, far_el2
    b       stub_return

    // A CPU started by CPU_ON (relayed, or served here), or resuming from a relayed
    // CPU_SUSPEND or SYSTEM_SUSPEND: at EL2, MMU off. Prepare EL2 for EL1, mark the slot ON
    // and enter the entry and context its CPU_ON caller gave, at EL1h with DAIF masked.
stub_secondary:
    bl      stub_el1_env
    mrs     x10, mpidr_el1
    cpu_slot stub_not_hvc           // cannot fail: CPU_ON checked this CPU's slot
    mov     x1, #{cpu_state_on}
    str     x1, [x9, #{slot_state}]
    ldp     x10, x0, [x9, #{slot_entry}]
    b       stub_enter_el1

    // Reached through HVC_SOFT_RESTART with x0 = entry, x1 = DTB: enter a kernel at EL1
    // (springboard.handoff=el1) with this stub staying resident at EL2.
    .global stub_el1_launch
stub_el1_launch:
    bl      stub_el1_env
    mov     x10, x0
    mov     x0, x1
    // fall through: x10 = entry, x0 = the entry's x0
stub_enter_el1:
    msr     elr_el2, x10
    mov     x9, #{spsr_el1h}
    msr     spsr_el2, x9
    mov     x1, xzr
    mov     x2, xzr
    mov     x3, xzr
    eret

    // Prepares EL2 for software at EL1 (booting.rst, "entered at EL1 with EL2 present"):
    // no traps, timers and counter for EL1, GICv3 system registers, virtual IDs = real ones,
    // EL1 in a reset state with FP enabled, VBAR_EL2 = this stub. Clobbers x9 and x10 only.
    .global stub_el1_env
stub_el1_env:
    mov     x9, #{hcr_el2}
    mrs     x10, id_aa64isar1_el1   // pointer authentication: APA, API…
    tst     x10, #{isar1_apa_api}
    b.ne    1f
    mrs     x10, s3_0_c0_c6_2       // …or ID_AA64ISAR2_EL1.APA3
    tst     x10, #{isar2_apa3}
    b.eq    2f
1:  orr     x9, x9, #{hcr_apk_api}
2:  mrs     x10, id_aa64pfr1_el1    // MTE2 or later
    ubfx    x10, x10, #{pfr1_mte_shift}, #{id_width}
    cmp     x10, #{pfr1_mte2}
    b.lo    3f
    orr     x9, x9, #{hcr_ata}
3:  msr     hcr_el2, x9
    isb
    movz    x9, #{sctlr_el2_lo}
    movk    x9, #{sctlr_el2_hi}, lsl #16
    msr     sctlr_el2, x9
    mov     x9, #{cptr_el2}
    mrs     x10, id_aa64pfr0_el1    // SVE implemented?
    ubfx    x10, x10, #{pfr0_sve_shift}, #{id_width}
    cbnz    x10, 5f
    orr     x9, x9, #{cptr_tz}
5:  mrs     x10, id_aa64pfr1_el1    // SME implemented?
    ubfx    x10, x10, #{pfr1_sme_shift}, #{id_width}
    cbnz    x10, 6f
    orr     x9, x9, #{cptr_tsm}
6:  msr     cptr_el2, x9
    isb
    tbnz    x9, #{cptr_tz_bit}, 7f    // with SVE: every vector length for EL1
    mov     x10, #{vl_max}
    msr     s3_4_c1_c2_0, x10       // ZCR_EL2
7:  tbnz    x9, #{cptr_tsm_bit}, 8f  // with SME: every vector length, FA64 when implemented
    mov     x10, #{vl_max}
    mrs     x9, s3_0_c0_c4_5        // ID_AA64SMFR0_EL1
    tbz     x9, #{smfr0_fa64_bit}, 9f
    orr     x10, x10, #{smcr_fa64}
9:  msr     s3_4_c1_c2_6, x10       // SMCR_EL2
8:
    msr     hstr_el2, xzr
    mov     x9, #{cnthctl_el2}
    msr     cnthctl_el2, x9
    msr     cntvoff_el2, xzr
    msr     vttbr_el2, xzr
    mrs     x9, midr_el1
    msr     vpidr_el2, x9
    mrs     x9, mpidr_el1
    msr     vmpidr_el2, x9
    mrs     x9, id_aa64dfr0_el1     // PMUVer: let EL1 use every counter (MDCR_EL2.HPMN = N)
    ubfx    x9, x9, #{dfr0_pmuver_shift}, #{id_width}
    cbz     x9, 1f
    mrs     x9, pmcr_el0
    ubfx    x9, x9, #{pmcr_n_shift}, #{pmcr_n_width}
1:  msr     mdcr_el2, x9
    mrs     x9, id_aa64pfr0_el1     // GIC: GICv3 system register interface
    ubfx    x9, x9, #{pfr0_gic_shift}, #{id_width}
    cbz     x9, 2f
    mrs     x9, s3_4_c12_c9_5       // ICC_SRE_EL2
    mov     x10, #{icc_sre}
    orr     x9, x9, x10
    msr     s3_4_c12_c9_5, x9
    isb
    msr     s3_4_c12_c11_0, xzr     // ICH_HCR_EL2
2:  mrs     x9, id_aa64mmfr0_el1    // FGT: no fine-grained traps
    ubfx    x9, x9, #{mmfr0_fgt_shift}, #{id_width}
    cbz     x9, 3f
    msr     s3_4_c1_c1_4, xzr       // HFGRTR_EL2
    msr     s3_4_c1_c1_5, xzr       // HFGWTR_EL2
    msr     s3_4_c1_c1_6, xzr       // HFGITR_EL2
    msr     s3_4_c3_c1_4, xzr       // HDFGRTR_EL2
    msr     s3_4_c3_c1_5, xzr       // HDFGWTR_EL2
3:  mrs     x9, id_aa64mmfr1_el1    // HCX: no extended traps
    ubfx    x9, x9, #{mmfr1_hcx_shift}, #{id_width}
    cbz     x9, 4f
    msr     s3_4_c1_c2_2, xzr       // HCRX_EL2
4:  mov     x9, #{cpacr_fpen}
    msr     cpacr_el1, x9
    movz    x9, #{sctlr_el1_lo}
    movk    x9, #{sctlr_el1_hi}, lsl #16
    msr     sctlr_el1, x9
    adr     x9, __stub_start
    msr     vbar_el2, x9
    isb
    ret

    // A synchronous exception that is not an HVC (a fault at EL2, a trapped instruction):
    // nothing can be returned to safely, so stop here, distinct from the vector slots.
stub_not_hvc:
    wfe
    b       stub_not_hvc

    .global __stub_end
__stub_end:
    .text
