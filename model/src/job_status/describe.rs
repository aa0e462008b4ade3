//! How the job-status world reads in a trace, in the incident's own words: the worker moves
//! the job, the WebSocket pushes a status or a `pong`, `GenerationProgress` applies or
//! ignores an update, `GenerationPage` rehydrates from `localStorage`, a cancel answers 422.
//! The outcome of a step (applied, ignored, reconnect, fallback) is part of its name, found by
//! trying the step on a copy of the state.

use syncsim_engine::{EventLabel, Model};

use super::config::Guard;
use super::http::{Body, HttpKind};
use super::job::{show_opt, CancelAnswer, Snap, Status};
use super::world::PONG;
use super::world::{JobEvent, JobStatus, JobStatusState};
use super::ws::{WsMsg, WsPhase};

fn request(kind: HttpKind, seq: u8) -> String {
    match kind {
        HttpKind::Poll => format!("poll GET #{}", seq + 1),
        HttpKind::Refresh => format!("refresh GET #{}", seq + 1),
        HttpKind::Cancel => format!("POST cancel #{}", seq + 1),
    }
}

fn phase(p: WsPhase) -> &'static str {
    match p {
        WsPhase::Idle => "none",
        WsPhase::Connecting => "connecting",
        WsPhase::Open => "open",
        WsPhase::Closing => "closed by server",
        WsPhase::Backoff => "reconnect scheduled",
        WsPhase::Fallback => "gave up, polling only",
    }
}

impl JobStatus {
    fn after(&self, state: &JobStatusState, event: &JobEvent) -> JobStatusState {
        let mut next = state.clone();
        self.apply(&mut next, event, 0);
        next
    }

    /// "applies it" / "ignores it (… guard)" / "no change", for an update `snap` to the card.
    fn verdict(&self, before: &JobStatusState, snap: Snap, guard: Guard, name: &str) -> String {
        if !guard.accepts(before.tab.child, snap) {
            format!("ignores it ({name} guard)")
        } else if before.tab.child == Some(snap) {
            if self.config.policies.broadcast == super::config::Broadcast::EveryUpdate {
                "sets its state to the same values (a new object)".into()
            } else {
                "no change".into()
            }
        } else {
            "applies it".into()
        }
    }

    fn describe_close(&self, after: &JobStatusState) -> String {
        match after.ws.phase {
            WsPhase::Backoff => format!(
                "onclose: reconnect #{} in {} ms",
                after.ws.reconnects + 1,
                self.config.policies.reconnect_backoff_ms
            ),
            WsPhase::Fallback => "onclose: reconnect cap reached, falls back to polling".into(),
            _ => "onclose: job is terminal, stays disconnected".into(),
        }
    }

    fn frame(&self, state: &JobStatusState, next: &JobStatusState, msg: WsMsg) -> String {
        match msg {
            WsMsg::Status(s) => format!(
                "receives WebSocket status {}, {}",
                s.show(),
                self.verdict(state, s, self.config.policies.guards.websocket, "websocket")
            ),
            WsMsg::Pong if self.config.policies.pong_filter => {
                "receives WebSocket {type:'pong'}, filters it out".into()
            }
            WsMsg::Pong => format!(
                "receives WebSocket {{type:'pong'}} and normalizes it as status pending (no updated_at), {}",
                self.verdict(state, PONG, self.config.policies.guards.websocket, "websocket")
            ),
            WsMsg::Close => format!("sees the WebSocket close, {}", self.describe_close(next)),
        }
    }

