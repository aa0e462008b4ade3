//! Partial-order reduction: when two fireable events are independent, and the sleep-set
//! bookkeeping that lets exhaustive search skip interleavings that only reorder them.
//!
//! This module decides independence and holds the small index sets the search uses; it must
//! not explore anything itself, and it must never call two events independent on the strength
//! of anything but the model's own [`Model::access`] declarations plus the virtual-time rule
//! below (an unknown access, `None`, is dependent on everything).
//!
//! # The independence rule
//!
//! Two events `a` and `b`, both fireable in state `s`, are **independent in `s`** when
//!
//! 1. the model declared both accesses (`access(s, a)` and `access(s, b)` are `Some`);
//! 2. they belong to different actors, and their footprints are disjoint: neither writes a
//!    resource the other reads or writes ([`Access::disjoint`]);
//! 3. **both fire with a clock advance of 0 in `s`**, i.e. both windows have `earliest == 0`
//!    relative to now ([`Window::ANY`](crate::Window::ANY), [`Window::NOW`](crate::Window::NOW),
//!    `between(0, x)`). An event that would move the clock is dependent on every other
//!    event.
//!
//! In addition the search itself only keeps `b` asleep after firing `a` if `b` is still
//! fireable, with advance 0, in the successor; that is the "`a` does not disable `b`" half of
//! the enabling condition, checked rather than trusted.
//!
//! ## Why time windows only count at advance 0
//!
//! Windows are relative to now, and firing an event with advance `d > 0` moves the clock by
//! `d`: every other timed event's window shrinks, the horizon changes, timers created later
//! start later. So an event with `d > 0` touches "the clock", which every timed event reads:
//! `a; b` and `b; a` can differ in the time at which `b` fires (`a`'s advance is spent
//! before `b` in one order, after it in the other), in whether `b` is fireable at all (a
//! deadline passed), and in the deadlines that `b` creates. None of that is visible in the
//! read and write sets, so we refuse to reason about it: such events are dependent.
//!
//! With advance 0 on both sides, the clock stands still in both orders, so the time rule
//! cannot tell the orders apart: `b` has `earliest == 0` and is fireable under any horizon as
//! long as it is enabled, and its window is unchanged by `a` because the window is a function
//! of `b`'s actor's local state and of resources `a` does not write (the [`Model::access`]
//! promise). The same holds with `a` and `b` swapped. Both orders then apply two pure
//! transitions with advance 0 that touch disjoint parts of the state, so `s·a·b == s·b·a`:
//! the diamond that sleep-set reduction needs.
//!
//! ## What the reduction preserves
//!
//! Sleep sets only prune *transitions*: every state reachable from the initial state is still
//! reached (Godefroid, *Partial-Order Methods for the Verification of Concurrent Systems*,
//! LNCS 1032, ch. 5), so `always`, `at_quiescence` and `sometimes` properties are checked on
//! exactly the states a plain search checks. With a visited set the search must handle a
//! state reached again with a smaller sleep set; see the strategy's own documentation.
//! Persistent (stubborn) sets, which would also prune states, are not implemented: properties
//! are opaque functions of the whole state, so every transition is potentially visible, and
//! `access` describes only fireable events, not what an actor might do later.

use crate::model::{fireable_events, Model};
use crate::time::Millis;

pub use crate::model::Access;

/// Whether two events, both fireable in one state with the given accesses and clock advances,
/// are independent there under the rule in the module documentation.
pub fn independent(
    a: Option<&Access>,
    advance_a: Millis,
    b: Option<&Access>,
    advance_b: Millis,
) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => advance_a == 0 && advance_b == 0 && a.disjoint(b),
        _ => false,
    }
}

/// Checks the [`Model::access`] promise in one state: for every pair of fireable events the
/// rule calls independent, each stays fireable with advance 0 after the other and both orders
/// reach the same state. Returns a description of the first pair that breaks it.
///
/// Model authors call this on the states of a test run to catch a wrong declaration; a wrong
/// declaration makes the reduced search unsound (it may miss states).
pub fn audit_independence<M: Model>(model: &M, state: &M::State) -> Result<(), String> {
    let mut scratch = Vec::new();
    let mut fireable = Vec::new();
    fireable_events(model, state, &mut scratch, &mut fireable);
    let access: Vec<_> = fireable
        .iter()
        .map(|(e, _)| model.access(state, e))
        .collect();
    let after = |first: &M::Event, second: &M::Event| -> Result<M::State, String> {
        let mut s = state.clone();
        model.apply(&mut s, first, 0);
        let mut scratch = Vec::new();
        let mut next = Vec::new();
        fireable_events(model, &s, &mut scratch, &mut next);
        match next.iter().find(|(e, _)| e == second) {
            Some((_, 0)) => {
                model.apply(&mut s, second, 0);
                Ok(s)
            }
            Some((_, d)) => Err(format!(
                "`{}` moves `{}` from advance 0 to advance {d}",
                model.label(state, first).name(),
                model.label(state, second).name()
            )),
            None => Err(format!(
                "`{}` disables `{}`",
                model.label(state, first).name(),
                model.label(state, second).name()
            )),
        }
    };
    for i in 0..fireable.len() {
        for j in i + 1..fireable.len() {
            let (a, da) = &fireable[i];
            let (b, db) = &fireable[j];
            if !independent(access[i].as_ref(), *da, access[j].as_ref(), *db) {
                continue;
            }
            let ab = after(a, b)?;
            let ba = after(b, a)?;
            if ab != ba {
                return Err(format!(
                    "`{}` and `{}` are declared independent but the two orders reach different \
                     states:\n  {ab:?}\n  {ba:?}",
                    model.label(state, a).name(),
                    model.label(state, b).name()
                ));
            }
        }
    }
    Ok(())
}

