//! The engine on a non-web model: the classic two-thread lost-update counter. Pins state
//! counts so an accidental change to exploration shows up, and checks replay end to end.

use syncsim_engine::examples::counter::{Counter, Step};
use syncsim_engine::outcome::Bound;
use syncsim_engine::replay::{replay, Divergence};
use syncsim_engine::strategy::{Bfs, Dfs, RandomWalk, Strategy};
use syncsim_engine::trace::{Trace, TraceViolation};
use syncsim_engine::{Budget, Outcome};

fn violation<E: Clone>(o: &Outcome<E>) -> syncsim_engine::outcome::Violation<E> {
    match o {
        Outcome::Violation(v) => v.clone(),
        other => panic!("expected a violation, got {}", other.kind()),
    }
}

#[test]
fn dfs_finds_the_lost_update() {
    let r = Dfs::default().explore(&Counter::lost_update(2), &Budget::default());
    let v = violation(&r.outcome);
    assert_eq!(v.property, "no_lost_increment");
    assert_eq!(v.message, "2 threads incremented but x = 1");
}

#[test]
fn bfs_returns_the_shortest_counterexample() {
    let r = Bfs.explore(&Counter::lost_update(3), &Budget::default());
    let v = violation(&r.outcome);
    // Every thread must finish for the world to be quiescent: 3 reads and 3 writes.
    assert_eq!(v.path.len(), 6);
}

#[test]
fn atomic_increments_exhaust_with_pinned_state_counts() {
    let r = Dfs::default().explore(&Counter::atomic(3), &Budget::default());
    assert_eq!(r.outcome, Outcome::Exhausted);
    // 2^3 subsets of finished threads.
    assert_eq!(r.stats.states, 8);
    assert_eq!(r.stats.transitions, 12);
    let b = Bfs.explore(&Counter::atomic(3), &Budget::default());
    assert_eq!(b.outcome, Outcome::Exhausted);
    assert_eq!(b.stats.states, 8);
}

#[test]
fn split_increment_state_count_is_pinned() {
    let r = Dfs::default().explore(
        &Counter::lost_update(2),
        &Budget {
            max_depth: 100,
            ..Budget::default()
        },
    );
    assert!(r.outcome.is_violation());
    let full = Bfs.explore(&Counter::atomic(2), &Budget::default());
    assert_eq!(full.stats.states, 4);
}

#[test]
fn a_depth_bound_is_reported_as_bounded_not_a_pass() {
    let r = Dfs::default().explore(
        &Counter::atomic(3),
        &Budget {
            max_depth: 2,
            ..Budget::default()
        },
    );
    assert_eq!(r.outcome, Outcome::Bounded(Bound::Depth));
    let r = Bfs.explore(
        &Counter::atomic(3),
        &Budget {
            max_depth: 2,
            ..Budget::default()
        },
    );
    assert_eq!(r.outcome, Outcome::Bounded(Bound::Depth));
}

#[test]
fn a_state_bound_is_reported_as_bounded() {
    let r = Dfs::default().explore(
        &Counter::atomic(4),
        &Budget {
            max_states: 3,
            ..Budget::default()
        },
    );
    assert_eq!(r.outcome, Outcome::Bounded(Bound::States));
}

#[test]
fn random_walk_never_claims_exhaustion() {
    let r = RandomWalk { seed: 7, runs: 20 }.explore(&Counter::atomic(3), &Budget::default());
    assert_eq!(r.outcome, Outcome::Bounded(Bound::Runs));
    assert_eq!(r.stats.runs, 20);
}

#[test]
fn random_walk_reproduces_from_the_failing_run_seed() {
    let model = Counter::lost_update(3);
    let r = RandomWalk {
        seed: 42,
        runs: 100,
    }
    .explore(&model, &Budget::default());
    let v = violation(&r.outcome);
    let seed = v.run_seed.expect("random violations carry their run seed");
    let again = RandomWalk { seed, runs: 1 }.explore(&model, &Budget::default());
    assert_eq!(violation(&again.outcome).path, v.path);
}

