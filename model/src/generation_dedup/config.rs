//! What a scenario says about the generation-dedup world: topology, workload, policies and
//! faults. These types are deserialized straight from the scenario's TOML sections (unknown
//! keys are errors) and documented field by field in `scenarios/README.md`; they serialize
//! back to the same TOML (absent options stay absent) so `syncsim fuzz` can write generated
//! workloads as scenarios. This file only describes and validates; it does not run anything.

use serde::{Deserialize, Serialize};

pub use crate::world::ConfigError;

/// The most tabs (of one browser) a scenario may open.
pub const MAX_TABS: usize = 2;
/// The most server instances behind the load balancer.
pub const MAX_INSTANCES: usize = 3;
/// The most POSTs a run may send (request ids are bits of a `u32`), duplicates included.
pub const MAX_REQUESTS: usize = 30;

/// `[topology]`: tabs, server instances and the latency of each hop.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    /// Tabs of the same browser (1 or 2); they share `localStorage`.
    #[serde(default = "one")]
    pub tabs: usize,
    /// Server instances behind the load balancer (1 to 3); each request may be routed to any.
    #[serde(default = "one")]
    pub server_instances: usize,
    /// One HTTP hop (request or response), `[earliest, latest]` ms; untimed if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_ms: Option<[u32; 2]>,
    /// One database round trip, `[earliest, latest]` ms; untimed if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_latency_ms: Option<[u32; 2]>,
    /// `GET /images/{id}` from setting the image's `src` to its load or error event,
    /// `[earliest, latest]` ms; untimed if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_load_ms: Option<[u32; 2]>,
}

fn one() -> usize {
    1
}

/// What the browser's `localStorage` background reference holds when the first tab opens.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum InitialRef {
    /// Nothing: the first load asks the server for a background.
    None,
    /// The incident's start: `img_123` (here `img-0`), whose file is gone and whose record
    /// is gone too, so `GET /images/img-0` answers 410.
    Deleted,
}

/// `[workload]`: what the user does and how the background hook reacts.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// User-initiated page loads per tab (1 to 3). A tab opens again only once everything it
    /// started has settled.
    #[serde(default = "one_u8")]
    pub loads_per_tab: u8,
    /// The `localStorage` reference at the start.
    #[serde(default = "deleted")]
    pub initial_ref: InitialRef,
    /// The key already has a good record and file (`img-1`, from an earlier visit) when the
    /// run starts; the stale `localStorage` reference still answers 410.
    #[serde(default)]
    pub stored_image: bool,
    /// The calls to `generateBackground` the hook makes when the background answers 410, as
    /// their `forceRefresh` flags, in order (as shipped: `[true, false, false]`).
    #[serde(default = "shipped_burst")]
    pub on_image_gone: Vec<bool>,
    /// Delay before each call of that burst, `[earliest, latest]` ms (as shipped: the three
    /// POSTs leave within 8 ms); untimed if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_gap_ms: Option<[u32; 2]>,
    /// How long the image API (DALL-E) takes, `[earliest, latest]` ms; untimed if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_ms: Option<[u32; 2]>,
    /// How many 410s per page load a tab reacts to (1 to 3); after that it shows its fallback
    /// and stops asking. This bounds the 410 loop; `bounded_churn` fails at the second 410.
    #[serde(default = "one_u8")]
    pub max_recoveries: u8,
}

fn one_u8() -> u8 {
    1
}
fn deleted() -> InitialRef {
    InitialRef::Deleted
}
fn shipped_burst() -> Vec<bool> {
    vec![true, false, false]
}

/// `server_lock`: what an instance does before calling the image API.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ServerLock {
    /// As shipped: every request that missed generates.
    None,
    /// The report's `activeGenerations` map: a request that finds the key in its own
    /// instance's map waits for that promise and answers with its result.
    InProcess,
}

