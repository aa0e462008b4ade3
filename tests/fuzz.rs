//! `syncsim fuzz`: finds a violation under the shipped policies and shrinks it to a minimal
//! workload written as a scenario that `check` then meets; same seed, same file; a correct
//! policy set finds nothing; a bad policies file is a usage error with its position.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn syncsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_syncsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn only_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

#[test]
fn the_shipped_policy_yields_a_minimal_regression_that_check_meets() {
    let text = fuzz_finds("fuzz/004-shipped.toml", "fuzz-shipped", "no_lost_url");
    // Shrunk to the textbook case: two single-image saves on one scene, no faults.
    assert_eq!(text.matches("[[workload.saves]]").count(), 2, "{text}");
    assert!(text.contains("write_errors = 0"), "{text}");
}

#[test]
fn the_same_seed_writes_the_same_file() {
    let run = |dir: &str| {
        let d = out_dir(dir);
        syncsim(&[
            "fuzz",
            "--policies",
            "fuzz/004-check-then-write.toml",
            "--cases",
            "64",
            "--seed",
            "9",
            "--out",
            d.to_str().unwrap(),
        ]);
        let f = only_file(&d);
        (
            f.file_name().unwrap().to_owned(),
            std::fs::read_to_string(f).unwrap(),
        )
    };
    assert_eq!(run("fuzz-a"), run("fuzz-b"));
}

#[test]
fn a_correct_policy_set_finds_nothing() {
    fuzz_finds_nothing(
        "world = \"save_race\"\n[policies]\nsave = \"atomic_append\"\nscene_missing = \"retry\"\n",
        "fuzz-correct",
        48,
    );
}