/// A set of indices into one state's list of fireable events (a sleep set, or the events
/// still to explore), as a bitset. The empty set does not allocate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventSet {
    words: Vec<u64>,
}

impl EventSet {
    /// The empty set.
    pub fn new() -> Self {
        EventSet::default()
    }
    /// `{0, …, n-1}`.
    pub fn all(n: usize) -> Self {
        let mut words = vec![u64::MAX; n / 64];
        let rest = n & 63;
        if rest != 0 {
            words.push((1u64 << rest) - 1);
        }
        EventSet { words }
    }
    /// Adds `i`.
    pub fn insert(&mut self, i: usize) {
        let w = i / 64;
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
        }
        self.words[w] |= 1 << (i % 64);
    }
    /// Whether `i` is in the set.
    pub fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }
    /// The smallest element that is at least `from`.
    pub fn next_from(&self, from: usize) -> Option<usize> {
        let mut w = from / 64;
        let mut mask = u64::MAX.checked_shl((from % 64) as u32).unwrap_or(0);
        while w < self.words.len() {
            let bits = self.words[w] & mask;
            if bits != 0 {
                return Some(w * 64 + bits.trailing_zeros() as usize);
            }
            w += 1;
            mask = u64::MAX;
        }
        None
    }
    /// The elements in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let mut next = 0;
        std::iter::from_fn(move || {
            let i = self.next_from(next)?;
            next = i + 1;
            Some(i)
        })
    }
    /// Whether every element of `self` is in `other`.
    pub fn is_subset(&self, other: &EventSet) -> bool {
        self.words
            .iter()
            .enumerate()
            .all(|(i, w)| w & !other.words.get(i).copied().unwrap_or(0) == 0)
    }
    /// `self \ other`.
    pub fn minus(&self, other: &EventSet) -> EventSet {
        let words = self
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| w & !other.words.get(i).copied().unwrap_or(0))
            .collect();
        EventSet { words }.trimmed()
    }
    /// `self ∩ other`.
    pub fn intersection(&self, other: &EventSet) -> EventSet {
        let words = self
            .words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| a & b)
            .collect();
        EventSet { words }.trimmed()
    }
    fn trimmed(mut self) -> EventSet {
        while self.words.last() == Some(&0) {
            self.words.pop();
        }
        if self.words.is_empty() {
            self.words = Vec::new();
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_sets_behave_like_sets() {
        let mut a = EventSet::new();
        for i in [0, 3, 64, 130] {
            a.insert(i);
        }
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![0, 3, 64, 130]);
        let all = EventSet::all(131);
        assert!(a.is_subset(&all));
        assert!(!all.is_subset(&a));
        assert_eq!(all.minus(&a).iter().count(), 127);
        assert_eq!(
            a.intersection(&EventSet::all(64))
                .iter()
                .collect::<Vec<_>>(),
            vec![0, 3]
        );
        assert!(a.minus(&all).is_empty());
        assert_eq!(EventSet::all(64).iter().count(), 64);
        assert_eq!(EventSet::all(0), EventSet::new());
    }

    #[test]
    fn time_and_unknown_accesses_make_events_dependent() {
        let x = Access::local(0).write(1);
        let y = Access::local(1).read(2);
        assert!(independent(Some(&x), 0, Some(&y), 0));
        assert!(!independent(Some(&x), 5, Some(&y), 0));
        assert!(!independent(Some(&x), 0, Some(&y), 5));
        assert!(!independent(None, 0, Some(&y), 0));
        assert!(!independent(Some(&x), 0, Some(&Access::local(0)), 0));
        assert!(!independent(
            Some(&x),
            0,
            Some(&Access::local(1).read(1)),
            0
        ));
        assert!(!independent(
            Some(&x),
            0,
            Some(&Access::local(1).write(1)),
            0
        ));
        assert!(independent(
            Some(&Access::local(0).read(3)),
            0,
            Some(&Access::local(1).read(3)),
            0
        ));
        // Resource numbers wrap at 64: more dependence, never less.
        assert!(!independent(
            Some(&Access::local(0).write(65)),
            0,
            Some(&Access::local(1).read(1)),
            0
        ));
    }
}
