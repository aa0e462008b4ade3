//! The generation-dedup world explored directly: the database semantics of the
//! `generated_images` table, event names unique in every reachable state, pinned state
//! counts, the report's findings checked on the whole state space, and symmetry reduction
//! (interchangeable tabs and instances) agreeing with the plain search.

use std::collections::HashSet;

use syncsim_engine::model::fireable_events;
use syncsim_engine::strategy::{Bfs, Dfs, Strategy};
use syncsim_engine::{Budget, Model, Outcome};
use syncsim_model::generation_dedup::config::{
    CacheScope, DbWrite, Faults, ForceRefresh, InitialRef, Policies, ReplacedFile, ServerLock,
    Topology, Workload,
};
use syncsim_model::generation_dedup::table::{InsertOutcome, Table};
use syncsim_model::generation_dedup::{DedupConfig, DedupState, GenerationDedup};

fn config(tabs: usize, instances: usize) -> DedupConfig {
    DedupConfig {
        topology: Topology {
            tabs,
            server_instances: instances,
            http_ms: Some([1, 20]),
            db_latency_ms: Some([1, 5]),
            image_load_ms: Some([1, 20]),
        },
        workload: Workload {
            loads_per_tab: 1,
            initial_ref: InitialRef::Deleted,
            stored_image: false,
            on_image_gone: vec![true, false, false],
            call_gap_ms: Some([1, 6]),
            generation_ms: Some([5000, 15000]),
            max_recoveries: 1,
        },
        policies: Policies {
            debounce_ms: 0,
            inflight_dedup: false,
            force_refresh_bypasses_dedup: true,
            server_lock: ServerLock::None,
            db_write: DbWrite::Insert,
            unique_constraint: false,
            force_refresh: ForceRefresh::Regenerate,
            replaced_file: ReplacedFile::Delete,
            orphan_cleanup_interval_ms: None,
            cache: CacheScope::Off,
            cache_ttl_ms: None,
        },
        faults: Faults::default(),
    }
}

fn claim(c: &mut DedupConfig) {
    c.policies.db_write = DbWrite::ClaimThenUpdate;
    c.policies.unique_constraint = true;
    c.policies.force_refresh = ForceRefresh::Ignore;
    c.policies.replaced_file = ReplacedFile::Keep;
}

fn world(c: DedupConfig) -> GenerationDedup {
    GenerationDedup::new(c).expect("valid configuration")
}

/// Every reachable state, by plain search without the engine.
fn reachable(m: &GenerationDedup) -> Vec<DedupState> {
    reachable_upto(m, usize::MAX)
}

/// Reachable states, stopping after `cap` (depth-first, deterministic).
fn reachable_upto(m: &GenerationDedup, cap: usize) -> Vec<DedupState> {
    let mut stack = vec![m.initial_state()];
    let mut seen = HashSet::new();
    let mut all = Vec::new();
    let (mut scratch, mut out) = (Vec::new(), Vec::new());
    while let Some(s) = stack.pop() {
        if seen.len() >= cap {
            break;
        }
        if !seen.insert(s.clone()) {
            continue;
        }
        fireable_events(m, &s, &mut scratch, &mut out);
        for (e, adv) in out.clone() {
            let mut next = s.clone();
            m.apply(&mut next, &e, adv);
            stack.push(next);
        }
        all.push(s);
    }
    all
}

#[test]
fn select_then_insert_without_a_constraint_inserts_twice() {
    let mut t = Table::default();
    assert!(t.select(Some(1)).is_empty());
    assert!(t.select(Some(2)).is_empty());
    assert!(!t.insert_waits(false, Some(1)));
    assert_eq!(t.insert(false, Some(1), Some(1)), InsertOutcome::Inserted);
    assert!(!t.insert_waits(false, Some(2)));
    assert_eq!(t.insert(false, Some(2), Some(2)), InsertOutcome::Inserted);
    t.commit(1);
    t.commit(2);
    assert_eq!(t.committed_images(), vec![Some(1), Some(2)]);
}

