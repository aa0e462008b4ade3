//! PCT and shrinking on the engine's example models: PCT finds bugs of the depth it is given
//! (and, by construction, none deeper), is reproducible from a seed, and never claims
//! exhaustion; shrinking turns long random counterexamples into valid ones as short as BFS's
//! shortest, with fewer actor switches, deterministically.

use syncsim_engine::examples::counter::{Counter, Step};
use syncsim_engine::examples::spinlock::{LockStep, SpinLock};
use syncsim_engine::model::{fireable_events, Model};
use syncsim_engine::outcome::{Bound, Violation};
use syncsim_engine::replay::replay;
use syncsim_engine::shrink::{shrink, violates};
use syncsim_engine::strategy::{Bfs, Pct, RandomWalk, Strategy};
use syncsim_engine::{Budget, Outcome, Trace};

fn violation<E: Clone>(o: &Outcome<E>) -> Violation<E> {
    match o {
        Outcome::Violation(v) => v.clone(),
        other => panic!("expected a violation, got {}", other.kind()),
    }
}

/// The number of times consecutive steps of `path` are taken by different actors.
fn actor_switches<M: Model>(model: &M, path: &[M::Event]) -> usize {
    let trace = Trace::record(model, path, "test", None, None);
    trace
        .steps
        .windows(2)
        .filter(|w| w[0].actor != w[1].actor)
        .count()
}

/// Asserts that every event of `path` is fireable where it stands, by `==` against
/// `fireable_events`, firing it with the advance given there.
fn assert_every_step_fireable<M: Model>(model: &M, path: &[M::Event]) {
    let mut state = model.initial_state();
    let mut scratch = Vec::new();
    let mut fireable = Vec::new();
    for (i, event) in path.iter().enumerate() {
        fireable_events(model, &state, &mut scratch, &mut fireable);
        let (_, advance) = fireable
            .iter()
            .find(|(e, _)| e == event)
            .unwrap_or_else(|| panic!("step {} ({event:?}) is not fireable", i + 1));
        model.apply(&mut state, event, *advance);
    }
}

fn bfs_shortest<M: Model>(model: &M) -> usize {
    violation(&Bfs.explore(model, &Budget::default()).outcome)
        .path
        .len()
}

// ---------------------------------------------------------------------------------------------
// PCT
// ---------------------------------------------------------------------------------------------

#[test]
fn pct_finds_the_lost_update() {
    let r = Pct {
        seed: 1,
        runs: 100,
        depth: 2,
    }
    .explore(&Counter::lost_update(2), &Budget::default());
    assert_eq!(r.strategy, "pct");
    assert_eq!(r.seed, Some(1));
    let v = violation(&r.outcome);
    assert_eq!(v.property, "no_lost_increment");
    assert_eq!(v.message, "2 threads incremented but x = 1");
    assert!(v.run_seed.is_some());
    assert_eq!(v.path.len(), 4);
}

#[test]
fn pct_with_depth_one_never_preempts_so_it_misses_the_lost_update() {
    // Depth 1 means no priority change point: each thread runs to completion in priority
    // order, which is a sequential schedule, and sequential schedules lose no update.
    let r = Pct {
        seed: 1,
        runs: 50,
        depth: 1,
    }
    .explore(&Counter::lost_update(3), &Budget::default());
    assert_eq!(r.outcome, Outcome::Bounded(Bound::Runs));
    assert_eq!(r.stats.runs, 50);
}

#[test]
fn pct_finds_a_depth_three_bug_that_depth_two_cannot() {
    // Two threads in the critical section need two priority inversions: A tests the lock, B
    // overtakes it (tests and sets), then A overtakes B (sets while B holds it). One change
    // point gives at most one inversion, whatever the seed.
    let model = SpinLock::broken(3, 3);
    let shallow = Pct {
        seed: 1,
        runs: 200,
        depth: 2,
    }
    .explore(&model, &Budget::default());
    assert_eq!(shallow.outcome, Outcome::Bounded(Bound::Runs));
    let deep = Pct {
        seed: 1,
        runs: 200,
        depth: 3,
    }
    .explore(&model, &Budget::default());
    assert_eq!(violation(&deep.outcome).property, "mutual_exclusion");
}

#[test]
fn pct_same_seed_same_trace_byte_for_byte() {
    let json = |model: &Counter, seed| {
        let r = Pct {
            seed,
            runs: 50,
            depth: 3,
        }
        .explore(model, &Budget::default());
        let v = violation(&r.outcome);
        Trace::record(model, &v.path, "pct", v.run_seed, None).to_json()
    };
    let model = Counter::lost_update(4);
    assert_eq!(json(&model, 3), json(&model, 3));
    let timed = Counter::lost_update(3).with_read_delay(100, 300);
    assert_eq!(json(&timed, 8), json(&timed, 8));
}

