//! [`Complexity`]: the growth classes perfkit can fit and check.

/// A growth class, from the simplest to the steepest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Complexity {
    /// O(1)
    Constant,
    /// O(log n)
    Logarithmic,
    /// O(n)
    Linear,
    /// O(n log n)
    Linearithmic,
    /// O(n²)
    Quadratic,
    /// O(n³)
    Cubic,
    /// O(2ⁿ)
    Exponential,
}
