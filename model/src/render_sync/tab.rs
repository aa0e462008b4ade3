//! The chat tab: the chat message that carries the render, the canvas (`currentRender`), the
//! `recentGenerationRef`, and the timers that refresh the chain (staggered refreshes, polling,
//! the throttle, the grace period).
//!
//! Everything here is the tab's own logic, written as pure functions of the tab state, the
//! policies and what arrived: what the tab sends goes back to the world as a [`Send`] value,
//! never straight onto the network.

use serde::Serialize;

use super::config::{Confirm, Hold, Policies, RefStores, StaleResponses};
use super::db::RenderRow;
use crate::timer::Timer;

/// What one place on the screen (the chat message, the canvas) shows for the render.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum View {
    /// Nothing (no message yet, or the message and its render were dropped by a sync).
    Empty,
    /// The "generating…" placeholder, or the chain's row with `status = 'generating'`.
    Generating,
    /// The error the tab shows when the POST failed.
    Failed,
    /// The image, from the render object the POST response returned.
    Local,
    /// The image, from `chain.renders`.
    Db,
}

impl View {
    /// Whether the image is on screen.
    pub fn is_image(self) -> bool {
        matches!(self, View::Local | View::Db)
    }

    /// How a trace names what is shown.
    pub fn describe(self) -> &'static str {
        match self {
            View::Empty => "nothing",
            View::Generating => "\"generating…\"",
            View::Failed => "an error",
            View::Local => "the image (local render)",
            View::Db => "the image (from the DB)",
        }
    }
}

/// Where the user's prompt is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Prompt {
    /// Not sent yet.
    Idle,
    /// `POST /api/renders` in flight.
    Waiting,
    /// The POST response arrived and created the local render.
    Answered,
    /// The POST failed; the tab shows an error.
    Failed,
}

/// `recentGenerationRef.current`: the render being tracked. Its timestamp is the tab's grace
/// timer, its `renderId` is implicit (one render per scenario).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Tracking {
    /// Whether the full render object is stored (`ref_stores = "render"`).
    pub render: bool,
}

/// Ghost bit: the chat message has shown the image.
pub const SHOWN_MESSAGE: u8 = 1;
/// Ghost bit: the canvas has shown the image.
pub const SHOWN_CANVAS: u8 = 2;

/// The chat tab.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Tab {
    /// Where the prompt is.
    pub prompt: Prompt,
    /// What the chat message shows.
    pub message: View,
    /// What the canvas (`currentRender`) shows.
    pub canvas: View,
    /// `recentGenerationRef.current`; `None` when cleared.
    pub tracking: Option<Tracking>,
    /// Time left in the grace period, while one runs.
    pub grace: Option<Timer>,
    /// Time to the next poll, while polling.
    pub poll: Option<Timer>,
    /// The next staggered refresh (index into `refresh_delays_ms`) and the time to it.
    pub stagger: Option<(u8, Timer)>,
    /// Time left in the throttle's wait, while one runs.
    pub throttle: Option<Timer>,
    /// A throttled call arrived during the wait: one trailing refresh is due at its end.
    pub trailing: bool,
    /// Number of the next chain request (`#1`, `#2`, …).
    pub next_seq: u16,
    /// The newest request whose response was applied (`stale_responses = "latest_request"`).
    pub applied_seq: u16,
    /// The newest snapshot applied (`stale_responses = "newer_snapshot"`).
    pub applied_row: RenderRow,
    /// Ghost: where the image has been shown ([`SHOWN_MESSAGE`], [`SHOWN_CANVAS`]).
    pub shown: u8,
}

/// What a tab step asks the world to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Send {
    /// Nothing.
    Nothing,
    /// `GET /api/chain` with this request number.
    Chain(u16),
}