#[test]
fn with_the_constraint_the_second_insert_waits_then_fails_with_23505() {
    let mut t = Table::default();
    assert_eq!(t.insert(true, Some(1), Some(1)), InsertOutcome::Inserted);
    assert!(
        t.select(Some(2)).is_empty(),
        "an uncommitted insert is invisible"
    );
    assert!(t.insert_waits(true, Some(2)), "B's INSERT waits for A");
    t.commit(1);
    assert!(!t.insert_waits(true, Some(2)));
    assert_eq!(
        t.insert(true, Some(2), Some(2)),
        InsertOutcome::UniqueViolation
    );
}

#[test]
fn with_the_constraint_the_waiting_insert_succeeds_if_the_first_rolls_back() {
    let mut t = Table::default();
    t.insert(true, Some(1), Some(1));
    t.rollback(1);
    assert!(!t.insert_waits(true, Some(2)));
    assert_eq!(t.insert(true, Some(2), Some(2)), InsertOutcome::Inserted);
}

#[test]
fn an_update_waits_for_the_row_lock_and_a_claim_is_taken_once() {
    let mut t = Table::default();
    t.insert(false, Some(1), None);
    assert!(t.update_in_transaction(0, 7, 2));
    assert!(t.update_waits(0, 8));
    assert_eq!(
        t.select(None),
        vec![(0, 1)],
        "others see the committed image"
    );
    assert_eq!(
        t.select(Some(7)),
        vec![(0, 2)],
        "the writer sees its own update"
    );
    t.commit(7);
    assert!(!t.update_waits(0, 8));
    let mut c = Table::default();
    assert!(c.claim());
    assert!(!c.claim());
    assert!(c.claim_pending());
    c.release_claim();
    assert!(c.claim());
}

#[test]
fn orphans_are_committed_rows_without_a_file() {
    let mut t = Table::default();
    t.insert(false, Some(1), None);
    t.insert(false, Some(2), None);
    assert_eq!(t.orphans(0b100), vec![1]);
    assert_eq!(t.delete_orphans(0b100), vec![1]);
    assert_eq!(t.committed_images(), vec![Some(2)]);
}

#[test]
fn event_names_are_unique_in_every_reachable_state() {
    let mut configs = Vec::new();
    let mut a = config(1, 2);
    a.workload.on_image_gone = vec![true, false];
    a.faults = Faults {
        generator_failures: 1,
        http_drops: 1,
        http_duplicates: 1,
        http_delays: 1,
        http_delay_ms: 1000,
    };
    configs.push(a);
    let mut b = config(1, 2);
    b.workload.stored_image = true;
    b.policies.db_write = DbWrite::SelectThenInsert;
    b.policies.server_lock = ServerLock::InProcess;
    b.policies.cache = CacheScope::PerInstance;
    configs.push(b);
    let mut c = config(2, 2);
    claim(&mut c);
    c.policies.debounce_ms = 200;
    c.policies.inflight_dedup = true;
    c.policies.cache = CacheScope::Shared;
    c.policies.cache_ttl_ms = Some(1000);
    c.faults.generator_failures = 1;
    configs.push(c);
    for cfg in configs {
        let m = world(cfg.clone());
        let (mut scratch, mut out) = (Vec::new(), Vec::new());
        for s in reachable_upto(&m, 100_000) {
            fireable_events(&m, &s, &mut scratch, &mut out);
            let mut names: Vec<String> = out.iter().map(|(e, _)| m.label(&s, e).name()).collect();
            let n = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), n, "duplicate event names in {s:?} of {cfg:?}");
        }
    }
}

