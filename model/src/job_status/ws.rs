//! The WebSocket between the tab and `ws://…/ws/jobs/{id}`: the client's connection phase and
//! reconnect count, and the server's pushes in one FIFO [`Channel`]. A server-side close (a
//! terminal job, demo mode, a dropped connection) is itself a message, so it arrives after
//! every push sent before it, as on a real socket. This file holds only the data; the world
//! decides when each step happens.

use serde::Serialize;

use super::job::Snap;
use crate::channel::{Channel, Order};
use crate::timer::Timer;

/// One server-to-client frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum WsMsg {
    /// `{type: 'status', status, updated_at}`.
    Status(Snap),
    /// `{type: 'pong'}`, the keepalive answer.
    Pong,
    /// The socket closed (the client's `onclose` runs when this arrives).
    Close,
}

/// Where the client's socket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum WsPhase {
    /// No socket, none planned (never opened, or not wanted for a terminal job).
    Idle,
    /// `new WebSocket(…)` sent; the server answers within the handshake window.
    Connecting,
    /// Open: the server pushes status changes and keepalives.
    Open,
    /// The server or the network closed it; the client has not seen the close yet.
    Closing,
    /// `onclose` scheduled a reconnect after the backoff.
    Backoff,
    /// The reconnect cap was reached: the page relies on polling.
    Fallback,
}

/// The client's WebSocket and the frames in flight to it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Ws {
    /// The phase.
    pub phase: WsPhase,
    /// The handshake (while `Connecting`) or the backoff (while `Backoff`).
    pub due: Timer,
    /// Reconnects since the socket last opened, in this page load.
    pub reconnects: u8,
    /// Server-to-client frames.
    pub chan: Channel<WsMsg>,
    /// When the next keepalive `pong` is sent, while open.
    pub pong_due: Option<Timer>,
}

impl Ws {
    /// No socket.
    pub fn idle() -> Ws {
        Ws {
            phase: WsPhase::Idle,
            due: Timer::ANY,
            reconnects: 0,
            chan: Channel::new(Order::Fifo),
            pong_due: None,
        }
    }

    /// The socket is gone from the server's side: `Close` follows whatever is in flight.
    pub fn server_close(&mut self, due: Timer) {
        self.chan.send(WsMsg::Close, due);
        self.phase = WsPhase::Closing;
        self.pong_due = None;
    }
}
