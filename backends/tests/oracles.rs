//! The backends as independent oracles on the counter model: each finds the lost update with a
//! path the engine replays to the same violation, the enumerating backends exhaust the atomic
//! counter and agree with the engine's DFS, the samplers never claim exhaustion, and budgets,
//! caps and seeds behave as documented.

use std::sync::Arc;

use syncsim_backends::{run, Backend};
use syncsim_engine::examples::counter::Counter;
use syncsim_engine::outcome::{Bound, Violation};
use syncsim_engine::replay::replay;
use syncsim_engine::strategy::{Dfs, Strategy};
use syncsim_engine::trace::{Trace, TraceViolation};
use syncsim_engine::{Budget, EventLabel, Millis, Model, Outcome, Property, PropertyKind, Timed};

const ITERATIONS: u64 = 2_000;

fn violation<E: Clone>(o: &Outcome<E>) -> Violation<E> {
    match o {
        Outcome::Violation(v) => v.clone(),
        other => panic!("expected a violation, got {}", other.kind()),
    }
}

/// Records the backend's path as a trace, round-trips it through JSON, and replays it in the
/// engine: it must reach the very violation the backend reported.
fn assert_replays<M: Model>(model: &M, backend: Backend, v: &Violation<M::Event>) {
    let expected = TraceViolation {
        property: v.property.clone(),
        message: v.message.clone(),
    };
    let trace = Trace::record(model, &v.path, backend.name(), None, Some(expected.clone()));
    let back: Trace = serde_json::from_str(&trace.to_json()).unwrap();
    let replayed = replay(model, &back.steps).expect("the path replays in the engine");
    assert_eq!(replayed.path, v.path, "{backend}");
    assert_eq!(replayed.violation, Some(expected), "{backend}");
    assert_eq!(
        replayed.steps_run,
        v.path.len(),
        "{backend}: violation at the last step"
    );
}

#[test]
fn every_backend_finds_the_lost_update_and_its_path_replays() {
    let model = Counter::lost_update(2);
    for backend in Backend::ALL {
        let r = run(
            backend,
            Arc::new(model.clone()),
            &Budget::default(),
            7,
            ITERATIONS,
        );
        let v = violation(&r.outcome);
        assert_eq!(v.property, "no_lost_increment", "{backend}");
        assert_eq!(v.message, "2 threads incremented but x = 1", "{backend}");
        assert_eq!(v.path.len(), 4, "{backend}");
        assert_replays(&model, backend, &v);
        assert_eq!(r.strategy, backend.name());
        assert!(r.stats.runs >= 1 && r.stats.transitions >= 4, "{backend}");
    }
}

#[test]
fn every_backend_finds_the_lost_update_with_more_threads() {
    for threads in 3..=4 {
        let model = Counter::lost_update(threads);
        for backend in Backend::ALL {
            let r = run(
                backend,
                Arc::new(model.clone()),
                &Budget::default(),
                3,
                ITERATIONS,
            );
            let v = violation(&r.outcome);
            assert_replays(&model, backend, &v);
        }
    }
}

#[test]
fn enumerating_backends_exhaust_the_atomic_counter_and_agree_with_engine_dfs() {
    for threads in 2..=3 {
        let model = Counter::atomic(threads);
        let engine = Dfs::default().explore(&model, &Budget::default());
        assert_eq!(engine.outcome, Outcome::Exhausted);
        for backend in [Backend::ShuttleDfs, Backend::Loom] {
            let r = run(
                backend,
                Arc::new(model.clone()),
                &Budget::default(),
                0,
                u64::MAX,
            );
            assert_eq!(
                r.outcome,
                Outcome::Exhausted,
                "{backend} on atomic({threads})"
            );
            // Same reachable states as the engine, reached over whole runs.
            assert_eq!(r.stats.states, engine.stats.states, "{backend}");
            assert!(r.stats.runs > 1, "{backend}");
            assert_eq!(r.stats.max_depth, threads, "{backend}");
            assert_eq!(r.seed, None);
        }
    }
}

