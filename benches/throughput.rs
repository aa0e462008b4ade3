//! `cargo bench`: how fast syncsim finds violations and proves their absence, measured in one
//! run side by side with shuttle and loom driving the same model.
//!
//! Tables (markdown, so a closing note can quote them):
//! 1. exhaustive search on the bench scenarios (`scenarios/bench/`), with and without each
//!    reduction (symmetry, sleep sets), and the shuttle-dfs / loom oracles on the same models;
//! 2. time to the first violation on every violating scenario, per strategy and backend;
//!    seeded samplers report the median over several seeds of runs and time.
//!
//! Figures are measured, never asserted: machines here are shared and noisy, so compare
//! ratios within one run. `cargo bench --bench throughput -- FILTER` keeps scenarios whose
//! path contains FILTER.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use syncsim::runner::{budget_for, explore, How, StrategyChoice};
use syncsim::scenario::{collect_files, Expect};
use syncsim::{with_model, worlds};
use syncsim_backends::Backend;
use syncsim_engine::{Budget, Outcome, Report};

const ORACLE_TIME: Duration = Duration::from_secs(60);
const SEEDS: u64 = 7;

fn how(
    strategy: StrategyChoice,
    backend: Option<Backend>,
    seed: u64,
    runs: u64,
    sleep_sets: bool,
) -> How {
    How {
        strategy,
        backend,
        seed,
        runs,
        pct_depth: 3,
        sleep_sets,
    }
}

fn describe<E>(r: &Report<E>) -> String {
    match &r.outcome {
        Outcome::Violation(v) => format!("violation ({} steps)", v.path.len()),
        Outcome::Exhausted => "exhausted".into(),
        Outcome::Bounded(b) => format!("bounded ({b:?})").to_lowercase(),
    }
}

fn timed<E>(f: impl Fn() -> Report<E>) -> (Report<E>, f64) {
    let start = Instant::now();
    let r = f();
    (r, start.elapsed().as_secs_f64())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let keep = |p: &Path| {
        filter
            .as_ref()
            .is_none_or(|f| p.to_string_lossy().contains(f.as_str()))
    };

    println!("## Exhaustive exploration (bench scenarios)\n");
    println!("| scenario | how | outcome | states | transitions | runs | wall (s) | states/s |");
    println!("|---|---|---|---:|---:|---:|---:|---:|");
    for file in collect_files(&[root.join("scenarios/bench")])
        .unwrap()
        .into_iter()
        .filter(|p| keep(p))
    {
        let scenario = worlds::load(&file).unwrap();
        if scenario.meta.expect != Expect::Pass {
            continue;
        }
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let budget = Budget {
            max_time: Some(ORACLE_TIME),
            ..budget_for(&scenario, &Default::default())
        };
        let mut world = scenario.world.clone();
        with_model!(&mut world, m => {
            let big = name.ends_with("-10");
            for (label, symmetry, sleep) in [
                ("dfs + symmetry + sleep sets", true, true),
                ("dfs + symmetry", true, false),
                ("dfs + sleep sets", false, true),
                ("dfs, no reduction", false, false),
                ("bfs + symmetry", true, false),
                ("bfs, no reduction", false, false),
            ] {
                if big && !symmetry {
                    continue;
                }
                let mut model = m.clone();
                syncsim_model::World::set_symmetry(&mut model, symmetry);
                let strategy = if label.starts_with("bfs") { StrategyChoice::Bfs } else { StrategyChoice::Dfs };
                let (r, wall) = timed(|| explore(&model, &how(strategy, None, 0, 1, sleep), &budget));
                row(&name, label, &r, wall);
            }
            if !big {
                for backend in [Backend::ShuttleDfs, Backend::Loom] {
                    let (r, wall) = timed(|| explore(m, &how(StrategyChoice::Dfs, Some(backend), 0, u64::MAX, true), &budget));
                    row(&name, backend.name(), &r, wall);
                }
            }
        });
    }

    println!("\n## Time to the first violation\n");
    println!("Seeded samplers: median over {SEEDS} seeds of runs (executions) to the first violation and of wall time.\n");
    println!("| scenario | how | outcome | states | runs | wall (s) |");
    println!("|---|---|---|---:|---:|---:|");
    let files = collect_files(&[
        root.join("scenarios/bench"),
        root.join("scenarios/incidents"),
    ])
    .unwrap();
    for file in files.into_iter().filter(|p| keep(p)) {
        let scenario = worlds::load(&file).unwrap();
        if scenario.meta.expect == Expect::Pass {
            continue;
        }
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let budget = Budget {
            max_time: Some(ORACLE_TIME),
            ..budget_for(&scenario, &Default::default())
        };
        with_model!(&scenario.world, m => {
            for (label, strategy) in [("dfs", StrategyChoice::Dfs), ("bfs", StrategyChoice::Bfs)] {
                let (r, wall) = timed(|| explore(m, &how(strategy, None, 0, 1, true), &budget));
                println!("| {name} | {label} | {} | {} | - | {wall:.5} |", describe(&r), r.stats.states);
            }
            let samplers = [
                ("random", StrategyChoice::Random, None),
                ("pct (d=3)", StrategyChoice::Pct, None),
                ("shuttle-random", StrategyChoice::Dfs, Some(Backend::ShuttleRandom)),
                ("shuttle-pct", StrategyChoice::Dfs, Some(Backend::ShuttlePct)),
            ];
            for (label, strategy, backend) in samplers {
                let (mut runs, mut walls, mut found) = (Vec::new(), Vec::new(), 0);
                for seed in 0..SEEDS {
                    let (r, wall) = timed(|| explore(m, &how(strategy, backend, seed + 1, 100_000, true), &budget));
                    if r.outcome.is_violation() {
                        found += 1;
                    }
                    // Engine samplers count completed runs; the violating one is one more.
                    let extra = if backend.is_none() && r.outcome.is_violation() { 1 } else { 0 };
                    runs.push((r.stats.runs + extra) as f64);
                    walls.push(wall);
                }
                println!(
                    "| {name} | {label} | violation in {found}/{SEEDS} seeds | - | {:.0} | {:.5} |",
                    median(runs),
                    median(walls)
                );
            }
            for backend in [Backend::ShuttleDfs, Backend::Loom] {
                let (r, wall) = timed(|| explore(m, &how(StrategyChoice::Dfs, Some(backend), 0, u64::MAX, true), &budget));
                println!("| {name} | {} | {} | {} | {} | {wall:.5} |", backend.name(), describe(&r), r.stats.states, r.stats.runs);
            }
        });
    }
}

fn row<E>(name: &str, how: &str, r: &Report<E>, wall: f64) {
    println!(
        "| {name} | {how} | {} | {} | {} | {} | {wall:.4} | {:.0} |",
        describe(r),
        r.stats.states,
        r.stats.transitions,
        r.stats.runs,
        r.stats.states as f64 / wall.max(1e-9)
    );
}
