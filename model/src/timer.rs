//! Pending timers stored relative to the current virtual clock.
//!
//! A world keeps, for every pending delay (a generation in progress, a backoff, replication
//! lag), the window that remains. Time moving forward shrinks every remaining window, so two
//! states that differ only in absolute time are the same state, which keeps the visited set
//! small and the exploration sound.

use serde::Serialize;
use syncsim_engine::{Millis, Window};

/// The remaining window of one pending delay, in milliseconds from now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Timer {
    /// Cannot fire for this long.
    pub earliest: u32,
    /// Must fire within this long; [`u32::MAX`] means never forced (an untimed step).
    pub latest: u32,
}

impl Timer {
    /// A step that may happen now or at any later time.
    pub const ANY: Timer = Timer {
        earliest: 0,
        latest: u32::MAX,
    };

    /// A window `[earliest, latest]` from now.
    pub fn between(earliest: u32, latest: u32) -> Timer {
        Timer {
            earliest,
            latest: latest.max(earliest),
        }
    }

    /// From an optional `[earliest, latest]` pair: untimed when absent.
    pub fn from_range(range: Option<[u32; 2]>) -> Timer {
        range.map_or(Timer::ANY, |[a, b]| Timer::between(a, b))
    }

    /// The clock moved forward by `advance`: the window shrinks; an untimed step stays untimed.
    pub fn elapse(&mut self, advance: Millis) {
        let advance = advance.min(u32::MAX as Millis) as u32;
        self.earliest = self.earliest.saturating_sub(advance);
        if self.latest != u32::MAX {
            self.latest = self.latest.saturating_sub(advance);
        }
    }

    /// The engine's firing window.
    pub fn window(&self) -> Window {
        let latest = if self.latest == u32::MAX {
            Millis::MAX
        } else {
            self.latest as Millis
        };
        Window {
            earliest: self.earliest as Millis,
            latest,
        }
    }
}
