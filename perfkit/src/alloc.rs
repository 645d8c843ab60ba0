//! Allocation counting: [`Counting`], a global allocator users install in their test crate.
