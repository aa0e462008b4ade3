//! The open tab: the card `GenerationProgress` (what is on screen), its parent
//! `GenerationPage` (`currentGeneration` from `usePersistedState`), the React effects queued
//! between them, and the card's timers. `localStorage` lives outside the tab in the world
//! state, because a reload loses this struct and keeps storage.

use serde::Serialize;

use super::job::Snap;
use crate::timer::Timer;

/// One page load of the generation page.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Tab {
    /// `GenerationProgress`'s state: what the card shows (`None`: no job on the page).
    pub child: Option<Snap>,
    /// `GenerationPage.currentGeneration`, passed down as `initialGeneration`.
    pub parent: Option<Snap>,
    /// The card's `onStatusChange` effect is queued.
    pub notify_pending: bool,
    /// The card's `useEffect([initialGeneration])` is queued (the parent set a new object).
    pub prop_pending: bool,
    /// `usePersistedState`'s write-to-`localStorage` effect is queued.
    pub persist_pending: bool,
    /// `handleGenerationFinalStatus` already ran in this page load.
    pub final_reported: bool,
    /// The auto-clear `setTimeout`, while pending.
    pub clear_due: Option<Timer>,
    /// The next poll, while polling.
    pub poll_due: Option<Timer>,
    /// Polls left in this page load.
    pub polls_left: u8,
    /// A cancel request is in flight ("Cancelling...").
    pub cancelling: bool,
    /// Card/parent hops (prop effects and notifications) since the last input.
    pub echo: u8,
}

impl Tab {
    /// The page mounted with `stored` in `localStorage`: both copies rehydrate from it.
    pub fn mount(stored: Option<Snap>, polls: u8) -> Tab {
        Tab {
            child: stored,
            parent: stored,
            notify_pending: false,
            prop_pending: false,
            persist_pending: false,
            final_reported: false,
            clear_due: None,
            poll_due: None,
            polls_left: polls,
            cancelling: false,
            echo: 0,
        }
    }
}