/// Runs `pct` on `model`, then reruns the failing run's seed alone and checks it reproduces
/// the same violation. The violation must come from a later run, or the check proves nothing.
fn assert_reproduces_from_run_seed<M: Model>(model: &M, pct: Pct) {
    let v = violation(&pct.clone().explore(model, &Budget::default()).outcome);
    let seed = v.run_seed.expect("PCT violations carry their run seed");
    assert_ne!(seed, pct.seed, "the violation should come from a later run");
    let mut alone = Pct {
        seed,
        runs: 1,
        ..pct
    };
    let again = violation(&alone.explore(model, &Budget::default()).outcome);
    assert_eq!(again.path, v.path);
    assert_eq!(again.message, v.message);
    assert_eq!(again.run_seed, Some(seed));
}

#[test]
fn pct_reproduces_from_the_failing_run_seed() {
    let pct = |seed, runs, depth| Pct { seed, runs, depth };
    assert_reproduces_from_run_seed(&Counter::lost_update(2), pct(1, 100, 2));
    assert_reproduces_from_run_seed(&Counter::lost_update(4), pct(1, 100, 3));
    assert_reproduces_from_run_seed(&SpinLock::broken(3, 3), pct(0, 200, 3));
}

#[test]
fn pct_never_claims_exhaustion() {
    let pct = |runs| Pct {
        seed: 7,
        runs,
        depth: 3,
    };
    let r = pct(20).explore(&Counter::atomic(3), &Budget::default());
    assert_eq!(r.outcome, Outcome::Bounded(Bound::Runs));
    assert_eq!(r.stats.runs, 20);
    // Even when the whole state space is one state.
    let r = pct(5).explore(&Counter::atomic(0), &Budget::default());
    assert_eq!(r.outcome, Outcome::Bounded(Bound::Runs));
    // The fixed lock is never violated either.
    let r = pct(100).explore(&SpinLock::test_and_set(3, 2), &Budget::default());
    assert_eq!(r.outcome, Outcome::Bounded(Bound::Runs));
    // A step budget stops it as `states`, like the random walk.
    let r = pct(1000).explore(
        &Counter::atomic(3),
        &Budget {
            max_states: 10,
            ..Budget::default()
        },
    );
    assert_eq!(r.outcome, Outcome::Bounded(Bound::States));
    assert!(r.stats.runs < 1000);
}

#[test]
fn pct_respects_virtual_time_windows() {
    let model = Counter::lost_update(2).with_read_delay(100, 300);
    let v = violation(
        &Pct {
            seed: 2,
            runs: 100,
            depth: 2,
        }
        .explore(&model, &Budget::default())
        .outcome,
    );
    assert_every_step_fireable(&model, &v.path);
    let trace = Trace::record(&model, &v.path, "pct", v.run_seed, None);
    assert_eq!(trace.steps[0].time_ms, 100);
    let replayed = replay(&model, &trace.steps).unwrap();
    assert_eq!(replayed.path, v.path);
    assert_eq!(
        replayed.violation.map(|tv| tv.property),
        Some(v.property.clone())
    );
}

// ---------------------------------------------------------------------------------------------
// Shrinking
// ---------------------------------------------------------------------------------------------

#[test]
fn shrinking_a_random_walk_lost_update_keeps_it_valid_and_as_short_as_bfs() {
    let model = Counter::lost_update(4);
    let v = violation(
        &RandomWalk { seed: 0, runs: 100 }
            .explore(&model, &Budget::default())
            .outcome,
    );
    let shrunk = shrink(&model, &v.path, &v.property);
    assert_eq!(
        violates(&model, &shrunk.path, &v.property),
        Some(shrunk.after)
    );
    assert!(shrunk.after <= shrunk.before);
    // The property is checked at quiescence and every thread must finish for the world to be
    // quiescent, so every counterexample has exactly 4 reads and 4 writes: nothing can be
    // dropped, and the random walk's path already has BFS's length.
    assert_eq!(shrunk.after, bfs_shortest(&model));
    assert_eq!(shrunk.after, 8);
    // Reordering still pays: four actor switches is the minimum (with three, every thread's
    // steps would be contiguous — a sequential schedule, which loses nothing).
    let before = actor_switches(&model, &v.path);
    let after = actor_switches(&model, &shrunk.path);
    assert!(
        before > 4,
        "seed 0 gives an interleaved path ({before} switches)"
    );
    assert_eq!(after, 4);
}

