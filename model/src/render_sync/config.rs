//! What a scenario says about the render-sync world: topology, workload, policies and faults.
//! These types are deserialized straight from the scenario's TOML sections (unknown keys are
//! errors) and documented field by field in `scenarios/README.md`.
//!
//! Defaults follow the chat component **as shipped before the incident's fix** wherever the
//! report says what that was (`ref_stores = "id"`, `merge_uses_ref = false`,
//! `confirm = "present"`, one refresh); a scenario of a fix states each fixed policy explicitly.

use serde::Deserialize;

pub use crate::world::ConfigError;

/// Most entries in `policies.refresh_delays_ms`.
pub const MAX_REFRESH_DELAYS: usize = 8;

/// Most polls one run may need (request numbers are `u16`, and every poll is a state).
pub const MAX_POLLS: u64 = 1000;

/// `[topology]`: the database, the network and the generator.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    /// One-way delay of every HTTP message (request or response), `[earliest, latest]` ms.
    /// Messages on separate connections may overtake each other within these windows.
    pub http_ms: [u32; 2],
    /// How long the generator takes to produce the image, `[earliest, latest]` ms.
    pub generation_ms: [u32; 2],
    /// A read replica applying each commit of the primary, in commit order, within
    /// `[earliest, latest]` ms of that commit. Absent: no replica (every read hits the
    /// primary).
    #[serde(default)]
    pub replica_lag_ms: Option<[u32; 2]>,
    /// Absent (default): the server commits the completed render to the primary before it
    /// responds. Present: it responds first and commits `[earliest, latest]` ms later
    /// (fire-and-forget persistence).
    #[serde(default)]
    pub persist_ms: Option<[u32; 2]>,
}

/// `[workload]`: what the user does besides sending the one prompt.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Extra chain refreshes the user triggers at any moment after sending the prompt
    /// (switching back to the tab, navigating back to the chat): each calls the throttled
    /// refresh. Default 0.
    #[serde(default)]
    pub refreshes: u8,
}

/// How long the tab holds the local render against what the chain says.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Hold {
    /// No `recentGenerationRef`: every chain refresh replaces the messages with the chain's.
    /// No polling either (polling runs only while a generation is tracked).
    None,
    /// `Date.now() - recentGen.timestamp < N`: the ref is held for N ms after the POST
    /// response (or until a refresh confirms the render, see `confirm`), then cleared.
    GracePeriodMs(u32),
    /// The ref is cleared only when a chain refresh confirms the render (see `confirm`).
    UntilConfirmed,
}

/// What `recentGenerationRef` stores.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum RefStores {
    /// As shipped: `{ timestamp, renderId }`. The canvas (`currentRender`) looks the id up in
    /// `chain.renders`; while the render is not there it falls back to the chain's latest.
    Id,
    /// The fix: `{ timestamp, renderId, render }`; the canvas shows the stored render.
    Render,
}

/// When a chain refresh counts as "the render is in the DB" and clears the ref.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Confirm {
    /// As shipped (reconstructed): the render is in `chain.renders` with any status.
    Present,
    /// The fix: `renderInDB.status === 'completed'`.
    Completed,
}

/// What the tab does with a chain response that is older than one it already applied.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum StaleResponses {
    /// As shipped: every response is merged when it arrives, in whatever order.
    Apply,
    /// Ignore a response to a request sent before the last applied one (the usual
    /// "ignore stale fetch" flag / AbortController).
    LatestRequest,
    /// Ignore a response whose snapshot is older than the newest snapshot applied (the
    /// response carries the chain's version / replication position).
    NewerSnapshot,
}

/// Where `GET /api/chain` reads `chain.renders`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ChainReads {
    /// The lagging read replica (requires `topology.replica_lag_ms`).
    Replica,
    /// The primary (read-your-writes).
    Primary,
}

/// `[policies]`: the choices the chat component and the API make.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Policies {
    /// How long the local render is held: `"none"`, `{ grace_period_ms = N }`,
    /// `"until_confirmed"`.
    pub hold: Hold,
    /// What `recentGenerationRef` stores. Default `"id"` (as shipped).
    #[serde(default = "id")]
    pub ref_stores: RefStores,
    /// While the ref is held and the chain's render is not completed, the message merge uses
    /// `recentGen.render || prevMsg.render` (true, the fix) instead of letting the chain's
    /// row (status `generating`) replace the local render (false, as shipped).
    #[serde(default)]
    pub merge_uses_ref: bool,
    /// What clears the ref on a chain refresh. Default `"present"` (as shipped).
    #[serde(default = "present")]
    pub confirm: Confirm,
    /// Throttled refreshes after the POST response, ms after it. Default `[500]`; the fix:
    /// `[500, 2000, 5000, 10000]`.
    #[serde(default = "one_refresh")]
    pub refresh_delays_ms: Vec<u32>,
    /// Poll `GET /api/chain` every this many ms while the ref is held. Absent: no polling.
    #[serde(default)]
    pub poll_ms: Option<u32>,
    /// `throttledRefresh` wait, lodash semantics (leading call, one trailing call at the end
    /// of the wait). 0 (default): not throttled. Polls are not throttled.
    #[serde(default)]
    pub throttle_ms: u32,
    /// What to do with out-of-order chain responses. Default `"apply"` (as shipped).
    #[serde(default = "apply")]
    pub stale_responses: StaleResponses,
    /// Where chain reads go. Default: the replica if the topology has one, else the primary.
    #[serde(default)]
    pub chain_reads: Option<ChainReads>,
}

