//! Workloads for the generation-dedup world (incident 002): one or two tabs of a browser, one
//! to three server instances behind the load balancer (hop latencies fixed at the incident
//! scenarios' windows), the background reference the browser starts with, an image already
//! stored for the key or not, the hook's burst on a 410 (its `forceRefresh` flags), a slow or
//! fast image API, page loads per tab and the 410 reactions per load; and faults (failed
//! generations, lost, duplicated and held-back HTTP messages).
//!
//! Every choice shrinks towards the incident's own timings, one tab, one instance, one load,
//! and no optional step; at most [`MAX_OPTIONAL`] optional steps (a second load, a second 410
//! reaction, each fault) are drawn per case, and the POSTs a case may send stay within the
//! model's [`MAX_REQUESTS`], so every case builds and explores in well under a second.

use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use syncsim_model::generation_dedup::config::{
    Faults, InitialRef, Policies, Topology, Workload, MAX_REQUESTS,
};
use syncsim_model::generation_dedup::GenerationDedup;

use super::choose::{pick, take};
use super::Fuzzable;

/// One HTTP hop, one database round trip, `GET /images/{id}` and the gap before each call of
/// the 410 burst, ms: the incident scenarios' windows, fixed. Wider or overlapping windows
/// (a 50-400 ms hop, a 100-300 ms gap) let two tabs interleave freely and blow a case up past
/// a million states.
const HTTP_MS: [u32; 2] = [1, 20];
/// One database round trip, ms.
const DB_MS: [u32; 2] = [1, 5];
/// `GET /images/{id}`, ms.
const IMAGE_LOAD_MS: [u32; 2] = [1, 20];
/// The gap before each call of the 410 burst, ms.
const CALL_GAP_MS: [u32; 2] = [1, 6];
/// The image API, ms: the incident's DALL-E, or one fast enough to answer before the burst's
/// other requests arrive.
const GENERATION_MS: [[u32; 2]; 2] = [[5000, 15000], [100, 500]];
/// The extra delay of a held-back HTTP message, ms.
const DELAY_MS: [u32; 2] = [20000, 1000];
/// Most optional steps (a second load per tab, a second 410 reaction, each fault) in one case.
pub const MAX_OPTIONAL: u8 = 2;

impl Fuzzable for GenerationDedup {
    fn cases(policies: &Policies) -> BoxedStrategy<(Topology, Workload, Faults)> {
        // Without a debounce every call of every burst is a POST, each routed to any
        // instance: two tabs' bursts interleave past a million states even on one instance,
        // so such cases keep to one tab on up to two instances (as the incident's
        // `002-correct-db-claim-shipped-client`), no proxy retry and one optional step.
        let bursts = policies.debounce_ms == 0;
        let topology = (1usize..=2, 1usize..=3);
        let workload = (
            0u8..=1,
            any::<bool>(),
            any::<bool>(),
            // Shrinks to one plain call; the shipped burst is `[true, false, false]`.
            prop::collection::vec(any::<bool>(), 1..=3),
            pick(GENERATION_MS),
            0u8..=1,
        );
        let faults = (0u8..=1, 0u8..=1, 0u8..=1, 0u8..=1, pick(DELAY_MS));
        (topology, workload, faults)
            .prop_map(move |(topology, workload, faults)| {
                let (tabs, server_instances) = topology;
                let (tabs, server_instances) = if bursts {
                    (1, server_instances.min(2))
                } else {
                    (tabs, server_instances)
                };
                let (
                    more_loads,
                    fresh_browser,
                    stored_image,
                    on_image_gone,
                    generation_ms,
                    more_recoveries,
                ) = workload;
                let (generator_failures, http_drops, http_duplicates, http_delays, delay_ms) =
                    faults;
                let mut left = if bursts { 1 } else { MAX_OPTIONAL };
                let generator_failures = take(generator_failures, &mut left);
                let http_drops = take(http_drops, &mut left);
                // A proxy retry is one more POST, which a burst already sends.
                let mut http_duplicates = if bursts {
                    0
                } else {
                    take(http_duplicates, &mut left)
                };
                let http_delays = take(http_delays, &mut left);
                let loads_per_tab = 1 + take(more_loads, &mut left);
                let max_recoveries = 1 + take(more_recoveries, &mut left);
                // Keep within the model's request ids: two tabs loading twice with a
                // three-call burst and a proxy retry may send 32 POSTs; drop the retry then.
                let posts = tabs
                    * loads_per_tab as usize
                    * (1 + max_recoveries as usize * on_image_gone.len());
                if posts * (1 + http_duplicates as usize) > MAX_REQUESTS {
                    http_duplicates = 0;
                }
                (
                    Topology {
                        tabs,
                        server_instances,
                        http_ms: Some(HTTP_MS),
                        db_latency_ms: Some(DB_MS),
                        image_load_ms: Some(IMAGE_LOAD_MS),
                    },
                    Workload {
                        loads_per_tab,
                        initial_ref: if fresh_browser {
                            InitialRef::None
                        } else {
                            InitialRef::Deleted
                        },
                        stored_image,
                        on_image_gone,
                        call_gap_ms: Some(CALL_GAP_MS),
                        generation_ms: Some(generation_ms),
                        max_recoveries,
                    },
                    Faults {
                        generator_failures,
                        http_drops,
                        http_duplicates,
                        http_delays,
                        http_delay_ms: if http_delays > 0 { delay_ms } else { 1000 },
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

    /// The incident's correct design (`002-correct-db-claim`): nothing stops its exploration
    /// early, so it sees each case's whole state space.
    fn correct() -> Policies {
        toml::from_str(
            "debounce_ms = 200\ninflight_dedup = true\ndb_write = \"claim_then_update\"\n\
             unique_constraint = true\nforce_refresh = \"ignore\"\nreplaced_file = \"keep\"\n\
             cache = \"shared\"\ncache_ttl_ms = 60000\n",
        )
        .unwrap()
    }

    /// The database claim behind the shipped client (`002-correct-db-claim-shipped-client`):
    /// every call of every burst reaches the server, the most POSTs of any correct design.
    fn correct_shipped_client() -> Policies {
        toml::from_str(
            "db_write = \"claim_then_update\"\nunique_constraint = true\n\
             force_refresh = \"ignore\"\nreplaced_file = \"keep\"\n",
        )
        .unwrap()
    }

    /// Written as a scenario section and read back.
    fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
        toml::from_str(&toml::to_string(value).unwrap()).unwrap()
    }

    #[test]
    fn generated_cases_round_trip_and_explore_exhaustively_and_quickly() {
        explore_sample(correct());
        explore_sample(correct_shipped_client());
    }

    fn explore_sample(policies: Policies) {
        assert_eq!(round_trip(&policies), policies);
        let strategy = GenerationDedup::cases(&policies);
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
            let case = format!("{t:?} {w:?} {f:?}");
            let model = GenerationDedup::build(t, w, policies.clone(), f)
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
