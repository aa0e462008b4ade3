//! Small building blocks the workload generators share: a choice among a fixed list of
//! values (shrinking towards the first), and a budget of optional steps per case.

use proptest::prelude::*;

/// One of `choices`; shrinks towards `choices[0]`, so list the incident's own value first.
pub(super) fn pick<T: Clone + std::fmt::Debug + 'static, const N: usize>(
    choices: [T; N],
) -> impl Strategy<Value = T> {
    (0..N).prop_map(move |i| choices[i].clone())
}

/// Takes up to `left` of `want`, and lowers `left` accordingly.
pub(super) fn take(want: u8, left: &mut u8) -> u8 {
    let n = want.min(*left);
    *left -= n;
    n
}
