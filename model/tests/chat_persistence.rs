//! The chat-persistence world explored directly: the serial-merging fingerprint agrees with
//! the plain search, state counts are pinned, event names are unique in every reachable
//! state, and the components behave as the incident and real browsers do (codec, short-circuit,
//! BroadcastChannel within one browser, realtime only to joined subscriptions, reloads).

use syncsim_engine::model::fireable_events;
use syncsim_engine::strategy::{Bfs, Dfs, Strategy};
use syncsim_engine::{Budget, Model, Outcome};
use syncsim_model::chat_persistence::config::{
    ApplyLoaded, CacheCodec, CrossTabSignal, Faults, Generation, InitialCache, Policies,
    ReloadWhen, Topology, Workload,
};
use syncsim_model::chat_persistence::{
    ChatEvent, ChatPersistence, ChatPersistenceConfig, ChatState, Page, Sub,
};

struct Setup {
    tabs: Vec<usize>,
    gens: Vec<(usize, usize)>,
    reloads: u8,
    codec: CacheCodec,
    short_circuit: bool,
    signal: CrossTabSignal,
    resync: bool,
    apply: ApplyLoaded,
    failures: u8,
}

fn shipped() -> Setup {
    Setup {
        tabs: vec![2],
        gens: vec![(1, 1)],
        reloads: 1,
        codec: CacheCodec::Singular,
        short_circuit: true,
        signal: CrossTabSignal::BroadcastChannel,
        resync: false,
        apply: ApplyLoaded::Replace,
        failures: 0,
    }
}

fn correct() -> Setup {
    Setup {
        codec: CacheCodec::Plural,
        short_circuit: false,
        signal: CrossTabSignal::Realtime,
        resync: true,
        apply: ApplyLoaded::Merge,
        ..shipped()
    }
}

fn world(s: Setup) -> ChatPersistence {
    ChatPersistence::new(ChatPersistenceConfig {
        topology: Topology {
            tabs: s.tabs,
            initial_cache: InitialCache::None,
            http_ms: None,
            generation_ms: None,
            broadcast_ms: None,
            realtime_ms: None,
            realtime_join_ms: Some([0, 1000]),
        },
        workload: Workload {
            history_images: 0,
            generations: s
                .gens
                .iter()
                .map(|&(tab, images)| Generation { tab, images })
                .collect(),
            reloads: s.reloads,
            closes: 0,
            reload: ReloadWhen::AnyTime,
        },
        policies: Policies {
            cache_codec: s.codec,
            cache_short_circuit: s.short_circuit,
            cross_tab_signal: s.signal,
            resync_on_subscribe: s.resync,
            apply_loaded: s.apply,
            load_retry_ms: (s.failures > 0).then_some([0, 1000]),
        },
        faults: Faults {
            http_failures: s.failures,
            broadcast_drops: 0,
            realtime_drops: 0,
        },
    })
    .unwrap()
}

fn verdict<E>(o: &Outcome<E>) -> String {
    match o {
        Outcome::Violation(v) => format!("violation {}", v.property),
        other => other.kind().to_string(),
    }
}

fn all_setups() -> Vec<Setup> {
    let mut out = Vec::new();
    for codec in [CacheCodec::Singular, CacheCodec::Plural] {
        for short_circuit in [true, false] {
            for signal in [
                CrossTabSignal::None,
                CrossTabSignal::BroadcastChannel,
                CrossTabSignal::Realtime,
            ] {
                for apply in [ApplyLoaded::Replace, ApplyLoaded::Merge] {
                    out.push(Setup {
                        codec,
                        short_circuit,
                        signal,
                        resync: signal == CrossTabSignal::Realtime,
                        apply,
                        ..shipped()
                    });
                }
            }
        }
    }
    out
}

#[test]
fn merging_serials_agrees_with_the_plain_search() {
    for s in all_setups() {
        let what = format!(
            "{:?} short_circuit={} {:?} {:?}",
            s.codec, s.short_circuit, s.signal, s.apply
        );
        let merged = world(s);
        let plain = merged.clone().with_merged_serials(false);
        let budget = Budget::default();
        let m = Bfs.explore(&merged, &budget);
        let p = Bfs.explore(&plain, &budget);
        assert_eq!(verdict(&m.outcome), verdict(&p.outcome), "{what}");
        assert!(m.stats.states <= p.stats.states, "{what}");
        if let (Outcome::Violation(a), Outcome::Violation(b)) = (&m.outcome, &p.outcome) {
            assert_eq!(a.path.len(), b.path.len(), "{what}");
        }
        // DFS may meet another violated property first; it must agree on whether one exists.
        let d = Dfs::default().explore(&plain, &budget);
        assert_eq!(
            matches!(d.outcome, Outcome::Violation(_)),
            matches!(p.outcome, Outcome::Violation(_)),
            "dfs vs bfs: {what}"
        );
    }
}

#[test]
fn pinned_state_counts() {
    let counts: Vec<(u64, u64)> = [
        correct(),
        Setup {
            tabs: vec![1, 1],
            gens: vec![(1, 1), (2, 1)],
            ..correct()
        },
        Setup {
            tabs: vec![1],
            gens: vec![(1, 2)],
            failures: 1,
            ..correct()
        },
    ]
    .into_iter()
    .map(|s| {
        let m = world(s);
        let merged = Dfs::default().explore(&m, &Budget::default());
        let plain =
            Dfs::default().explore(&m.clone().with_merged_serials(false), &Budget::default());
        assert_eq!(merged.outcome, Outcome::Exhausted);
        assert_eq!(plain.outcome, Outcome::Exhausted);
        (merged.stats.states, plain.stats.states)
    })
    .collect();
    // (merged serials, plain) for: one browser two tabs; two devices; one tab with a failure.
    assert_eq!(counts, vec![(3589, 14816), (107567, 541662), (421, 1271)]);
}

