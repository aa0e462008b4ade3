//! Soundness of partial-order reduction: on randomly generated small models, DFS with sleep
//! sets reaches exactly the states, quiescent states and property violations that plain DFS
//! reaches, and finds a violation exactly when plain DFS does. Also pins the reduced counts
//! on the counter model, and shows that a lying `access` declaration is caught.
//!
//! These tests only observe strategies from outside; they must not depend on exploration
//! order beyond what the strategies promise.

use std::cell::RefCell;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use proptest::prelude::*;
use proptest::strategy::Strategy as PropStrategy;
use syncsim_engine::examples::counter::Counter;
use syncsim_engine::examples::random_model::{
    Instr, Op, RandomModel, RandomState, Spec, Step as RandomStep, VALUES,
};
use syncsim_engine::model::Access;
use syncsim_engine::por::audit_independence;
use syncsim_engine::replay::replay;
use syncsim_engine::strategy::{Dfs, Strategy};
use syncsim_engine::time::{Millis, Timed};
use syncsim_engine::trace::Trace;
use syncsim_engine::{Budget, EventLabel, Model, Outcome, Property, PropertyKind, Stats};

/// What a full exploration saw.
#[derive(Debug, Default, PartialEq)]
struct Seen<S: Eq + std::hash::Hash> {
    states: HashSet<S>,
    quiescent: HashSet<S>,
    violations: HashSet<(&'static str, S)>,
    sometimes: HashSet<&'static str>,
}

/// Wraps a model so that its own properties never stop the search: every reached state, every
/// quiescent state and every (property, state) violation is recorded instead.
struct Observer<M: Model> {
    inner: M,
    properties: Vec<Property<M>>,
    seen: RefCell<Seen<M::State>>,
}

impl<M: Model> Observer<M> {
    fn new(inner: M) -> Self {
        let properties = inner.properties();
        Observer {
            inner,
            properties,
            seen: RefCell::new(Seen {
                states: HashSet::new(),
                quiescent: HashSet::new(),
                violations: HashSet::new(),
                sometimes: HashSet::new(),
            }),
        }
    }
    fn record(&self, s: &M::State, quiescent: bool) {
        let mut seen = self.seen.borrow_mut();
        if quiescent {
            seen.quiescent.insert(s.clone());
        } else {
            seen.states.insert(s.clone());
        }
        for p in &self.properties {
            let result = (p.check)(&self.inner, s);
            match p.kind {
                PropertyKind::Always if !quiescent && result.is_err() => {
                    seen.violations.insert((p.name, s.clone()));
                }
                PropertyKind::AtQuiescence if quiescent && result.is_err() => {
                    seen.violations.insert((p.name, s.clone()));
                }
                PropertyKind::Sometimes if !quiescent && result.is_ok() => {
                    seen.sometimes.insert(p.name);
                }
                _ => {}
            }
        }
    }
}

impl<M: Model> Model for Observer<M> {
    type State = M::State;
    type Event = M::Event;
    fn initial_state(&self) -> M::State {
        self.inner.initial_state()
    }
    fn enabled(&self, s: &M::State, out: &mut Vec<Timed<M::Event>>) {
        self.inner.enabled(s, out)
    }
    fn apply(&self, s: &mut M::State, e: &M::Event, advance: Millis) {
        self.inner.apply(s, e, advance)
    }
    fn label(&self, s: &M::State, e: &M::Event) -> EventLabel {
        self.inner.label(s, e)
    }
    fn fingerprint<H: Hasher>(&self, s: &M::State, h: &mut H) {
        self.inner.fingerprint(s, h)
    }
    fn access(&self, s: &M::State, e: &M::Event) -> Option<Access> {
        self.inner.access(s, e)
    }
    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property {
                name: "observe",
                kind: PropertyKind::Always,
                check: |m, s| {
                    m.record(s, false);
                    Ok(())
                },
            },
            Property {
                name: "observe_quiescent",
                kind: PropertyKind::AtQuiescence,
                check: |m, s| {
                    m.record(s, true);
                    Ok(())
                },
            },
        ]
    }
}

