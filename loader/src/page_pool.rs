//! The page tables' memory: a fixed pool of 4 KiB tables in springboard's own .bss, handed to
//! `aarch64-paging` one at a time through its [`Translation`] trait. The firmware has no heap,
//! and the crate (built without `alloc`) asks its `Translation` for every table, so this pool
//! is the whole allocator: tables are handed out in order and never freed (the map is built
//! once, before the MMU goes on, and dropped only with springboard at the hand-off).
//!
//! The pool lives inside springboard's image (`image_size` covers .bss), which the placement
//! plan keeps clear of everything it writes, so the tables are never overwritten while the MMU
//! uses them.

use aarch64_paging::descriptor::{El1Attributes, PhysicalAddress};
use aarch64_paging::paging::{PageTable, Translation};
use core::ptr::{addr_of_mut, NonNull};
use core::sync::atomic::{AtomicBool, Ordering};

/// How many tables the identity map may use. A root, one level-1 table per 512 GiB that holds
/// DRAM or the device span, and one table per edge of a region that is not 1 GiB (then 2 MiB)
/// aligned: the boards springboard knows use 2 to 4.
pub const TABLES: usize = 16;

/// A table of entries, 4 KiB-aligned (`PageTable` is `align(4096)`).
type Table = PageTable<El1Attributes>;

/// The pool, plus one spare handed out (zeroed each time) once the pool is used up, so that
/// `aarch64-paging`, which cannot be told "no table", keeps writing inside the pool; the map
/// built then is never used ([`TablePool::exhausted`]).
static mut POOL: [Table; TABLES + 1] = [const { Table::EMPTY }; TABLES + 1];

/// Set once the pool has been given to a [`TablePool`].
static TAKEN: AtomicBool = AtomicBool::new(false);

/// The one owner of the pool: a bump allocator over it, identity-mapped.
pub struct TablePool {
    next: usize,
    exhausted: bool,
}

impl TablePool {
    /// The pool, the first time it is asked for; `None` after that (one map per run).
    pub fn take() -> Option<Self> {
        (!TAKEN.swap(true, Ordering::Relaxed)).then_some(TablePool { next: 0, exhausted: false })
    }

    /// How many tables have been handed out.
    pub fn used(&self) -> usize {
        self.next
    }

    /// Whether a table was asked for after all [`TABLES`] were handed out: the map is then
    /// incomplete and must not be used.
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }
}

impl Translation<El1Attributes> for TablePool {
    fn allocate_table(&mut self) -> (NonNull<Table>, PhysicalAddress) {
        let index = if self.next < TABLES {
            self.next += 1;
            self.next - 1
        } else {
            self.exhausted = true;
            TABLES
        };
        // SAFETY: only the one `TablePool` (see `take`) ever forms a pointer into POOL, and
        // `index <= TABLES` is inside it. A table in use is only reached through the pointers
        // `aarch64-paging` keeps; the spare, reused, is only ever in a map that is never
        // activated.
        let table = unsafe { &mut *addr_of_mut!(POOL[index]) };
        // Zeroed: an empty table (every descriptor invalid). .bss starts zeroed, but the spare
        // may be handed out more than once.
        *table = Table::EMPTY;
        let ptr = NonNull::from(table);
        // Identity map: a table's physical address is its address.
        (ptr, PhysicalAddress(ptr.as_ptr() as usize))
    }

    unsafe fn deallocate_table(&mut self, _table: NonNull<Table>) {
        // A bump allocator frees nothing: a table the crate drops (when a block replaces a
        // subtable) stays unused in the pool until springboard is gone.
    }

    fn physical_to_virtual(&self, pa: PhysicalAddress) -> NonNull<Table> {
        // Identity map; the crate only asks for tables it got from `allocate_table`.
        NonNull::new(pa.0 as *mut Table).expect("a page table at physical address 0")
    }
}
