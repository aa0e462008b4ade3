//! HTTP between the tab and the API: requests one way, responses the other, each message on
//! its own connection ([`Order::Unordered`]), so responses may arrive in any order their
//! delivery windows allow. Faults (loss, duplication, extra delay) are events the world
//! offers; this module only holds the messages.

use serde::Serialize;

use super::db::RenderRow;
use crate::channel::{Channel, Order};

/// A request from the tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Request {
    /// `POST /api/renders`: generate the image for the prompt.
    Post,
    /// `GET /api/chain` number `seq`: the chain with its `renders`.
    Chain(u16),
}

/// A response from the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Response {
    /// `200` to the POST, with the completed render object.
    Post,
    /// The chain for request `seq`, with the render's row as the serving database showed it.
    Chain(u16, RenderRow),
}

impl Request {
    /// `POST /api/renders`, `GET /api/chain #3`.
    pub fn describe(self) -> String {
        match self {
            Request::Post => "POST /api/renders".into(),
            Request::Chain(seq) => format!("GET /api/chain #{seq}"),
        }
    }
}

impl Response {
    /// `the POST response`, `chain #3 (render-1 absent)`.
    pub fn describe(self) -> String {
        match self {
            Response::Post => "the POST response".into(),
            Response::Chain(seq, row) => format!("chain #{seq} ({})", row.describe()),
        }
    }
}

/// Both directions.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Http {
    /// Tab → API.
    pub requests: Channel<Request>,
    /// API → tab.
    pub responses: Channel<Response>,
}

impl Http {
    /// Nothing in flight.
    pub fn new() -> Http {
        Http {
            requests: Channel::new(Order::Unordered),
            responses: Channel::new(Order::Unordered),
        }
    }

    /// The clock moved forward.
    pub fn elapse(&mut self, advance: u64) {
        self.requests.elapse(advance);
        self.responses.elapse(advance);
    }

    /// Whether nothing is in flight.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.responses.is_empty()
    }
}

impl Default for Http {
    fn default() -> Self {
        Http::new()
    }
}