/// Explores `model` completely with `dfs` and returns what it saw.
fn observe<M: Model + Clone>(model: &M, mut dfs: Dfs) -> (Seen<M::State>, Stats) {
    let observer = Observer::new(model.clone());
    let report = dfs.explore(&observer, &Budget::default());
    assert_eq!(report.outcome, Outcome::Exhausted);
    (observer.seen.into_inner(), report.stats)
}

fn op() -> impl PropStrategy<Value = Op> {
    let v = 0u8..3;
    let c = 0u8..VALUES;
    prop_oneof![
        v.clone().prop_map(Op::Read),
        (v.clone(), c.clone()).prop_map(|(v, c)| Op::Write(v, c)),
        v.clone().prop_map(Op::WriteReg),
        (v.clone(), 1u8..VALUES).prop_map(|(v, c)| Op::Add(v, c)),
        c.clone().prop_map(Op::Local),
        (v.clone(), c.clone()).prop_map(|(v, c)| Op::Await(v, c)),
        (0u8..3).prop_map(Op::Jump),
        (v, c, 0u8..3).prop_map(|(v, c, t)| Op::JumpIf(v, c, t)),
    ]
}

fn instr() -> impl PropStrategy<Value = Instr> {
    let window = prop_oneof![
        4 => Just((0, Millis::MAX)),
        1 => Just((0, 0)),
        1 => (0u64..3).prop_map(|l| (0, l)),
        2 => (0u64..4, 0u64..4).prop_map(|(e, d)| (e, e + d)),
        1 => (1u64..4).prop_map(|e| (e, Millis::MAX)),
    ];
    (prop::collection::vec(op(), 1..=2), window).prop_map(|(ops, (earliest, latest))| Instr {
        ops,
        earliest,
        latest,
    })
}

fn spec() -> impl PropStrategy<Value = Spec> {
    let pair = (0u8..3, 0u8..VALUES);
    (
        1u8..=3,
        prop::collection::vec(prop::collection::vec(instr(), 1..=3), 1..=3),
        prop::collection::vec(pair.clone(), 0..=2),
        prop::option::of(pair.clone()),
        prop::option::of(pair),
    )
        .prop_map(|(vars, programs, bad, final_bad, sometimes)| Spec {
            vars,
            programs,
            bad,
            final_bad,
            sometimes,
        })
}

/// Fails with only the differences between two sets, not the sets themselves.
fn same<T: Eq + std::hash::Hash + std::fmt::Debug>(
    what: &str,
    plain: &HashSet<T>,
    reduced: &HashSet<T>,
) -> Result<(), TestCaseError> {
    let missed: Vec<_> = plain.difference(reduced).collect();
    let extra: Vec<_> = reduced.difference(plain).collect();
    if missed.is_empty() && extra.is_empty() {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!(
            "{what}: the reduced search missed {missed:?} and found extra {extra:?}"
        )))
    }
}

