//! The chat-persistence world as an engine [`Model`]: the state, the enabled events with their
//! windows, and the transition of each event under the scenario's policies.
//!
//! Assumptions where the report is silent, as real React/browsers/Supabase behave:
//! - `updateCache(messages, sessionId)` runs as an effect whenever `messages` or `sessionId`
//!   change (every `setMessages` makes a new array), and does nothing while `sessionId` is
//!   null. So a tab writes its whole message list to localStorage when its session arrives,
//!   when it loads, when a reply arrives and when it applies a signal — last writer wins.
//! - In `syncWithDatabase`, `getCachedChat` runs right after `setSessionId` in the same
//!   microtask, before the re-render's effect writes the cache.
//! - The BroadcastChannel listener and `syncWithDatabase` start in mount effects, after the
//!   first render read the cache; a tab that is not mounted misses every ping.
//! - A realtime subscription is opened when `sessionId` is set and closed on unmount; only a
//!   joined subscription receives INSERT notifications.

use std::hash::{Hash, Hasher};

use serde::Serialize;
use syncsim_engine::{EventLabel, Millis, Model, Property, Timed};

use super::browser::{decode, encode, Cache};
use super::config::{
    ApplyLoaded, ChatPersistenceConfig, ConfigError, CrossTabSignal, InitialCache, ReloadWhen,
};
use super::tab::{InFlight, Job, JobStage, Page, Request, Sub, Tab};
use crate::channel::{Channel, Order};
use crate::names::UrlSet;
use crate::timer::Timer;

/// The chat-persistence world: a validated configuration and what follows from it.
#[derive(Clone, Debug)]
pub struct ChatPersistence {
    pub(super) config: ChatPersistenceConfig,
    /// Browser index of each tab.
    pub(super) browser_of: Vec<usize>,
    /// Images (attachment ids) of each generation.
    pub(super) images_of: Vec<UrlSet>,
    /// Generations of each tab, in order.
    pub(super) prompts_of: Vec<Vec<u8>>,
    /// The images already in the database at the start.
    pub(super) history: UrlSet,
    /// Whether states differing only in request serial numbers share a fingerprint.
    pub(super) merge_serials: bool,
}

/// The whole world as one plain value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ChatState {
    /// `chat_attachments`: every committed image (the session and messages exist with them).
    pub db: UrlSet,
    /// Each browser's localStorage `ChatCache` entry.
    pub caches: Vec<Option<Cache>>,
    /// The tabs, over all browsers.
    pub tabs: Vec<Tab>,
    /// Prompts the server is answering.
    pub jobs: Vec<Job>,
    /// Reloads the users may still do.
    pub reloads_left: u8,
    /// Closes the users may still do.
    pub closes_left: u8,
    /// Injectable `loadMessages` failures left.
    pub http_failures_left: u8,
    /// Injectable BroadcastChannel losses left.
    pub broadcast_drops_left: u8,
    /// Injectable realtime notification losses left.
    pub realtime_drops_left: u8,
}

/// One atomic step of the chat-persistence world (tab and generation numbers are indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChatEvent {
    /// The tab's mount effects run: BroadcastChannel listener, `syncWithDatabase` starts.
    Effects(u8),
    /// The response to the tab's request (index into its in-flight list) arrives.
    Respond(u8, u8),
    /// The tab's `loadMessages` request (index) fails.
    FailLoad(u8, u8),
    /// The tab's retry timer fires.
    Retry(u8),
    /// The tab's realtime subscription joins.
    Joined(u8),
    /// The oldest BroadcastChannel ping to the tab is delivered.
    BroadcastDeliver(u8),
    /// The oldest BroadcastChannel ping to the tab is lost.
    BroadcastDrop(u8),
    /// The oldest realtime notification to the tab is delivered.
    RealtimeDeliver(u8),
    /// The oldest realtime notification to the tab is lost.
    RealtimeDrop(u8),
    /// The tab's user sends their next prompt.
    Prompt(u8),
    /// The generator finishes generation g and inserts its message and attachments.
    Insert(u8),
    /// The reply to generation g reaches its tab.
    Reply(u8),
    /// The tab's user reloads the page.
    Reload(u8),
    /// The tab's user closes it.
    Close(u8),
}

