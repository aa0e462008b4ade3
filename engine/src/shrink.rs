//! Shrinking: turns a long counterexample into a short one that a reviewer can read like a
//! story — fewer events, and fewer switches between actors.
//!
//! A candidate path is *valid* for a property if, replayed from the initial state, every event
//! is fireable where it stands (compared by `==` with [`fireable_events`], firing it with the
//! clock advance given there) and the first property that fails along the way — checked with a
//! fresh [`PropertyChecker`] after every step, with quiescence computed exactly as the
//! strategies compute it — is the named one. A valid candidate is cut right after the state
//! where the property fails. A path on which another property fails first is not valid: it
//! would be a counterexample for that other property.
//!
//! [`shrink`] first drops events (all events of one actor, then chunks of decreasing size down
//! to single events, repeated until nothing more can go), then reorders events so that fewer
//! actor switches remain (adjacent swaps, and moving a run of one actor's events next to that
//! actor's previous or next run), then drops again, until neither helps. A change is kept only
//! if the candidate is valid and strictly better: shorter, or as long with fewer actor switches.
//! That order is well-founded, so shrinking terminates; a fixed budget of replayed steps also
//! bounds its time on huge paths. Nothing is random: the same input gives the same output.

use crate::model::{fireable_events, Model};
use crate::strategy::PropertyChecker;

/// A shrunk counterexample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shrunk<E> {
    /// The shrunk path: valid for the property, and no longer than the original.
    pub path: Vec<E>,
    /// The length of the path given to [`shrink`].
    pub before: usize,
    /// The length of [`Shrunk::path`].
    pub after: usize,
}

/// The most steps [`shrink`] replays in all before it stops and returns the best path so far.
/// Deterministic (it counts steps, not time); enough for paths of a few hundred events to
/// shrink to a fixpoint.
pub const MAX_REPLAY_STEPS: u64 = 10_000_000;

/// Chunk sizes at or below this are all tried (not only halvings), so that a whole round of a
/// few events can go at once even when the halvings skip its length.
const SMALL_CHUNKS: usize = 8;

/// Paths up to this long try removing small chunks at every offset; otherwise, and for larger
/// chunks, only at multiples of the chunk size, as delta debugging does.
const FINE_LIMIT: usize = 256;

/// Replays `path` from the initial state. Returns `Some(n)` if every event up to the failure is
/// fireable and the first property to fail is `property`, after `n` events (`0`: in the
/// initial state); `None` if an event is not fireable, another property fails first, or
/// nothing fails.
pub fn violates<M: Model>(model: &M, path: &[M::Event], property: &str) -> Option<usize> {
    replay(model, path, property, &mut 0).map(|c| c.path.len())
}

/// Shrinks `path`, a counterexample for `property`: drops events and reorders them to fewer
/// actor switches while the path stays valid (see the module documentation). If `path` is not
/// valid for `property` to begin with, it is returned unchanged.
pub fn shrink<M: Model>(model: &M, path: &[M::Event], property: &str) -> Shrunk<M::Event> {
    let before = path.len();
    let mut shrinker = Shrinker {
        model,
        property,
        steps: 0,
    };
    let Some(mut best) = shrinker.check(path.to_vec()) else {
        return Shrunk {
            path: path.to_vec(),
            before,
            after: before,
        };
    };
    // Every round that changes anything makes `best` strictly better, so this ends; the cap is
    // a second guarantee.
    for _ in 0..=before {
        let dropped = shrinker.drop_events(&mut best);
        let reordered = shrinker.reorder(&mut best);
        if !(dropped || reordered) || shrinker.out_of_budget() {
            break;
        }
    }
    let after = best.path.len();
    Shrunk {
        path: best.path,
        before,
        after,
    }
}

/// A valid path with the actor of each of its events and its number of actor switches.
struct Candidate<E> {
    path: Vec<E>,
    actors: Vec<String>,
    switches: usize,
}

