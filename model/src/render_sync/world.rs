//! The render-sync world as an engine [`Model`]: the state, the enabled events with their
//! windows, and the transition of each event under the scenario's policies.

use serde::Serialize;
use syncsim_engine::{EventLabel, Millis, Model, Property, Timed};

use super::config::{ChainReads, ConfigError, RenderSyncConfig};
use super::db::{Db, RenderRow};
use super::http::{Http, Request, Response};
use super::tab::{Prompt, Send, Tab};
use crate::timer::Timer;

/// The render-sync world: a validated configuration.
#[derive(Clone, Debug)]
pub struct RenderSync {
    pub(super) config: RenderSyncConfig,
}

/// The API server's handling of the one `POST /api/renders`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Server {
    /// The POST has not arrived.
    Idle,
    /// The render row is inserted (`generating`); the generator finishes within the timer.
    Generating(Timer),
    /// Responded already; commits the completed row within the timer (`topology.persist_ms`).
    Persisting(Timer),
    /// Done.
    Done,
}

/// Faults the network may still inject in this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct FaultBudget {
    /// Chain requests or responses that may still be lost.
    pub http_failures: u8,
    /// POST requests or responses that may still be lost.
    pub post_failures: u8,
    /// Responses that may still be delivered twice.
    pub duplicates: u8,
    /// Messages that may still be held back.
    pub extra_delays: u8,
}

/// The whole world as one plain value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RenderSyncState {
    /// The chat tab.
    pub tab: Tab,
    /// The API server.
    pub server: Server,
    /// Primary and replica.
    pub db: Db,
    /// Messages in flight.
    pub http: Http,
    /// Refreshes the user may still trigger (`workload.refreshes`).
    pub refreshes_left: u8,
    /// Faults left.
    pub faults: FaultBudget,
}

/// One atomic step of the render-sync world. Indices point into the HTTP channels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RenderEvent {
    /// The user sends the prompt.
    SendPrompt,
    /// The user brings the chat back into view: a throttled refresh.
    UserRefresh,
    /// The next staggered refresh timer fires.
    Stagger,
    /// The poll timer fires.
    Poll,
    /// The throttle's wait ends with a trailing call pending.
    Trailing,
    /// The grace period runs out.
    GraceExpires,
    /// Request i arrives at the API, which handles it.
    Serve(u8),
    /// Response i arrives at the tab.
    Receive(u8),
    /// The generator finishes.
    GenerationDone,
    /// The server commits the completed row it already responded with.
    PersistDone,
    /// The replica applies the oldest commit it has not applied.
    Replicate,
    /// Request i is lost.
    LoseRequest(u8),
    /// Response i is lost.
    LoseResponse(u8),
    /// Response i is delivered now, and again later.
    Duplicate(u8),
    /// Request i is held back by the extra delay.
    DelayRequest(u8),
    /// Response i is held back by the extra delay.
    DelayResponse(u8),
}

impl RenderSync {
    /// Builds the world, or says which field of the configuration is wrong.
    pub fn new(config: RenderSyncConfig) -> Result<RenderSync, ConfigError> {
        config.validate()?;
        Ok(RenderSync { config })
    }

    /// The configuration.
    pub fn config(&self) -> &RenderSyncConfig {
        &self.config
    }

    fn http(&self) -> Timer {
        let [a, b] = self.config.topology.http_ms;
        Timer::between(a, b)
    }

    fn lag(&self) -> Timer {
        Timer::from_range(self.config.topology.replica_lag_ms)
    }

    pub(super) fn reads_replica(&self) -> bool {
        self.config.chain_reads() == ChainReads::Replica
    }

    fn send(&self, state: &mut RenderSyncState, what: Send) {
        if let Send::Chain(seq) = what {
            state.http.requests.send(Request::Chain(seq), self.http());
        }
    }

    fn receive(&self, state: &mut RenderSyncState, response: Response) {
        let p = &self.config.policies;
        match response {
            Response::Post => state.tab.post_response(p),
            Response::Chain(seq, row) => {
                state.tab.chain_response(p, seq, row);
            }
        }
    }

    fn serve(&self, state: &mut RenderSyncState, request: Request) {
        match request {
            Request::Post => {
                state.db.commit(RenderRow::Generating, self.lag());
                let [a, b] = self.config.topology.generation_ms;
                state.server = Server::Generating(Timer::between(a, b));
            }
            Request::Chain(seq) => {
                let row = state.db.read(self.reads_replica());
                state
                    .http
                    .responses
                    .send(Response::Chain(seq, row), self.http());
            }
        }
    }

    fn lose(&self, state: &mut RenderSyncState, post: bool) {
        if post {
            state.faults.post_failures -= 1;
            state.tab.post_failed();
        } else {
            state.faults.http_failures -= 1;
        }
    }

    fn may_lose(&self, state: &RenderSyncState, post: bool) -> bool {
        if post {
            state.faults.post_failures > 0
        } else {
            state.faults.http_failures > 0
        }
    }
}

impl crate::world::World for RenderSync {
    const NAME: &'static str = "render_sync";
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
        RenderSync::new(RenderSyncConfig {
            topology,
            workload,
            policies,
            faults,
        })
    }
}

impl Model for RenderSync {
    type State = RenderSyncState;
    type Event = RenderEvent;

    fn initial_state(&self) -> RenderSyncState {
        let f = &self.config.faults;
        RenderSyncState {
            tab: Tab::new(),
            server: Server::Idle,
            db: Db::new(self.config.topology.replica_lag_ms.is_some()),
            http: Http::new(),
            refreshes_left: self.config.workload.refreshes,
            faults: FaultBudget {
                http_failures: f.http_failures,
                post_failures: f.post_failures,
                duplicates: f.duplicates,
                extra_delays: f.extra_delays,
            },
        }
    }

