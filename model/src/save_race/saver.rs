//! One image task of `generate-all-images`: where it is in generating and saving its URL.

use serde::Serialize;

use crate::db::Committed;
use crate::timer::Timer;

/// Where a saver is. What its next step does depends on the phase and the save policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Phase {
    /// Waiting for the image API.
    Generating,
    /// About to start a save attempt (fetch, append or lock, by policy).
    Ready,
    /// Holds the document it fetched; next: write it back (or re-check, or CAS).
    Fetched(Committed),
    /// `check_then_write`: the version re-check passed; next: the write.
    Checked(Committed),
    /// `select_for_update`: holds the row lock and the document it read; next: `UPDATE`.
    Locked(Committed),
    /// `select_for_update`: `UPDATE` issued inside the transaction; next: `COMMIT`.
    Updated,
    /// Finished: `acked` says whether the task reported success ("Saved").
    Done {
        /// The task reported success.
        acked: bool,
    },
}

/// One saver: its phase, its attempt count (for error retries), and when its next step may
/// happen. Its scene and URL are fixed by the configuration: saver i saves URL i.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Saver {
    /// Where it is.
    pub phase: Phase,
    /// Failed attempts so far.
    pub attempt: u8,
    /// When its next step may happen.
    pub due: Timer,
}

impl Saver {
    /// Whether the saver reported success.
    pub fn acked(&self) -> bool {
        matches!(self.phase, Phase::Done { acked: true })
    }
}
