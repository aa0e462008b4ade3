//! Workloads for the chat-persistence world (incident 003): one browser with one or two tabs,
//! or two browsers (devices) with one tab each; the localStorage cache they start with;
//! untimed transports and a realtime join that is instant or takes up to a second; images
//! already in the database and up to two prompts from any tab; one or two reloads (at any time
//! or only when idle), maybe a tab close; and faults (failed `loadMessages`, lost
//! BroadcastChannel messages, lost realtime notifications).
//!
//! Every case has at least one reload and at least one image (in the history or from a
//! prompt), so `image_survives_refresh` is always reachable: an unreached `sometimes`
//! property is never a finding of the generator's own making. Every choice shrinks towards
//! one tab, no cache, an instant realtime join and no optional step, and at most
//! [`MAX_OPTIONAL`] optional step (a second prompt, a second reload, a close or one fault) is
//! drawn per case, which keeps each case under about 200,000 states (half a second) even
//! under the correct design, whose exploration nothing cuts short.

use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use syncsim_model::chat_persistence::config::{
    Faults, Generation, InitialCache, Policies, ReloadWhen, Topology, Workload,
};
use syncsim_model::chat_persistence::ChatPersistence;

use super::choose::{pick, take};
use super::Fuzzable;

/// Browsers and their tabs: one tab, two tabs of one browser, two devices.
const TABS: [&[usize]; 3] = [&[1], &[2], &[1, 1]];
/// localStorage at the start.
const INITIAL_CACHE: [InitialCache; 3] = [
    InitialCache::None,
    InitialCache::Singular,
    InitialCache::Plural,
];
/// Realtime join, ms: joined at once, or within the correct scenarios' window. Every other transport
/// is untimed (any delay, which covers every timing): fixed or mixed delay windows (a
/// 50-400 ms HTTP round trip against a 0-1000 ms join and a 0-1000 ms retry) multiply the
/// interleavings by the clock values and blow a case up past a million states.
const REALTIME_JOIN_MS: [Option<[u32; 2]>; 2] = [None, Some([0, 1000])];
/// Most optional steps (a second prompt, a second reload, a close, each fault) in one case.
pub const MAX_OPTIONAL: u8 = 1;

impl Fuzzable for ChatPersistence {
    fn cases(_policies: &Policies) -> BoxedStrategy<(Topology, Workload, Faults)> {
        let topology = (pick(TABS), pick(INITIAL_CACHE), pick(REALTIME_JOIN_MS));
        // Prompts as (tab index, images): the tab is reduced modulo the tab count below, so
        // shrinking moves prompts to the first tab.
        let prompt = (0usize..4, 1usize..=2);
        let workload = (
            0usize..=2,
            prop::collection::vec(prompt, 0..=2),
            0u8..=1,
            0u8..=1,
            any::<bool>(),
        );
        let faults = (0u8..=1, 0u8..=1, 0u8..=1);
        (topology, workload, faults)
            .prop_map(|(topology, workload, faults)| {
                let (tabs, initial_cache, join) = topology;
                let (history_images, prompts, more_reloads, closes, when_idle) = workload;
                let (http_failures, broadcast_drops, realtime_drops) = faults;
                let tab_count: usize = tabs.iter().sum();
                let mut left = MAX_OPTIONAL;
                let http_failures = take(http_failures, &mut left);
                let broadcast_drops = take(broadcast_drops, &mut left);
                let realtime_drops = take(realtime_drops, &mut left);
                let extra_prompts = take(prompts.len().saturating_sub(1) as u8, &mut left);
                let reloads = 1 + take(more_reloads, &mut left);
                let closes = take(closes, &mut left);
                let generations: Vec<Generation> = prompts
                    .into_iter()
                    .take(1 + extra_prompts as usize)
                    .map(|(tab, images)| Generation {
                        tab: 1 + tab % tab_count,
                        images,
                    })
                    .collect();
                // Some image must exist for a reload to matter.
                let history_images = if generations.is_empty() {
                    history_images.max(1)
                } else {
                    history_images
                };
                (
                    Topology {
                        tabs: tabs.to_vec(),
                        initial_cache,
                        http_ms: None,
                        generation_ms: None,
                        broadcast_ms: None,
                        realtime_ms: None,
                        realtime_join_ms: join,
                    },
                    Workload {
                        history_images,
                        generations,
                        reloads,
                        closes,
                        reload: if when_idle {
                            ReloadWhen::WhenIdle
                        } else {
                            ReloadWhen::AnyTime
                        },
                    },
                    Faults {
                        http_failures,
                        broadcast_drops,
                        realtime_drops,
                    },
                )
            })
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    use syncsim_engine::outcome::Outcome;
    use syncsim_engine::strategy::{Dfs, Strategy as _};
    use syncsim_engine::Budget;
    use syncsim_model::World;

    use super::*;

    /// The incident's correct design on a flaky network (`003-correct-flaky-network`): nothing
    /// stops its exploration early, so it sees each case's whole state space.
    fn correct() -> Policies {
        toml::from_str(
            "cache_codec = \"plural\"\ncache_short_circuit = false\n\
             cross_tab_signal = \"realtime\"\nresync_on_subscribe = true\n\
             apply_loaded = \"merge\"\nload_retry_ms = [0, 1000]\n",
        )
        .unwrap()
    }

    /// Written as a scenario section and read back.
    fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
        toml::from_str(&toml::to_string(value).unwrap()).unwrap()
    }

    #[test]
    fn generated_cases_round_trip_and_explore_exhaustively_and_quickly() {
        let policies = correct();
        assert_eq!(round_trip(&policies), policies);
        let strategy = ChatPersistence::cases(&policies);
        let mut runner = TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
        );
        let budget = Budget {
            max_depth: 2_000,
            max_states: 1_000_000,
            max_time: None,
        };
        let mut most = 0;
        for _ in 0..std::env::var("FUZZ_SAMPLE").map_or(48, |n| n.parse().unwrap()) {
            let (t, w, f) = strategy.new_tree(&mut runner).unwrap().current();
            assert_eq!(round_trip(&t), t);
            assert_eq!(round_trip(&w), w);
            assert_eq!(round_trip(&f), f);
            // A lost notification breaks the correct design too
            // (scenarios/regressions/converges-ced04303.toml) and would end the exploration early.
            let f = Faults {
                realtime_drops: 0,
                ..f
            };
            let case = format!("{t:?} {w:?} {f:?}");
            let model = ChatPersistence::build(t, w, policies.clone(), f)
                .unwrap_or_else(|e| panic!("{case}: {e:?}"));
            let report = Dfs::default().explore(&model, &budget);
            if std::env::var("FUZZ_SAMPLE").is_ok() {
                eprintln!("{} {} {case}", report.stats.states, report.outcome.kind());
                continue;
            }
            assert!(
                matches!(report.outcome, Outcome::Exhausted),
                "{case}: {}",
                report.outcome.kind()
            );
            most = most.max(report.stats.states);
        }
        assert!(most <= 200_000, "{most} states");
    }
}
