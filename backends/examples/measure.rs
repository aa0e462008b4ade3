//! Measures every backend on the counter model: outcome, executions, transitions, distinct
//! states and wall-clock time for `lost_update(2..=4)` and `atomic(2..=3)`.
//!
//! `cargo run --release -p syncsim-backends --example measure [iterations]`

use std::sync::Arc;
use std::time::Instant;

use syncsim_backends::{run, Backend};
use syncsim_engine::examples::counter::Counter;
use syncsim_engine::{Budget, Outcome};

fn main() {
    let iterations: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("iterations is a number"))
        .unwrap_or(1000);
    let budget = Budget {
        max_time: Some(std::time::Duration::from_secs(60)),
        ..Budget::default()
    };
    let models: Vec<(String, Counter)> = (2..=4)
        .map(|n| (format!("lost_update({n})"), Counter::lost_update(n)))
        .chain((2..=3).map(|n| (format!("atomic({n})"), Counter::atomic(n))))
        .collect();
    println!(
        "{:<16} {:<15} {:<10} {:>9} {:>11} {:>7} {:>5} {:>9}",
        "model", "backend", "outcome", "runs", "transitions", "states", "path", "ms"
    );
    for (name, model) in &models {
        for backend in Backend::ALL {
            let t = Instant::now();
            let r = run(backend, Arc::new(model.clone()), &budget, 1, iterations);
            let path = match &r.outcome {
                Outcome::Violation(v) => v.path.len().to_string(),
                _ => "-".into(),
            };
            let outcome = match &r.outcome {
                Outcome::Bounded(b) => format!("bounded:{b:?}").to_lowercase(),
                o => o.kind().to_string(),
            };
            println!(
                "{:<16} {:<15} {:<10} {:>9} {:>11} {:>7} {:>5} {:>9}",
                name,
                backend.name(),
                outcome,
                r.stats.runs,
                r.stats.transitions,
                r.stats.states,
                path,
                t.elapsed().as_millis()
            );
        }
    }
}