/// `db_write`: how a generated image is recorded in `generated_images`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum DbWrite {
    /// As shipped: a plain `INSERT` after generating. A `forceRefresh` request first deletes
    /// the files of the key's records it sees (with `replaced_file = "delete"`), but not the
    /// records.
    Insert,
    /// The report's "upsert": `BEGIN; SELECT … LIMIT 1`; if found, `cleanupOldFile` then
    /// `UPDATE`, else `INSERT`; `COMMIT` (READ COMMITTED).
    SelectThenInsert,
    /// `INSERT … ON CONFLICT (key) DO UPDATE` after generating, then delete the replaced file
    /// (with `replaced_file = "delete"`). Needs `unique_constraint`.
    UpsertOnConflict,
    /// Claim the key before generating: `INSERT (key, pending) ON CONFLICT DO NOTHING`; only
    /// the claimer calls the image API and then `UPDATE`s the row; others wait for the row to
    /// be ready. A failed generation deletes the claim. Needs `unique_constraint`.
    ClaimThenUpdate,
}

/// `force_refresh`: what a request with `forceRefresh: true` means to the server.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ForceRefresh {
    /// As shipped: skip the cache and the database lookup and generate a replacement.
    Regenerate,
    /// Treat it as a normal request.
    Ignore,
}

/// `replaced_file`: what happens to the file of an image a write replaces.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ReplacedFile {
    /// As shipped and in the report's upsert (`cleanupOldFile`): delete it.
    Delete,
    /// Keep it (old files are collected offline, once nothing can point to them).
    Keep,
}

/// `cache`: the server-side read-through cache of the key's image.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CacheScope {
    /// No cache.
    Off,
    /// One cache per instance, in its memory; an instance invalidates only its own entry.
    PerInstance,
    /// One cache every instance shares (Redis-like); invalidation is seen by all.
    Shared,
}

/// `[policies]`: the choices the app makes.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Policies {
    /// Client: trailing-edge debounce of `generateBackground`, ms (0: none, as shipped; the
    /// report's fix: 200). The last call's `forceRefresh` wins.
    #[serde(default)]
    pub debounce_ms: u32,
    /// Client: the in-flight request map keyed by conditions (the report's `requestCache`).
    #[serde(default)]
    pub inflight_dedup: bool,
    /// Client: whether a `forceRefresh` call bypasses the in-flight map (as in the report).
    #[serde(default = "yes")]
    pub force_refresh_bypasses_dedup: bool,
    /// Server: `none` or `in_process`.
    #[serde(default = "no_lock")]
    pub server_lock: ServerLock,
    /// Database write.
    #[serde(default = "insert")]
    pub db_write: DbWrite,
    /// `UNIQUE (user_id, location, weather_condition, time_of_day, season)`.
    #[serde(default)]
    pub unique_constraint: bool,
    /// Server meaning of `forceRefresh: true`.
    #[serde(default = "regenerate")]
    pub force_refresh: ForceRefresh,
    /// What happens to a replaced image's file.
    #[serde(default = "delete")]
    pub replaced_file: ReplacedFile,
    /// The periodic orphan cleanup (the report: hourly), ms; absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orphan_cleanup_interval_ms: Option<u32>,
    /// Server-side cache.
    #[serde(default = "cache_off")]
    pub cache: CacheScope,
    /// Cache entry lifetime, ms; absent: entries live until invalidated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_ttl_ms: Option<u32>,
}

fn yes() -> bool {
    true
}
fn no_lock() -> ServerLock {
    ServerLock::None
}
fn insert() -> DbWrite {
    DbWrite::Insert
}
fn regenerate() -> ForceRefresh {
    ForceRefresh::Regenerate
}
fn delete() -> ReplacedFile {
    ReplacedFile::Delete
}
fn cache_off() -> CacheScope {
    CacheScope::Off
}

/// `[faults]`: what the environment may do, each at most this many times per run (each a
/// choice the explorer may or may not make).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    /// Image API calls that fail.
    #[serde(default)]
    pub generator_failures: u8,
    /// HTTP requests or responses lost (the tab sees a network error).
    #[serde(default)]
    pub http_drops: u8,
    /// HTTP requests delivered twice (a proxy retry); the tab reads only one response.
    #[serde(default)]
    pub http_duplicates: u8,
    /// HTTP messages held back by an extra `http_delay_ms`.
    #[serde(default)]
    pub http_delays: u8,
    /// The extra delay of a delayed message, ms.
    #[serde(default = "second")]
    pub http_delay_ms: u32,
}

