//! The job-status world as an engine [`Model`]: the state, the enabled events with their
//! windows, and the transition of each event under the scenario's policies.

use serde::Serialize;
use syncsim_engine::{EventLabel, Millis, Model, Property, Timed};

use super::config::{Broadcast, CancelPolicy, ConfigError, Guard, JobStatusConfig, Persist};
use super::http::{Body, HttpKind, HttpMsg};
use super::job::{CancelAnswer, Job, Snap, Status};
use super::tab::Tab;
use super::ws::{Ws, WsMsg, WsPhase};
use crate::channel::{Channel, Order};
use crate::timer::Timer;

/// The job-status world: a validated configuration.
#[derive(Clone, Debug)]
pub struct JobStatus {
    pub(super) config: JobStatusConfig,
}

/// Budgets of optional steps left in the run (they keep the state space finite).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Budgets {
    /// Keepalive `pong`s.
    pub pongs: u8,
    /// Page reloads.
    pub reloads: u8,
    /// Idle re-renders of `GenerationPage`.
    pub idle_renders: u8,
    /// Cancel clicks.
    pub cancels: u8,
    /// Dropped sockets.
    pub ws_disconnects: u8,
    /// Duplicated frames.
    pub ws_duplicates: u8,
    /// Failed HTTP requests.
    pub http_failures: u8,
}

/// The whole world as one plain value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct JobStatusState {
    /// The `generation_jobs` row and the worker.
    pub job: Job,
    /// The tab's WebSocket.
    pub ws: Ws,
    /// HTTP requests and responses in flight.
    pub http: Channel<HttpMsg>,
    /// The current page load.
    pub tab: Tab,
    /// `localStorage['generation:active-job']` (survives reloads).
    pub storage: Option<Snap>,
    /// HTTP requests sent so far (names them).
    pub http_seq: u8,
    /// What is left of the optional steps.
    pub left: Budgets,
    /// When the user's reloads may happen (`workload.reload_at_ms`), while some are left.
    pub reload_due: Option<Timer>,
    /// Ghost: the terminal status the tab has shown, once it has shown one.
    pub shown_terminal: Option<Status>,
    /// Ghost: the row has been `completed`.
    pub completed_ever: bool,
}

/// One atomic step of the job-status world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobEvent {
    /// The worker takes its next step (start, or complete).
    WorkerStep,
    /// The worker fails the running job.
    WorkerFails,
    /// The server answers the WebSocket handshake.
    WsHandshake,
    /// The tab receives the oldest WebSocket frame.
    WsDeliver,
    /// The tab receives the oldest WebSocket frame twice (fault).
    WsDuplicate,
    /// The network drops the open socket (fault).
    WsDrop,
    /// The server sends a keepalive `pong`.
    WsPong,
    /// The reconnect backoff expires.
    WsReconnect,
    /// The poll timer fires.
    PollTimer,
    /// The API handles request i of the HTTP channel.
    HttpServe(u8),
    /// Request i fails with a network error (fault).
    HttpFail(u8),
    /// The tab receives response i.
    HttpDeliver(u8),
    /// The card's `onStatusChange` effect runs.
    Notify,
    /// The card's `useEffect([initialGeneration])` runs.
    PropEffect,
    /// `usePersistedState` writes `localStorage`.
    Persist,
    /// `GenerationPage` re-renders for an unrelated reason and re-reads `localStorage`.
    IdleRender,
    /// The auto-clear timer fires.
    AutoClear,
    /// The user presses Cancel.
    Cancel,
    /// The user reloads the page.
    Reload,
}

/// Card/parent hops allowed after one input before `bounded_churn` calls it a loop.
pub const ECHO_LIMIT: u8 = 4;
/// Reconnects since the last open allowed in one page load before `bounded_churn` calls it a
/// storm (the report's default cap).
pub const RECONNECT_LIMIT: u8 = 5;

/// A keepalive `{type: 'pong'}` read as a status update: normalized to `pending`, no
/// `updated_at`.
pub const PONG: Snap = Snap {
    status: Status::Pending,
    updated_at: 0,
};