#[test]
fn pinned_state_counts() {
    let mut fix = config(2, 1);
    fix.policies.debounce_ms = 200;
    fix.policies.inflight_dedup = true;
    fix.policies.server_lock = ServerLock::InProcess;
    fix.policies.db_write = DbWrite::SelectThenInsert;
    fix.policies.unique_constraint = true;
    let mut correct = config(1, 2);
    claim(&mut correct);
    correct.faults.generator_failures = 1;
    let counts: Vec<(u64, u64)> = [fix, correct]
        .into_iter()
        .map(|c| {
            let m = world(c);
            let reduced = Dfs::default().explore(&m, &Budget::default());
            let plain = Dfs::default().explore(&m.with_symmetry(false), &Budget::default());
            assert_eq!(reduced.outcome, Outcome::Exhausted);
            assert_eq!(plain.outcome, Outcome::Exhausted);
            (reduced.stats.states, plain.stats.states)
        })
        .collect();
    // The report's fix on one instance (two tabs), and the database claim (one tab, two
    // instances, one failed generation); (with symmetry reduction, without).
    assert_eq!(counts, vec![(291, 646), (6166, 28674)]);
}

#[test]
fn an_in_process_lock_still_generates_twice_with_two_instances() {
    let mut c = config(2, 2);
    c.policies.debounce_ms = 200;
    c.policies.server_lock = ServerLock::InProcess;
    let r = Bfs.explore(&world(c.clone()), &Budget::default());
    assert!(matches!(&r.outcome, Outcome::Violation(v) if v.property == "one_generation_per_key"));
    c.topology.server_instances = 1;
    let r = Dfs::default().explore(&world(c), &Budget::default());
    assert_eq!(
        r.outcome,
        Outcome::Exhausted,
        "one instance: the lock holds"
    );
}

#[test]
fn select_then_insert_reaches_two_records_only_without_the_constraint() {
    let mut c = config(2, 1);
    c.policies.debounce_ms = 200;
    c.policies.db_write = DbWrite::SelectThenInsert;
    let two_rows = |m: &GenerationDedup| {
        reachable(m)
            .iter()
            .any(|s| s.table.committed_images().iter().flatten().count() >= 2)
    };
    assert!(two_rows(&world(c.clone())), "both see 0 rows, both insert");
    c.policies.unique_constraint = true;
    assert!(!two_rows(&world(c.clone())), "the second INSERT gets 23505");
    let m = world(c);
    assert!(
        reachable(&m)
            .iter()
            .any(|s| s
                .responses
                .in_flight
                .iter()
                .any(|p| p.msg.answer
                    == syncsim_model::generation_dedup::http::Answer::UniqueViolation)),
        "and that request answers 500"
    );
}

#[test]
fn a_debounced_burst_sends_one_post_with_the_last_calls_flag() {
    let mut c = config(1, 1);
    c.policies.debounce_ms = 200;
    let m = world(c);
    for s in reachable(&m) {
        assert!(s.next_req <= 1, "one POST per burst");
        assert!(s.requests.in_flight.iter().all(|p| !p.msg.force));
    }
}

#[test]
fn a_deleted_file_answers_410_and_restarts_the_burst() {
    let m = world(config(1, 1));
    let s = m.initial_state();
    let mut out = Vec::new();
    m.enabled(&s, &mut out);
    let mut s1 = s.clone();
    m.apply(&mut s1, &out[0].event, 0);
    out.clear();
    m.enabled(&s1, &mut out);
    let load = out[0].event;
    assert!(m.label(&s1, &load).action.contains("410 Gone"));
    let mut s2 = s1.clone();
    m.apply(&mut s2, &load, 1);
    assert_eq!(s2.tabs[0].calls_left, 3);
    assert_eq!(s2.local_ref, None);
}

#[test]
fn invalid_combinations_are_refused() {
    let mut c = config(1, 1);
    c.policies.db_write = DbWrite::UpsertOnConflict;
    let e = GenerationDedup::new(c).unwrap_err();
    assert_eq!(e.field, "policies.db_write");
    let mut c = config(1, 1);
    c.policies.db_write = DbWrite::ClaimThenUpdate;
    c.policies.unique_constraint = true;
    let e = GenerationDedup::new(c).unwrap_err();
    assert_eq!(e.field, "policies.force_refresh");
}

// ---- symmetry reduction ------------------------------------------------------------------