impl<E> Candidate<E> {
    /// Shorter first, then fewer actor switches.
    fn better_than(&self, other: &Candidate<E>) -> bool {
        (self.path.len(), self.switches) < (other.path.len(), other.switches)
    }
}

fn switches<T: PartialEq>(actors: &[T]) -> usize {
    actors.windows(2).filter(|w| w[0] != w[1]).count()
}

/// Replays `path` and returns it cut at the failure of `property`, if it is valid.
fn replay<M: Model>(
    model: &M,
    path: &[M::Event],
    property: &str,
    steps: &mut u64,
) -> Option<Candidate<M::Event>> {
    let mut checker = PropertyChecker::new(model);
    let mut state = model.initial_state();
    let mut scratch = Vec::new();
    let mut fireable = Vec::new();
    let mut actors = Vec::new();
    fireable_events(model, &state, &mut scratch, &mut fireable);
    let mut failed = checker.check(model, &state, fireable.is_empty());
    let mut n = 0;
    while failed.is_none() {
        let event = path.get(n)?;
        let advance = fireable.iter().find(|(e, _)| e == event)?.1;
        actors.push(model.label(&state, event).actor);
        model.apply(&mut state, event, advance);
        *steps += 1;
        n += 1;
        fireable_events(model, &state, &mut scratch, &mut fireable);
        failed = checker.check(model, &state, fireable.is_empty());
    }
    let (name, _) = failed?;
    if name != property {
        return None;
    }
    Some(Candidate {
        path: path[..n].to_vec(),
        switches: switches(&actors),
        actors,
    })
}

struct Shrinker<'a, M> {
    model: &'a M,
    property: &'a str,
    steps: u64,
}

impl<M: Model> Shrinker<'_, M> {
    fn out_of_budget(&self) -> bool {
        self.steps >= MAX_REPLAY_STEPS
    }

    fn check(&mut self, path: Vec<M::Event>) -> Option<Candidate<M::Event>> {
        replay(self.model, &path, self.property, &mut self.steps)
    }

    /// Replaces `best` with `path` if that is valid and strictly better.
    fn try_accept(&mut self, best: &mut Candidate<M::Event>, path: Vec<M::Event>) -> bool {
        if self.out_of_budget() {
            return false;
        }
        match self.check(path) {
            Some(c) if c.better_than(best) => {
                *best = c;
                true
            }
            _ => false,
        }
    }

    /// Removes events while the path stays valid. Returns whether anything was removed.
    fn drop_events(&mut self, best: &mut Candidate<M::Event>) -> bool {
        let mut changed = false;
        loop {
            let mut progress = false;
            // Every event of one actor, actors in order of first appearance.
            let mut actors: Vec<String> = Vec::new();
            for a in &best.actors {
                if !actors.contains(a) {
                    actors.push(a.clone());
                }
            }
            for actor in &actors {
                let path = best
                    .path
                    .iter()
                    .zip(&best.actors)
                    .filter(|(_, a)| *a != actor)
                    .map(|(e, _)| e.clone())
                    .collect();
                progress |= self.try_accept(best, path);
            }
            // Chunks: halvings down to SMALL_CHUNKS, then every size down to one event.
            let mut chunk = best.path.len() / 2;
            while chunk >= 1 {
                let mut i = 0;
                while i < best.path.len() {
                    let end = (i + chunk).min(best.path.len());
                    let mut path = best.path[..i].to_vec();
                    path.extend_from_slice(&best.path[end..]);
                    if self.try_accept(best, path) {
                        progress = true;
                    } else if chunk <= SMALL_CHUNKS && best.path.len() <= FINE_LIMIT {
                        i += 1;
                    } else {
                        i += chunk;
                    }
                }
                chunk = if chunk > SMALL_CHUNKS {
                    (chunk / 2).max(SMALL_CHUNKS)
                } else {
                    chunk - 1
                };
                chunk = chunk.min(best.path.len());
            }
            if !progress || self.out_of_budget() {
                return changed;
            }
            changed = true;
        }
    }

    /// Reorders events to fewer actor switches while the path stays valid. Returns whether
    /// anything changed.
    fn reorder(&mut self, best: &mut Candidate<M::Event>) -> bool {
        let mut changed = false;
        loop {
            // One sweep over the moves; after an accepted move the list is rebuilt for the new
            // path and the sweep goes on from the same position.
            let mut progress = false;
            let mut next = 0;
            loop {
                if self.out_of_budget() {
                    return changed || progress;
                }
                let moves = moves(&best.actors);
                let Some(&mv) = moves.get(next) else {
                    break;
                };
                next += 1;
                let order = mv.order(best.path.len());
                let permuted: Vec<&String> = order.iter().map(|&i| &best.actors[i]).collect();
                if switches(&permuted) >= best.switches {
                    continue;
                }
                let path = order.iter().map(|&i| best.path[i].clone()).collect();
                if self.try_accept(best, path) {
                    progress = true;
                    next -= 1;
                }
            }
            if !progress {
                return changed;
            }
            changed = true;
        }
    }
}