impl ChatPersistence {
    /// Builds the world, or says which field of the configuration is wrong.
    pub fn new(config: ChatPersistenceConfig) -> Result<ChatPersistence, ConfigError> {
        config.validate()?;
        let browser_of: Vec<usize> = config
            .topology
            .tabs
            .iter()
            .enumerate()
            .flat_map(|(b, &n)| std::iter::repeat_n(b, n))
            .collect();
        let history_n = config.workload.history_images;
        let history = (1u32 << history_n) - 1;
        let mut next = history_n;
        let mut images_of = Vec::new();
        let mut prompts_of = vec![Vec::new(); browser_of.len()];
        for (g, gen) in config.workload.generations.iter().enumerate() {
            images_of.push(((1u32 << gen.images) - 1) << next);
            next += gen.images;
            prompts_of[gen.tab - 1].push(g as u8);
        }
        Ok(ChatPersistence {
            config,
            browser_of,
            images_of,
            prompts_of,
            history,
            merge_serials: true,
        })
    }

    /// Switches the merging of states that differ only in request serial numbers on or off
    /// (on by default); off hashes the whole state, for comparison.
    pub fn with_merged_serials(mut self, on: bool) -> ChatPersistence {
        self.merge_serials = on;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &ChatPersistenceConfig {
        &self.config
    }

    /// The browser index of tab `t`.
    pub fn browser_of(&self, t: usize) -> usize {
        self.browser_of[t]
    }

    /// The images of generation `g`.
    pub fn images_of(&self, g: usize) -> UrlSet {
        self.images_of[g]
    }

    /// Every generated image (history excluded) that tab `t` did not prompt for.
    pub(super) fn remote_images(&self, t: usize) -> UrlSet {
        self.images_of
            .iter()
            .enumerate()
            .filter(|(g, _)| self.config.workload.generations[*g].tab - 1 != t)
            .fold(0, |acc, (_, &s)| acc | s)
    }

    fn http(&self) -> Timer {
        Timer::from_range(self.config.topology.http_ms)
    }

    /// `updateCache(messages, sessionId)`, the effect: writes the tab's messages to its
    /// browser's localStorage through the codec, if the tab knows the session.
    fn update_cache(&self, state: &mut ChatState, t: usize) {
        if state.tabs[t].session {
            state.caches[self.browser_of[t]] = Some(encode(
                self.config.policies.cache_codec,
                state.tabs[t].shown,
            ));
        }
    }

    /// `setMessages(loaded)` (then the cache effect), by the apply policy; `signal` says a
    /// cross-tab signal caused it.
    fn apply_loaded(&self, state: &mut ChatState, t: usize, loaded: UrlSet, signal: bool) {
        let tab = &mut state.tabs[t];
        let new = match self.config.policies.apply_loaded {
            ApplyLoaded::Replace => loaded,
            ApplyLoaded::Merge => tab.shown | loaded,
        };
        if signal && new & !tab.shown & self.remote_images(t) != 0 {
            tab.got_remote = true;
        }
        tab.shown = new;
        self.update_cache(state, t);
    }

    /// `loadMessages(sessionId)`: the server reads `chat_attachments` now.
    fn send_load(&self, state: &mut ChatState, t: usize, signal: bool) {
        let due = self.http();
        let db = state.db;
        let tab = &mut state.tabs[t];
        tab.sent += 1;
        tab.requests.push(InFlight {
            request: Request::Load {
                attachments: db,
                signal,
            },
            serial: tab.sent,
            due,
        });
    }

    /// The page goes away (reload or close): memory, requests and listeners are lost; the
    /// server still finishes a prompt being generated, but its reply has nowhere to go.
    fn unload(&self, state: &mut ChatState, t: usize) {
        let tab = &mut state.tabs[t];
        tab.shown = 0;
        tab.session = false;
        tab.requests.clear();
        tab.retry = None;
        tab.broadcast.clear();
        tab.realtime.clear();
        tab.sub = Sub::Off;
        state.jobs.retain_mut(|j| {
            if j.tab as usize != t {
                return true;
            }
            match j.stage {
                JobStage::Generating(_) => {
                    j.orphaned = true;
                    true
                }
                JobStage::Replying(_) => false,
            }
        });
    }

    /// Whether tab `t`'s page waits for the reply to one of its prompts.
    fn waiting(&self, state: &ChatState, t: usize) -> bool {
        state
            .jobs
            .iter()
            .any(|j| j.tab as usize == t && !j.orphaned)
    }

    /// Whether tab `t`'s user may send their next prompt now.
    fn may_prompt(&self, state: &ChatState, t: usize) -> bool {
        let tab = &state.tabs[t];
        tab.page == Page::Mounted
            && tab.session
            && (tab.prompts_sent as usize) < self.prompts_of[t].len()
            && !self.waiting(state, t)
    }

    pub(super) fn job(&self, state: &ChatState, g: u8) -> usize {
        state
            .jobs
            .iter()
            .position(|j| j.generation == g)
            .expect("an enabled job event names a job in flight")
    }

    fn respond(&self, state: &mut ChatState, t: usize, i: usize) {
        let req = state.tabs[t].requests.remove(i).request;
        match req {
            Request::FindSession => {
                let p = &self.config.policies;
                let cached = state.caches[self.browser_of[t]];
                let short_circuit = p.cache_short_circuit && cached.is_some();
                state.tabs[t].session = true;
                self.update_cache(state, t);
                if p.cross_tab_signal == CrossTabSignal::Realtime {
                    state.tabs[t].sub = match self.config.topology.realtime_join_ms {
                        Some(r) => Sub::Joining(Timer::from_range(Some(r))),
                        None => Sub::Active,
                    };
                }
                if !short_circuit {
                    self.send_load(state, t, false);
                }
            }
            Request::Load {
                attachments,
                signal,
            } => self.apply_loaded(state, t, attachments, signal),
        }
    }

    fn step(&self, state: &mut ChatState, event: ChatEvent) {
        let p = &self.config.policies;
        let topo = &self.config.topology;
        match event {
            ChatEvent::Effects(t) => {
                let tab = &mut state.tabs[t as usize];
                tab.page = Page::Mounted;
                tab.sent += 1;
                tab.requests.push(InFlight {
                    request: Request::FindSession,
                    serial: tab.sent,
                    due: self.http(),
                });
            }
            ChatEvent::Respond(t, i) => self.respond(state, t as usize, i as usize),
            ChatEvent::FailLoad(t, i) => {
                state.http_failures_left -= 1;
                let tab = &mut state.tabs[t as usize];
                tab.requests.remove(i as usize);
                if let Some(r) = p.load_retry_ms {
                    if tab.retry.is_none() {
                        tab.retry = Some(Timer::from_range(Some(r)));
                    }
                }
            }
            ChatEvent::Retry(t) => {
                state.tabs[t as usize].retry = None;
                self.send_load(state, t as usize, false);
            }
            ChatEvent::Joined(t) => {
                state.tabs[t as usize].sub = Sub::Active;
                if p.resync_on_subscribe {
                    self.send_load(state, t as usize, true);
                }
            }
            ChatEvent::BroadcastDeliver(t) => {
                let t = t as usize;
                state.tabs[t].broadcast.take(0);
                let cached = decode(p.cache_codec, state.caches[self.browser_of[t]]);
                self.apply_loaded(state, t, cached, true);
            }
            ChatEvent::BroadcastDrop(t) => {
                state.broadcast_drops_left -= 1;
                state.tabs[t as usize].broadcast.take(0);
            }
            ChatEvent::RealtimeDeliver(t) => {
                state.tabs[t as usize].realtime.take(0);
                self.send_load(state, t as usize, true);
            }
            ChatEvent::RealtimeDrop(t) => {
                state.realtime_drops_left -= 1;
                state.tabs[t as usize].realtime.take(0);
            }
            ChatEvent::Prompt(t) => {
                let tab = &mut state.tabs[t as usize];
                let g = self.prompts_of[t as usize][tab.prompts_sent as usize];
                tab.prompts_sent += 1;
                state.jobs.push(Job {
                    generation: g,
                    tab: t,
                    orphaned: false,
                    stage: JobStage::Generating(Timer::from_range(topo.generation_ms)),
                });
            }
            ChatEvent::Insert(g) => {
                let j = self.job(state, g);
                state.db |= self.images_of[g as usize];
                let due = Timer::from_range(topo.realtime_ms);
                for tab in &mut state.tabs {
                    if tab.sub == Sub::Active {
                        tab.realtime.send((), due);
                    }
                }
                if state.jobs[j].orphaned {
                    state.jobs.remove(j);
                } else {
                    state.jobs[j].stage = JobStage::Replying(self.http());
                }
            }
            ChatEvent::Reply(g) => {
                let j = self.job(state, g);
                let t = state.jobs.remove(j).tab as usize;
                state.tabs[t].shown |= self.images_of[g as usize];
                self.update_cache(state, t);
                if p.cross_tab_signal == CrossTabSignal::BroadcastChannel {
                    let due = Timer::from_range(topo.broadcast_ms);
                    let b = self.browser_of[t];
                    for u in 0..state.tabs.len() {
                        if u != t && self.browser_of[u] == b && state.tabs[u].page == Page::Mounted
                        {
                            state.tabs[u].broadcast.send((), due);
                        }
                    }
                }
            }
            ChatEvent::Reload(t) => {
                let t = t as usize;
                state.reloads_left -= 1;
                self.unload(state, t);
                let cached = state.caches[self.browser_of[t]];
                let db = state.db;
                let tab = &mut state.tabs[t];
                tab.page = Page::Rendered;
                tab.shown = decode(p.cache_codec, cached);
                tab.owed |= db;
                if db != 0 {
                    tab.refreshed_with_images = true;
                }
            }
            ChatEvent::Close(t) => {
                state.closes_left -= 1;
                self.unload(state, t as usize);
                state.tabs[t as usize].page = Page::Closed;
            }
        }
        for tab in &mut state.tabs {
            if tab.open() {
                tab.owed |= tab.shown;
            }
        }
    }
}

/// A sort key for an in-flight request, for the canonical fingerprint.
fn request_key(r: Request) -> (u8, UrlSet, bool) {
    match r {
        Request::FindSession => (0, 0, false),
        Request::Load {
            attachments,
            signal,
        } => (1, attachments, signal),
    }
}

impl crate::world::World for ChatPersistence {
    const NAME: &'static str = "chat_persistence";
    type Topology = super::config::Topology;
    type Workload = super::config::Workload;
    type Policies = super::config::Policies;
    type Faults = super::config::Faults;

