//! The job worker and the `generation_jobs` row: `pending → running → completed | failed`,
//! or `cancelled` by the cancel endpoint. Every committed change bumps `updated_at` (a small
//! counter here). The worker's completion is `UPDATE … SET status = 'completed' WHERE status =
//! 'running'`, so it never overwrites a cancel; the cancel endpoint answers 422 for a job that
//! is already terminal and changes nothing. This file only holds the row and its operations;
//! the world decides when they happen.

use serde::Serialize;

use crate::timer::Timer;

/// A job status as the backend and the UI name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
pub enum Status {
    /// Queued, not started.
    Pending,
    /// The worker is generating.
    Running,
    /// Done, with an image (terminal).
    Completed,
    /// The worker failed (terminal).
    Failed,
    /// Cancelled by the user (terminal).
    Cancelled,
}

impl Status {
    /// Whether no further change is expected (`completed`, `failed`, `cancelled`).
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Completed | Status::Failed | Status::Cancelled)
    }
    /// The backend's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Running => "running",
            Status::Completed => "completed",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }
}

/// What one message or copy of the job says: its status and `updated_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Snap {
    /// The status.
    pub status: Status,
    /// `updated_at` as a counter (1 = created); 0 means the payload had none (a keepalive
    /// `pong` parsed as a status update).
    pub updated_at: u8,
}

impl Snap {
    /// `completed (u3)`, or `pending (no updated_at)`.
    pub fn show(&self) -> String {
        if self.updated_at == 0 {
            format!("{} (no updated_at)", self.status.name())
        } else {
            format!("{} (u{})", self.status.name(), self.updated_at)
        }
    }
}

/// Shows an optional copy: `—` when there is none.
pub fn show_opt(s: Option<Snap>) -> String {
    s.map_or("—".to_string(), |s| s.show())
}

/// The `generation_jobs` row and the worker's next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Job {
    /// `status`.
    pub status: Status,
    /// `updated_at`, bumped by every committed change.
    pub updated_at: u8,
    /// When the worker takes its next step (start, or finish), while it has one.
    pub due: Option<Timer>,
}

/// What the cancel endpoint answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum CancelAnswer {
    /// 200: the job is now cancelled.
    Cancelled(Snap),
    /// 422: "Cannot cancel job with status '…'"; nothing changed.
    Rejected(Status),
}

impl Job {
    /// The row as a response body.
    pub fn snap(&self) -> Snap {
        Snap {
            status: self.status,
            updated_at: self.updated_at,
        }
    }

    fn set(&mut self, status: Status) {
        self.status = status;
        self.updated_at += 1;
    }

    /// The worker's next step: `pending → running`, or `running → completed` (or `failed`
    /// when `fail`). A job that is no longer pending/running is left alone (`WHERE status =
    /// …` matches nothing). Returns the next step's window, if any.
    pub fn work(&mut self, fail: bool, run: Timer) {
        self.due = None;
        match self.status {
            Status::Pending => {
                self.set(Status::Running);
                self.due = Some(run);
            }
            Status::Running => self.set(if fail {
                Status::Failed
            } else {
                Status::Completed
            }),
            _ => {}
        }
    }

    /// `POST /generation-jobs/{id}/cancel`: cancels a job that is not terminal; a terminal
    /// job answers 422 and nothing changes.
    pub fn cancel(&mut self) -> CancelAnswer {
        if self.status.is_terminal() {
            CancelAnswer::Rejected(self.status)
        } else {
            self.set(Status::Cancelled);
            self.due = None;
            CancelAnswer::Cancelled(self.snap())
        }
    }
}
