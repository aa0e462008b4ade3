//! How the render-sync world reads in a trace: one sentence per event in the incident's own
//! words (`recentGenerationRef`, staggered refresh, grace period, `chain.renders`), and what
//! each step changed on the screen, in the ref and in the database.

use syncsim_engine::EventLabel;

use super::config::{Hold, RefStores};
use super::http::{Request, Response};
use super::tab::{Send, Sync};
use super::world::{RenderEvent, RenderSync, RenderSyncState};

/// `60 s`, `1.5 s`, `500 ms`.
fn duration(ms: u32) -> String {
    if ms >= 1000 {
        // f64 prints 60000 ms as "60" and 1500 ms as "1.5".
        format!("{} s", ms as f64 / 1000.0)
    } else {
        format!("{ms} ms")
    }
}

fn sent(s: Send) -> String {
    match s {
        Send::Chain(seq) => format!("GET /api/chain #{seq}"),
        Send::Nothing => "throttled, one trailing refresh queued".into(),
    }
}

impl RenderSync {
    fn source(&self) -> &'static str {
        if self.reads_replica() {
            "the replica"
        } else {
            "the primary"
        }
    }

    fn sync_text(&self, state: &RenderSyncState, response: Response) -> String {
        match response {
            Response::Post => {
                let mut tab = state.tab.clone();
                tab.post_response(&self.config.policies);
                let tracking = match (self.config.policies.hold, self.config.policies.ref_stores) {
                    (Hold::None, _) => ", tracks nothing".to_string(),
                    (_, RefStores::Id) => ", recentGenerationRef = { timestamp, renderId }".into(),
                    (_, RefStores::Render) => {
                        ", recentGenerationRef = { timestamp, renderId, render }".into()
                    }
                };
                format!("creates render-1 locally{tracking}")
            }
            Response::Chain(seq, row) => {
                let mut tab = state.tab.clone();
                match tab.chain_response(&self.config.policies, seq, row) {
                    Sync::StaleRequest(newer) => {
                        format!("a response to the later #{newer} was applied, ignores it")
                    }
                    Sync::StaleSnapshot(newer) => {
                        format!(
                            "older than the applied snapshot ({}), ignores it",
                            newer.describe()
                        )
                    }
                    Sync::Merged {
                        confirmed: true, ..
                    } => {
                        "render-1 counts as in the DB: clears recentGenerationRef, merges the chain"
                            .into()
                    }
                    Sync::Merged { held: true, .. } => {
                        "merges the chain while recentGenerationRef holds render-1".into()
                    }
                    Sync::Merged { held: false, .. } => "merges the chain, nothing held".into(),
                }
            }
        }
    }

    pub(super) fn describe_event(
        &self,
        state: &RenderSyncState,
        event: &RenderEvent,
    ) -> EventLabel {
        let p = &self.config.policies;
        let tab = "tab-1";
        match *event {
            RenderEvent::SendPrompt => EventLabel::new(tab, "sends the prompt: POST /api/renders"),
            RenderEvent::UserRefresh => {
                let mut t = state.tab.clone();
                EventLabel::new(
                    "user",
                    format!("returns to tab-1, refresh: {}", sent(t.throttled_refresh(p))),
                )
            }
            RenderEvent::Stagger => {
                let (i, _) = state.tab.stagger.expect("a staggered refresh is pending");
                let mut t = state.tab.clone();
                EventLabel::new(
                    tab,
                    format!(
                        "staggered refresh {}/{} ({} after the response): {}",
                        i + 1,
                        p.refresh_delays_ms.len(),
                        duration(p.refresh_delays_ms[i as usize]),
                        sent(t.stagger_fires(p))
                    ),
                )
            }
            RenderEvent::Poll => {
                let mut t = state.tab.clone();
                EventLabel::new(
                    tab,
                    format!(
                        "polls (every {}): {}",
                        duration(p.poll_ms.unwrap_or(0)),
                        sent(t.poll_fires(p))
                    ),
                )
            }
            RenderEvent::Trailing => {
                let mut t = state.tab.clone();
                EventLabel::new(
                    tab,
                    format!("throttle wait ends: trailing {}", sent(t.throttle_trailing(p))),
                )
            }
            RenderEvent::GraceExpires => {
                let n = match p.hold {
                    Hold::GracePeriodMs(n) => n,
                    _ => 0,
                };
                EventLabel::new(
                    tab,
                    format!(
                        "grace period ({}) expires: clears recentGenerationRef, stops polling",
                        duration(n)
                    ),
                )
            }
            RenderEvent::Serve(i) => match state.http.requests.in_flight[i as usize].msg {
                Request::Post => EventLabel::new(
                    "server",
                    "receives POST /api/renders: inserts render-1 (generating) on the primary, starts the generator",
                ),
                Request::Chain(seq) => EventLabel::new(
                    "server",
                    format!(
                        "serves GET /api/chain #{seq} from {}: {}",
                        self.source(),
                        state.db.read(self.reads_replica()).describe()
                    ),
                ),
            },
            RenderEvent::Receive(i) => {
                let r = state.http.responses.in_flight[i as usize].msg;
                EventLabel::new(
                    tab,
                    format!("receives {}: {}", r.describe(), self.sync_text(state, r)),
                )
            }
            RenderEvent::GenerationDone => EventLabel::new(
                "server",
                if self.config.topology.persist_ms.is_some() {
                    "gets the image from the generator: responds 200 with the render, saves it later"
                } else {
                    "gets the image from the generator: marks render-1 completed on the primary, responds 200 with the render"
                },
            ),
            RenderEvent::PersistDone => {
                EventLabel::new("server", "saves render-1 as completed on the primary")
            }
            RenderEvent::Replicate => {
                let row = state.db.replication.in_flight[0].msg;
                EventLabel::new("replica", format!("applies {}", row.describe()))
            }
            RenderEvent::LoseRequest(i) => {
                let r = state.http.requests.in_flight[i as usize].msg;
                let fate = match r {
                    Request::Post => "tab-1 shows an error",
                    Request::Chain(_) => "the fetch rejects",
                };
                EventLabel::new("network", format!("loses {}: {fate}", r.describe()))
            }
            RenderEvent::LoseResponse(i) => {
                let r = state.http.responses.in_flight[i as usize].msg;
                let fate = match r {
                    Response::Post => "tab-1 shows an error",
                    Response::Chain(..) => "the fetch rejects",
                };
                EventLabel::new("network", format!("loses {}: {fate}", r.describe()))
            }
            RenderEvent::Duplicate(i) => {
                let r = state.http.responses.in_flight[i as usize].msg;
                EventLabel::new(
                    "network",
                    format!(
                        "delivers {} now and again later: tab-1 {}",
                        r.describe(),
                        self.sync_text(state, r)
                    ),
                )
            }
            RenderEvent::DelayRequest(i) => EventLabel::new(
                "network",
                format!(
                    "holds back {} by {}",
                    state.http.requests.in_flight[i as usize].msg.describe(),
                    duration(self.config.faults.extra_delay_ms)
                ),
            ),
            RenderEvent::DelayResponse(i) => EventLabel::new(
                "network",
                format!(
                    "holds back {} by {}",
                    state.http.responses.in_flight[i as usize].msg.describe(),
                    duration(self.config.faults.extra_delay_ms)
                ),
            ),
        }
    }

    pub(super) fn describe_changes(
        &self,
        before: &RenderSyncState,
        after: &RenderSyncState,
    ) -> String {
        let mut parts = Vec::new();
        let (b, a) = (&before.tab, &after.tab);
        if b.message != a.message {
            parts.push(format!(
                "message: {} → {}",
                b.message.describe(),
                a.message.describe()
            ));
        }
        if b.canvas != a.canvas {
            parts.push(format!(
                "canvas: {} → {}",
                b.canvas.describe(),
                a.canvas.describe()
            ));
        }
        match (b.tracking.is_some(), a.tracking.is_some()) {
            (false, true) => parts.push("ref set".into()),
            (true, false) => parts.push("ref cleared".into()),
            _ => {}
        }
        if before.db.primary != after.db.primary {
            parts.push(format!("primary: {}", after.db.primary.describe()));
        }
        if before.db.replica != after.db.replica {
            if let Some(r) = after.db.replica {
                parts.push(format!("replica: {}", r.describe()));
            }
        }
        parts.join("; ")
    }
}
