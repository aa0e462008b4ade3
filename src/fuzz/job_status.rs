//! Workloads for the job-status world (incident 001): the job's timeline and network delays
//! picked from a few windows, and small budgets of user actions (reloads, pinned to a window
//! or not; cancels; idle re-renders of `GenerationPage`), keepalive pongs and faults (dropped
//! and duplicated WebSocket frames, failed HTTP requests, demo mode).
//!
//! Polling is a bounded stand-in for an interval that runs as long as the card shows a
//! non-terminal job, so every case gets enough polls to see the job end (one more per failed
//! request): running out of polls is not a finding. Every choice shrinks towards the
//! incident's own timings and no optional step, and at most [`MAX_OPTIONAL`] optional steps
//! are drawn per case, which keeps each case to at most a few hundred thousand states.

use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use syncsim_model::job_status::config::{Faults, Policies, Topology, Workload};
use syncsim_model::job_status::JobStatus;

use super::choose::{pick, take};
use super::Fuzzable;

/// WebSocket hop windows, ms (the incident scenarios' first).
const WS_MS: [[u32; 2]; 2] = [[10, 100], [10, 500]];
/// HTTP leg windows, ms.
const HTTP_MS: [[u32; 2]; 2] = [[50, 300], [100, 200]];
/// `pending → running` windows, ms.
const START_MS: [[u32; 2]; 3] = [[500, 1500], [0, 500], [1500, 2500]];
/// `running → terminal` windows, ms.
const RUN_MS: [[u32; 2]; 3] = [[2000, 4000], [1000, 2000], [3000, 4000]];
/// Poll intervals, ms.
const POLL_INTERVAL_MS: [u32; 2] = [2000, 3000];
/// Pong intervals, ms.
const PONG_INTERVAL_MS: [u32; 2] = [3000, 1000];
/// Most optional steps (reloads, idle re-renders, cancels, pongs, dropped sockets, duplicated
/// frames, failed requests) in one case.
pub const MAX_OPTIONAL: u8 = 3;

/// When the reloads may happen: anywhere, or a 1-3 s window starting 0-10 s after the job
/// was created.
fn reload_at() -> impl Strategy<Value = Option<[u32; 2]>> {
    let window = (0u32..=5, 0u32..=1).prop_map(|(a, w)| [a * 2000, a * 2000 + 1000 + w * 2000]);
    prop::option::of(window)
}

impl Fuzzable for JobStatus {
    fn cases(_policies: &Policies) -> BoxedStrategy<(Topology, Workload, Faults)> {
        let timeline = (
            pick(WS_MS),
            pick(HTTP_MS),
            any::<bool>(),
            pick(START_MS),
            pick(RUN_MS),
            pick(POLL_INTERVAL_MS),
        );
        let user = (
            0u8..=2,
            reload_at(),
            0u8..=1,
            0u8..=1,
            0u8..=2,
            pick(PONG_INTERVAL_MS),
        );
        let faults = (any::<bool>(), 0u8..=1, 0u8..=1, 0u8..=1);
        (timeline, user, faults)
            .prop_map(|(timeline, user, faults)| {
                let (ws_ms, http_ms, worker_may_fail, start_ms, run_ms, poll_interval_ms) =
                    timeline;
                let (reloads, reload_at_ms, idle_renders, cancels, pongs, pong_interval_ms) = user;
                let (demo_mode, ws_disconnects, ws_duplicates, http_failures) = faults;
                // Faults first, then the user's actions, within the case's budget.
                let mut left = MAX_OPTIONAL;
                let demo_mode = take(u8::from(demo_mode), &mut left) == 1;
                let http_failures = take(http_failures, &mut left);
                // In demo mode no socket ever opens, so none can be dropped.
                let ws_disconnects = take(ws_disconnects * u8::from(!demo_mode), &mut left);
                let ws_duplicates = take(ws_duplicates, &mut left);
                let reloads = take(reloads, &mut left);
                let cancels = take(cancels, &mut left);
                let idle_renders = take(idle_renders, &mut left);
                let pongs = take(pongs, &mut left);
                let ends_by = start_ms[1] + run_ms[1];
                let polls = ends_by.div_ceil(poll_interval_ms) as u8 + http_failures;
                (
                    Topology {
                        ws_ms,
                        http_ms,
                        worker_may_fail,
                    },
                    Workload {
                        start_ms,
                        run_ms,
                        poll_interval_ms,
                        polls,
                        pong_interval_ms,
                        pongs,
                        reloads,
                        reload_at_ms: reload_at_ms.filter(|_| reloads > 0),
                        idle_renders,
                        cancels,
                    },
                    Faults {
                        demo_mode,
                        ws_disconnects,
                        ws_duplicates,
                        http_failures,
                    },
                )
            })
            .boxed()
    }
}