#[test]
fn samplers_report_bounded_by_runs_on_the_atomic_counter() {
    let model = Counter::atomic(2);
    for backend in [Backend::ShuttleRandom, Backend::ShuttlePct] {
        let r = run(
            backend,
            Arc::new(model.clone()),
            &Budget::default(),
            11,
            200,
        );
        assert_eq!(r.outcome, Outcome::Bounded(Bound::Runs), "{backend}");
        assert_eq!(r.stats.runs, 200, "{backend}");
        assert_eq!(r.stats.transitions, 400, "{backend}");
        assert_eq!(r.seed, Some(11));
    }
}

#[test]
fn the_same_seed_gives_the_same_report() {
    let model = Counter::lost_update(4);
    for backend in [Backend::ShuttleRandom, Backend::ShuttlePct] {
        let once = |seed| {
            let r = run(
                backend,
                Arc::new(model.clone()),
                &Budget::default(),
                seed,
                ITERATIONS,
            );
            (
                violation(&r.outcome).path,
                r.stats.runs,
                r.stats.transitions,
            )
        };
        assert_eq!(once(5), once(5), "{backend}");
    }
    // The enumerating backends take no seed and are deterministic too.
    for backend in [Backend::ShuttleDfs, Backend::Loom] {
        let once = || {
            let r = run(
                backend,
                Arc::new(model.clone()),
                &Budget::default(),
                0,
                ITERATIONS,
            );
            (violation(&r.outcome).path, r.stats.runs)
        };
        assert_eq!(once(), once(), "{backend}");
    }
}

#[test]
fn a_depth_bound_is_bounded_not_exhausted() {
    let budget = Budget {
        max_depth: 2,
        ..Budget::default()
    };
    for backend in [Backend::ShuttleDfs, Backend::Loom] {
        let r = run(backend, Arc::new(Counter::atomic(3)), &budget, 0, u64::MAX);
        assert_eq!(r.outcome, Outcome::Bounded(Bound::Depth), "{backend}");
        assert_eq!(r.stats.max_depth, 2, "{backend}");
    }
}

#[test]
fn an_iteration_cap_that_cuts_enumeration_is_bounded_by_runs() {
    for backend in [Backend::ShuttleDfs, Backend::Loom] {
        let r = run(
            backend,
            Arc::new(Counter::atomic(3)),
            &Budget::default(),
            0,
            2,
        );
        assert_eq!(r.outcome, Outcome::Bounded(Bound::Runs), "{backend}");
        assert_eq!(r.stats.runs, 2, "{backend}");
        // A cap exactly as large as the whole enumeration did not cut anything.
        let full = run(
            backend,
            Arc::new(Counter::atomic(3)),
            &Budget::default(),
            0,
            u64::MAX,
        );
        let exact = run(
            backend,
            Arc::new(Counter::atomic(3)),
            &Budget::default(),
            0,
            full.stats.runs,
        );
        assert_eq!(exact.outcome, Outcome::Exhausted, "{backend}");
        assert_eq!(exact.stats.runs, full.stats.runs, "{backend}");
    }
}

#[test]
fn a_state_bound_is_reported_as_bounded() {
    let budget = Budget {
        max_states: 3,
        ..Budget::default()
    };
    for backend in Backend::ALL {
        let r = run(
            backend,
            Arc::new(Counter::atomic(4)),
            &budget,
            0,
            ITERATIONS,
        );
        assert_eq!(r.outcome, Outcome::Bounded(Bound::States), "{backend}");
    }
}

#[test]
fn virtual_time_windows_are_respected() {
    let model = Counter::lost_update(2).with_read_delay(100, 300);
    for backend in Backend::ALL {
        let r = run(
            backend,
            Arc::new(model.clone()),
            &Budget::default(),
            1,
            ITERATIONS,
        );
        let v = violation(&r.outcome);
        assert_replays(&model, backend, &v);
        let trace = Trace::record(&model, &v.path, backend.name(), None, None);
        assert_eq!(trace.steps[0].time_ms, 100, "{backend}");
    }
}

#[test]
fn names_round_trip() {
    for backend in Backend::ALL {
        assert_eq!(backend.name().parse::<Backend>(), Ok(backend));
        assert_eq!(backend.to_string(), backend.name());
    }
    let err = "shuttle".parse::<Backend>().unwrap_err();
    assert!(err.to_string().contains("shuttle-random"), "{err}");
}