fn second() -> u32 {
    1000
}

/// The whole generation-dedup configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DedupConfig {
    /// `[topology]`.
    pub topology: Topology,
    /// `[workload]`.
    pub workload: Workload,
    /// `[policies]`.
    pub policies: Policies,
    /// `[faults]`.
    pub faults: Faults,
}

impl DedupConfig {
    /// The most POSTs a run can send: every load may start with one call and every reacted-to
    /// 410 fires the whole burst; duplicates add copies.
    pub fn max_posts(&self) -> usize {
        let w = &self.workload;
        self.topology.tabs
            * w.loads_per_tab as usize
            * (1 + w.max_recoveries as usize * w.on_image_gone.len())
    }

    /// Checks what the types cannot: ranges and combinations PostgreSQL would refuse.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |field: &str, message: String| Err(ConfigError::new(field, message));
        let t = &self.topology;
        let w = &self.workload;
        let p = &self.policies;
        if t.tabs == 0 || t.tabs > MAX_TABS {
            return err(
                "topology.tabs",
                format!("expected 1 to {MAX_TABS}, found {}", t.tabs),
            );
        }
        if t.server_instances == 0 || t.server_instances > MAX_INSTANCES {
            return err(
                "topology.server_instances",
                format!(
                    "expected 1 to {MAX_INSTANCES}, found {}",
                    t.server_instances
                ),
            );
        }
        if w.loads_per_tab == 0 || w.loads_per_tab > 3 {
            return err(
                "workload.loads_per_tab",
                format!("expected 1 to 3, found {}", w.loads_per_tab),
            );
        }
        if w.on_image_gone.is_empty() || w.on_image_gone.len() > 4 {
            return err(
                "workload.on_image_gone",
                format!("expected 1 to 4 calls, found {}", w.on_image_gone.len()),
            );
        }
        if w.max_recoveries == 0 || w.max_recoveries > 3 {
            return err(
                "workload.max_recoveries",
                format!("expected 1 to 3, found {}", w.max_recoveries),
            );
        }
        for (field, range) in [
            ("topology.http_ms", t.http_ms),
            ("topology.db_latency_ms", t.db_latency_ms),
            ("topology.image_load_ms", t.image_load_ms),
            ("workload.call_gap_ms", w.call_gap_ms),
            ("workload.generation_ms", w.generation_ms),
        ] {
            if let Some([a, b]) = range {
                if a > b {
                    return err(
                        field,
                        format!(
                            "expected [earliest, latest] with earliest <= latest, found [{a}, {b}]"
                        ),
                    );
                }
            }
        }
        if self.faults.http_duplicates > 3 {
            return err(
                "faults.http_duplicates",
                format!("expected 0 to 3, found {}", self.faults.http_duplicates),
            );
        }
        let posts = self.max_posts() * (1 + self.faults.http_duplicates as usize);
        if posts > MAX_REQUESTS {
            return err(
                "workload",
                format!(
                    "this workload may send {posts} POSTs, the model holds at most {MAX_REQUESTS}"
                ),
            );
        }
        let needs_unique = matches!(
            p.db_write,
            DbWrite::UpsertOnConflict | DbWrite::ClaimThenUpdate
        );
        if needs_unique && !p.unique_constraint {
            return err(
                "policies.db_write",
                "ON CONFLICT needs a unique constraint on the key (PostgreSQL: \"there is no unique or exclusion constraint matching the ON CONFLICT specification\"); set unique_constraint = true".into(),
            );
        }
        if p.db_write == DbWrite::ClaimThenUpdate && p.force_refresh == ForceRefresh::Regenerate {
            return err(
                "policies.force_refresh",
                "claim_then_update models force_refresh = \"ignore\" only".into(),
            );
        }
        if p.cache == CacheScope::Off && p.cache_ttl_ms.is_some() {
            return err(
                "policies.cache_ttl_ms",
                "a TTL needs a cache (set policies.cache)".into(),
            );
        }
        if p.orphan_cleanup_interval_ms == Some(0) {
            return err(
                "policies.orphan_cleanup_interval_ms",
                "expected a positive interval".into(),
            );
        }
        Ok(())
    }
}