    fn build(
        topology: Self::Topology,
        workload: Self::Workload,
        policies: Self::Policies,
        faults: Self::Faults,
    ) -> Result<Self, ConfigError> {
        ChatPersistence::new(ChatPersistenceConfig {
            topology,
            workload,
            policies,
            faults,
        })
    }

    fn set_symmetry(&mut self, on: bool) {
        self.merge_serials = on;
    }
}

impl Model for ChatPersistence {
    type State = ChatState;
    type Event = ChatEvent;

    fn initial_state(&self) -> ChatState {
        let c = &self.config;
        let cache = match c.topology.initial_cache {
            InitialCache::None => None,
            InitialCache::Singular => {
                Some(encode(super::config::CacheCodec::Singular, self.history))
            }
            InitialCache::Plural => Some(encode(super::config::CacheCodec::Plural, self.history)),
        };
        let shown = decode(c.policies.cache_codec, cache);
        let tab = Tab {
            page: Page::Rendered,
            shown,
            session: false,
            requests: Vec::new(),
            sent: 0,
            retry: None,
            broadcast: Channel::new(Order::Fifo),
            realtime: Channel::new(Order::Fifo),
            sub: Sub::Off,
            prompts_sent: 0,
            owed: self.history | shown,
            refreshed_with_images: false,
            got_remote: false,
        };
        ChatState {
            db: self.history,
            caches: vec![cache; c.topology.tabs.len()],
            tabs: vec![tab; self.browser_of.len()],
            jobs: Vec::new(),
            reloads_left: c.workload.reloads,
            closes_left: c.workload.closes,
            http_failures_left: c.faults.http_failures,
            broadcast_drops_left: c.faults.broadcast_drops,
            realtime_drops_left: c.faults.realtime_drops,
        }
    }