/// Moving the events `[start, end)` so that they stand right before the event now at `to`
/// (`to <= start` moves them earlier, `to >= end` later; `to` may be the path's length).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Move {
    start: usize,
    end: usize,
    to: usize,
}

impl Move {
    /// The new order of a path of `len` events, as indices into the old one.
    fn order(self, len: usize) -> Vec<usize> {
        let Move { start, end, to } = self;
        let mut order = Vec::with_capacity(len);
        if to <= start {
            order.extend(0..to);
            order.extend(start..end);
            order.extend(to..start);
            order.extend(end..len);
        } else {
            order.extend(0..start);
            order.extend(end..to);
            order.extend(start..end);
            order.extend(to..len);
        }
        order
    }
}

/// The moves that may reduce actor switches, in a fixed order: first moving each run of one
/// actor's events right after that actor's previous run or right before its next run, then
/// swapping each pair of adjacent events of different actors.
fn moves(actors: &[String]) -> Vec<Move> {
    let mut runs: Vec<(usize, usize)> = Vec::new(); // [start, end)
    for (i, a) in actors.iter().enumerate() {
        match runs.last_mut() {
            Some((start, end)) if actors[*start] == *a => *end = i + 1,
            _ => runs.push((i, i + 1)),
        }
    }
    let mut out = Vec::new();
    for (r, &(start, end)) in runs.iter().enumerate() {
        let actor = &actors[start];
        if let Some(&(_, prev_end)) = runs[..r].iter().rev().find(|(s, _)| actors[*s] == *actor) {
            out.push(Move {
                start,
                end,
                to: prev_end,
            });
        }
        if let Some(&(next_start, _)) = runs[r + 1..].iter().find(|(s, _)| actors[*s] == *actor) {
            out.push(Move {
                start,
                end,
                to: next_start,
            });
        }
    }
    for i in 1..actors.len() {
        if actors[i - 1] != actors[i] {
            out.push(Move {
                start: i,
                end: i + 1,
                to: i - 1,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn switches_count_actor_changes() {
        assert_eq!(switches(&names(&["a", "a", "b", "a"])), 2);
        assert_eq!(switches::<String>(&[]), 0);
    }

    #[test]
    fn moves_are_permutations_and_include_merging_runs() {
        let actors = names(&["a", "b", "a", "b"]);
        let orders: Vec<Vec<usize>> = moves(&actors).iter().map(|m| m.order(4)).collect();
        for order in &orders {
            let mut sorted = order.clone();
            sorted.sort();
            assert_eq!(sorted, vec![0, 1, 2, 3]);
        }
        assert!(orders.contains(&vec![0, 2, 1, 3]));
        assert!(orders.contains(&vec![0, 1, 3, 2]));
        let later = Move {
            start: 0,
            end: 2,
            to: 4,
        };
        assert_eq!(later.order(5), vec![2, 3, 0, 1, 4]);
    }
}
