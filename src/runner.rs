//! Explores one scenario and judges its expectation.
//!
//! The verdict is strict: `expect = "pass"` is met only by an `exhausted` outcome (a budget
//! that cut the search short is never a pass), and `expect = { violates = X }` only by a
//! violation of X.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::Serialize;
use syncsim_engine::outcome::{Bound, Outcome};
use syncsim_engine::strategy::{Bfs, Dfs, RandomWalk, Strategy};
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
}

impl StrategyChoice {
    /// All choices with their names, for usage text.
    pub const NAMES: &'static [&'static str] = &["dfs", "bfs", "random"];
}

impl FromStr for StrategyChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "dfs" => Ok(StrategyChoice::Dfs),
            "bfs" => Ok(StrategyChoice::Bfs),
            "random" => Ok(StrategyChoice::Random),
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
    /// The violation's trace.
    pub trace: Option<Trace>,
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

/// Explores `model` with `choice`.
pub fn explore<M: Model>(
    model: &M,
    choice: StrategyChoice,
    budget: &Budget,
    seed: u64,
    runs: u64,
) -> Report<M::Event> {
    match choice {
        StrategyChoice::Dfs => Dfs::default().explore(model, budget),
        StrategyChoice::Bfs => Bfs.explore(model, budget),
        StrategyChoice::Random => RandomWalk { seed, runs }.explore(model, budget),
    }
}

/// Checks one scenario.
pub fn check(scenario: &Scenario, opts: &Options) -> Result<Checked, String> {
    let choice = strategy_for(scenario, opts)?;
    let budget = budget_for(scenario, opts);
    let seed = opts.seed.or(scenario.meta.explore.seed).unwrap_or(0);
    let runs = opts.runs.or(scenario.meta.explore.runs).unwrap_or(1000);
    let file = scenario.meta.file.display().to_string();
    Ok(with_model!(&scenario.world, m => {
        let report = explore(m, choice, &budget, seed, runs);
        judge(m, scenario, &file, report)
    }))
}

fn judge<M: Model>(
    model: &M,
    scenario: &Scenario,
    file: &str,
    report: Report<M::Event>,
) -> Checked {
    let outcome = report.outcome.kind();
    let (bound, invariant, message, trace, seed) = match report.outcome {
        Outcome::Violation(v) => {
            let seed = v.run_seed.or(report.seed);
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
    }
}
