//! Workloads for the save-race world: a few scenes, a few image tasks spread over them, with
//! or without generation delays, late scenes, a lagging replica (when the policies read from
//! one), database latency and an injected write error.

use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use syncsim_model::save_race::config::{Faults, Policies, ReadFrom, SaveGroup, Topology, Workload};
use syncsim_model::save_race::SaveRace;

use super::Fuzzable;

fn window() -> impl Strategy<Value = Option<[u32; 2]>> {
    prop::option::of((0u32..3, 0u32..3).prop_map(|(a, d)| [a * 500, a * 500 + d * 2000]))
}

impl Fuzzable for SaveRace {
    fn cases(policies: &Policies) -> BoxedStrategy<(Topology, Workload, Faults)> {
        let needs_replica = policies.read_from == ReadFrom::Replica;
        (1usize..=3)
            .prop_flat_map(move |scenes| {
                let groups = prop::collection::vec((1..=scenes, 1usize..=2), 1..=3).prop_map(|g| {
                    g.into_iter()
                        .map(|(scene, images)| SaveGroup { scene, images })
                        .collect::<Vec<_>>()
                });
                let late = prop::collection::vec(1..=scenes, 0..=1);
                let replica = if needs_replica {
                    window().prop_map(|w| Some(w.unwrap_or([0, 1000]))).boxed()
                } else {
                    prop::option::of(Just([0u32, 1000])).boxed()
                };
                (
                    Just(scenes),
                    groups,
                    late,
                    window(),
                    replica,
                    window(),
                    window(),
                    0u8..=1,
                )
            })
            .prop_map(
                |(scenes, saves, late_scenes, created, replica, latency, generation, errors)| {
                    let topology = Topology {
                        scenes,
                        late_scenes,
                        scene_created_ms: created,
                        replica_lag_ms: replica,
                        db_latency_ms: latency,
                    };
                    (
                        topology,
                        Workload {
                            saves,
                            generation_ms: generation,
                        },
                        Faults {
                            write_errors: errors,
                        },
                    )
                },
            )
            .boxed()
    }
}
