//! In-flight messages between two endpoints (an HTTP connection, a WebSocket, a
//! BroadcastChannel, a realtime subscription), each with its own delivery window.
//!
//! A channel is either `Unordered` (HTTP: responses may arrive in any order the windows allow)
//! or `Fifo` (WebSocket, BroadcastChannel: only the oldest message can be delivered next).
//! Faults — drop, duplicate, extra delay — are events the world offers where the scenario
//! allows them; the channel only provides the operations.

use serde::Serialize;

use crate::timer::Timer;

/// Whether messages may overtake each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Order {
    /// Any in-flight message may be delivered next (HTTP requests on separate connections).
    Unordered,
    /// Only the oldest message may be delivered next (a WebSocket, a BroadcastChannel).
    Fifo,
}

/// One message in flight and when it may arrive.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Packet<M> {
    /// The message.
    pub msg: M,
    /// Its remaining delivery window.
    pub due: Timer,
}

/// Messages in flight in one direction.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Channel<M> {
    /// Delivery order.
    pub order: Order,
    /// In sending order.
    pub in_flight: Vec<Packet<M>>,
}

impl<M: Clone> Channel<M> {
    /// An empty channel.
    pub fn new(order: Order) -> Self {
        Channel {
            order,
            in_flight: Vec::new(),
        }
    }

    /// Sends `msg`, to arrive within `due`.
    pub fn send(&mut self, msg: M, due: Timer) {
        self.in_flight.push(Packet { msg, due });
    }

    /// Indices of the messages that may be delivered next, with their windows.
    pub fn deliverable(&self) -> impl Iterator<Item = (usize, &Packet<M>)> {
        let n = match self.order {
            Order::Unordered => self.in_flight.len(),
            Order::Fifo => self.in_flight.len().min(1),
        };
        self.in_flight.iter().enumerate().take(n)
    }

    /// Removes and returns message `i` (delivered or dropped).
    pub fn take(&mut self, i: usize) -> M {
        self.in_flight.remove(i).msg
    }

    /// Delivers a copy of message `i` now and keeps the original in flight (a duplicate).
    pub fn duplicate(&self, i: usize) -> M {
        self.in_flight[i].msg.clone()
    }

    /// Drops everything (a disconnect).
    pub fn clear(&mut self) {
        self.in_flight.clear();
    }

    /// The clock moved forward.
    pub fn elapse(&mut self, advance: u64) {
        for p in &mut self.in_flight {
            p.due.elapse(advance);
        }
    }

    /// Whether nothing is in flight.
    pub fn is_empty(&self) -> bool {
        self.in_flight.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_channel_offers_only_its_oldest_message() {
        let mut c = Channel::new(Order::Fifo);
        c.send('a', Timer::ANY);
        c.send('b', Timer::ANY);
        assert_eq!(c.deliverable().map(|(i, _)| i).collect::<Vec<_>>(), vec![0]);
        assert_eq!(c.take(0), 'a');
        assert_eq!(c.take(0), 'b');
    }

    #[test]
    fn an_unordered_channel_offers_every_message() {
        let mut c = Channel::new(Order::Unordered);
        c.send(1, Timer::between(0, 10));
        c.send(2, Timer::between(5, 10));
        assert_eq!(c.deliverable().count(), 2);
        c.elapse(5);
        assert_eq!(c.in_flight[1].due, Timer::between(0, 5));
    }
}
