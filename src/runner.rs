//! Explores one scenario and judges its expectation.
//!
//! The verdict is strict: `expect = "pass"` is met only by an `exhausted` outcome (a budget
//! that cut the search short is never a pass), and `expect = { violates = X }` only by a
//! violation of X.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;
use std::sync::Arc;

use syncsim_backends::Backend;
use syncsim_engine::outcome::{Bound, Outcome};
use syncsim_engine::shrink::shrink;
use syncsim_engine::strategy::{Bfs, Dfs, Pct, RandomWalk, Strategy};
use syncsim_engine::trace::{Trace, TraceViolation};
use syncsim_engine::{Budget, Model, Report, Stats};

use crate::scenario::Expect;
use crate::with_model;
use crate::worlds::Scenario;

/// A strategy the CLI can choose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategyChoice {
    /// Exhaustive depth-first search.
    Dfs,
    /// Exhaustive breadth-first search (shortest counterexample).
    Bfs,
    /// Seeded random walk.
    Random,
    /// Probabilistic concurrency testing (priorities over actors, d-1 change points).
    Pct,
}

impl StrategyChoice {
    /// All choices with their names, for usage text.
    pub const NAMES: &'static [&'static str] = &["dfs", "bfs", "random", "pct"];
}

impl FromStr for StrategyChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "dfs" => Ok(StrategyChoice::Dfs),
            "bfs" => Ok(StrategyChoice::Bfs),
            "random" => Ok(StrategyChoice::Random),
            "pct" => Ok(StrategyChoice::Pct),
            _ => Err(format!(
                "unknown strategy `{s}`, expected one of {}",
                Self::NAMES.join(", ")
            )),
        }
    }
}

/// Overrides from the command line; `None` keeps the scenario's own setting.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Strategy.
    pub strategy: Option<StrategyChoice>,
    /// Base seed for random.
    pub seed: Option<u64>,
    /// Runs for random.
    pub runs: Option<u64>,
    /// Depth bound.
    pub max_depth: Option<usize>,
    /// State bound.
    pub max_states: Option<u64>,
    /// Time bound in milliseconds.
    pub max_time_ms: Option<u64>,
    /// PCT bug depth d.
    pub pct_depth: Option<usize>,
    /// Run under shuttle or loom instead of the engine's own strategies.
    pub backend: Option<Backend>,
    /// Switch symmetry reduction off.
    pub no_symmetry: bool,
    /// Switch sleep-set partial-order reduction off.
    pub no_sleep_sets: bool,
    /// Keep counterexamples as found (no shrinking).
    pub no_shrink: bool,
}

/// Whether a scenario's expectation held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The expectation held.
    Met,
    /// It did not.
    NotMet,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Met => "met",
            Verdict::NotMet => "not_met",
        })
    }
}

/// The result of checking one scenario.
#[derive(Clone, Debug)]
pub struct Checked {
    /// Display name.
    pub name: String,
    /// File, as given.
    pub file: String,
    /// The expectation.
    pub expect: Expect,
    /// Whether it held.
    pub verdict: Verdict,
    /// `violation`, `exhausted` or `bounded`.
    pub outcome: &'static str,
    /// Which budget bounded the run.
    pub bound: Option<Bound>,
    /// The violated property.
    pub invariant: Option<String>,
    /// What the property's check said.
    pub message: Option<String>,
    /// Coverage.
    pub stats: Stats,
    /// The strategy that ran.
    pub strategy: String,
    /// The seed of the run that found the violation (random), or the base seed.
    pub seed: Option<u64>,
    /// The violation's trace (shrunk, unless the strategy already gives a shortest one).
    pub trace: Option<Trace>,
    /// The length of the counterexample as found, before shrinking (None: not shrunk).
    pub found_length: Option<usize>,
}

/// The strategy a scenario runs with, after CLI overrides and defaults.
pub fn strategy_for(scenario: &Scenario, opts: &Options) -> Result<StrategyChoice, String> {
    if let Some(s) = opts.strategy {
        return Ok(s);
    }
    match &scenario.meta.explore.strategy {
        Some(s) => s.parse(),
        None => Ok(match scenario.meta.expect {
            Expect::Pass => StrategyChoice::Dfs,
            Expect::Violates(_) => StrategyChoice::Bfs,
        }),
    }
}

/// The budget a scenario runs with, after CLI overrides.
pub fn budget_for(scenario: &Scenario, opts: &Options) -> Budget {
    let b = &scenario.meta.budget;
    let d = Budget::default();
    Budget {
        max_depth: opts.max_depth.or(b.max_depth).unwrap_or(d.max_depth),
        max_states: opts.max_states.or(b.max_states).unwrap_or(d.max_states),
        max_time: opts
            .max_time_ms
            .or(b.max_time_ms)
            .map(Duration::from_millis),
    }
}

