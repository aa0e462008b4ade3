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

    /// Declares what `event`, fireable in `state`, touches, so that partial-order reduction
    /// ([`crate::por`]) may skip interleavings that only reorder independent events. The
    /// default, `None`, means "unknown": the event is dependent on every other event, so a
    /// model that does not override this is explored exactly as without reduction.
    ///
    /// Returning `Some(access)` is a promise, in this state:
    /// - the event reads nothing but its actor's own local state and the resources in
    ///   `access.reads` (reading covers its effect, its enabledness and its window);
    /// - it writes nothing but its actor's own local state and the resources in
    ///   `access.writes`;
    /// - an actor's local state is read and written only by that actor's events; anything
    ///   that two actors touch (a shared variable, a channel, a ghost variable, the record of
    ///   what happened) is a resource;
    /// - whether another actor's event is enabled, and its window, depend only on that
    ///   actor's local state and the resources it reads.
    ///
    /// See [`crate::por`] for the independence rule the engine derives from this, including
    /// how virtual time counts. `por::audit_independence` checks the promise on a state.
    fn access(&self, _state: &Self::State, _event: &Self::Event) -> Option<Access> {
        None
    }
}

/// What one event touches, for partial-order reduction: the actor taking it and the shared
/// resources it reads and writes, as bitsets of model-chosen resource numbers.
///
/// Resource `r` is bit `r % 64`: a model with more than 64 resources may reuse bits, which
/// only makes more events dependent (never unsound).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Access {
    /// The actor taking the step. Two events of the same actor are always dependent.
    pub actor: u32,
    /// Bitset of the shared resources the event reads.
    pub reads: u64,
    /// Bitset of the shared resources the event writes (a read-modify-write is in both).
    pub writes: u64,
}

impl Access {
    /// An event of `actor` that touches only the actor's own local state.
    pub const fn local(actor: u32) -> Access {
        Access {
            actor,
            reads: 0,
            writes: 0,
        }
    }
    /// Adds resource `resource` to the read set.
    pub const fn read(mut self, resource: u32) -> Access {
        self.reads |= 1 << (resource % 64);
        self
    }
    /// Adds resource `resource` to the write set.
    pub const fn write(mut self, resource: u32) -> Access {
        self.writes |= 1 << (resource % 64);
        self
    }
    /// Adds resource `resource` to both sets (a read-modify-write).
    pub const fn update(self, resource: u32) -> Access {
        self.read(resource).write(resource)
    }
    /// Whether two events with these accesses touch disjoint parts of the state: different
    /// actors and no write/write or read/write overlap. This is only the footprint half of
    /// independence; [`crate::por::independent`] adds the virtual-time condition.
    pub const fn disjoint(&self, other: &Access) -> bool {
        self.actor != other.actor
            && self.writes & (other.reads | other.writes) == 0
            && other.writes & self.reads == 0
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
