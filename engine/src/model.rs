//! The interface between the engine and a model.
//!
//! A model is a plain-value world: its whole state is one value, its only nondeterminism is
//! which enabled event fires next, and a transition is a pure function of (state, event,
//! clock advance). The engine never looks inside the state; it only hashes, clones and
//! compares it, asks for the enabled events, and asks the model to name events and to say
//! what changed, so traces read like a story.

use std::fmt::Debug;
use std::hash::{Hash, Hasher};

use serde::Serialize;

use crate::time::{Millis, Timed};

/// How a human reads one event: who did it and what they did. `"{actor} {action}"` is the
/// event's stable name; traces record it and replay matches steps by it, so it must be unique
/// among the events enabled in one state and must not depend on exploration order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct EventLabel {
    /// The actor taking the step (`saver-2`, `db`, `tab-1`).
    pub actor: String,
    /// What happens (`writes scene-1 at v3`).
    pub action: String,
}

impl EventLabel {
    /// A label from its two parts.
    pub fn new(actor: impl Into<String>, action: impl Into<String>) -> Self {
        EventLabel {
            actor: actor.into(),
            action: action.into(),
        }
    }
    /// The stable name that traces record and replay matches: actor, a space, the action.
    pub fn name(&self) -> String {
        format!("{} {}", self.actor, self.action)
    }
}

/// When a property is checked, and what its check means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum PropertyKind {
    /// Must hold in every reachable state; `Err` is a violation.
    Always,
    /// Must hold in every quiescent state (one where no event is enabled); `Err` is a violation.
    AtQuiescence,
    /// Must hold in at least one reachable state; `Ok` means "reached here". An exhaustive
    /// exploration that never reaches it reports a violation, so a model that silently never
    /// gets to the interesting state cannot pass.
    Sometimes,
}

/// A named property of a model.
pub struct Property<M: ?Sized + Model> {
    /// The name scenarios and traces use (`no_lost_url`).
    pub name: &'static str,
    /// When it is checked.
    pub kind: PropertyKind,
    /// The check. For [`PropertyKind::Sometimes`], `Ok` means the condition holds here.
    pub check: fn(&M, &M::State) -> Result<(), String>,
}

impl<M: ?Sized + Model> Clone for Property<M> {
    fn clone(&self) -> Self {
        Property {
            name: self.name,
            kind: self.kind,
            check: self.check,
        }
    }
}

/// A world the engine can explore.
pub trait Model {
    /// The whole world as one plain value.
    type State: Clone + Eq + Hash + Debug + Serialize;
    /// One atomic step of the world.
    type Event: Clone + Eq + Hash + Debug;

    /// The state before anything happens.
    fn initial_state(&self) -> Self::State;

    /// Pushes every event enabled in `state`, each with its firing window, onto `out` (which
    /// arrives empty). The order must be a function of the state alone.
    fn enabled(&self, state: &Self::State, out: &mut Vec<Timed<Self::Event>>);

    /// Fires `event` in `state`, after the virtual clock advanced by `advance` milliseconds.
    /// Called only with an event that `enabled` listed for this state.
    fn apply(&self, state: &mut Self::State, event: &Self::Event, advance: Millis);

    /// Names `event` as enabled in `state`, for traces and replay.
    fn label(&self, state: &Self::State, event: &Self::Event) -> EventLabel;

    /// Says what a step changed, for the text trace (`scene-1.imageUrls: [url-1] → [url-2]`).
    fn changes(&self, _before: &Self::State, _after: &Self::State) -> String {
        String::new()
    }

    /// The named properties of this model. Called once per exploration.
    fn properties(&self) -> Vec<Property<Self>>;

    /// Feeds the part of `state` that identifies it for the visited set into `hasher`. The
    /// default hashes the whole state. A model with interchangeable actors overrides this to
    /// hash a canonical representative of the state's symmetry class; that is sound as long as
    /// every property gives the same answer on every member of the class.
    fn fingerprint<H: Hasher>(&self, state: &Self::State, hasher: &mut H) {
        state.hash(hasher)
    }
}

/// Lists the events of `state` that the time rule allows, each with its clock advance.
pub fn fireable_events<M: Model>(
    model: &M,
    state: &M::State,
    scratch: &mut Vec<Timed<M::Event>>,
    out: &mut Vec<(M::Event, Millis)>,
) {
    scratch.clear();
    model.enabled(state, scratch);
    crate::time::fireable(std::mem::take(scratch), out);
}