#[test]
fn shrinking_a_long_spin_lock_counterexample_reaches_the_bfs_shortest() {
    let model = SpinLock::broken(3, 3);
    let shortest = bfs_shortest(&model);
    assert_eq!(shortest, 4);
    let from_pct = violation(
        &Pct {
            seed: 0,
            runs: 200,
            depth: 3,
        }
        .explore(&model, &Budget::default())
        .outcome,
    );
    // The first random walk at least three times as long as the shortest counterexample.
    let from_random = (0..)
        .map(|seed| {
            violation(
                &RandomWalk { seed, runs: 100 }
                    .explore(&model, &Budget::default())
                    .outcome,
            )
        })
        .find(|v| v.path.len() >= 3 * shortest)
        .expect("some random walk is long");
    for v in [from_pct, from_random] {
        assert!(v.path.len() > shortest);
        let shrunk = shrink(&model, &v.path, &v.property);
        assert_eq!(
            violates(&model, &shrunk.path, &v.property),
            Some(shrunk.after)
        );
        assert_eq!(shrunk.after, shortest, "from {} events", v.path.len());
        // Both threads must test before either sets; with one switch the first thread would
        // set the lock before the second tests it. Two switches is the minimum.
        assert_eq!(actor_switches(&model, &shrunk.path), 2);
    }
}

#[test]
fn shrink_reports_before_and_after_lengths() {
    let model = SpinLock::broken(2, 2);
    use LockStep::*;
    // Thread 1 does a whole round, then both threads test the free lock and set it.
    let path = vec![
        Test(0),
        Set(0),
        Release(0),
        Test(0),
        Test(1),
        Set(0),
        Set(1),
    ];
    assert_eq!(violates(&model, &path, "mutual_exclusion"), Some(7));
    let shrunk = shrink(&model, &path, "mutual_exclusion");
    assert_eq!(shrunk.before, 7);
    assert_eq!(shrunk.after, shrunk.path.len());
    assert_eq!(shrunk.after, 4);
    // The round is dropped, and the two sets are ordered so that only two switches remain.
    assert_eq!(shrunk.path, vec![Test(1), Test(0), Set(0), Set(1)]);
    assert_eq!(actor_switches(&model, &shrunk.path), 2);
}

#[test]
fn a_shrunk_path_never_contains_a_non_fireable_step() {
    let models = [
        Counter::lost_update(3),
        Counter::lost_update(4).with_read_delay(10, 50),
    ];
    for model in &models {
        for seed in 0..10 {
            let r = RandomWalk { seed, runs: 200 }.explore(model, &Budget::default());
            let v = violation(&r.outcome);
            let shrunk = shrink(model, &v.path, &v.property);
            assert_every_step_fireable(model, &shrunk.path);
            // And replay by name, with recorded times, ends in the same property.
            let trace = Trace::record(model, &shrunk.path, "shrunk", None, None);
            let replayed = replay(model, &trace.steps).unwrap();
            assert_eq!(replayed.steps_run, shrunk.after);
            assert_eq!(
                replayed.violation.map(|tv| tv.property),
                Some(v.property.clone())
            );
        }
    }
    let model = SpinLock::broken(4, 3);
    for seed in 0..10 {
        let v = violation(
            &RandomWalk { seed, runs: 200 }
                .explore(&model, &Budget::default())
                .outcome,
        );
        let shrunk = shrink(&model, &v.path, &v.property);
        assert_every_step_fireable(&model, &shrunk.path);
        assert_eq!(shrunk.after, 4);
    }
}

#[test]
fn shrink_cuts_what_follows_the_violation() {
    let model = SpinLock::broken(2, 2);
    use LockStep::*;
    let path = vec![Test(0), Test(1), Set(0), Set(1), Release(0), Release(1)];
    assert_eq!(violates(&model, &path, "mutual_exclusion"), Some(4));
    let shrunk = shrink(&model, &path, "mutual_exclusion");
    assert_eq!((shrunk.before, shrunk.after), (6, 4));
}

#[test]
fn shrinking_is_deterministic() {
    let model = SpinLock::broken(4, 3);
    let v = violation(
        &Pct {
            seed: 5,
            runs: 500,
            depth: 3,
        }
        .explore(&model, &Budget::default())
        .outcome,
    );
    let a = shrink(&model, &v.path, &v.property);
    let b = shrink(&model, &v.path, &v.property);
    assert_eq!(a, b);
}

#[test]
fn a_path_that_is_not_a_counterexample_is_returned_unchanged() {
    let model = Counter::lost_update(2);
    // A write before its read is not fireable.
    let bad = vec![Step::Write(0), Step::Read(0)];
    let s = shrink(&model, &bad, "no_lost_increment");
    assert_eq!((s.path, s.before, s.after), (bad.clone(), 2, 2));
    assert_eq!(violates(&model, &bad, "no_lost_increment"), None);
    // A sequential run violates nothing.
    let fine = vec![Step::Read(0), Step::Write(0), Step::Read(1), Step::Write(1)];
    assert_eq!(violates(&model, &fine, "no_lost_increment"), None);
    assert_eq!(shrink(&model, &fine, "no_lost_increment").path, fine);
    // A real counterexample, but for a property that is not the one asked about.
    let lost = vec![Step::Read(0), Step::Read(1), Step::Write(0), Step::Write(1)];
    assert_eq!(violates(&model, &lost, "no_lost_increment"), Some(4));
    assert_eq!(violates(&model, &lost, "no_such_property"), None);
    assert_eq!(shrink(&model, &lost, "no_such_property").after, 4);
}