const NOW: Timer = Timer {
    earliest: 0,
    latest: 0,
};

fn range(r: [u32; 2]) -> Timer {
    Timer::between(r[0], r[1])
}

impl JobStatus {
    /// Builds the world, or says which field of the configuration is wrong.
    pub fn new(config: JobStatusConfig) -> Result<JobStatus, ConfigError> {
        config.validate()?;
        Ok(JobStatus { config })
    }

    /// The configuration.
    pub fn config(&self) -> &JobStatusConfig {
        &self.config
    }

    fn ws_hop(&self) -> Timer {
        range(self.config.topology.ws_ms)
    }

    fn http_leg(&self) -> Timer {
        range(self.config.topology.http_ms)
    }

    /// Mounts a page load on what `localStorage` holds.
    fn mount(&self, state: &mut JobStatusState) {
        state.tab = Tab::mount(state.storage, self.config.workload.polls);
        state.ws = Ws::idle();
        state.http.clear();
        if let Some(s) = state.tab.child {
            if !(self.config.policies.skip_ws_for_terminal && s.status.is_terminal()) {
                state.ws.phase = WsPhase::Connecting;
                state.ws.due = self.ws_hop();
            }
        }
        self.after_child_set(state);
    }

    /// Applies an update to the card through `guard`; returns whether it was accepted.
    fn child_update(&self, state: &mut JobStatusState, guard: Guard, snap: Snap) -> bool {
        if state.tab.child.is_none() || !guard.accepts(state.tab.child, snap) {
            return false;
        }
        let changed = state.tab.child != Some(snap);
        state.tab.child = Some(snap);
        self.after_child_set(state);
        if changed || self.config.policies.broadcast == Broadcast::EveryUpdate {
            state.tab.notify_pending = true;
        }
        if changed && self.config.policies.persist == Persist::OnApply {
            state.storage = state.tab.child;
        }
        true
    }

    /// What follows any change of the card: ghost, final-status report, timers, socket.
    fn after_child_set(&self, state: &mut JobStatusState) {
        let p = &self.config.policies;
        let Some(s) = state.tab.child else {
            state.tab.poll_due = None;
            return;
        };
        let terminal = s.status.is_terminal();
        if terminal {
            if state.shown_terminal.is_none() {
                state.shown_terminal = Some(s.status);
            }
            if !state.tab.final_reported {
                state.tab.final_reported = true;
                if let Some(ms) = p.clear_persisted_after_terminal_ms.get() {
                    state.tab.clear_due = Some(Timer::between(ms, ms));
                }
            }
        }
        // Polling runs while the card shows a job that is not terminal.
        if !terminal && state.tab.polls_left > 0 {
            if state.tab.poll_due.is_none() {
                let i = self.config.workload.poll_interval_ms;
                state.tab.poll_due = Some(Timer::between(i, i));
            }
        } else {
            state.tab.poll_due = None;
        }
        // The card's WebSocket effect depends on the status.
        if p.skip_ws_for_terminal && terminal {
            match state.ws.phase {
                WsPhase::Open | WsPhase::Connecting | WsPhase::Closing | WsPhase::Backoff => {
                    state.ws = Ws {
                        reconnects: state.ws.reconnects,
                        ..Ws::idle()
                    };
                }
                WsPhase::Idle | WsPhase::Fallback => {}
            }
        } else if !terminal && state.ws.phase == WsPhase::Idle {
            state.ws.phase = WsPhase::Connecting;
            state.ws.due = self.ws_hop();
        }
    }

    /// The row changed: an open socket pushes it, and closes after a terminal status.
    fn job_changed(&self, state: &mut JobStatusState) {
        if state.job.status == Status::Completed {
            state.completed_ever = true;
        }
        if state.ws.phase == WsPhase::Open {
            let snap = state.job.snap();
            state.ws.chan.send(WsMsg::Status(snap), self.ws_hop());
            if snap.status.is_terminal() {
                state.ws.server_close(self.ws_hop());
            }
        }
    }

