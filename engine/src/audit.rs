//! Checks a model author runs in tests: walk every reachable state (no reduction, no
//! fingerprints: states compared whole) and verify what the engine relies on — event names
//! unique among the events enabled in a state (replay matches by name) and, where the model
//! declares `access`, the independence promise of [`crate::por`].

use std::collections::HashSet;

use crate::model::{fireable_events, Model};

/// Calls `visit` on every state reachable from the initial state, at most `limit` of them;
/// returns how many were visited, or an error if there are more than `limit`.
pub fn for_each_reachable<M: Model>(
    model: &M,
    limit: usize,
    mut visit: impl FnMut(&M::State) -> Result<(), String>,
) -> Result<usize, String> {
    let mut seen: HashSet<M::State> = HashSet::new();
    let mut stack = vec![model.initial_state()];
    let (mut scratch, mut fireable) = (Vec::new(), Vec::new());
    while let Some(state) = stack.pop() {
        if seen.contains(&state) {
            continue;
        }
        if seen.len() >= limit {
            return Err(format!("more than {limit} reachable states"));
        }
        visit(&state)?;
        fireable_events(model, &state, &mut scratch, &mut fireable);
        for (event, advance) in fireable.drain(..) {
            let mut next = state.clone();
            model.apply(&mut next, &event, advance);
            stack.push(next);
        }
        seen.insert(state);
    }
    Ok(seen.len())
}

/// Fails on the first reachable state where two fireable events share a name, or where a
/// declared `access` breaks the independence promise.
pub fn audit_model<M: Model>(model: &M, limit: usize) -> Result<usize, String> {
    let (mut scratch, mut fireable) = (Vec::new(), Vec::new());
    for_each_reachable(model, limit, |state| {
        fireable_events(model, state, &mut scratch, &mut fireable);
        let mut names: Vec<String> = fireable
            .iter()
            .map(|(e, _)| model.label(state, e).name())
            .collect();
        names.sort();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!(
                "two enabled events are both named `{}` in {state:?}",
                w[0]
            ));
        }
        crate::por::audit_independence(model, state)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::counter::Counter;

    #[test]
    fn the_counter_passes_the_audit_and_its_state_count_is_pinned() {
        assert_eq!(audit_model(&Counter::lost_update(2), 1000), Ok(12));
        assert!(audit_model(&Counter::lost_update(3), 10).is_err());
    }
}
