//! The exact null distribution of the Mann–Whitney U statistic, by exact integer counting.

/// For sample sizes m and n without ties: how many of the C(m + n, m) equally likely
/// arrangements have U <= k, and C(m + n, m) itself. `None` when a count overflows 128 bits.
///
/// The counts of U are the coefficients of the Gaussian binomial
/// `[m + n choose m]_q = Π_{i=1..m} (1 - q^(n+i)) / (1 - q^i)`. Each factor is applied as one
/// multiplication and one exact polynomial division, in integers, so nothing is lost to
/// rounding; only coefficients up to q^k are kept, since neither step reads higher ones.
pub(crate) fn count_u_at_most(k: usize, m: usize, n: usize) -> Option<(u128, u128)> {
    let (m, n) = (m.min(n), m.max(n));
    let k = k.min(m * n);
    let mut c = vec![0i128; k + 1];
    c[0] = 1;
    for i in 1..=m {
        let up = n + i;
        for u in (up..=k).rev() {
            c[u] = c[u].checked_sub(c[u - up])?;
        }
        for u in i..=k {
            c[u] = c[u].checked_add(c[u - i])?;
        }
    }
    let mut tail: u128 = 0;
    for &x in &c {
        tail = tail.checked_add(u128::try_from(x).ok()?)?;
    }
    Some((tail, binomial(m + n, m)?))
}

/// C(a, b), exactly; `None` on overflow.
fn binomial(a: usize, b: usize) -> Option<u128> {
    let mut c: u128 = 1;
    for i in 1..=b as u128 {
        // C(a-b+i, i) = C(a-b+i-1, i-1) · (a-b+i) / i. With g = gcd(c, i), i/g divides a-b+i,
        // so both divisions are exact and the product is the result itself: it overflows only
        // when the result does.
        let g = gcd(c, i);
        c = (c / g).checked_mul(((a - b) as u128 + i) / (i / g))?;
    }
    Some(c)
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_distribution_by_hand() {
        // m = n = 2: U takes 0, 1, 2, 2, 3, 4 over the six arrangements.
        assert_eq!(count_u_at_most(0, 2, 2), Some((1, 6)));
        assert_eq!(count_u_at_most(2, 2, 2), Some((4, 6)));
        assert_eq!(count_u_at_most(4, 2, 2), Some((6, 6)));
    }

    #[test]
    fn binomials() {
        assert_eq!(binomial(10, 5), Some(252));
        assert_eq!(
            binomial(128, 64),
            Some(23_951_146_041_928_082_866_135_587_776_380_551_750)
        );
        assert_eq!(binomial(140, 70), None);
    }
}