    /// The client's `onclose`.
    fn on_close(&self, state: &mut JobStatusState) {
        let p = &self.config.policies;
        let terminal = state.tab.child.is_some_and(|s| s.status.is_terminal());
        state.ws.pong_due = None;
        if p.skip_ws_for_terminal && terminal {
            state.ws.phase = WsPhase::Idle;
        } else if p
            .reconnect_cap
            .get()
            .is_none_or(|cap| (state.ws.reconnects as u32) < cap)
        {
            state.ws.phase = WsPhase::Backoff;
            let b = p.reconnect_backoff_ms;
            state.ws.due = Timer::between(b, b);
        } else {
            state.ws.phase = WsPhase::Fallback;
        }
    }

    fn ws_frame(&self, state: &mut JobStatusState, msg: WsMsg) {
        state.tab.echo = 0;
        match msg {
            WsMsg::Status(s) => {
                self.child_update(state, self.config.policies.guards.websocket, s);
            }
            WsMsg::Pong => {
                if !self.config.policies.pong_filter {
                    self.child_update(state, self.config.policies.guards.websocket, PONG);
                }
            }
            WsMsg::Close => self.on_close(state),
        }
    }

    fn send_http(&self, state: &mut JobStatusState, kind: HttpKind) {
        let msg = HttpMsg {
            kind,
            seq: state.http_seq,
            body: None,
        };
        state.http_seq = state.http_seq.saturating_add(1);
        state.http.send(msg, self.http_leg());
    }

    fn http_response(&self, state: &mut JobStatusState, msg: HttpMsg) {
        state.tab.echo = 0;
        let guard = self.config.policies.guards.poll;
        match (msg.kind, msg.body) {
            (_, Some(Body::Job(s))) => {
                self.child_update(state, guard, s);
            }
            (HttpKind::Cancel, Some(Body::Cancel(CancelAnswer::Cancelled(s)))) => {
                state.tab.cancelling = false;
                self.child_update(state, guard, s);
            }
            (HttpKind::Cancel, _) => {
                state.tab.cancelling = false;
                match self.config.policies.cancel {
                    CancelPolicy::ForceCancelledLocally => {
                        if let Some(s) = state.tab.child {
                            let forced = Snap {
                                status: Status::Cancelled,
                                ..s
                            };
                            self.child_update(state, Guard::None, forced);
                        }
                    }
                    CancelPolicy::RefreshAfter422 => self.send_http(state, HttpKind::Refresh),
                }
            }
            (_, _) => {} // a failed poll or refresh is logged and ignored
        }
    }

    fn elapse(&self, state: &mut JobStatusState, advance: Millis) {
        if let Some(d) = &mut state.job.due {
            d.elapse(advance);
        }
        state.ws.due.elapse(advance);
        state.ws.chan.elapse(advance);
        if let Some(d) = &mut state.ws.pong_due {
            d.elapse(advance);
        }
        state.http.elapse(advance);
        for d in [
            &mut state.tab.clear_due,
            &mut state.tab.poll_due,
            &mut state.reload_due,
        ]
        .into_iter()
        .flatten()
        {
            d.elapse(advance);
        }
    }
}

impl crate::world::World for JobStatus {
    const NAME: &'static str = "job_status";
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
        JobStatus::new(JobStatusConfig {
            topology,
            workload,
            policies,
            faults,
        })
    }
}

impl Model for JobStatus {
    type State = JobStatusState;
    type Event = JobEvent;