    pub(super) fn describe_event(&self, state: &JobStatusState, event: &JobEvent) -> EventLabel {
        let next = self.after(state, event);
        let job = &state.job;
        match *event {
            JobEvent::WorkerStep => match job.status {
                Status::Pending => EventLabel::new("worker", "starts the job: pending → running"),
                _ => EventLabel::new("worker", "finishes the job: running → completed"),
            },
            JobEvent::WorkerFails => EventLabel::new("worker", "fails the job: running → failed"),
            JobEvent::WsHandshake => {
                let action = if self.config.faults.demo_mode {
                    "closes the WebSocket right after the handshake (demo mode)".to_string()
                } else if job.status.is_terminal() {
                    format!("closes the WebSocket: job is already {}", job.status.name())
                } else {
                    format!("accepts the WebSocket and pushes {}", job.snap().show())
                };
                EventLabel::new("ws-server", action)
            }
            JobEvent::WsDeliver => {
                let msg = state.ws.chan.in_flight[0].msg;
                EventLabel::new("GenerationProgress", self.frame(state, &next, msg))
            }
            JobEvent::WsDuplicate => {
                let msg = state.ws.chan.in_flight[0].msg;
                EventLabel::new(
                    "GenerationProgress",
                    format!("(duplicate) {}", self.frame(state, &next, msg)),
                )
            }
            JobEvent::WsDrop => EventLabel::new("network", "drops the WebSocket"),
            JobEvent::WsPong => {
                EventLabel::new("ws-server", "answers the keepalive ping: {type:'pong'}")
            }
            JobEvent::WsReconnect => EventLabel::new(
                "GenerationProgress",
                format!(
                    "reconnects the WebSocket (attempt {})",
                    state.ws.reconnects + 1
                ),
            ),
            JobEvent::PollTimer => EventLabel::new(
                "GenerationProgress",
                format!("polls: sends {}", request(HttpKind::Poll, state.http_seq)),
            ),
            JobEvent::HttpServe(i) => {
                let m = state.http.in_flight[i as usize].msg;
                let r = request(m.kind, m.seq);
                let action = match next.http.in_flight[i as usize].msg.body {
                    Some(Body::Job(s)) => format!("answers {r}: {}", s.show()),
                    Some(Body::Cancel(CancelAnswer::Cancelled(s))) => {
                        format!("answers {r}: 200, job {}", s.show())
                    }
                    Some(Body::Cancel(CancelAnswer::Rejected(st))) => format!(
                        "answers {r}: 422 Cannot cancel job with status '{}'",
                        st.name()
                    ),
                    _ => format!("handles {r}"),
                };
                EventLabel::new("api", action)
            }
            JobEvent::HttpFail(i) => {
                let m = state.http.in_flight[i as usize].msg;
                EventLabel::new("network", format!("fails {}", request(m.kind, m.seq)))
            }
            JobEvent::HttpDeliver(i) => {
                let m = state.http.in_flight[i as usize].msg;
                let r = request(m.kind, m.seq);
                let action = match m.body {
                    Some(Body::Job(s)) => format!(
                        "receives {r} response {}, {}",
                        s.show(),
                        self.verdict(state, s, self.config.policies.guards.poll, "poll")
                    ),
                    Some(Body::Cancel(CancelAnswer::Cancelled(s))) => format!(
                        "receives 200 for {r}: {}, {}",
                        s.show(),
                        self.verdict(state, s, self.config.policies.guards.poll, "poll")
                    ),
                    Some(Body::Cancel(CancelAnswer::Rejected(_))) | Some(Body::Failed)
                        if m.kind == HttpKind::Cancel =>
                    {
                        let what = if m.body == Some(Body::Failed) {
                            "a network error"
                        } else {
                            "422"
                        };
                        match self.config.policies.cancel {
                            super::config::CancelPolicy::ForceCancelledLocally => {
                                format!("receives {what} for {r}, shows cancelled anyway")
                            }
                            super::config::CancelPolicy::RefreshAfter422 => format!(
                                "receives {what} for {r}, shows the error and refreshes the job"
                            ),
                        }
                    }
                    _ => format!("receives a network error for {r}, logs it"),
                };
                EventLabel::new("GenerationProgress", action)
            }
            JobEvent::Notify => EventLabel::new(
                "GenerationProgress",
                format!(
                    "onStatusChange tells the parent {}",
                    show_opt(state.tab.child)
                ),
            ),
            JobEvent::PropEffect => {
                let prop = show_opt(state.tab.parent);
                let action = if next.tab.child == state.tab.child {
                    if next.tab.notify_pending && state.tab.child == state.tab.parent {
                        format!("useEffect([initialGeneration]) resets its state to the prop {prop} (same values, new object)")
                    } else if state.tab.child == state.tab.parent {
                        format!("useEffect([initialGeneration]): prop {prop} equals its state")
                    } else {
                        format!("useEffect([initialGeneration]) rejects the stale prop {prop} (parent_props guard)")
                    }
                } else {
                    format!("useEffect([initialGeneration]) resets its state to the prop {prop}")
                };
                EventLabel::new("GenerationProgress", action)
            }
            JobEvent::Persist => EventLabel::new(
                "usePersistedState",
                format!(
                    "writes localStorage['generation:active-job'] = {}",
                    show_opt(state.tab.parent)
                ),
            ),
            JobEvent::IdleRender => {
                let action = match state.storage {
                    None => "re-renders; localStorage is empty, keeps currentGeneration".to_string(),
                    Some(s) if next.tab.parent == state.tab.parent => format!(
                        "re-renders; usePersistedState reads {} from localStorage, keeps currentGeneration",
                        s.show()
                    ),
                    Some(s) => format!(
                        "re-renders; usePersistedState rehydrates currentGeneration = {} from localStorage",
                        s.show()
                    ),
                };
                EventLabel::new("GenerationPage", action)
            }
            JobEvent::AutoClear => EventLabel::new(
                "GenerationPage",
                "auto-clears the persisted job (terminal status timeout)",
            ),
            JobEvent::Cancel => EventLabel::new(
                "user",
                format!(
                    "presses Cancel: sends {}, card shows Cancelling...",
                    request(HttpKind::Cancel, state.http_seq)
                ),
            ),
            JobEvent::Reload => EventLabel::new(
                "user",
                format!(
                    "reloads the page (memory lost; localStorage holds {})",
                    show_opt(state.storage)
                ),
            ),
        }
    }

    pub(super) fn describe_changes(&self, b: &JobStatusState, a: &JobStatusState) -> String {
        let mut parts = Vec::new();
        if b.job.snap() != a.job.snap() {
            parts.push(format!(
                "DB {} → {}",
                b.job.snap().show(),
                a.job.snap().show()
            ));
        }
        if b.tab.child != a.tab.child {
            parts.push(format!(
                "screen {} → {}",
                show_opt(b.tab.child),
                show_opt(a.tab.child)
            ));
        }
        if b.tab.parent != a.tab.parent {
            parts.push(format!(
                "currentGeneration {} → {}",
                show_opt(b.tab.parent),
                show_opt(a.tab.parent)
            ));
        }
        if b.storage != a.storage {
            parts.push(format!(
                "localStorage {} → {}",
                show_opt(b.storage),
                show_opt(a.storage)
            ));
        }
        if b.ws.phase != a.ws.phase {
            parts.push(format!(
                "socket {} → {}",
                phase(b.ws.phase),
                phase(a.ws.phase)
            ));
        }
        parts.join("; ")
    }
}