/// How to explore: the strategy or backend and their settings.
#[derive(Clone, Debug)]
pub struct How {
    /// The engine strategy (ignored when a backend is chosen).
    pub strategy: StrategyChoice,
    /// A shuttle or loom backend instead of the engine.
    pub backend: Option<Backend>,
    /// Base seed (random, pct, shuttle-random, shuttle-pct).
    pub seed: u64,
    /// Runs (random, pct) or executions (backends).
    pub runs: u64,
    /// PCT depth.
    pub pct_depth: usize,
    /// Sleep sets in DFS.
    pub sleep_sets: bool,
}

/// Explores `model` as `how` says.
pub fn explore<M>(model: &M, how: &How, budget: &Budget) -> Report<M::Event>
where
    M: Model + Clone + Send + Sync + 'static,
    M::State: Send,
    M::Event: Send,
{
    if let Some(backend) = how.backend {
        return syncsim_backends::run(backend, Arc::new(model.clone()), budget, how.seed, how.runs);
    }
    match how.strategy {
        StrategyChoice::Dfs => Dfs {
            sleep_sets: how.sleep_sets,
        }
        .explore(model, budget),
        StrategyChoice::Bfs => Bfs.explore(model, budget),
        StrategyChoice::Random => RandomWalk {
            seed: how.seed,
            runs: how.runs,
        }
        .explore(model, budget),
        StrategyChoice::Pct => Pct {
            seed: how.seed,
            runs: how.runs,
            depth: how.pct_depth,
        }
        .explore(model, budget),
    }
}

/// The exploration settings a scenario runs with, after CLI overrides and defaults.
pub fn how_for(scenario: &Scenario, opts: &Options) -> Result<How, String> {
    Ok(How {
        strategy: strategy_for(scenario, opts)?,
        backend: opts.backend,
        seed: opts.seed.or(scenario.meta.explore.seed).unwrap_or(0),
        runs: opts.runs.or(scenario.meta.explore.runs).unwrap_or(1000),
        pct_depth: opts.pct_depth.unwrap_or(3),
        sleep_sets: !opts.no_sleep_sets,
    })
}

/// Checks one scenario.
pub fn check(scenario: &Scenario, opts: &Options) -> Result<Checked, String> {
    let how = how_for(scenario, opts)?;
    let budget = budget_for(scenario, opts);
    let file = scenario.meta.file.display().to_string();
    let mut world = scenario.world.clone();
    Ok(with_model!(&mut world, m => {
        syncsim_model::World::set_symmetry(m, !opts.no_symmetry);
        let report = explore(m, &how, &budget);
        judge(m, scenario, &file, report, !opts.no_shrink)
    }))
}

fn judge<M: Model>(
    model: &M,
    scenario: &Scenario,
    file: &str,
    report: Report<M::Event>,
    shrinking: bool,
) -> Checked {
    let outcome = report.outcome.kind();
    let mut found_length = None;
    let (bound, invariant, message, trace, seed) = match report.outcome {
        Outcome::Violation(mut v) => {
            let seed = v.run_seed.or(report.seed);
            // BFS already returns a shortest counterexample; anything else is shrunk so the
            // trace shows only the events that matter to the violation.
            if shrinking && report.strategy != "bfs" && !v.path.is_empty() {
                let shrunk = shrink(model, &v.path, &v.property);
                found_length = Some(shrunk.before);
                v.path = shrunk.path;
                v.message = final_message(model, &v.path, &v.property).unwrap_or(v.message);
            }
            let violation = TraceViolation {
                property: v.property.clone(),
                message: v.message.clone(),
            };
            let mut trace = Trace::record(model, &v.path, &report.strategy, seed, Some(violation));
            trace.scenario = Some(file.to_string());
            (None, Some(v.property), Some(v.message), Some(trace), seed)
        }
        Outcome::Bounded(b) => (Some(b), None, None, None, report.seed),
        Outcome::Exhausted => (None, None, None, None, report.seed),
    };
    let met = match &scenario.meta.expect {
        Expect::Pass => outcome == "exhausted",
        Expect::Violates(p) => invariant.as_deref() == Some(p.as_str()),
    };
    Checked {
        name: scenario.meta.name.clone(),
        file: file.to_string(),
        expect: scenario.meta.expect.clone(),
        verdict: if met { Verdict::Met } else { Verdict::NotMet },
        outcome,
        bound,
        invariant,
        message,
        stats: report.stats,
        strategy: report.strategy,
        seed,
        trace,
        found_length,
    }
}

/// The message the property gives at the end of `path` (it may differ from the one the
/// unshrunk path ended with, e.g. fewer URLs lost).
fn final_message<M: Model>(model: &M, path: &[M::Event], property: &str) -> Option<String> {
    let replayed =
        syncsim_engine::replay::replay(model, &Trace::record(model, path, "", None, None).steps)
            .ok()?;
    replayed
        .violation
        .filter(|v| v.property == property)
        .map(|v| v.message)
}
