//! One tab on the chat page: its page lifecycle, what it shows, the HTTP requests it has in
//! flight, its listeners (BroadcastChannel, realtime subscription) and the ghost variables the
//! invariants read. Also the generator jobs the tabs' prompts start on the server.

use serde::Serialize;

use crate::channel::Channel;
use crate::names::UrlSet;
use crate::timer::Timer;

/// Where the tab's page is in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Page {
    /// Rendered from the cache (the `useState` initializer ran); the mount effects have not
    /// run yet: no listener, no `syncWithDatabase`.
    Rendered,
    /// The mount effects ran: listening on the BroadcastChannel, syncing with the database.
    Mounted,
    /// Closed for good.
    Closed,
}

/// An HTTP request of `syncWithDatabase` or of a signal handler, in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Request {
    /// `findActiveSession(business.id)`.
    FindSession,
    /// `loadMessages(session.id)`: the server read these attachments (reads are folded into
    /// the request: a later read is the same as a later request). `signal` says whether a
    /// cross-tab signal (not the mount) asked for it.
    Load {
        /// The attachments the response carries.
        attachments: UrlSet,
        /// Asked for by a realtime notification or the `SUBSCRIBED` resync.
        signal: bool,
    },
}

/// One request in flight, with its serial number (for traces) and its delivery window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct InFlight {
    /// The request.
    pub request: Request,
    /// The tab's n-th request since the run began (1-based), as traces name it.
    pub serial: u8,
    /// When the response may arrive.
    pub due: Timer,
}

/// The tab's realtime subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Sub {
    /// No subscription (no session yet, another signal policy, or the page is gone).
    Off,
    /// `.subscribe()` called; joins within this window.
    Joining(Timer),
    /// Joined: INSERT notifications reach the tab.
    Active,
}

/// One tab.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Tab {
    /// Page lifecycle.
    pub page: Page,
    /// The images the tab's messages show (React state, lost on reload).
    pub shown: UrlSet,
    /// `sessionId` is set (the `findActiveSession` response arrived).
    pub session: bool,
    /// HTTP requests in flight.
    pub requests: Vec<InFlight>,
    /// Requests sent so far (for serial numbers).
    pub sent: u8,
    /// A failed load waiting to be retried.
    pub retry: Option<Timer>,
    /// "chat updated" pings on this tab's BroadcastChannel, oldest first.
    pub broadcast: Channel<()>,
    /// Realtime INSERT notifications on their way to this tab, oldest first.
    pub realtime: Channel<()>,
    /// The realtime subscription.
    pub sub: Sub,
    /// Prompts of this tab sent so far.
    pub prompts_sent: u8,
    /// Ghost: every image this tab has shown, plus every image in the database when the tab
    /// last (re)loaded its page. What `render_never_disappears` requires it to show.
    pub owed: UrlSet,
    /// Ghost: the tab reloaded while the database held at least one image.
    pub refreshed_with_images: bool,
    /// Ghost: a cross-tab signal (BroadcastChannel ping or realtime reload) made this tab show
    /// an image another tab generated.
    pub got_remote: bool,
}

impl Tab {
    /// Whether the tab has nothing left to do on its own: mounted, no HTTP request in flight
    /// and no retry pending. What it shows now is what the user keeps looking at.
    pub fn settled(&self) -> bool {
        self.page == Page::Mounted && self.requests.is_empty() && self.retry.is_none()
    }

    /// Whether the tab is open (rendered or mounted).
    pub fn open(&self) -> bool {
        self.page != Page::Closed
    }
}

/// Where a generator job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum JobStage {
    /// Generating; inserts the message and its `chat_attachments` within this window.
    Generating(Timer),
    /// Inserted; the reply reaches the tab within this window.
    Replying(Timer),
}

/// One prompt being answered by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Job {
    /// Which generation of the workload (index into `workload.generations`).
    pub generation: u8,
    /// The tab whose page sent the prompt.
    pub tab: u8,
    /// The page that sent it was reloaded or closed: the reply has nowhere to go.
    pub orphaned: bool,
    /// Where it is.
    pub stage: JobStage,
}
