//! `syncsim fuzz`: random workloads over a world under a chosen policy set, generated and
//! shrunk by proptest. Each case builds the world and explores it exhaustively (DFS within a
//! budget); a violation fails the case, proptest shrinks the workload to a minimal one that
//! still violates, and the harness writes it as a ready scenario file for
//! `scenarios/regressions/`, named after the invariant and a short hash of its content, so
//! finding a regression and adding it is one step.
//!
//! Deterministic: the proptest generator is ChaCha seeded from `--seed`; the same policies,
//! seed and case count find and write the same file.

mod chat_persistence;
mod choose;
mod generation_dedup;
mod job_status;
mod save_race;

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use proptest::strategy::BoxedStrategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use syncsim_engine::outcome::Outcome;
use syncsim_engine::strategy::{Dfs, Strategy};
use syncsim_engine::Budget;
use syncsim_model::chat_persistence::ChatPersistence;
use syncsim_model::generation_dedup::GenerationDedup;
use syncsim_model::job_status::JobStatus;
use syncsim_model::save_race::SaveRace;
use syncsim_model::World;

use crate::scenario::{toml_error, world_of, ScenarioError};
use crate::worlds::WORLDS;

/// The worlds `syncsim fuzz` can generate workloads for.
pub const FUZZABLE: &[&str] = &[
    SaveRace::NAME,
    JobStatus::NAME,
    GenerationDedup::NAME,
    ChatPersistence::NAME,
];

/// A world whose workloads can be generated.
pub trait Fuzzable: World
where
    Self::Topology: Clone + Debug + Serialize,
    Self::Workload: Clone + Debug + Serialize,
    Self::Policies: Clone + Debug + Serialize,
    Self::Faults: Clone + Debug + Serialize,
{
    /// Random topologies, workloads and faults that fit `policies`, small enough to explore
    /// exhaustively in well under a second each.
    #[allow(clippy::type_complexity)]
    fn cases(
        policies: &Self::Policies,
    ) -> BoxedStrategy<(Self::Topology, Self::Workload, Self::Faults)>;
}

/// What a fuzzing session found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuzzReport {
    /// Cases requested (proptest stops at the first failing one and shrinks it).
    pub cases: u32,
    /// The violated invariant and the regression file written, if a case failed.
    pub found: Option<(String, PathBuf)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoliciesFile<P> {
    world: String,
    policies: P,
}

#[derive(Serialize)]
struct Regression<'a, T, W, P, F> {
    name: String,
    description: String,
    variant: &'static str,
    world: &'static str,
    expect: Violates<'a>,
    topology: &'a T,
    workload: &'a W,
    policies: &'a P,
    faults: &'a F,
}

#[derive(Serialize)]
struct Violates<'a> {
    violates: &'a str,
}

/// Runs `cases` fuzz cases for the world and policies named in `policies_file`, writing a
/// regression scenario into `out_dir` if one fails.
pub fn fuzz(
    policies_file: &Path,
    cases: u32,
    seed: u64,
    out_dir: &Path,
) -> Result<FuzzReport, ScenarioError> {
    let text = std::fs::read_to_string(policies_file).map_err(|e| ScenarioError {
        file: policies_file.to_path_buf(),
        at: None,
        message: format!("cannot read the file: {e}"),
    })?;
    let world = world_of(policies_file, &text)?;
    match world.get_ref().as_str() {
        SaveRace::NAME => fuzz_world::<SaveRace>(policies_file, &text, cases, seed, out_dir),
        JobStatus::NAME => fuzz_world::<JobStatus>(policies_file, &text, cases, seed, out_dir),
        GenerationDedup::NAME => {
            fuzz_world::<GenerationDedup>(policies_file, &text, cases, seed, out_dir)
        }
        ChatPersistence::NAME => {
            fuzz_world::<ChatPersistence>(policies_file, &text, cases, seed, out_dir)
        }
        other => Err(ScenarioError {
            file: policies_file.to_path_buf(),
            at: None,
            message: format!(
                "world `{other}` has no workload generator; fuzzable worlds: {} (all worlds: {})",
                FUZZABLE.join(", "),
                WORLDS.join(", ")
            ),
        }),
    }
}

fn fuzz_world<W>(
    file: &Path,
    text: &str,
    cases: u32,
    seed: u64,
    out_dir: &Path,
) -> Result<FuzzReport, ScenarioError>
where
    W: Fuzzable,
    W::Topology: Clone + Debug + Serialize,
    W::Workload: Clone + Debug + Serialize,
    W::Policies: Clone + Debug + Serialize + DeserializeOwned,
    W::Faults: Clone + Debug + Serialize,
{
    let parsed: PoliciesFile<W::Policies> =
        toml::from_str(text).map_err(|e| toml_error(file, text, e))?;
    let _ = parsed.world;
    let policies = parsed.policies;
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2048,
        ..Config::default()
    };
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let budget = Budget {
        max_depth: 2_000,
        max_states: 2_000_000,
        max_time: None,
    };
    let strategy = W::cases(&policies);
    let result = runner.run(&strategy, |(t, w, f)| {
        let Ok(model) = W::build(t, w, policies.clone(), f) else {
            return Ok(());
        };
        match Dfs::default().explore(&model, &budget).outcome {
            Outcome::Violation(v) => Err(TestCaseError::fail(v.property)),
            _ => Ok(()),
        }
    });
    match result {
        Ok(()) => Ok(FuzzReport { cases, found: None }),
        Err(TestError::Abort(reason)) => Err(ScenarioError {
            file: file.to_path_buf(),
            at: None,
            message: format!("fuzzing aborted: {reason}"),
        }),
        Err(TestError::Fail(reason, (topology, workload, faults))) => {
            let invariant = reason.message().to_string();
            let path = write_regression::<W>(
                out_dir, &invariant, &topology, &workload, &policies, &faults, file,
            )
            .map_err(|e| ScenarioError {
                file: out_dir.to_path_buf(),
                at: None,
                message: e,
            })?;
            Ok(FuzzReport {
                cases,
                found: Some((invariant, path)),
            })
        }
    }
}

fn write_regression<W>(
    out_dir: &Path,
    invariant: &str,
    topology: &W::Topology,
    workload: &W::Workload,
    policies: &W::Policies,
    faults: &W::Faults,
    policies_file: &Path,
) -> Result<PathBuf, String>
where
    W: Fuzzable,
    W::Topology: Clone + Debug + Serialize,
    W::Workload: Clone + Debug + Serialize,
    W::Policies: Clone + Debug + Serialize,
    W::Faults: Clone + Debug + Serialize,
{
    let body = |name: String| {
        Regression {
        name,
        description: format!(
            "Found by `syncsim fuzz --policies {}` and shrunk by proptest: a minimal workload that violates {invariant}.",
            policies_file.display()
        ),
        variant: "regression",
        world: W::NAME,
        expect: Violates { violates: invariant },
        topology,
        workload,
        policies,
        faults,
    }
    };
    let draft = toml::to_string(&body(String::new())).map_err(|e| e.to_string())?;
    let hash = format!("{:08x}", fnv1a(draft.as_bytes()) as u32);
    let stem = format!("{invariant}-{hash}");
    let text = toml::to_string(&body(format!("regression: {stem}"))).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let path = out_dir.join(format!("{stem}.toml"));
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// FNV-1a: a stable content hash for file names (never `std::hash`, whose output may change).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}
