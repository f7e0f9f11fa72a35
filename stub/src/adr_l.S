// `adr_l reg, sym`: reg = the address of `sym` (within ±4 GiB, position independent). Shared by
// the firmware's entry and the test payload's.
    .macro  adr_l reg, sym
    adrp    \reg, \sym
    add     \reg, \reg, :lo12:\sym
    .endm
