//! What `syncsim check` prints: one summary line per scenario (text), or one JSON document.

use serde_json::{json, Value};

use crate::runner::{Checked, Verdict};

/// One line: verdict, name, expectation, outcome and coverage.
pub fn summary_line(c: &Checked) -> String {
    let mark = match c.verdict {
        Verdict::Met => "ok  ",
        Verdict::NotMet => "FAIL",
    };
    let outcome = match (&c.invariant, &c.bound, &c.trace) {
        (Some(p), _, Some(t)) => match c.found_length {
            Some(found) if found != t.steps.len() => {
                format!(
                    "violation of {p} in {} steps (shrunk from {found})",
                    t.steps.len()
                )
            }
            _ => format!("violation of {p} in {} steps", t.steps.len()),
        },
        (_, Some(b), _) => format!(
            "bounded by {}",
            serde_json::to_value(b)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        ),
        _ => c.outcome.to_string(),
    };
    format!(
        "{mark} {:<52} expect {:<28} {:<46} {:>9} states {:>10} transitions {:>6} ms ({})",
        c.name,
        c.expect.to_string(),
        outcome,
        c.stats.states,
        c.stats.transitions,
        c.stats.elapsed_ms,
        c.strategy
    )
}

/// The JSON record of one scenario, as `--format json` prints it.
pub fn to_json(c: &Checked) -> Value {
    json!({
        "name": c.name,
        "file": c.file,
        "expect": c.expect.to_string(),
        "verdict": c.verdict.to_string(),
        "outcome": c.outcome,
        "bound": c.bound,
        "invariant": c.invariant,
        "message": c.message,
        "strategy": c.strategy,
        "seed": c.seed,
        "states": c.stats.states,
        "transitions": c.stats.transitions,
        "max_depth": c.stats.max_depth,
        "runs": c.stats.runs,
        "elapsed_ms": c.stats.elapsed_ms,
        "found_length": c.found_length,
        "trace": c.trace,
    })
}
