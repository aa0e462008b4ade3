//! One browser tab running the background hook (`use-weather-background.ts`): the image
//! element that loads the background, the calls to `generateBackground` the hook makes, the
//! optional trailing-edge debounce timer, and the optional in-flight request map keyed by
//! the conditions (one key here, so one flag).

use serde::Serialize;

use crate::timer::Timer;

/// A tab's state. Request ids it still waits for are bits of `awaiting`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Tab {
    /// User-initiated page loads still to come.
    pub loads_left: u8,
    /// Calls to `generateBackground` the hook has yet to make in the current burst.
    pub calls_left: u8,
    /// Their `forceRefresh` flags: bit 0 is the next call's.
    pub call_flags: u8,
    /// When the next call happens.
    pub call_due: Timer,
    /// The pending debounce timer, if a debounced call is waiting.
    pub debounce_due: Option<Timer>,
    /// The `forceRefresh` of the last debounced call (the one that will run).
    pub debounce_force: bool,
    /// The in-flight map holds the key (a POST for these conditions is outstanding).
    pub inflight: bool,
    /// POSTs (by request id) whose response the page still waits for.
    pub awaiting: u32,
    /// The image the background element points to.
    pub src: Option<u8>,
    /// The pending `GET /images/{src}`.
    pub loading: Option<Timer>,
    /// `src` loaded (200): the background is on screen.
    pub shown: bool,
    /// 410s this page load.
    pub gone: u8,
}

impl Tab {
    /// A tab that has not opened yet.
    pub fn new(loads: u8) -> Tab {
        Tab {
            loads_left: loads,
            calls_left: 0,
            call_flags: 0,
            call_due: Timer::ANY,
            debounce_due: None,
            debounce_force: false,
            inflight: false,
            awaiting: 0,
            src: None,
            loading: None,
            shown: false,
            gone: 0,
        }
    }

    /// Whether everything this page started has settled (the user may open it again).
    pub fn settled(&self) -> bool {
        self.calls_left == 0
            && self.debounce_due.is_none()
            && self.awaiting == 0
            && self.loading.is_none()
    }

    /// A new page load: the JavaScript state (timers, in-flight map, pending responses,
    /// the image element) starts over.
    pub fn reopen(&mut self) {
        let loads_left = self.loads_left - 1;
        *self = Tab::new(loads_left);
    }

    /// Starts a burst of calls with these `forceRefresh` flags.
    pub fn start_burst(&mut self, flags: &[bool], gap: Timer) {
        self.calls_left = flags.len() as u8;
        self.call_flags = flags
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &f)| acc | ((f as u8) << i));
        self.call_due = gap;
    }

    /// Takes the next call of the burst: its `forceRefresh`.
    pub fn next_call(&mut self, gap: Timer) -> bool {
        let force = self.call_flags & 1 != 0;
        self.call_flags >>= 1;
        self.calls_left -= 1;
        self.call_due = if self.calls_left > 0 { gap } else { Timer::ANY };
        force
    }

    /// The clock moved forward.
    pub fn elapse(&mut self, advance: u64) {
        if self.calls_left > 0 {
            self.call_due.elapse(advance);
        }
        for t in self.debounce_due.iter_mut().chain(self.loading.iter_mut()) {
            t.elapse(advance);
        }
    }
}
