//! Traces: the events of one run, by stable name, with the seed and strategy that produced
//! them. JSON is for tools (and replay); [`Trace::render`] is for the human reading a PR.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::model::Model;
use crate::time::Millis;

/// The trace file format version; bumped when the JSON shape changes.
pub const TRACE_FORMAT: u32 = 1;

/// One step of a trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    /// Virtual time at which the event fired, in milliseconds since the run began.
    pub time_ms: Millis,
    /// Who took the step.
    pub actor: String,
    /// What happened.
    pub action: String,
    /// What the step changed in the world, as the model describes it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub changes: String,
}

impl TraceStep {
    /// The event's stable name, as replay matches it.
    pub fn name(&self) -> String {
        format!("{} {}", self.actor, self.action)
    }
}

/// The property a trace violates and what its check said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceViolation {
    /// The property's name.
    pub property: String,
    /// The check's message.
    pub message: String,
}

/// A replayable record of one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    /// [`TRACE_FORMAT`] at the time of writing.
    pub format: u32,
    /// The scenario file the trace belongs to, as given on the command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// The strategy that produced it.
    pub strategy: String,
    /// The seed of the run that produced it, for seeded strategies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The events, in order.
    pub steps: Vec<TraceStep>,
    /// The violation the run ends in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation: Option<TraceViolation>,
}

impl Trace {
    /// Re-executes `path` from the model's initial state, recording each event's name, virtual
    /// time and changes.
    pub fn record<M: Model>(
        model: &M,
        path: &[M::Event],
        strategy: &str,
        seed: Option<u64>,
        violation: Option<TraceViolation>,
    ) -> Trace {
        let mut state = model.initial_state();
        let mut scratch = Vec::new();
        let mut fireable = Vec::new();
        let mut now: Millis = 0;
        let mut steps = Vec::with_capacity(path.len());
        for event in path {
            crate::model::fireable_events(model, &state, &mut scratch, &mut fireable);
            let advance = fireable
                .iter()
                .find(|(e, _)| e == event)
                .map(|(_, a)| *a)
                .expect("a recorded path only holds events that were fireable");
            let label = model.label(&state, event);
            let before = state.clone();
            model.apply(&mut state, event, advance);
            now += advance;
            steps.push(TraceStep {
                time_ms: now,
                actor: label.actor,
                action: label.action,
                changes: model.changes(&before, &state),
            });
        }
        Trace {
            format: TRACE_FORMAT,
            scenario: None,
            strategy: strategy.to_string(),
            seed,
            steps,
            violation,
        }
    }

    /// The trace as pretty JSON, stable byte for byte for the same run.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a trace always serializes")
    }

    /// Text for humans: one line per event with virtual time, actor, what happened and what
    /// changed, then the violation.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let actor_width = self
            .steps
            .iter()
            .map(|s| s.actor.len())
            .max()
            .unwrap_or(5)
            .max(5);
        for (i, step) in self.steps.iter().enumerate() {
            let _ = write!(
                out,
                "{:>3}  {:>9}  {:<width$}  {}",
                i + 1,
                format_time(step.time_ms),
                step.actor,
                step.action,
                width = actor_width
            );
            if !step.changes.is_empty() {
                let _ = write!(out, "  →  {}", step.changes);
            }
            out.push('\n');
        }
        match &self.violation {
            Some(v) => {
                let _ = writeln!(out, "VIOLATED {}: {}", v.property, v.message);
            }
            None => out.push_str("no violation\n"),
        }
        out
    }
}

/// `1.500s`, `62.000s`: virtual time as seconds with millisecond precision.
pub fn format_time(ms: Millis) -> String {
    format!("{}.{:03}s", ms / 1000, ms % 1000)
}
