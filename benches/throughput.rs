//! `cargo bench`: exploration throughput on the bench scenarios (`scenarios/bench/`), the
//! textbook lost-update models used to compare with stateright, shuttle and loom.
//!
//! For each scenario and strategy it prints states, transitions, wall time and states per
//! second, with symmetry reduction on and off. Figures are measured, never asserted: compare
//! ratios taken in one run, since machines here are shared and noisy.

use std::path::Path;
use std::time::Instant;

use syncsim::runner::{budget_for, explore, StrategyChoice};
use syncsim::worlds::load;
use syncsim_engine::Report;

const SCENARIOS: &[&str] = &[
    "scenarios/bench/lost-update-cas-7.toml",
    "scenarios/bench/lost-update-cas-10.toml",
    "scenarios/bench/lost-update-rmw-7.toml",
];

fn row<E>(name: &str, how: &str, repeats: u32, run: impl Fn() -> Report<E>) {
    let start = Instant::now();
    let mut report = run();
    for _ in 1..repeats {
        report = run();
    }
    let wall = start.elapsed().as_secs_f64() / repeats as f64;
    let rate = report.stats.states as f64 / wall.max(1e-9);
    println!(
        "{name:<28} {how:<26} {:<10} {:>11} {:>12} {:>10.4} s {:>12.0} states/s",
        report.outcome.kind(),
        report.stats.states,
        report.stats.transitions,
        wall,
        rate
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects scenarios by substring.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!(
        "{:<28} {:<26} {:<10} {:>11} {:>12} {:>12} {:>19}",
        "scenario", "strategy", "outcome", "states", "transitions", "wall", "throughput"
    );
    for file in SCENARIOS {
        if filter.as_ref().is_some_and(|f| !file.contains(f.as_str())) {
            continue;
        }
        let scenario = load(&root.join(file)).expect("bench scenarios load");
        let name = Path::new(file)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let budget = budget_for(&scenario, &Default::default());
        let syncsim::worlds::World::SaveRace(model) = &scenario.world;
        for (choice, label) in [(StrategyChoice::Dfs, "dfs"), (StrategyChoice::Bfs, "bfs")] {
            row(&name, &format!("{label} + symmetry"), 5, || {
                explore(model, choice, &budget, 0, 1)
            });
            let plain = model.clone().with_symmetry(false);
            if !(name.contains("cas-10")) {
                row(&name, &format!("{label}, no reduction"), 1, || {
                    explore(&plain, choice, &budget, 0, 1)
                });
            }
        }
        row(&name, "random (1000 runs)", 1, || {
            explore(model, StrategyChoice::Random, &budget, 0, 1000)
        });
    }
}
