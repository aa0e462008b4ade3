//! Virtual time with windows (design decision 4).
//!
//! Every enabled event carries a [`Window`] relative to the current virtual clock: the earliest
//! and latest delay after which it may fire. The scheduler may fire an event only if its
//! earliest delay is not after the smallest latest delay of all enabled events; firing it
//! advances the clock by its earliest delay. This explores every ordering that the delay
//! bounds allow and nothing they forbid, and time only moves when an event fires.
//!
//! Windows are relative so a model can store deadlines relative to "now" and states that
//! differ only in absolute time fingerprint the same.
//!
//! ## What this covers, exactly
//!
//! An event fires at the *earliest* moment its window allows (or at the moment some other
//! event fires, when that is later). Every *order* of events that the windows allow at each
//! step is explored, but an event is never placed freely inside its window: a request that
//! could be sent at any time in `[0 s, 5 s]` is sent at 0 s or right after another event, never
//! at 3.2 s. When the firing time matters later — the event starts a timer or sends a message
//! whose own window is measured from that moment — some real-time orderings are not explored.
//! So a violation found in a timed model is always real, but an `exhausted` timed model is
//! exhaustive over this discretization, not over every real-time schedule. Untimed models
//! (every window `ANY`), and models whose windows start at 0, are unaffected: every ordering
//! is explored. Closing the gap needs the firing delay as a scheduler choice (e.g. also firing
//! at each other pending event's boundary, recorded per step) or a symbolic clock (zones).

use serde::{Deserialize, Serialize};

/// Virtual milliseconds.
pub type Millis = u64;

/// When an event may fire, relative to the current virtual clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Window {
    /// The event may not fire before this many milliseconds from now.
    pub earliest: Millis,
    /// The event must fire (or be disabled) within this many milliseconds from now.
    pub latest: Millis,
}

impl Window {
    /// An event that may fire now or at any later time (a user action, an untimed step).
    pub const ANY: Window = Window {
        earliest: 0,
        latest: Millis::MAX,
    };
    /// An event that must fire before time moves on (a synchronous continuation).
    pub const NOW: Window = Window {
        earliest: 0,
        latest: 0,
    };

    /// A window `[earliest, latest]` from now. `latest` is raised to `earliest` if smaller.
    pub fn between(earliest: Millis, latest: Millis) -> Window {
        Window {
            earliest,
            latest: latest.max(earliest),
        }
    }

    /// A timer that fires exactly `delay` from now.
    pub fn exactly(delay: Millis) -> Window {
        Window {
            earliest: delay,
            latest: delay,
        }
    }
}

/// An enabled event together with its firing window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timed<E> {
    /// The event.
    pub event: E,
    /// When it may fire.
    pub window: Window,
}

impl<E> Timed<E> {
    /// An event that may fire at any time.
    pub fn any(event: E) -> Self {
        Timed {
            event,
            window: Window::ANY,
        }
    }
    /// An event with an explicit window.
    pub fn within(event: E, window: Window) -> Self {
        Timed { event, window }
    }
}

/// Keeps only the events the time rule allows, in order, each paired with the clock advance
/// that firing it implies. Untimed models (every window [`Window::ANY`]) keep every event.
pub fn fireable<E>(enabled: Vec<Timed<E>>, out: &mut Vec<(E, Millis)>) {
    out.clear();
    let horizon = enabled
        .iter()
        .map(|t| t.window.latest)
        .min()
        .unwrap_or(Millis::MAX);
    out.extend(
        enabled
            .into_iter()
            .filter(|t| t.window.earliest <= horizon)
            .map(|t| (t.event, t.window.earliest)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_later_than_the_horizon_is_not_fireable() {
        let enabled = vec![
            Timed::within('a', Window::between(0, 10)),
            Timed::within('b', Window::between(11, 20)),
            Timed::within('c', Window::between(10, 30)),
        ];
        let mut out = Vec::new();
        fireable(enabled, &mut out);
        assert_eq!(out, vec![('a', 0), ('c', 10)]);
    }

    #[test]
    fn untimed_events_are_all_fireable_and_do_not_move_the_clock() {
        let mut out = Vec::new();
        fireable(vec![Timed::any(1), Timed::any(2)], &mut out);
        assert_eq!(out, vec![(1, 0), (2, 0)]);
    }

    #[test]
    fn a_fixed_timer_fires_only_after_everything_due_before_it() {
        let mut out = Vec::new();
        fireable(
            vec![
                Timed::within("grace", Window::exactly(60_000)),
                Timed::within("lag", Window::between(0, 90_000)),
            ],
            &mut out,
        );
        assert_eq!(out, vec![("grace", 60_000), ("lag", 0)]);
    }
}