    fn initial_state(&self) -> JobStatusState {
        let w = &self.config.workload;
        let f = &self.config.faults;
        let job = Job {
            status: Status::Pending,
            updated_at: 1,
            due: Some(range(w.start_ms)),
        };
        let mut state = JobStatusState {
            job,
            ws: Ws::idle(),
            http: Channel::new(Order::Unordered),
            tab: Tab::mount(None, 0),
            storage: Some(job.snap()),
            http_seq: 0,
            left: Budgets {
                pongs: w.pongs,
                reloads: w.reloads,
                idle_renders: w.idle_renders,
                cancels: w.cancels,
                ws_disconnects: f.ws_disconnects,
                ws_duplicates: f.ws_duplicates,
                http_failures: f.http_failures,
            },
            reload_due: w.reload_at_ms.map(range).filter(|_| w.reloads > 0),
            shown_terminal: None,
            completed_ever: false,
        };
        self.mount(&mut state);
        state
    }

    fn enabled(&self, state: &JobStatusState, out: &mut Vec<Timed<JobEvent>>) {
        use JobEvent::*;
        let mut push = |e: JobEvent, t: Timer| out.push(Timed::within(e, t.window()));
        if let Some(d) = state.job.due {
            push(WorkerStep, d);
            if self.config.topology.worker_may_fail && state.job.status == Status::Running {
                push(WorkerFails, d);
            }
        }
        match state.ws.phase {
            WsPhase::Connecting => push(WsHandshake, state.ws.due),
            WsPhase::Backoff => push(WsReconnect, state.ws.due),
            WsPhase::Open => {
                if state.left.ws_disconnects > 0 {
                    push(WsDrop, Timer::ANY);
                }
                if let (Some(d), true) = (state.ws.pong_due, state.left.pongs > 0) {
                    push(WsPong, d);
                }
            }
            _ => {}
        }
        if let Some((_, p)) = state.ws.chan.deliverable().next() {
            push(WsDeliver, p.due);
            if state.left.ws_duplicates > 0 && p.msg != WsMsg::Close {
                push(WsDuplicate, p.due);
            }
        }
        if let Some(d) = state.tab.poll_due {
            push(PollTimer, d);
        }
        for (i, p) in state.http.deliverable() {
            if p.msg.body.is_none() {
                push(HttpServe(i as u8), p.due);
                if state.left.http_failures > 0 {
                    push(HttpFail(i as u8), p.due);
                }
            } else {
                push(HttpDeliver(i as u8), p.due);
            }
        }
        if state.tab.notify_pending {
            push(Notify, NOW);
        }
        if state.tab.prop_pending {
            push(PropEffect, NOW);
        }
        if state.tab.persist_pending {
            push(Persist, NOW);
        }
        if state.left.idle_renders > 0 && state.tab.parent.is_some() {
            push(IdleRender, Timer::ANY);
        }
        if let Some(d) = state.tab.clear_due {
            push(AutoClear, d);
        }
        if state.left.cancels > 0
            && !state.tab.cancelling
            && state.tab.child.is_some_and(|s| !s.status.is_terminal())
        {
            push(Cancel, Timer::ANY);
        }
        if state.left.reloads > 0 {
            push(Reload, state.reload_due.unwrap_or(Timer::ANY));
        }
    }

