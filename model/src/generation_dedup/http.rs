//! The HTTP messages between tabs and the load balancer: `POST /weather/background` and its
//! response. Both directions are [`Unordered`](crate::channel::Order::Unordered) channels:
//! each request is its own connection, so responses may arrive in any order the delay
//! windows allow. Routing to an instance happens when the load balancer delivers a request.

use serde::Serialize;

/// `POST /weather/background`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Request {
    /// Request id (`POST #n` is id n-1).
    pub req: u8,
    /// The tab that sent it.
    pub tab: u8,
    /// `forceRefresh`.
    pub force: bool,
    /// How many copies a proxy retry has delivered so far.
    pub copies: u8,
}

/// What the server answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Answer {
    /// 200 with this image id.
    Image(u8),
    /// 500: the image API failed.
    GenerationFailed,
    /// 500: the `INSERT` failed with 23505.
    UniqueViolation,
}

/// The response to one request (or to one of its copies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Response {
    /// The request's id.
    pub req: u8,
    /// Which copy of it the server handled (0: the original).
    pub copy: u8,
    /// The tab it goes back to.
    pub tab: u8,
    /// The answer.
    pub answer: Answer,
}