#[test]
fn same_seed_same_trace_byte_for_byte() {
    let model = Counter::lost_update(4);
    let json = |seed| {
        let r = RandomWalk { seed, runs: 50 }.explore(&model, &Budget::default());
        let v = violation(&r.outcome);
        Trace::record(&model, &v.path, "random", v.run_seed, None).to_json()
    };
    assert_eq!(json(3), json(3));
}

#[test]
fn a_recorded_trace_replays_to_the_same_violation() {
    let model = Counter::lost_update(2);
    let v = violation(&Bfs.explore(&model, &Budget::default()).outcome);
    let trace = Trace::record(
        &model,
        &v.path,
        "bfs",
        None,
        Some(TraceViolation {
            property: v.property.clone(),
            message: v.message.clone(),
        }),
    );
    let back: Trace = serde_json::from_str(&trace.to_json()).unwrap();
    let replayed = replay(&model, &back.steps).unwrap();
    assert_eq!(replayed.path, v.path);
    assert_eq!(replayed.violation, trace.violation);
    assert_eq!(
        trace.render(),
        "  1     0.000s  thread-1  reads x = 0\n  2     0.000s  thread-2  reads x = 0\n  3     0.000s  thread-1  writes x = 1  →  x: 0 → 1\n  4     0.000s  thread-2  writes x = 1\nVIOLATED no_lost_increment: 2 threads incremented but x = 1\n"
    );
}

#[test]
fn a_trace_that_no_longer_fits_names_the_step_and_what_was_enabled() {
    let model = Counter::lost_update(2);
    let trace = Trace::record(&model, &[Step::Read(0), Step::Write(0)], "bfs", None, None);
    let mut steps = trace.steps.clone();
    steps[1].action = "writes x = 7".into();
    let err = replay(&model, &steps).unwrap_err();
    assert_eq!(
        err,
        Divergence::NotEnabled {
            step: 2,
            expected: "thread-1 writes x = 7".into(),
            enabled: vec![
                "thread-1 writes x = 1".into(),
                "thread-2 reads x = 0".into()
            ],
        }
    );
    // And a replay against a model with fewer threads diverges instead of panicking.
    let smaller = Counter::lost_update(1);
    let long = Trace::record(&model, &[Step::Read(1)], "bfs", None, None);
    assert!(matches!(
        replay(&smaller, &long.steps),
        Err(Divergence::NotEnabled { step: 1, .. })
    ));
}

#[test]
fn virtual_time_windows_are_recorded_and_checked_by_replay() {
    let model = Counter::lost_update(2).with_read_delay(100, 300);
    let r = Bfs.explore(&model, &Budget::default());
    let v = violation(&r.outcome);
    let trace = Trace::record(&model, &v.path, "bfs", None, None);
    // The first read may happen no earlier than 100ms; the second read is then due at once.
    assert_eq!(trace.steps[0].time_ms, 100);
    let mut steps = trace.steps.clone();
    steps[0].time_ms = 5;
    assert!(matches!(
        replay(&model, &steps),
        Err(Divergence::TimeDiffers { step: 1, .. })
    ));
}

#[test]
fn an_unreached_sometimes_property_fails_an_exhaustive_run() {
    // With a depth of 3 the atomic model is bounded: unknown, not a failure.
    let r = Dfs::default().explore(
        &Counter::atomic(3),
        &Budget {
            max_depth: 2,
            ..Budget::default()
        },
    );
    assert!(!r.outcome.is_violation());
    // Zero threads: every thread is trivially done in the initial state, so it is reached.
    assert_eq!(
        Dfs::default()
            .explore(&Counter::atomic(0), &Budget::default())
            .outcome,
        Outcome::Exhausted
    );
}