    fn enabled(&self, state: &RenderSyncState, out: &mut Vec<Timed<RenderEvent>>) {
        use RenderEvent as E;
        let tab = &state.tab;
        if tab.prompt == Prompt::Idle {
            out.push(Timed::within(E::SendPrompt, Timer::between(0, 0).window()));
        } else if state.refreshes_left > 0 {
            out.push(Timed::any(E::UserRefresh));
        }
        if let Some((_, t)) = tab.stagger {
            out.push(Timed::within(E::Stagger, t.window()));
        }
        if let Some(t) = tab.poll {
            out.push(Timed::within(E::Poll, t.window()));
        }
        if let (Some(t), true) = (tab.throttle, tab.trailing) {
            out.push(Timed::within(E::Trailing, t.window()));
        }
        if let Some(t) = tab.grace {
            out.push(Timed::within(E::GraceExpires, t.window()));
        }
        let held_back = |due: Timer| Timer::between(0, due.latest).window();
        for (i, p) in state.http.requests.deliverable() {
            out.push(Timed::within(E::Serve(i as u8), p.due.window()));
            if self.may_lose(state, p.msg == Request::Post) {
                out.push(Timed::within(E::LoseRequest(i as u8), p.due.window()));
            }
            if state.faults.extra_delays > 0 {
                out.push(Timed::within(E::DelayRequest(i as u8), held_back(p.due)));
            }
        }
        for (i, p) in state.http.responses.deliverable() {
            out.push(Timed::within(E::Receive(i as u8), p.due.window()));
            if self.may_lose(state, p.msg == Response::Post) {
                out.push(Timed::within(E::LoseResponse(i as u8), p.due.window()));
            }
            if state.faults.duplicates > 0 {
                out.push(Timed::within(E::Duplicate(i as u8), p.due.window()));
            }
            if state.faults.extra_delays > 0 {
                out.push(Timed::within(E::DelayResponse(i as u8), held_back(p.due)));
            }
        }
        match state.server {
            Server::Generating(t) => out.push(Timed::within(E::GenerationDone, t.window())),
            Server::Persisting(t) => out.push(Timed::within(E::PersistDone, t.window())),
            Server::Idle | Server::Done => {}
        }
        if let Some((_, p)) = state.db.replication.deliverable().next() {
            out.push(Timed::within(E::Replicate, p.due.window()));
        }
    }

    fn apply(&self, state: &mut RenderSyncState, event: &RenderEvent, advance: Millis) {
        if advance > 0 {
            state.tab.elapse(advance);
            state.http.elapse(advance);
            state.db.replication.elapse(advance);
            if let Server::Generating(t) | Server::Persisting(t) = &mut state.server {
                t.elapse(advance);
            }
        }
        let p = &self.config.policies;
        match *event {
            RenderEvent::SendPrompt => {
                state.tab.send_prompt();
                state.http.requests.send(Request::Post, self.http());
            }
            RenderEvent::UserRefresh => {
                state.refreshes_left -= 1;
                let s = state.tab.throttled_refresh(p);
                self.send(state, s);
            }
            RenderEvent::Stagger => {
                let s = state.tab.stagger_fires(p);
                self.send(state, s);
            }
            RenderEvent::Poll => {
                let s = state.tab.poll_fires(p);
                self.send(state, s);
            }
            RenderEvent::Trailing => {
                let s = state.tab.throttle_trailing(p);
                self.send(state, s);
            }
            RenderEvent::GraceExpires => state.tab.grace_expires(),
            RenderEvent::Serve(i) => {
                let request = state.http.requests.take(i as usize);
                self.serve(state, request);
            }
            RenderEvent::Receive(i) => {
                let response = state.http.responses.take(i as usize);
                self.receive(state, response);
            }
            RenderEvent::GenerationDone => {
                if let Some([a, b]) = self.config.topology.persist_ms {
                    state.server = Server::Persisting(Timer::between(a, b));
                } else {
                    state.db.commit(RenderRow::Completed, self.lag());
                    state.server = Server::Done;
                }
                state.http.responses.send(Response::Post, self.http());
            }
            RenderEvent::PersistDone => {
                state.db.commit(RenderRow::Completed, self.lag());
                state.server = Server::Done;
            }
            RenderEvent::Replicate => {
                state.db.replicate();
            }
            RenderEvent::LoseRequest(i) => {
                let request = state.http.requests.take(i as usize);
                self.lose(state, request == Request::Post);
            }
            RenderEvent::LoseResponse(i) => {
                let response = state.http.responses.take(i as usize);
                self.lose(state, response == Response::Post);
            }
            RenderEvent::Duplicate(i) => {
                state.faults.duplicates -= 1;
                let response = state.http.responses.duplicate(i as usize);
                self.receive(state, response);
            }
            RenderEvent::DelayRequest(i) | RenderEvent::DelayResponse(i) => {
                state.faults.extra_delays -= 1;
                let extra = self.config.faults.extra_delay_ms;
                let channel_due = match *event {
                    RenderEvent::DelayRequest(_) => {
                        &mut state.http.requests.in_flight[i as usize].due
                    }
                    _ => &mut state.http.responses.in_flight[i as usize].due,
                };
                let latest = channel_due.latest;
                *channel_due = Timer::between(
                    channel_due.earliest.saturating_add(extra),
                    if latest == u32::MAX {
                        latest
                    } else {
                        latest.saturating_add(extra)
                    },
                );
            }
        }
    }

    fn label(&self, state: &RenderSyncState, event: &RenderEvent) -> EventLabel {
        self.describe_event(state, event)
    }

    fn changes(&self, before: &RenderSyncState, after: &RenderSyncState) -> String {
        self.describe_changes(before, after)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        super::invariants::properties()
    }
}
