//! The job-status world explored directly: pinned state counts, unique event names in every
//! reachable state, and focused checks of the components (the cancel endpoint, merge guards,
//! the WebSocket's demo-mode close and reconnect cap, reload semantics).

use std::collections::HashSet;

use syncsim_engine::model::fireable_events;
use syncsim_engine::strategy::{Bfs, Dfs, Strategy};
use syncsim_engine::{Budget, Model, Outcome};
use syncsim_model::job_status::config::{
    Broadcast, CancelPolicy, Faults, Guard, Guards, Limit, Persist, Policies, Topology, Workload,
};
use syncsim_model::job_status::{
    Job, JobEvent, JobStatus, JobStatusConfig, JobStatusState, Snap, Status, WsPhase,
};

fn correct_policies() -> Policies {
    Policies {
        guards: Guards {
            poll: Guard::Both,
            websocket: Guard::Both,
            parent_props: Guard::Both,
            rehydrate: Guard::Both,
        },
        pong_filter: true,
        skip_ws_for_terminal: true,
        reconnect_cap: Limit::Some(5),
        reconnect_backoff_ms: 1000,
        clear_persisted_after_terminal_ms: Limit::Some(10_000),
        cancel: CancelPolicy::RefreshAfter422,
        broadcast: Broadcast::OnChange,
        persist: Persist::OnApply,
    }
}

fn world(policies: Policies, workload: impl FnOnce(&mut Workload), faults: Faults) -> JobStatus {
    let mut w = Workload {
        start_ms: [500, 1500],
        run_ms: [2000, 4000],
        poll_interval_ms: 2000,
        polls: 3,
        pong_interval_ms: 3000,
        pongs: 0,
        reloads: 0,
        reload_at_ms: None,
        idle_renders: 0,
        cancels: 0,
    };
    workload(&mut w);
    JobStatus::new(JobStatusConfig {
        topology: Topology {
            ws_ms: [10, 100],
            http_ms: [50, 300],
            worker_may_fail: false,
        },
        workload: w,
        policies,
        faults,
    })
    .unwrap()
}

fn verdict<E>(o: &Outcome<E>) -> String {
    match o {
        Outcome::Violation(v) => format!("violation {}", v.property),
        other => other.kind().to_string(),
    }
}

/// Fires the event whose name starts with `name_prefix`, first letting the world run (firing
/// the first fireable event that is not a user action) while it is not fireable yet.
fn fire(m: &JobStatus, s: &mut JobStatusState, name_prefix: &str) {
    let (mut scratch, mut out) = (Vec::new(), Vec::new());
    for _ in 0..100 {
        fireable_events(m, s, &mut scratch, &mut out);
        let names: Vec<String> = out.iter().map(|(e, _)| m.label(s, e).name()).collect();
        if let Some(i) = names.iter().position(|n| n.starts_with(name_prefix)) {
            let (e, adv) = out[i];
            m.apply(s, &e, adv);
            return;
        }
        let i = names
            .iter()
            .position(|n| !n.starts_with("user"))
            .unwrap_or_else(|| panic!("`{name_prefix}…` never becomes fireable: {names:?}"));
        let (e, adv) = out[i];
        m.apply(s, &e, adv);
    }
    panic!("`{name_prefix}…` never became fireable");
}

#[test]
fn pinned_state_counts() {
    let counts: Vec<(String, u64)> = [
        ("correct", correct_policies(), 0u8),
        ("correct+reload", correct_policies(), 1),
    ]
    .into_iter()
    .map(|(what, p, reloads)| {
        let m = world(p, |w| w.reloads = reloads, Faults::default());
        let r = Dfs::default().explore(&m, &Budget::default());
        (format!("{what}: {}", verdict(&r.outcome)), r.stats.states)
    })
    .collect();
    assert_eq!(
        counts,
        vec![
            ("correct: exhausted".to_string(), 41),
            ("correct+reload: exhausted".to_string(), 266),
        ]
    );
}

#[test]
fn dfs_and_bfs_agree() {
    for (cap, demo) in [(Limit::Some(5), true), (Limit::Some(2), false)] {
        let p = Policies {
            reconnect_cap: cap,
            ..correct_policies()
        };
        let m = world(
            p,
            |w| w.cancels = 1,
            Faults {
                demo_mode: demo,
                ..Faults::default()
            },
        );
        let b = Bfs.explore(&m, &Budget::default());
        let d = Dfs::default().explore(&m, &Budget::default());
        assert_eq!(verdict(&b.outcome), verdict(&d.outcome));
        assert_eq!(b.stats.states, d.stats.states);
    }
}

#[test]
fn event_names_are_unique_in_every_reachable_state() {
    let shipped = Policies {
        guards: Guards {
            poll: Guard::None,
            websocket: Guard::None,
            parent_props: Guard::None,
            rehydrate: Guard::None,
        },
        pong_filter: false,
        skip_ws_for_terminal: false,
        persist: Persist::ParentEffect,
        cancel: CancelPolicy::ForceCancelledLocally,
        ..correct_policies()
    };
    for p in [correct_policies(), shipped] {
        let m = world(
            p,
            |w| {
                w.polls = 2;
                w.pongs = 1;
                w.pong_interval_ms = 1000;
                w.reloads = 1;
                w.idle_renders = 1;
                w.cancels = 1;
            },
            Faults {
                demo_mode: false,
                ws_disconnects: 1,
                ws_duplicates: 1,
                http_failures: 1,
            },
        );
        let mut stack = vec![m.initial_state()];
        let mut seen = HashSet::new();
        let (mut scratch, mut out) = (Vec::new(), Vec::new());
        while let Some(s) = stack.pop() {
            if !seen.insert(s.clone()) || seen.len() > 200_000 {
                continue;
            }
            fireable_events(&m, &s, &mut scratch, &mut out);
            let mut names: Vec<String> = out.iter().map(|(e, _)| m.label(&s, e).name()).collect();
            let n = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), n, "duplicate event names in {s:?}");
            for (e, adv) in out.clone() {
                let mut next = s.clone();
                m.apply(&mut next, &e, adv);
                stack.push(next);
            }
        }
    }
}