/// What applying a chain response did, for the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sync {
    /// Ignored: a response to a later request was already applied.
    StaleRequest(u16),
    /// Ignored: a newer snapshot was already applied.
    StaleSnapshot(RenderRow),
    /// Merged.
    Merged {
        /// The refresh cleared `recentGenerationRef` (the render counts as confirmed).
        confirmed: bool,
        /// The ref was held during the merge.
        held: bool,
    },
}

impl Tab {
    /// A tab with the chat open, before the prompt is sent.
    pub fn new() -> Tab {
        Tab {
            prompt: Prompt::Idle,
            message: View::Empty,
            canvas: View::Empty,
            tracking: None,
            grace: None,
            poll: None,
            stagger: None,
            throttle: None,
            trailing: false,
            next_seq: 1,
            applied_seq: 0,
            applied_row: RenderRow::Absent,
            shown: 0,
        }
    }

    /// The clock moved forward.
    pub fn elapse(&mut self, advance: u64) {
        for t in [&mut self.grace, &mut self.poll, &mut self.throttle]
            .into_iter()
            .flatten()
        {
            t.elapse(advance);
        }
        if let Some((_, t)) = &mut self.stagger {
            t.elapse(advance);
        }
        // A wait with no trailing call ends silently.
        if !self.trailing && self.throttle.is_some_and(|t| t.latest == 0) {
            self.throttle = None;
        }
    }

    fn show(&mut self, message: View, canvas: View) {
        self.message = message;
        self.canvas = canvas;
        if message.is_image() {
            self.shown |= SHOWN_MESSAGE;
        }
        if canvas.is_image() {
            self.shown |= SHOWN_CANVAS;
        }
    }

    fn untrack(&mut self) {
        self.tracking = None;
        self.grace = None;
        self.poll = None;
    }

    fn next_request(&mut self) -> Send {
        let seq = self.next_seq;
        self.next_seq += 1;
        Send::Chain(seq)
    }

    /// The user sends the prompt: the chat shows the placeholder.
    pub fn send_prompt(&mut self) {
        self.prompt = Prompt::Waiting;
        self.show(View::Generating, View::Generating);
    }

    /// `throttledRefresh()` with lodash semantics: call now if no wait is running, else
    /// remember one trailing call.
    pub fn throttled_refresh(&mut self, p: &Policies) -> Send {
        if p.throttle_ms == 0 {
            return self.next_request();
        }
        if self.throttle.is_some() {
            self.trailing = true;
            return Send::Nothing;
        }
        self.throttle = Some(Timer::between(p.throttle_ms, p.throttle_ms));
        self.next_request()
    }

    /// The throttle's wait ends with a trailing call pending.
    pub fn throttle_trailing(&mut self, p: &Policies) -> Send {
        self.trailing = false;
        self.throttle = Some(Timer::between(p.throttle_ms, p.throttle_ms));
        self.next_request()
    }

    /// A staggered refresh timer fires.
    pub fn stagger_fires(&mut self, p: &Policies) -> Send {
        let (i, _) = self.stagger.expect("a staggered refresh is pending");
        let next = i as usize + 1;
        self.stagger = p.refresh_delays_ms.get(next).map(|&d| {
            let gap = d - p.refresh_delays_ms[i as usize];
            (next as u8, Timer::between(gap, gap))
        });
        self.throttled_refresh(p)
    }

    /// The poll timer fires: poll now and again after `poll_ms`.
    pub fn poll_fires(&mut self, p: &Policies) -> Send {
        let every = p.poll_ms.expect("polling is configured");
        self.poll = Some(Timer::between(every, every));
        self.next_request()
    }

    /// The grace period ran out: `⏰ Grace period expired, clearing ref`; polling stops.
    pub fn grace_expires(&mut self) {
        self.untrack();
    }