#[test]
fn a_bad_policies_file_is_a_usage_error_with_its_position() {
    let dir = out_dir("fuzz-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let policies = dir.join("bad.toml");
    std::fs::write(
        &policies,
        "world = \"save_race\"\n[policies]\nsave = \"nope\"\n",
    )
    .unwrap();
    let o = syncsim(&["fuzz", "--policies", policies.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml:3:8: unknown variant `nope`"),
        "{err}"
    );
}

// Incident 001 (job_status): the shipped policies, the report's fixes and the correct design.

/// The correct design of incident 001 (as in `scenarios/incidents/001-correct-*.toml`).
const JOB_STATUS_CORRECT: &str = "world = \"job_status\"\n[policies]\n\
    guards = { poll = \"both\", websocket = \"both\", parent_props = \"both\", rehydrate = \"both\" }\n\
    pong_filter = true\nskip_ws_for_terminal = true\nreconnect_cap = 5\n\
    clear_persisted_after_terminal_ms = 10000\ncancel = \"refresh_after_422\"\n\
    broadcast = \"on_change\"\npersist = \"on_apply\"\n";

#[test]
fn job_status_shipped_policies_yield_a_regression_that_check_meets() {
    let text = fuzz_finds(
        "fuzz/001-shipped.toml",
        "fuzz-001-shipped",
        "no_terminal_downgrade",
    );
    assert!(text.contains("world = \"job_status\""), "{text}");
    // The shipped policies as written: `"none"` round-trips.
    assert!(
        text.contains("clear_persisted_after_terminal_ms = \"none\""),
        "{text}"
    );
}

#[test]
fn job_status_same_seed_writes_the_same_file() {
    let run = |dir: &str| {
        let d = out_dir(dir);
        let o = syncsim(&[
            "fuzz",
            "--policies",
            "fuzz/001-report-fix.toml",
            "--cases",
            "64",
            "--seed",
            "3",
            "--out",
            d.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1));
        let f = only_file(&d);
        (
            f.file_name().unwrap().to_owned(),
            std::fs::read_to_string(f).unwrap(),
        )
    };
    assert_eq!(run("fuzz-001-a"), run("fuzz-001-b"));
}

#[test]
fn job_status_correct_policy_set_finds_nothing() {
    fuzz_finds_nothing(JOB_STATUS_CORRECT, "fuzz-001-correct", 64);
}

#[test]
fn job_status_cases_round_trip_through_toml_and_explore_exhaustively() {
    use proptest::strategy::{Strategy as _, ValueTree};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    use syncsim::fuzz::Fuzzable;
    use syncsim_engine::outcome::Outcome;
    use syncsim_engine::strategy::{Dfs, Strategy};
    use syncsim_engine::Budget;
    use syncsim_model::job_status::config::Policies;
    use syncsim_model::job_status::JobStatus;
    use syncsim_model::World;

    fn round_trip<T>(value: &T) -> T
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        toml::from_str(&toml::to_string(value).unwrap()).unwrap()
    }

    #[derive(serde::Deserialize)]
    struct File {
        policies: Policies,
    }
    let policies = toml::from_str::<File>(JOB_STATUS_CORRECT).unwrap().policies;
    assert_eq!(round_trip(&policies), policies);
    let shipped = std::fs::read_to_string("fuzz/001-shipped.toml").unwrap();
    let shipped = toml::from_str::<toml::Table>(&shipped).unwrap()["policies"].clone();
    let shipped: Policies = shipped.try_into().unwrap();
    assert_eq!(round_trip(&shipped), shipped);

    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let cases = JobStatus::cases(&policies);
    let budget = Budget {
        max_depth: 2_000,
        max_states: 400_000,
        max_time: None,
    };
    for _ in 0..48 {
        let (t, w, f) = cases.new_tree(&mut runner).unwrap().current();
        assert_eq!(round_trip(&t), t);
        assert_eq!(round_trip(&w), w);
        assert_eq!(round_trip(&f), f);
        let model = JobStatus::build(t, w.clone(), policies.clone(), f).expect("a valid case");
        let report = Dfs::default().explore(&model, &budget);
        assert_eq!(report.outcome, Outcome::Exhausted, "{w:?}");
    }
}

/// Writes `policies` (a policies file's text) to a fresh directory, fuzzes `cases` cases, and
/// expects no violation: exit 0 and no regression file written.
fn fuzz_finds_nothing(policies: &str, dir: &str, cases: u32) {
    let dir = out_dir(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("policies.toml");
    std::fs::write(&file, policies).unwrap();
    let out = dir.join("out");
    let cases = cases.to_string();
    let o = syncsim(&[
        "fuzz",
        "--policies",
        file.to_str().unwrap(),
        "--cases",
        &cases,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(!out.exists());
}

/// Runs `syncsim fuzz` on `policies`, expects a regression whose file name starts with
/// `invariant`, and checks that `syncsim check` meets it; returns its text.
fn fuzz_finds(policies: &str, dir: &str, invariant: &str) -> String {
    let dir = out_dir(dir);
    let o = syncsim(&[
        "fuzz",
        "--policies",
        policies,
        "--cases",
        "64",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let file = only_file(&dir);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!("{invariant}-")) && name.ends_with(".toml"),
        "{name}"
    );
    let check = syncsim(&["check", file.to_str().unwrap()]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    std::fs::read_to_string(&file).unwrap()
}

#[test]
fn generation_dedup_shipped_policies_yield_a_regression_that_check_meets() {
    let text = fuzz_finds(
        "fuzz/002-shipped.toml",
        "fuzz-002-shipped",
        "one_generation_per_key",
    );
    // Shrunk to one tab on one instance, no faults: the burst alone generates twice.
    assert!(text.contains("world = \"generation_dedup\""), "{text}");
    assert!(text.contains("tabs = 1\nserver_instances = 1\n"), "{text}");
    assert!(
        text.contains("generator_failures = 0\nhttp_drops = 0\n"),
        "{text}"
    );
}

#[test]
fn chat_persistence_shipped_policies_yield_a_regression_that_check_meets() {
    let text = fuzz_finds(
        "fuzz/003-shipped.toml",
        "fuzz-003-shipped",
        "render_never_disappears",
    );
    // Shrunk to the refresh test: one tab, one image in the history, one reload, no faults.
    assert!(text.contains("world = \"chat_persistence\""), "{text}");
    assert!(text.contains("tabs = [1]\n"), "{text}");
    assert!(text.contains("reloads = 1\n"), "{text}");
    assert!(text.contains("http_failures = 0\n"), "{text}");
}

#[test]
fn generation_dedup_correct_policy_set_finds_nothing() {
    // The policies of scenarios/incidents/002-correct-db-claim.toml.
    fuzz_finds_nothing(
        "world = \"generation_dedup\"\n[policies]\ndebounce_ms = 200\ninflight_dedup = true\n\
         db_write = \"claim_then_update\"\nunique_constraint = true\nforce_refresh = \"ignore\"\n\
         replaced_file = \"keep\"\ncache = \"shared\"\ncache_ttl_ms = 60000\n",
        "fuzz-002-correct",
        64,
    );
}