    fn enabled(&self, state: &ChatState, out: &mut Vec<Timed<ChatEvent>>) {
        for (t, tab) in state.tabs.iter().enumerate() {
            let ti = t as u8;
            match tab.page {
                Page::Closed => continue,
                Page::Rendered => {
                    out.push(Timed::within(
                        ChatEvent::Effects(ti),
                        Timer::between(0, 0).window(),
                    ));
                    continue;
                }
                Page::Mounted => {}
            }
            for (i, r) in tab.requests.iter().enumerate() {
                out.push(Timed::within(
                    ChatEvent::Respond(ti, i as u8),
                    r.due.window(),
                ));
                if state.http_failures_left > 0 && matches!(r.request, Request::Load { .. }) {
                    out.push(Timed::within(
                        ChatEvent::FailLoad(ti, i as u8),
                        r.due.window(),
                    ));
                }
            }
            if let Some(due) = tab.retry {
                out.push(Timed::within(ChatEvent::Retry(ti), due.window()));
            }
            if let Sub::Joining(due) = tab.sub {
                out.push(Timed::within(ChatEvent::Joined(ti), due.window()));
            }
            if let Some((_, pkt)) = tab.broadcast.deliverable().next() {
                out.push(Timed::within(
                    ChatEvent::BroadcastDeliver(ti),
                    pkt.due.window(),
                ));
                if state.broadcast_drops_left > 0 {
                    out.push(Timed::within(
                        ChatEvent::BroadcastDrop(ti),
                        pkt.due.window(),
                    ));
                }
            }
            if let Some((_, pkt)) = tab.realtime.deliverable().next() {
                out.push(Timed::within(
                    ChatEvent::RealtimeDeliver(ti),
                    pkt.due.window(),
                ));
                if state.realtime_drops_left > 0 {
                    out.push(Timed::within(ChatEvent::RealtimeDrop(ti), pkt.due.window()));
                }
            }
            if self.may_prompt(state, t) {
                out.push(Timed::any(ChatEvent::Prompt(ti)));
            }
            if state.reloads_left > 0
                && (self.config.workload.reload == ReloadWhen::AnyTime || !self.waiting(state, t))
            {
                out.push(Timed::any(ChatEvent::Reload(ti)));
            }
            if state.closes_left > 0 {
                out.push(Timed::any(ChatEvent::Close(ti)));
            }
        }
        for job in &state.jobs {
            match job.stage {
                JobStage::Generating(due) => out.push(Timed::within(
                    ChatEvent::Insert(job.generation),
                    due.window(),
                )),
                JobStage::Replying(due) => out.push(Timed::within(
                    ChatEvent::Reply(job.generation),
                    due.window(),
                )),
            }
        }
    }