    fn apply(&self, state: &mut JobStatusState, event: &JobEvent, advance: Millis) {
        if advance > 0 {
            self.elapse(state, advance);
        }
        let p = &self.config.policies;
        match *event {
            JobEvent::WorkerStep | JobEvent::WorkerFails => {
                let fail = *event == JobEvent::WorkerFails;
                state.job.work(fail, range(self.config.workload.run_ms));
                self.job_changed(state);
            }
            JobEvent::WsHandshake => {
                if self.config.faults.demo_mode || state.job.status.is_terminal() {
                    state.ws.server_close(self.ws_hop());
                } else {
                    state.ws.phase = WsPhase::Open;
                    state.ws.reconnects = 0;
                    state
                        .ws
                        .chan
                        .send(WsMsg::Status(state.job.snap()), self.ws_hop());
                    let i = self.config.workload.pong_interval_ms;
                    state.ws.pong_due = (state.left.pongs > 0).then(|| Timer::between(i, i));
                }
            }
            JobEvent::WsDeliver => {
                let msg = state.ws.chan.take(0);
                self.ws_frame(state, msg);
            }
            JobEvent::WsDuplicate => {
                state.left.ws_duplicates -= 1;
                let msg = state.ws.chan.duplicate(0);
                self.ws_frame(state, msg);
            }
            JobEvent::WsDrop => {
                state.left.ws_disconnects -= 1;
                state.ws.chan.clear();
                state.ws.server_close(self.ws_hop());
            }
            JobEvent::WsPong => {
                state.left.pongs -= 1;
                state.ws.chan.send(WsMsg::Pong, self.ws_hop());
                let i = self.config.workload.pong_interval_ms;
                state.ws.pong_due = (state.left.pongs > 0).then(|| Timer::between(i, i));
            }
            JobEvent::WsReconnect => {
                state.ws.reconnects = state.ws.reconnects.saturating_add(1);
                state.ws.phase = WsPhase::Connecting;
                state.ws.due = self.ws_hop();
            }
            JobEvent::PollTimer => {
                state.tab.polls_left -= 1;
                state.tab.poll_due = None;
                self.send_http(state, HttpKind::Poll);
                self.after_child_set(state);
            }
            JobEvent::HttpServe(i) => {
                let i = i as usize;
                let mut msg = state.http.take(i);
                let body = match msg.kind {
                    HttpKind::Poll | HttpKind::Refresh => Body::Job(state.job.snap()),
                    HttpKind::Cancel => {
                        let answer = state.job.cancel();
                        if matches!(answer, CancelAnswer::Cancelled(_)) {
                            self.job_changed(state);
                        }
                        Body::Cancel(answer)
                    }
                };
                msg.body = Some(body);
                state.http.in_flight.insert(
                    i,
                    crate::channel::Packet {
                        msg,
                        due: self.http_leg(),
                    },
                );
            }
            JobEvent::HttpFail(i) => {
                state.left.http_failures -= 1;
                let p = &mut state.http.in_flight[i as usize];
                p.msg.body = Some(Body::Failed);
                p.due = self.http_leg();
            }
            JobEvent::HttpDeliver(i) => {
                let msg = state.http.take(i as usize);
                self.http_response(state, msg);
            }
            JobEvent::Notify => {
                state.tab.notify_pending = false;
                state.tab.echo = state.tab.echo.saturating_add(1);
                state.tab.parent = state.tab.child;
                state.tab.prop_pending = true;
                if p.persist == Persist::ParentEffect {
                    state.tab.persist_pending = true;
                }
            }
            JobEvent::PropEffect => {
                state.tab.prop_pending = false;
                state.tab.echo = state.tab.echo.saturating_add(1);
                if let Some(prop) = state.tab.parent {
                    self.child_update(state, p.guards.parent_props, prop);
                }
            }
            JobEvent::Persist => {
                state.tab.persist_pending = false;
                state.storage = state.tab.parent;
            }
            JobEvent::IdleRender => {
                state.left.idle_renders -= 1;
                state.tab.echo = 0;
                if let Some(stored) = state.storage {
                    if state.tab.parent != Some(stored)
                        && p.guards.rehydrate.accepts(state.tab.parent, stored)
                    {
                        state.tab.parent = Some(stored);
                        state.tab.prop_pending = true;
                    }
                }
            }
            JobEvent::AutoClear => {
                state.tab.clear_due = None;
                state.storage = None;
            }
            JobEvent::Cancel => {
                state.left.cancels -= 1;
                state.tab.echo = 0;
                state.tab.cancelling = true;
                self.send_http(state, HttpKind::Cancel);
            }
            JobEvent::Reload => {
                state.left.reloads -= 1;
                if state.left.reloads == 0 {
                    state.reload_due = None;
                }
                self.mount(state);
            }
        }
    }

    fn label(&self, state: &JobStatusState, event: &JobEvent) -> EventLabel {
        self.describe_event(state, event)
    }

    fn changes(&self, before: &JobStatusState, after: &JobStatusState) -> String {
        self.describe_changes(before, after)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        super::invariants::properties()
    }
}