/// `n` actors each take one step, in any order; the ordering `bad` (if any) violates an
/// `always` property, and a `sometimes` property asks for the ordering `goal`. Choices among up
/// to `n` events at once exercise every branch of the tournament, including odd splits.
struct Orderings {
    n: usize,
    bad: Option<Vec<usize>>,
    goal: Vec<usize>,
}

impl Orderings {
    /// Only the reversed order `n-1, …, 0` is bad; the order `0, …, n-1` is the goal.
    fn reversed_is_bad(n: usize) -> Self {
        Orderings {
            n,
            bad: Some((0..n).rev().collect()),
            goal: (0..n).collect(),
        }
    }
}

impl Model for Orderings {
    type State = Vec<usize>;
    type Event = usize;

    fn initial_state(&self) -> Vec<usize> {
        Vec::new()
    }
    fn enabled(&self, s: &Vec<usize>, out: &mut Vec<Timed<usize>>) {
        out.extend((0..self.n).filter(|i| !s.contains(i)).map(Timed::any));
    }
    fn apply(&self, s: &mut Vec<usize>, e: &usize, _: Millis) {
        s.push(*e);
    }
    fn label(&self, _: &Vec<usize>, e: &usize) -> EventLabel {
        EventLabel::new(format!("actor-{e}"), "steps")
    }
    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property {
                name: "not_reversed",
                kind: PropertyKind::Always,
                check: |m, s| {
                    if m.bad.as_ref() == Some(s) {
                        Err(format!("the actors stepped in the bad order {s:?}"))
                    } else {
                        Ok(())
                    }
                },
            },
            Property {
                name: "goal_is_reached",
                kind: PropertyKind::Sometimes,
                check: |m, s| {
                    if *s == m.goal {
                        Ok(())
                    } else {
                        Err(String::new())
                    }
                },
            },
        ]
    }
}

#[test]
fn enumerating_backends_reach_the_one_bad_ordering_among_all() {
    for n in [3, 4] {
        let model = Orderings::reversed_is_bad(n);
        for backend in [Backend::ShuttleDfs, Backend::Loom] {
            let r = run(
                backend,
                Arc::new(Orderings::reversed_is_bad(n)),
                &Budget::default(),
                0,
                u64::MAX,
            );
            let v = violation(&r.outcome);
            assert_eq!(v.property, "not_reversed", "{backend} n={n}");
            assert_eq!(v.path, (0..n).rev().collect::<Vec<_>>(), "{backend}");
            assert_replays(&model, backend, &v);
        }
    }
}

#[test]
fn enumerating_backends_cover_every_ordering() {
    // No bad ordering, and the goal is the last ordering in tournament order: exhausted only
    // if every one of the n! orderings was reached (the states are the n! prefixes' union).
    for backend in [Backend::ShuttleDfs, Backend::Loom] {
        let model = Orderings {
            n: 4,
            bad: None,
            goal: vec![3, 2, 1, 0],
        };
        let engine = Dfs::default().explore(&model, &Budget::default());
        let r = run(backend, Arc::new(model), &Budget::default(), 0, u64::MAX);
        assert_eq!(r.outcome, Outcome::Exhausted, "{backend}");
        assert_eq!(r.stats.states, engine.stats.states, "{backend}");
    }
}

#[test]
fn an_unreached_sometimes_property_fails_an_exhaustive_run() {
    let unreachable = || {
        Arc::new(Orderings {
            n: 3,
            bad: None,
            goal: vec![7],
        })
    };
    for backend in [Backend::ShuttleDfs, Backend::Loom] {
        let r = run(backend, unreachable(), &Budget::default(), 0, u64::MAX);
        let v = violation(&r.outcome);
        assert_eq!(v.property, "goal_is_reached", "{backend}");
        assert!(v.path.is_empty(), "{backend}");
    }
    // A sampler cannot tell, so it stays bounded.
    let r = run(
        Backend::ShuttleRandom,
        unreachable(),
        &Budget::default(),
        0,
        50,
    );
    assert_eq!(r.outcome, Outcome::Bounded(Bound::Runs));
}