    fn apply(&self, state: &mut ChatState, event: &ChatEvent, advance: Millis) {
        if advance > 0 {
            for tab in &mut state.tabs {
                for r in &mut tab.requests {
                    r.due.elapse(advance);
                }
                if let Some(due) = &mut tab.retry {
                    due.elapse(advance);
                }
                if let Sub::Joining(due) = &mut tab.sub {
                    due.elapse(advance);
                }
                tab.broadcast.elapse(advance);
                tab.realtime.elapse(advance);
            }
            for job in &mut state.jobs {
                match &mut job.stage {
                    JobStage::Generating(due) | JobStage::Replying(due) => due.elapse(advance),
                }
            }
        }
        self.step(state, *event);
    }

    fn label(&self, state: &ChatState, event: &ChatEvent) -> EventLabel {
        self.describe_event(state, event)
    }

    fn changes(&self, before: &ChatState, after: &ChatState) -> String {
        self.describe_changes(before, after)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        super::invariants::properties()
    }

    /// Hashes the state without the request serial numbers (`Tab::sent`, `InFlight::serial`)
    /// and with each tab's in-flight HTTP requests in a canonical order: serials only name
    /// requests in traces, and HTTP responses may arrive in any order (the list's order is
    /// only the order of sending), so two states that differ only in these behave
    /// identically and every property gives them the same answer.
    fn fingerprint<H: Hasher>(&self, state: &ChatState, h: &mut H) {
        if !self.merge_serials {
            return state.hash(h);
        }
        state.db.hash(h);
        state.caches.hash(h);
        state.jobs.hash(h);
        (
            state.reloads_left,
            state.closes_left,
            state.http_failures_left,
            state.broadcast_drops_left,
            state.realtime_drops_left,
        )
            .hash(h);
        for tab in &state.tabs {
            (
                tab.page,
                tab.shown,
                tab.session,
                tab.retry,
                tab.sub,
                tab.prompts_sent,
            )
                .hash(h);
            (tab.owed, tab.refreshed_with_images, tab.got_remote).hash(h);
            tab.broadcast.hash(h);
            tab.realtime.hash(h);
            let mut requests: Vec<(Request, Timer)> =
                tab.requests.iter().map(|r| (r.request, r.due)).collect();
            requests.sort_unstable_by_key(|&(r, d)| (request_key(r), d.earliest, d.latest));
            requests.hash(h);
        }
    }
}