fn id() -> RefStores {
    RefStores::Id
}
fn present() -> Confirm {
    Confirm::Present
}
fn one_refresh() -> Vec<u32> {
    vec![500]
}
fn apply() -> StaleResponses {
    StaleResponses::Apply
}

/// `[faults]`: what the network may do, each a choice the explorer may or may not make.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    /// At most this many chain requests or responses are lost (the fetch rejects; the tab
    /// logs it and merges nothing).
    #[serde(default)]
    pub http_failures: u8,
    /// At most this many POST requests or responses are lost (the tab shows an error; a lost
    /// response leaves the render in the database).
    #[serde(default)]
    pub post_failures: u8,
    /// At most this many responses are delivered twice (a retrying proxy).
    #[serde(default)]
    pub duplicates: u8,
    /// At most this many HTTP messages are held back by an extra `extra_delay_ms`.
    #[serde(default)]
    pub extra_delays: u8,
    /// The extra delay of one held-back message. Default 30000.
    #[serde(default = "thirty_seconds")]
    pub extra_delay_ms: u32,
}

fn thirty_seconds() -> u32 {
    30_000
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            http_failures: 0,
            post_failures: 0,
            duplicates: 0,
            extra_delays: 0,
            extra_delay_ms: thirty_seconds(),
        }
    }
}

/// The whole render-sync configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderSyncConfig {
    /// `[topology]`.
    pub topology: Topology,
    /// `[workload]`.
    pub workload: Workload,
    /// `[policies]`.
    pub policies: Policies,
    /// `[faults]`.
    pub faults: Faults,
}

impl RenderSyncConfig {
    /// Where chain reads go, after defaults.
    pub fn chain_reads(&self) -> ChainReads {
        self.policies
            .chain_reads
            .unwrap_or(match self.topology.replica_lag_ms {
                Some(_) => ChainReads::Replica,
                None => ChainReads::Primary,
            })
    }

    /// Checks what the types cannot: ranges and cross-references between sections.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let t = &self.topology;
        for (field, range) in [
            ("topology.http_ms", Some(t.http_ms)),
            ("topology.generation_ms", Some(t.generation_ms)),
            ("topology.replica_lag_ms", t.replica_lag_ms),
            ("topology.persist_ms", t.persist_ms),
        ] {
            if let Some([a, b]) = range {
                if a > b {
                    return Err(ConfigError::new(
                        field,
                        format!(
                            "expected [earliest, latest] with earliest <= latest, found [{a}, {b}]"
                        ),
                    ));
                }
            }
        }
        let p = &self.policies;
        if let Hold::GracePeriodMs(0) = p.hold {
            return Err(ConfigError::new(
                "policies.hold",
                "expected a grace period of at least 1 ms (use hold = \"none\" for no hold)",
            ));
        }
        if p.refresh_delays_ms.len() > MAX_REFRESH_DELAYS {
            return Err(ConfigError::new(
                "policies.refresh_delays_ms",
                format!(
                    "expected at most {MAX_REFRESH_DELAYS} delays, found {}",
                    p.refresh_delays_ms.len()
                ),
            ));
        }
        if p.refresh_delays_ms.windows(2).any(|w| w[0] > w[1]) {
            return Err(ConfigError::new(
                "policies.refresh_delays_ms",
                format!(
                    "expected delays in increasing order, found {:?}",
                    p.refresh_delays_ms
                ),
            ));
        }
        if p.poll_ms == Some(0) {
            return Err(ConfigError::new(
                "policies.poll_ms",
                "expected a poll interval of at least 1 ms (omit it for no polling)",
            ));
        }
        if let Some(every) = p.poll_ms {
            // Polling lasts at most the grace period, or until the replica (or the late save)
            // has the completed row and one more round trip answered.
            let lasts = match p.hold {
                Hold::None => 0,
                Hold::GracePeriodMs(n) => n as u64,
                Hold::UntilConfirmed => {
                    let latest = |r: Option<[u32; 2]>| r.map_or(0, |[_, b]| b as u64);
                    latest(t.replica_lag_ms) + latest(t.persist_ms) + 4 * t.http_ms[1] as u64
                }
            };
            if lasts / every as u64 > MAX_POLLS {
                return Err(ConfigError::new(
                    "policies.poll_ms",
                    format!(
                        "polling every {every} ms for up to {lasts} ms is more than {MAX_POLLS} polls; raise poll_ms"
                    ),
                ));
            }
        }
        if p.chain_reads == Some(ChainReads::Replica) && t.replica_lag_ms.is_none() {
            return Err(ConfigError::new(
                "policies.chain_reads",
                "chain reads go to the replica but the topology has none (set topology.replica_lag_ms)",
            ));
        }
        if self.faults.extra_delays > 0 && self.faults.extra_delay_ms == 0 {
            return Err(ConfigError::new(
                "faults.extra_delay_ms",
                "expected an extra delay of at least 1 ms",
            ));
        }
        Ok(())
    }
}