    /// The POST response arrived: `✅ Render created locally, tracking for DB sync`.
    pub fn post_response(&mut self, p: &Policies) {
        self.prompt = Prompt::Answered;
        self.show(View::Local, View::Local);
        if p.hold != Hold::None {
            self.tracking = Some(Tracking {
                render: p.ref_stores == RefStores::Render,
            });
            self.grace = match p.hold {
                Hold::GracePeriodMs(n) => Some(Timer::between(n, n)),
                _ => None,
            };
            self.poll = p.poll_ms.map(|n| Timer::between(n, n));
        }
        self.stagger = p
            .refresh_delays_ms
            .first()
            .map(|&d| (0, Timer::between(d, d)));
    }

    /// The POST failed: the placeholder becomes an error (an image already on screen stays).
    pub fn post_failed(&mut self) {
        self.prompt = Prompt::Failed;
        let message = if self.message.is_image() {
            self.message
        } else {
            View::Failed
        };
        let canvas = if self.canvas.is_image() {
            self.canvas
        } else {
            View::Empty
        };
        self.show(message, canvas);
    }

    /// What the chain's own messages show for the render, with nothing held.
    fn chain_view(&self, row: RenderRow) -> View {
        match (row, self.prompt) {
            (RenderRow::Completed, _) => View::Db,
            (RenderRow::Generating, _) => View::Generating,
            // The optimistic placeholder of an unanswered prompt survives a sync; an answered
            // prompt's local message is not in the chain and is dropped.
            (RenderRow::Absent, Prompt::Waiting) => View::Generating,
            (RenderRow::Absent, Prompt::Failed) => View::Failed,
            (RenderRow::Absent, _) => View::Empty,
        }
    }

    /// A chain response (request `seq`, snapshot `row`) arrives: the polling check, then the
    /// message merge and the canvas.
    pub fn chain_response(&mut self, p: &Policies, seq: u16, row: RenderRow) -> Sync {
        match p.stale_responses {
            StaleResponses::Apply => {}
            StaleResponses::LatestRequest => {
                if seq < self.applied_seq {
                    return Sync::StaleRequest(self.applied_seq);
                }
                self.applied_seq = seq;
            }
            StaleResponses::NewerSnapshot => {
                if row < self.applied_row {
                    return Sync::StaleSnapshot(self.applied_row);
                }
                self.applied_row = row;
            }
        }
        // Polling logic: clear tracking once the render counts as in the DB.
        let confirmed = self.tracking.is_some()
            && match p.confirm {
                Confirm::Present => row != RenderRow::Absent,
                Confirm::Completed => row == RenderRow::Completed,
            };
        if confirmed {
            self.untrack();
        }
        let held = self.tracking;
        // Message merge.
        let message = match (row, held) {
            (RenderRow::Completed, _) | (_, None) => self.chain_view(row),
            // renderToUse = recentGen.render || prevMsg.render
            (_, Some(t)) if p.merge_uses_ref => {
                if t.render {
                    View::Local
                } else {
                    self.message
                }
            }
            // As shipped: a local message not in the chain yet is kept while held…
            (RenderRow::Absent, Some(_)) => self.message,
            // …but the chain's own row (status generating) replaces it.
            (RenderRow::Generating, Some(_)) => View::Generating,
        };
        // currentRender.
        let canvas = match held {
            Some(Tracking { render: true }) if row != RenderRow::Completed => View::Local,
            // chain.renders.find(r => r.id === renderId) ?? latest chain render (none here)
            Some(Tracking { render: false }) => match row {
                RenderRow::Absent => View::Empty,
                _ => self.chain_view(row),
            },
            _ => self.chain_view(row),
        };
        self.show(message, canvas);
        Sync::Merged {
            confirmed,
            held: held.is_some(),
        }
    }
}

