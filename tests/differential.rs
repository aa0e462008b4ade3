//! Differential testing: every incident scenario is explored by each engine strategy (with
//! and without each reduction) and by the shuttle and loom backends, and their verdicts must
//! agree. A violation found by any of them must replay in the engine to the same property,
//! and the exhaustive engine search must find a violation too; a scenario the exhaustive
//! search exhausts must not be violated by anyone, and an oracle that claims exhaustion must
//! agree with it.

use std::path::PathBuf;

use syncsim::runner::{budget_for, explore, How, StrategyChoice};
use syncsim::scenario::collect_files;
use syncsim::{with_model, worlds};
use syncsim_backends::Backend;
use syncsim_engine::replay::replay;
use syncsim_engine::shrink::shrink;
use syncsim_engine::trace::Trace;
use syncsim_engine::{Budget, Outcome};

fn how(strategy: StrategyChoice, backend: Option<Backend>, runs: u64, sleep_sets: bool) -> How {
    How {
        strategy,
        backend,
        seed: 7,
        runs,
        pct_depth: 3,
        sleep_sets,
    }
}

#[test]
fn every_strategy_and_backend_agrees_on_every_incident_scenario() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let files = collect_files(&[root.join("scenarios/incidents")]).unwrap();
    assert!(!files.is_empty());
    let mut compared = 0;
    for file in files {
        let scenario = worlds::load(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let mut world = scenario.world.clone();
        with_model!(&mut world, m => {
            let budget = budget_for(&scenario, &Default::default());
            let reference = explore(m, &how(StrategyChoice::Dfs, None, 1, true), &budget);
            let reference_violates = match &reference.outcome {
                Outcome::Violation(_) => true,
                Outcome::Exhausted => false,
                Outcome::Bounded(_) => continue, // too large to serve as a reference
            };
            let limited = Budget { max_time: Some(std::time::Duration::from_secs(3)), ..budget.clone() };
            let mut contenders = vec![
                ("dfs without sleep sets", how(StrategyChoice::Dfs, None, 1, false), budget.clone()),
                ("bfs", how(StrategyChoice::Bfs, None, 1, true), budget.clone()),
                ("random", how(StrategyChoice::Random, None, 3000, true), limited.clone()),
                ("pct", how(StrategyChoice::Pct, None, 3000, true), limited.clone()),
            ];
            for b in Backend::ALL {
                contenders.push((b.name(), how(StrategyChoice::Dfs, Some(b), 3000, true), limited.clone()));
            }
            for (label, h, budget) in contenders {
                let r = explore(m, &h, &budget);
                match &r.outcome {
                    Outcome::Violation(v) => {
                        assert!(reference_violates, "{name}: {label} found {} but exhaustive DFS found none", v.property);
                        if !v.path.is_empty() {
                            let trace = Trace::record(m, &v.path, label, None, None);
                            let replayed = replay(m, &trace.steps).unwrap_or_else(|d| panic!("{name}: {label}: {d}"));
                            assert_eq!(replayed.violation.map(|x| x.property), Some(v.property.clone()), "{name}: {label}");
                        }
                    }
                    Outcome::Exhausted => {
                        assert!(!reference_violates, "{name}: {label} exhausted the space without the violation DFS found")
                    }
                    Outcome::Bounded(_) => {}
                }
                if reference_violates && matches!(label, "dfs without sleep sets" | "bfs") {
                    assert!(r.outcome.is_violation(), "{name}: {label} must find the violation too");
                }
            }
            // Shrinking a sampled counterexample never beats BFS's shortest for that property,
            // and gets close to it.
            let shortest = explore(m, &how(StrategyChoice::Bfs, None, 1, true), &budget);
            if let (Outcome::Violation(b), Outcome::Violation(r)) =
                (&shortest.outcome, &explore(m, &how(StrategyChoice::Random, None, 3000, true), &limited).outcome)
            {
                if b.property == r.property {
                    let shrunk = shrink(m, &r.path, &r.property);
                    assert!(shrunk.after >= b.path.len(), "{name}: shrinking beat BFS");
                    assert!(shrunk.after <= shrunk.before, "{name}");
                    eprintln!("{name}: random {} -> shrunk {} (bfs {})", shrunk.before, shrunk.after, b.path.len());
                }
            }
            // Symmetry reduction off: same verdict.
            let mut plain = m.clone();
            syncsim_model::World::set_symmetry(&mut plain, false);
            let p = explore(&plain, &how(StrategyChoice::Dfs, None, 1, true), &budget);
            assert_eq!(p.outcome.is_violation(), reference_violates, "{name}: symmetry changed the verdict");
        });
        compared += 1;
    }
    assert!(
        compared >= 10,
        "only {compared} scenarios were small enough to compare"
    );
}
