//! Every scenario file under `scenarios/` is its own test case (datatest-stable): adding a
//! file is enough to get a test. Each case checks the scenario's expectation; for a scenario
//! that expects a violation it also snapshots the shortest counterexample (BFS) as text under
//! `reports/traces/` — reviewed with `cargo insta review` — and replays that trace to the same
//! violation.

use std::path::Path;

use syncsim::runner::{self, Options, StrategyChoice, Verdict};
use syncsim::scenario::Expect;
use syncsim::{with_model, worlds};
use syncsim_engine::replay::replay;

fn check_scenario(path: &Path) -> datatest_stable::Result<()> {
    let scenario = worlds::load(path)?;
    let checked = runner::check(&scenario, &Options::default())?;
    if checked.verdict != Verdict::Met {
        let trace = checked
            .trace
            .as_ref()
            .map(|t| t.render())
            .unwrap_or_default();
        return Err(format!(
            "{}: expected {}, got {} ({:?} {:?}) after {} states\n{trace}",
            path.display(),
            checked.expect,
            checked.outcome,
            checked.invariant,
            checked.bound,
            checked.stats.states
        )
        .into());
    }
    if let Expect::Violates(_) = scenario.meta.expect {
        let shortest = if checked.strategy == "bfs" {
            checked
        } else {
            runner::check(
                &scenario,
                &Options {
                    strategy: Some(StrategyChoice::Bfs),
                    ..Options::default()
                },
            )?
        };
        let trace = shortest.trace.expect("a violation has a trace");
        let replayed =
            with_model!(&scenario.world, m => replay(m, &trace.steps).map(|r| r.violation))?;
        assert_eq!(
            replayed,
            trace.violation,
            "{}: the trace must replay to its violation",
            path.display()
        );

        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = format!(
            "scenario: {}\nfile: {}\nshortest counterexample ({} steps, bfs):\n\n{}",
            scenario.meta.name,
            path.display(),
            trace.steps.len(),
            trace.render()
        );
        insta::with_settings!({
            snapshot_path => "../reports/traces",
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => scenario.meta.description.clone().unwrap_or_default(),
        }, {
            insta::assert_snapshot!(stem, text);
        });
    }
    Ok(())
}

datatest_stable::harness! {
    { test = check_scenario, root = "scenarios", pattern = r"\.toml$" },
}