impl Default for Tab {
    fn default() -> Self {
        Tab::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policies(hold: Hold, ref_stores: RefStores, merge_uses_ref: bool) -> Policies {
        Policies {
            hold,
            ref_stores,
            merge_uses_ref,
            confirm: Confirm::Completed,
            refresh_delays_ms: vec![500],
            poll_ms: Some(5000),
            throttle_ms: 0,
            stale_responses: StaleResponses::Apply,
            chain_reads: None,
        }
    }

    fn answered(p: &Policies) -> Tab {
        let mut t = Tab::new();
        t.send_prompt();
        t.post_response(p);
        t
    }

    #[test]
    fn a_held_render_survives_a_chain_without_it_only_where_the_ref_can_supply_it() {
        // As shipped: the message keeps the local render, the canvas looks the id up and
        // finds nothing.
        let p = policies(Hold::GracePeriodMs(30_000), RefStores::Id, false);
        let mut t = answered(&p);
        t.chain_response(&p, 1, RenderRow::Absent);
        assert_eq!((t.message, t.canvas), (View::Local, View::Empty));
        // As shipped: the chain's own row (generating) replaces the held message.
        let mut t = answered(&p);
        t.chain_response(&p, 1, RenderRow::Generating);
        assert_eq!(t.message, View::Generating);
        // The fix: the stored render is used for both.
        let p = policies(Hold::GracePeriodMs(60_000), RefStores::Render, true);
        let mut t = answered(&p);
        t.chain_response(&p, 1, RenderRow::Generating);
        assert_eq!((t.message, t.canvas), (View::Local, View::Local));
    }

    #[test]
    fn nothing_held_means_the_chain_wins_and_the_ghost_remembers() {
        let p = policies(Hold::None, RefStores::Render, true);
        let mut t = answered(&p);
        assert_eq!(t.tracking, None);
        assert_eq!(t.poll, None);
        t.chain_response(&p, 1, RenderRow::Absent);
        assert_eq!((t.message, t.canvas), (View::Empty, View::Empty));
        assert_eq!(t.shown, SHOWN_MESSAGE | SHOWN_CANVAS);
    }

    #[test]
    fn a_completed_row_confirms_and_clears_the_ref_and_its_timers() {
        let p = policies(Hold::GracePeriodMs(60_000), RefStores::Render, true);
        let mut t = answered(&p);
        let sync = t.chain_response(&p, 1, RenderRow::Completed);
        assert_eq!(
            sync,
            Sync::Merged {
                confirmed: true,
                held: false
            }
        );
        assert_eq!((t.tracking, t.grace, t.poll), (None, None, None));
        assert_eq!((t.message, t.canvas), (View::Db, View::Db));
    }

    #[test]
    fn stale_guards_compare_request_order_or_snapshot_age() {
        let mut p = policies(Hold::UntilConfirmed, RefStores::Render, true);
        p.stale_responses = StaleResponses::LatestRequest;
        let mut t = answered(&p);
        t.chain_response(&p, 2, RenderRow::Completed);
        assert_eq!(
            t.chain_response(&p, 1, RenderRow::Absent),
            Sync::StaleRequest(2)
        );
        p.stale_responses = StaleResponses::NewerSnapshot;
        let mut t = answered(&p);
        t.chain_response(&p, 1, RenderRow::Completed);
        assert_eq!(
            t.chain_response(&p, 2, RenderRow::Generating),
            Sync::StaleSnapshot(RenderRow::Completed)
        );
        assert_eq!(t.message, View::Db);
    }

    #[test]
    fn the_throttle_fires_once_now_and_once_trailing() {
        let mut p = policies(Hold::None, RefStores::Id, false);
        p.throttle_ms = 1000;
        let mut t = Tab::new();
        assert_eq!(t.throttled_refresh(&p), Send::Chain(1));
        assert_eq!(t.throttled_refresh(&p), Send::Nothing);
        assert_eq!(t.throttled_refresh(&p), Send::Nothing);
        assert!(t.trailing);
        t.elapse(1000);
        assert_eq!(t.throttle_trailing(&p), Send::Chain(2));
        t.elapse(1000);
        assert_eq!(t.throttle, None);
    }
}
