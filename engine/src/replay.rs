//! Replay: re-executes a trace against a model, step by step, matching each step by its
//! stable event name. When the model has changed so that a step no longer fits, it says which
//! step and what was enabled instead; it never panics on a trace that does not fit.

use std::fmt;

use crate::model::{fireable_events, Model};
use crate::strategy::PropertyChecker;
use crate::time::Millis;
use crate::trace::{format_time, TraceStep, TraceViolation};

/// Why a trace could not be replayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Divergence {
    /// Step `step` (1-based) names an event that is not fireable there.
    NotEnabled {
        /// The 1-based step number.
        step: usize,
        /// The name the trace recorded.
        expected: String,
        /// The names of the events fireable at that point.
        enabled: Vec<String>,
    },
    /// Step `step` fired, but at a different virtual time than recorded.
    TimeDiffers {
        /// The 1-based step number.
        step: usize,
        /// The event's name.
        name: String,
        /// The time in the trace.
        recorded_ms: Millis,
        /// The time replay reached.
        replayed_ms: Millis,
    },
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Divergence::NotEnabled {
                step,
                expected,
                enabled,
            } => {
                write!(
                    f,
                    "step {step} `{expected}` is not enabled in the model any more; enabled there:"
                )?;
                if enabled.is_empty() {
                    write!(f, " nothing (the world is quiescent)")?;
                }
                for name in enabled {
                    write!(f, "\n  - {name}")?;
                }
                Ok(())
            }
            Divergence::TimeDiffers {
                step,
                name,
                recorded_ms,
                replayed_ms,
            } => write!(
                f,
                "step {step} `{name}` fired at {} but the trace recorded {}",
                format_time(*replayed_ms),
                format_time(*recorded_ms)
            ),
        }
    }
}

/// What a replay reproduced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replayed<E> {
    /// The events matched, in order (up to the violation, if one came early).
    pub path: Vec<E>,
    /// The first property that failed, if any.
    pub violation: Option<TraceViolation>,
    /// The number of steps executed before the violation (or all of them).
    pub steps_run: usize,
}

/// Replays `steps` against `model`, checking properties after every step.
pub fn replay<M: Model>(model: &M, steps: &[TraceStep]) -> Result<Replayed<M::Event>, Divergence> {
    let mut checker = PropertyChecker::new(model);
    let mut state = model.initial_state();
    let mut scratch = Vec::new();
    let mut fireable = Vec::new();
    let mut now: Millis = 0;
    let mut path = Vec::with_capacity(steps.len());

    fireable_events(model, &state, &mut scratch, &mut fireable);
    if let Some((property, message)) = checker.check(model, &state, fireable.is_empty()) {
        return Ok(Replayed {
            path,
            violation: Some(TraceViolation { property, message }),
            steps_run: 0,
        });
    }
    for (i, step) in steps.iter().enumerate() {
        let expected = step.name();
        let found = fireable
            .iter()
            .find(|(e, _)| model.label(&state, e).name() == expected)
            .cloned();
        let Some((event, advance)) = found else {
            let enabled = fireable
                .iter()
                .map(|(e, _)| model.label(&state, e).name())
                .collect();
            return Err(Divergence::NotEnabled {
                step: i + 1,
                expected,
                enabled,
            });
        };
        now += advance;
        if now != step.time_ms {
            return Err(Divergence::TimeDiffers {
                step: i + 1,
                name: expected,
                recorded_ms: step.time_ms,
                replayed_ms: now,
            });
        }
        model.apply(&mut state, &event, advance);
        path.push(event);
        fireable_events(model, &state, &mut scratch, &mut fireable);
        if let Some((property, message)) = checker.check(model, &state, fireable.is_empty()) {
            return Ok(Replayed {
                path,
                violation: Some(TraceViolation { property, message }),
                steps_run: i + 1,
            });
        }
    }
    Ok(Replayed {
        path,
        violation: None,
        steps_run: steps.len(),
    })
}

impl std::error::Error for Divergence {}