/// The scenarios of `scenarios/incidents/002-*.toml`, built field by field (the model crate
/// cannot read TOML), with the invariant each expects to fail (`None`: pass).
fn scenarios_002() -> Vec<(&'static str, DedupConfig, Option<&'static str>)> {
    let mut shipped_client = config(1, 2);
    claim(&mut shipped_client);
    shipped_client.faults.generator_failures = 1;

    let mut db_claim = config(2, 2);
    claim(&mut db_claim);
    db_claim.policies.debounce_ms = 200;
    db_claim.policies.inflight_dedup = true;
    db_claim.policies.cache = CacheScope::Shared;
    db_claim.policies.cache_ttl_ms = Some(60000);
    db_claim.faults.generator_failures = 1;
    db_claim.faults.http_duplicates = 1;

    let mut client_only = config(2, 1);
    client_only.policies.debounce_ms = 200;
    client_only.policies.inflight_dedup = true;

    let report_fix = |instances: usize| {
        let mut c = config(2, instances);
        c.policies.debounce_ms = 200;
        c.policies.inflight_dedup = true;
        c.policies.server_lock = ServerLock::InProcess;
        c.policies.db_write = DbWrite::SelectThenInsert;
        c.policies.unique_constraint = true;
        c.policies.orphan_cleanup_interval_ms = Some(3_600_000);
        c.policies.cache = CacheScope::PerInstance;
        c
    };
    let mut one_instance = report_fix(1);
    one_instance.faults.generator_failures = 1;

    let mut orphans = config(1, 1);
    orphans.workload.stored_image = true;

    let mut upsert = config(1, 1);
    upsert.workload.stored_image = true;
    upsert.policies.db_write = DbWrite::UpsertOnConflict;
    upsert.policies.unique_constraint = true;
    upsert.faults.http_delays = 1;
    upsert.faults.http_delay_ms = 20000;

    vec![
        ("002-correct-db-claim-shipped-client", shipped_client, None),
        ("002-correct-db-claim", db_claim, None),
        (
            "002-fix-client-only-two-tabs",
            client_only,
            Some("one_generation_per_key"),
        ),
        ("002-fix-one-instance", one_instance, None),
        (
            "002-fix-two-instances",
            report_fix(2),
            Some("one_generation_per_key"),
        ),
        (
            "002-shipped-force-refresh-orphans-record",
            orphans,
            Some("no_orphan_record"),
        ),
        (
            "002-shipped-three-posts",
            config(1, 1),
            Some("one_generation_per_key"),
        ),
        (
            "002-upsert-deletes-served-file",
            upsert,
            Some("bounded_churn"),
        ),
    ]
}

fn verdict<E>(o: &Outcome<E>) -> String {
    match o {
        Outcome::Violation(v) => format!("violation {}", v.property),
        other => other.kind().to_string(),
    }
}

#[test]
fn symmetry_reduction_agrees_with_the_plain_search_on_the_002_scenarios() {
    let budget = Budget::default();
    for (name, c, expect) in scenarios_002() {
        let reduced = world(c);
        let plain = reduced.clone().with_symmetry(false);
        let r = Bfs.explore(&reduced, &budget);
        let p = Bfs.explore(&plain, &budget);
        assert_eq!(verdict(&r.outcome), verdict(&p.outcome), "{name}");
        let expected = expect.map_or("exhausted".to_string(), |i| format!("violation {i}"));
        assert_eq!(verdict(&r.outcome), expected, "{name}");
        assert!(r.stats.states <= p.stats.states, "{name}");
        if let (Outcome::Violation(a), Outcome::Violation(b)) = (&r.outcome, &p.outcome) {
            assert_eq!(
                a.path.len(),
                b.path.len(),
                "shortest counterexample length differs: {name}"
            );
        }
        if expect.is_none() {
            let rd = Dfs::default().explore(&reduced, &budget);
            let pd = Dfs::default().explore(&plain, &budget);
            assert_eq!(rd.outcome, Outcome::Exhausted, "{name}");
            assert_eq!(pd.outcome, Outcome::Exhausted, "{name}");
            assert!(rd.stats.states <= pd.stats.states, "{name}");
        }
    }
}