fn check_equivalent(model: &RandomModel) -> Result<(), TestCaseError> {
    let (plain, plain_stats) = observe(model, Dfs::plain());
    // The model's declarations are honest on every reachable state, so the comparison below
    // tests the search, not the model.
    for s in plain.states.iter().chain(&plain.quiescent) {
        if let Err(e) = audit_independence(model, s) {
            return Err(TestCaseError::fail(e));
        }
    }
    let (reduced, reduced_stats) = observe(model, Dfs::with_sleep_sets());
    same("quiescent states", &plain.quiescent, &reduced.quiescent)?;
    same("violations", &plain.violations, &reduced.violations)?;
    same("sometimes reached", &plain.sometimes, &reduced.sometimes)?;
    // Sleep sets prune transitions, never states.
    same("states", &plain.states, &reduced.states)?;
    prop_assert_eq!(reduced_stats.states, plain_stats.states);
    prop_assert!(reduced_stats.transitions <= plain_stats.transitions);

    // Unobserved, both searches agree on the verdict, and a reduced counterexample replays.
    let p = Dfs::plain().explore(model, &Budget::default());
    let r = Dfs::with_sleep_sets().explore(model, &Budget::default());
    prop_assert_eq!(p.outcome.kind(), r.outcome.kind());
    if let Outcome::Violation(v) = &r.outcome {
        let trace = Trace::record(model, &v.path, "dfs", None, None);
        let replayed = replay(model, &trace.steps).expect("a reduced path replays");
        if !v.path.is_empty() {
            let got = replayed.violation.expect("the replay violates too");
            prop_assert_eq!(&got.property, &v.property);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn sleep_sets_reach_the_same_states_and_violations_as_plain_dfs(spec in spec()) {
        check_equivalent(&RandomModel::new(spec))?;
    }
}

#[test]
fn seeded_random_models_agree_too() {
    for seed in 0..200 {
        check_equivalent(&RandomModel::generate(seed))
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    }
}

#[test]
fn reduced_counts_on_the_counter_are_pinned() {
    let counts = |model: &Counter, mut dfs: Dfs| {
        let r = dfs.explore(model, &Budget::default());
        (r.outcome.kind(), r.stats.states, r.stats.transitions)
    };
    // Atomic increments all update `x`: nothing is independent, nothing is pruned.
    assert_eq!(
        counts(&Counter::atomic(3), Dfs::plain()),
        ("exhausted", 8, 12)
    );
    assert_eq!(
        counts(&Counter::atomic(3), Dfs::with_sleep_sets()),
        ("exhausted", 8, 12)
    );
    // Reads of `x` commute with each other; both searches stop at the same first lost update.
    assert_eq!(
        counts(&Counter::lost_update(3), Dfs::plain()),
        ("violation", 10, 9)
    );
    assert_eq!(
        counts(&Counter::lost_update(3), Dfs::with_sleep_sets()),
        ("violation", 10, 9)
    );
    // Explored fully (properties observed, not enforced): same states, fewer transitions.
    let full = |model: &Counter, dfs: Dfs| {
        let (seen, stats) = observe(model, dfs);
        (seen, stats.states, stats.transitions)
    };
    let (p, ps, pt) = full(&Counter::lost_update(3), Dfs::plain());
    let (r, rs, rt) = full(&Counter::lost_update(3), Dfs::with_sleep_sets());
    assert_eq!(p, r);
    assert_eq!((ps, pt), (59, 99));
    assert_eq!((rs, rt), (59, 91));
    let (p, ps, pt) = full(&Counter::lost_update(4), Dfs::plain());
    let (r, rs, rt) = full(&Counter::lost_update(4), Dfs::with_sleep_sets());
    assert_eq!(p, r);
    assert_eq!((ps, pt), (330, 740));
    assert_eq!((rs, rt), (330, 685));
    // With read windows every read moves the clock: dependent, nothing pruned.
    let timed = Counter::lost_update(3).with_read_delay(10, 20);
    let (p, ps, pt) = full(&timed, Dfs::plain());
    let (r, rs, rt) = full(&timed, Dfs::with_sleep_sets());
    assert_eq!(p, r);
    assert_eq!((ps, pt), (rs, rt));
    // The constant `Dfs` and `Dfs::default()` are the reduced search.
    assert!(Dfs::default().sleep_sets);
    assert!(!Dfs::plain().sleep_sets);
}

/// The counter with a wrong `access`: every step claims to touch nothing shared.
#[derive(Clone)]
struct Liar(Counter);

impl Model for Liar {
    type State = <Counter as Model>::State;
    type Event = <Counter as Model>::Event;
    fn initial_state(&self) -> Self::State {
        self.0.initial_state()
    }
    fn enabled(&self, s: &Self::State, out: &mut Vec<Timed<Self::Event>>) {
        self.0.enabled(s, out)
    }
    fn apply(&self, s: &mut Self::State, e: &Self::Event, advance: Millis) {
        self.0.apply(s, e, advance)
    }
    fn label(&self, s: &Self::State, e: &Self::Event) -> EventLabel {
        self.0.label(s, e)
    }
    fn access(&self, s: &Self::State, e: &Self::Event) -> Option<Access> {
        self.0.access(s, e).map(|a| Access::local(a.actor))
    }
    fn properties(&self) -> Vec<Property<Self>> {
        vec![]
    }
}

#[test]
fn a_lying_access_declaration_is_caught_by_the_audit_and_does_mislead_the_search() {
    let model = Liar(Counter::lost_update(2));
    let (plain, _) = observe(&model, Dfs::plain());
    let lies: Vec<String> = plain
        .states
        .iter()
        .filter_map(|s| audit_independence(&model, s).err())
        .collect();
    assert!(!lies.is_empty());
    assert!(lies.iter().any(|l| l.contains("reach different states")));
    let (reduced, _) = observe(&model, Dfs::with_sleep_sets());
    // The lost update's end state is among those the misled search never reaches.
    assert!(reduced.quiescent.len() < plain.quiescent.len());
    // The honest counter passes the audit everywhere.
    let honest = Counter::lost_update(3).with_read_delay(0, 5);
    let (seen, _) = observe(&honest, Dfs::plain());
    for s in seen.states.iter().chain(&seen.quiescent) {
        audit_independence(&honest, s).unwrap();
    }
}

/// A random model whose actors all run the same program, with symmetry reduction: the
/// fingerprint sorts the actors' local states, so the visited set matches symmetric states
/// whose fireable lists are permutations of each other.
#[derive(Clone)]
struct Symmetric(RandomModel);

type Canonical = (Vec<u8>, Vec<(u8, u8, Millis)>);

fn canonical(s: &RandomState) -> Canonical {
    let mut actors: Vec<_> = (0..s.pcs.len())
        .map(|a| (s.pcs[a], s.regs[a], s.waited[a]))
        .collect();
    actors.sort();
    (s.vars.clone(), actors)
}

impl Model for Symmetric {
    type State = RandomState;
    type Event = RandomStep;
    fn initial_state(&self) -> RandomState {
        self.0.initial_state()
    }
    fn enabled(&self, s: &RandomState, out: &mut Vec<Timed<RandomStep>>) {
        self.0.enabled(s, out)
    }
    fn apply(&self, s: &mut RandomState, e: &RandomStep, advance: Millis) {
        self.0.apply(s, e, advance)
    }
    fn label(&self, s: &RandomState, e: &RandomStep) -> EventLabel {
        self.0.label(s, e)
    }
    fn access(&self, s: &RandomState, e: &RandomStep) -> Option<Access> {
        self.0.access(s, e)
    }
    fn fingerprint<H: Hasher>(&self, s: &RandomState, h: &mut H) {
        canonical(s).hash(h)
    }
    fn properties(&self) -> Vec<Property<Self>> {
        // The random model's properties only look at shared variables and at whether some
        // actor is unfinished: symmetric.
        self.0
            .properties()
            .into_iter()
            .map(|p| Property {
                name: p.name,
                kind: p.kind,
                check: match p.name {
                    "invariant" => {
                        |m: &Symmetric, s: &RandomState| (m.0.properties()[0].check)(&m.0, s)
                    }
                    "final" => {
                        |m: &Symmetric, s: &RandomState| (m.0.properties()[1].check)(&m.0, s)
                    }
                    "no_deadlock" => {
                        |m: &Symmetric, s: &RandomState| (m.0.properties()[2].check)(&m.0, s)
                    }
                    _ => |m: &Symmetric, s: &RandomState| (m.0.properties()[3].check)(&m.0, s),
                },
            })
            .collect()
    }
}

fn canonical_set(set: &HashSet<RandomState>) -> HashSet<Canonical> {
    set.iter().map(canonical).collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 150,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn sleep_sets_and_symmetry_reduction_agree_with_symmetry_alone(
        program in prop::collection::vec(instr(), 1..=3),
        actors in 2usize..=3,
        spec in spec(),
    ) {
        let model = Symmetric(RandomModel::new(Spec {
            programs: vec![program; actors],
            ..spec
        }));
        let (plain, _) = observe(&model, Dfs::plain());
        let (reduced, _) = observe(&model, Dfs::with_sleep_sets());
        same(
            "quiescent states (up to symmetry)",
            &canonical_set(&plain.quiescent),
            &canonical_set(&reduced.quiescent),
        )?;
        same(
            "states (up to symmetry)",
            &canonical_set(&plain.states),
            &canonical_set(&reduced.states),
        )?;
        let names = |seen: &Seen<RandomState>| -> HashSet<&'static str> {
            seen.violations.iter().map(|(p, _)| *p).collect()
        };
        same("violated properties", &names(&plain), &names(&reduced))?;
        same("sometimes reached", &plain.sometimes, &reduced.sometimes)?;
        let p = Dfs::plain().explore(&model, &Budget::default());
        let r = Dfs::with_sleep_sets().explore(&model, &Budget::default());
        prop_assert_eq!(p.outcome.kind(), r.outcome.kind());
    }
}