#[test]
fn event_names_are_unique_in_every_reachable_state() {
    let setups = [
        shipped(),
        correct(),
        Setup {
            signal: CrossTabSignal::Realtime,
            ..shipped()
        },
        Setup {
            codec: CacheCodec::Plural,
            short_circuit: false,
            ..shipped()
        },
    ];
    for s in setups {
        let m = world(Setup { failures: 1, ..s });
        let mut stack = vec![m.initial_state()];
        let mut seen = std::collections::HashSet::new();
        let (mut scratch, mut out) = (Vec::new(), Vec::new());
        while let Some(s) = stack.pop() {
            if !seen.insert(s.clone()) {
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

/// Fires `events` in order from the initial state (each must be fireable).
fn run(m: &ChatPersistence, events: &[ChatEvent]) -> ChatState {
    let mut s = m.initial_state();
    let (mut scratch, mut out) = (Vec::new(), Vec::new());
    for e in events {
        fireable_events(m, &s, &mut scratch, &mut out);
        let adv = out
            .iter()
            .find(|(x, _)| x == e)
            .unwrap_or_else(|| panic!("{e:?} is not fireable in {s:?}"))
            .1;
        m.apply(&mut s, e, adv);
    }
    s
}

use ChatEvent::*;

/// Tab 1 mounts, learns the session, loads, asks for an image and shows it.
const GENERATE: [ChatEvent; 7] = [
    Effects(0),
    Respond(0, 0),
    Respond(0, 0),
    Prompt(0),
    Insert(0),
    Reply(0),
    Reload(0),
];

#[test]
fn the_singular_codec_and_the_short_circuit_lose_the_image_on_refresh() {
    let m = world(Setup {
        tabs: vec![1],
        ..shipped()
    });
    let s = run(&m, &GENERATE);
    assert_eq!(s.db, 1);
    assert_eq!(s.tabs[0].shown, 0, "the cache kept no image");
    let s = run(&m, &[&GENERATE[..], &[Effects(0), Respond(0, 0)]].concat());
    assert!(
        s.tabs[0].requests.is_empty(),
        "short-circuit: no loadMessages"
    );
    assert!(s.tabs[0].settled());
    assert_eq!(s.tabs[0].shown, 0);
}

#[test]
fn the_plural_codec_keeps_the_image_and_phase_3_reloads_from_the_db() {
    let m = world(Setup {
        tabs: vec![1],
        codec: CacheCodec::Plural,
        short_circuit: false,
        ..shipped()
    });
    let s = run(&m, &[&GENERATE[..], &[Effects(0), Respond(0, 0)]].concat());
    assert_eq!(s.tabs[0].shown, 1, "first render from the plural cache");
    assert_eq!(
        s.tabs[0].requests.len(),
        1,
        "phase 3: loadMessages after the session"
    );
}

#[test]
fn broadcast_channel_reaches_only_mounted_tabs_of_the_same_browser() {
    let setup = |tabs| Setup {
        tabs,
        codec: CacheCodec::Plural,
        short_circuit: false,
        ..shipped()
    };
    let same = world(setup(vec![2]));
    let s = run(
        &same,
        &[
            Effects(1),
            Effects(0),
            Respond(0, 0),
            Respond(0, 0),
            Prompt(0),
            Insert(0),
            Reply(0),
        ],
    );
    assert_eq!(s.tabs[1].broadcast.in_flight.len(), 1);
    let s2 = run(
        &same,
        &[
            Effects(1),
            Effects(0),
            Respond(0, 0),
            Respond(0, 0),
            Prompt(0),
            Insert(0),
            Reply(0),
            BroadcastDeliver(1),
        ],
    );
    assert_eq!(s2.tabs[1].shown, 1, "re-reads the plural cache");
    let other = world(setup(vec![1, 1]));
    let s = run(
        &other,
        &[
            Effects(1),
            Effects(0),
            Respond(0, 0),
            Respond(0, 0),
            Prompt(0),
            Insert(0),
            Reply(0),
        ],
    );
    assert!(
        s.tabs[1].broadcast.is_empty(),
        "another browser hears nothing"
    );
}

#[test]
fn realtime_notifies_only_joined_subscriptions() {
    let m = world(Setup {
        tabs: vec![1, 1],
        ..correct()
    });
    let s = run(&m, &[Effects(0), Effects(1), Respond(0, 0), Respond(1, 0)]);
    assert!(matches!(s.tabs[1].sub, Sub::Joining(_)));
    let s = run(
        &m,
        &[
            Effects(0),
            Effects(1),
            Respond(0, 0),
            Respond(1, 0),
            Prompt(0),
            Insert(0),
        ],
    );
    assert!(
        s.tabs[1].realtime.is_empty(),
        "still joining: the INSERT is missed"
    );
    let s = run(
        &m,
        &[
            Effects(0),
            Effects(1),
            Respond(0, 0),
            Respond(1, 0),
            Joined(1),
            Prompt(0),
            Insert(0),
        ],
    );
    assert_eq!(s.tabs[1].realtime.in_flight.len(), 1);
}

#[test]
fn a_reload_loses_the_reply_but_the_server_still_inserts() {
    let m = world(Setup {
        tabs: vec![1],
        ..correct()
    });
    let s = run(
        &m,
        &[Effects(0), Respond(0, 0), Prompt(0), Reload(0), Insert(0)],
    );
    assert_eq!(s.db, 1);
    assert!(s.jobs.is_empty(), "the reply has nowhere to go");
    assert_eq!(s.tabs[0].page, Page::Rendered);
}