#[test]
fn cancelling_a_terminal_job_answers_422_and_changes_nothing() {
    for status in [Status::Completed, Status::Failed, Status::Cancelled] {
        let mut job = Job {
            status,
            updated_at: 3,
            due: None,
        };
        let before = job;
        assert!(matches!(
            job.cancel(),
            syncsim_model::job_status::CancelAnswer::Rejected(s) if s == status
        ));
        assert_eq!(job, before);
    }
    let mut running = Job {
        status: Status::Running,
        updated_at: 2,
        due: None,
    };
    running.cancel();
    assert_eq!(running.status, Status::Cancelled);
    assert_eq!(running.updated_at, 3);
}

#[test]
fn the_worker_never_completes_a_cancelled_job() {
    let mut job = Job {
        status: Status::Cancelled,
        updated_at: 3,
        due: None,
    };
    job.work(false, syncsim_model::timer::Timer::ANY);
    assert_eq!(job.status, Status::Cancelled);
    assert_eq!(job.updated_at, 3);
}

#[test]
fn merge_guards() {
    let snap = |status, updated_at| Snap { status, updated_at };
    let done = Some(snap(Status::Completed, 3));
    let pong = snap(Status::Pending, 0);
    let stale = snap(Status::Running, 2);
    assert!(Guard::None.accepts(done, stale));
    assert!(!Guard::Terminal.accepts(done, stale));
    assert!(!Guard::UpdatedAt.accepts(done, stale));
    // A pong has no updated_at: the timestamp guard cannot reject it, the terminal guard can.
    assert!(Guard::UpdatedAt.accepts(done, pong));
    assert!(!Guard::Terminal.accepts(done, pong));
    assert!(!Guard::Both.accepts(done, pong));
    // Nothing shown yet: everything is accepted.
    assert!(Guard::Both.accepts(None, stale));
    // A newer non-terminal update over an older one passes both.
    assert!(Guard::Both.accepts(Some(snap(Status::Pending, 1)), stale));
}

#[test]
fn demo_mode_closes_every_socket_and_the_cap_falls_back_to_polling() {
    // Without skipping the socket for terminal jobs, so the reconnects go on whatever the
    // job does meanwhile.
    let m = world(
        Policies {
            skip_ws_for_terminal: false,
            ..correct_policies()
        },
        |_| {},
        Faults {
            demo_mode: true,
            ..Faults::default()
        },
    );
    let mut s = m.initial_state();
    assert_eq!(s.ws.phase, WsPhase::Connecting);
    for attempt in 0..=5 {
        fire(
            &m,
            &mut s,
            "ws-server closes the WebSocket right after the handshake",
        );
        assert_eq!(s.ws.phase, WsPhase::Closing);
        fire(&m, &mut s, "GenerationProgress sees the WebSocket close");
        if attempt < 5 {
            assert_eq!(s.ws.phase, WsPhase::Backoff);
            fire(&m, &mut s, "GenerationProgress reconnects the WebSocket");
            assert_eq!(s.ws.reconnects, attempt + 1);
        }
    }
    assert_eq!(s.ws.phase, WsPhase::Fallback);
}

#[test]
fn a_reload_loses_memory_and_keeps_local_storage() {
    let m = world(correct_policies(), |w| w.reloads = 1, Faults::default());
    let mut s = m.initial_state();
    fire(&m, &mut s, "ws-server accepts");
    fire(&m, &mut s, "worker starts the job");
    fire(
        &m,
        &mut s,
        "GenerationProgress receives WebSocket status running (u2)",
    );
    assert_eq!(s.storage.map(|x| x.status), Some(Status::Running));
    s.tab.clear_due = None;
    fire(&m, &mut s, "user reloads the page");
    assert_eq!(s.tab.child, s.storage);
    assert_eq!(s.tab.parent, s.storage);
    assert_eq!(s.ws.phase, WsPhase::Connecting);
    assert!(s.http.is_empty());
    assert!(!s.tab.notify_pending && !s.tab.prop_pending);
    let _ = JobEvent::Reload;
}

#[test]
fn converges_fails_when_the_bounds_starve_the_card() {
    // Demo mode, no reconnects and a single poll: the card cannot learn that the job
    // completed, and at quiescence it still shows an older status. `converges` is not vacuous.
    let m = world(
        Policies {
            reconnect_cap: Limit::Some(0),
            ..correct_policies()
        },
        |w| w.polls = 1,
        Faults {
            demo_mode: true,
            ..Faults::default()
        },
    );
    let r = Bfs.explore(&m, &Budget::default());
    assert_eq!(verdict(&r.outcome), "violation converges");
}
