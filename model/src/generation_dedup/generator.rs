//! The external image API (DALL-E): each call takes a delay window and may fail. The world
//! counts calls, the cost the incident is about, as ghost variables that invariants read.

use serde::Serialize;

/// What the image API has been asked to do so far in this run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Generator {
    /// Calls started (each one costs tokens).
    pub calls: u8,
    /// Calls that failed.
    pub failed: u8,
}

impl Generator {
    /// Calls that did not fail: running or returned an image.
    pub fn live(&self) -> u8 {
        self.calls - self.failed
    }
}
