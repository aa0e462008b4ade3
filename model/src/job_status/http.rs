//! HTTP between the tab and the API: poll `GET`s, the cancel `POST` and the refresh `GET`
//! after a failed cancel. Each request is one [`HttpMsg`] in an unordered channel: first on its
//! way to the API (no body yet), then, once the API has read or written the row, a response on
//! its way back. Responses of different requests may overtake each other.

use serde::Serialize;

use super::job::{CancelAnswer, Snap};

/// Which request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum HttpKind {
    /// The poll timer's `GET /generation-jobs/{id}`.
    Poll,
    /// `POST /generation-jobs/{id}/cancel`.
    Cancel,
    /// The `GET` that refreshes the job after a failed cancel.
    Refresh,
}

/// What came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Body {
    /// A job row (poll, refresh).
    Job(Snap),
    /// The cancel endpoint's answer.
    Cancel(CancelAnswer),
    /// A network error: no body.
    Failed,
}

/// One request and, once answered, its response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct HttpMsg {
    /// Which request.
    pub kind: HttpKind,
    /// Its number in the run (for names in traces).
    pub seq: u8,
    /// `None` while the request is on its way to the API.
    pub body: Option<Body>,
}
