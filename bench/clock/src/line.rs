//! A fixed-size line buffer with decimal formatting, so the program needs no allocator and no
//! `core::fmt` machinery.

/// Capacity of a line: the label, two 20-digit numbers and the fixed text fit easily.
const CAPACITY: usize = 160;

/// One output line being built; text past [`CAPACITY`] is dropped.
pub struct Line {
    buf: [u8; CAPACITY],
    len: usize,
}

impl Line {
    /// An empty line.
    pub const fn new() -> Self {
        Line { buf: [0; CAPACITY], len: 0 }
    }

    /// Appends `text`, as much of it as fits.
    pub fn text(&mut self, text: &[u8]) {
        let n = text.len().min(CAPACITY - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&text[..n]);
        self.len += n;
    }

    /// Appends `value` in decimal.
    pub fn number(&mut self, mut value: u64) {
        let mut digits = [0u8; 20]; // u64::MAX has 20 decimal digits
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (value % 10) as u8;
            value /= 10;
            if value == 0 {
                break;
            }
        }
        self.text(&digits[at..]);
    }

    /// The line so far.
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}