#[test]
fn pinned_symmetry_state_counts() {
    // 002-correct-db-claim: two tabs, two instances, a shared cache, one failed generation,
    // one proxy retry. Exhaustive DFS, reduced and plain.
    let (_, c, _) = scenarios_002()
        .into_iter()
        .find(|(n, _, _)| *n == "002-correct-db-claim")
        .unwrap();
    let m = world(c);
    let reduced = Dfs::default().explore(&m, &Budget::default());
    let plain = Dfs::default().explore(&m.clone().with_symmetry(false), &Budget::default());
    assert_eq!(reduced.outcome, Outcome::Exhausted);
    assert_eq!(plain.outcome, Outcome::Exhausted);
    assert_eq!((reduced.stats.states, plain.stats.states), (24682, 169046));
}

/// Configurations that exercise every renamed field: two tabs, three instances with their
/// own caches (with a TTL) and locks, duplicated and dropped messages, failed generations.
fn symmetric_configs() -> Vec<DedupConfig> {
    let mut a = config(2, 3);
    a.workload.on_image_gone = vec![true, false];
    a.policies.server_lock = ServerLock::InProcess;
    a.policies.cache = CacheScope::PerInstance;
    a.policies.cache_ttl_ms = Some(1000);
    a.faults.http_duplicates = 1;
    a.faults.generator_failures = 1;
    let mut b = config(2, 2);
    b.workload.stored_image = true;
    b.policies.db_write = DbWrite::SelectThenInsert;
    b.policies.inflight_dedup = true;
    b.policies.cache = CacheScope::Shared;
    b.faults.http_drops = 1;
    b.faults.http_delays = 1;
    b.faults.http_delay_ms = 1000;
    vec![a, b]
}

#[test]
fn a_state_and_its_canonical_representative_behave_alike() {
    use syncsim_engine::fingerprint::fingerprint;
    for cfg in symmetric_configs() {
        let m = world(cfg.clone());
        let props = m.properties();
        let (mut scratch, mut out) = (Vec::new(), Vec::new());
        let successors = |s: &DedupState, scratch: &mut Vec<_>, out: &mut Vec<_>| {
            fireable_events(&m, s, scratch, out);
            let mut fps: Vec<u64> = out
                .iter()
                .map(|(e, adv)| {
                    let mut next = s.clone();
                    m.apply(&mut next, e, *adv);
                    fingerprint(&m, &next)
                })
                .collect();
            fps.sort_unstable();
            fps
        };
        let mut permuted = 0;
        for s in reachable_upto(&m, 20_000) {
            let c = m.canonical(&s);
            assert_eq!(m.canonical(&c), c, "not idempotent on {s:?}");
            assert_eq!(fingerprint(&m, &s), fingerprint(&m, &c));
            if c == s {
                continue;
            }
            permuted += 1;
            for p in &props {
                assert_eq!(
                    (p.check)(&m, &s).is_ok(),
                    (p.check)(&m, &c).is_ok(),
                    "{} differs on {s:?}",
                    p.name
                );
            }
            assert_eq!(
                successors(&s, &mut scratch, &mut out),
                successors(&c, &mut scratch, &mut out),
                "successors differ on {s:?} of {cfg:?}"
            );
        }
        assert!(permuted > 1000, "only {permuted} states were permuted");
    }
}

#[test]
fn event_names_stay_unique_with_three_instances() {
    // Without a TTL: two per-instance entries of one image expiring together would share the
    // name `cache entry img-1 expires` (the label does not name the instance).
    let mut c = config(1, 3);
    c.workload.on_image_gone = vec![true, false];
    c.policies.server_lock = ServerLock::InProcess;
    c.policies.cache = CacheScope::PerInstance;
    c.faults.http_duplicates = 1;
    let n = syncsim_engine::audit::audit_model(&world(c), 1_000_000).unwrap();
    assert!(n > 1_000, "{n}");
}
