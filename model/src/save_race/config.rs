//! What a scenario says about the save-race world: topology, workload, policies and faults.
//! These types are deserialized straight from the scenario's TOML sections (unknown keys are
//! errors) and documented field by field in `scenarios/README.md`.

use serde::{Deserialize, Serialize};

use crate::db::MAX_SCENES;
pub use crate::world::ConfigError;

/// The most savers (image tasks) one scenario may run: URLs are bits of a `u32`.
pub const MAX_SAVERS: usize = 16;

/// `[topology]`: the project row, its replica, and scenes that do not exist yet.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    /// Scenes in the project's `generated_output` (1 to 4).
    pub scenes: usize,
    /// Scenes (1-based) that the pipeline has not created yet when the saves start; each is
    /// created later, within `scene_created_ms`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub late_scenes: Vec<usize>,
    /// When a late scene gets created, `[earliest, latest]` ms after the start; untimed if
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scene_created_ms: Option<[u32; 2]>,
    /// A read replica that applies the primary's commits after a lag in this window,
    /// `[earliest, latest]` ms. Absent: no replica.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_lag_ms: Option<[u32; 2]>,
    /// How long one database round trip takes, `[earliest, latest]` ms; untimed if absent
    /// (any delay, which over-approximates every real latency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_latency_ms: Option<[u32; 2]>,
}

/// One group of image tasks for one scene.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SaveGroup {
    /// The scene (1-based) the images belong to.
    pub scene: usize,
    /// How many images of that scene are generated and saved concurrently.
    #[serde(default = "one")]
    pub images: usize,
}

fn one() -> usize {
    1
}

/// `[workload]`: the image tasks `generate-all-images` runs with `Promise.allSettled`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// The tasks, by scene.
    pub saves: Vec<SaveGroup>,
    /// How long the image API takes per image, `[earliest, latest]` ms. Absent: the save
    /// starts at once (the textbook lost-update model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_ms: Option<[u32; 2]>,
}

/// How a task saves its URL into its scene.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum SavePolicy {
    /// As shipped: fetch the whole document, add the URL in memory, write the whole document
    /// back.
    ReadModifyWrite,
    /// The report's "compare `updated_at` before and after": fetch, then re-read the version
    /// and compare, then write — three separate steps.
    CheckThenWrite,
    /// Fetch, then `UPDATE … WHERE version = $read_version`; a 0-row update is a conflict.
    CasRetry,
    /// One atomic `jsonb_set(… || $url)` append.
    AtomicAppend,
    /// `BEGIN; SELECT … FOR UPDATE`, modify, `UPDATE`, `COMMIT`.
    SelectForUpdate,
}

/// Which failures make a task try again.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum RetryPolicy {
    /// As shipped: retry only when the database returns an error; a detected conflict
    /// (0-row update, changed version) is ignored and the task reports success.
    OnError,
    /// Retry on errors and also re-read and retry on a detected conflict.
    OnConflict,
}

/// What a task does when its scene is not in the document it read (or a scene-guarded
/// append affects 0 rows).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum SceneMissingPolicy {
    /// As shipped: log "Scene not found" and return; the caller logs "Saved".
    SilentReturn,
    /// Back off and try again, as for an error.
    Retry,
}

/// Where a task's plain reads go.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ReadFrom {
    /// The primary: always the last committed document.
    Primary,
    /// The read replica (requires `topology.replica_lag_ms`).
    Replica,
}

/// `[policies]`: the choices the app makes.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Policies {
    /// How a task saves.
    pub save: SavePolicy,
    /// Which failures are retried. Default: `on_conflict` for `cas_retry` and
    /// `check_then_write` (their whole point), `on_error` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryPolicy>,
    /// Attempts before a task gives up after errors (as shipped: 5). A task that gives up
    /// reports failure, which is not a lost URL.
    #[serde(default = "five")]
    pub max_attempts: u8,
    /// Backoff before attempt n+1 is `retry_backoff_ms * n` (as shipped: 100).
    #[serde(default = "hundred")]
    pub retry_backoff_ms: u32,
    /// What a task does when its scene is missing.
    #[serde(default = "silent_return")]
    pub scene_missing: SceneMissingPolicy,
    /// Where plain reads go.
    #[serde(default = "primary")]
    pub read_from: ReadFrom,
}

fn five() -> u8 {
    5
}
fn hundred() -> u32 {
    100
}
fn silent_return() -> SceneMissingPolicy {
    SceneMissingPolicy::SilentReturn
}
fn primary() -> ReadFrom {
    ReadFrom::Primary
}

impl Policies {
    /// The retry policy in force, after defaults.
    pub fn retry(&self) -> RetryPolicy {
        self.retry.unwrap_or(match self.save {
            SavePolicy::CasRetry | SavePolicy::CheckThenWrite => RetryPolicy::OnConflict,
            _ => RetryPolicy::OnError,
        })
    }
}

/// `[faults]`: what the environment may do to the app.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    /// At most this many database writes fail with an error in one run (each one a choice the
    /// scheduler may or may not make).
    #[serde(default)]
    pub write_errors: u8,
}

/// The whole save-race configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveRaceConfig {
    /// `[topology]`.
    pub topology: Topology,
    /// `[workload]`.
    pub workload: Workload,
    /// `[policies]`.
    pub policies: Policies,
    /// `[faults]`.
    pub faults: Faults,
}

impl SaveRaceConfig {
    /// Checks what the types cannot: ranges and cross-references between sections.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |field: &str, message: String| {
            Err(ConfigError {
                field: field.into(),
                message,
            })
        };
        let scenes = self.topology.scenes;
        if scenes == 0 || scenes > MAX_SCENES {
            return err(
                "topology.scenes",
                format!("expected 1 to {MAX_SCENES} scenes, found {scenes}"),
            );
        }
        for (i, &s) in self.topology.late_scenes.iter().enumerate() {
            if s == 0 || s > scenes {
                return err(
                    &format!("topology.late_scenes[{i}]"),
                    format!("expected a scene from 1 to {scenes}, found {s}"),
                );
            }
        }
        let total: usize = self.workload.saves.iter().map(|g| g.images).sum();
        if total == 0 || total > MAX_SAVERS {
            return err(
                "workload.saves",
                format!("expected 1 to {MAX_SAVERS} images in all, found {total}"),
            );
        }
        for (i, g) in self.workload.saves.iter().enumerate() {
            if g.scene == 0 || g.scene > scenes {
                return err(
                    &format!("workload.saves[{i}].scene"),
                    format!(
                        "expected a scene from 1 to {scenes} (topology.scenes), found {}",
                        g.scene
                    ),
                );
            }
        }
        for (field, range) in [
            ("workload.generation_ms", self.workload.generation_ms),
            ("topology.replica_lag_ms", self.topology.replica_lag_ms),
            ("topology.scene_created_ms", self.topology.scene_created_ms),
            ("topology.db_latency_ms", self.topology.db_latency_ms),
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
        if self.policies.read_from == ReadFrom::Replica && self.topology.replica_lag_ms.is_none() {
            return err(
                "policies.read_from",
                "reads go to the replica but the topology has none (set topology.replica_lag_ms)"
                    .into(),
            );
        }
        if self.policies.max_attempts == 0 {
            return err(
                "policies.max_attempts",
                "expected at least 1 attempt".into(),
            );
        }
        Ok(())
    }
}
