//! What a scenario says about the job-status world: topology, workload, policies and faults.
//! These types are deserialized straight from the scenario's TOML sections (unknown keys are
//! errors) and documented field by field in `scenarios/README.md`; they serialize back to the
//! same TOML (`syncsim fuzz` writes regression scenarios with them).

use serde::{Deserialize, Serialize};

pub use crate::world::ConfigError;

/// `[topology]`: network delays and what the worker may do.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    /// One WebSocket hop (handshake, or one server push), `[earliest, latest]` ms.
    pub ws_ms: [u32; 2],
    /// One HTTP leg (request reaching the API, or response reaching the tab), `[earliest,
    /// latest]` ms. Responses of different requests may overtake each other.
    pub http_ms: [u32; 2],
    /// Whether the worker may end the job in `failed` instead of `completed`.
    #[serde(default)]
    pub worker_may_fail: bool,
}

/// `[workload]`: the job's timeline and what the user and the page do, all bounded.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// `pending → running` this long after the job is created, `[earliest, latest]` ms.
    pub start_ms: [u32; 2],
    /// `running → completed` this long after it started, `[earliest, latest]` ms.
    pub run_ms: [u32; 2],
    /// The tab polls `GET /generation-jobs/{id}` this often while it shows a non-terminal job.
    pub poll_interval_ms: u32,
    /// At most this many polls per page load (the bound that keeps polling finite).
    pub polls: u8,
    /// The server answers the client's keepalive ping with a `pong` this often on an open
    /// socket.
    #[serde(default = "pong_interval")]
    pub pong_interval_ms: u32,
    /// At most this many `pong`s in a run.
    #[serde(default)]
    pub pongs: u8,
    /// The user may reload the page this many times (memory lost, `localStorage` kept).
    #[serde(default)]
    pub reloads: u8,
    /// When the reloads may happen, `[earliest, latest]` ms after the job was created (the
    /// last reload must happen by `latest`). Absent: at any moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reload_at_ms: Option<[u32; 2]>,
    /// `GenerationPage` may re-render for unrelated reasons this many times (the "~15 s idle"
    /// re-render); each re-render re-reads `localStorage` through `usePersistedState`.
    #[serde(default)]
    pub idle_renders: u8,
    /// The user may press Cancel this many times (only while the card shows a non-terminal
    /// status).
    #[serde(default)]
    pub cancels: u8,
}

fn pong_interval() -> u32 {
    3000
}

/// A merge guard: which incoming updates a copy of the job rejects.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Guard {
    /// Accept everything.
    None,
    /// Reject a non-terminal status over a terminal one.
    Terminal,
    /// Reject an update whose `updated_at` is older than the current one (an update without
    /// `updated_at` cannot be compared and is accepted, as `new Date(undefined) < x` is false).
    UpdatedAt,
    /// Both checks.
    Both,
}

impl Guard {
    /// Whether a copy now holding `current` accepts `incoming`.
    pub fn accepts(
        self,
        current: Option<crate::job_status::Snap>,
        incoming: crate::job_status::Snap,
    ) -> bool {
        let Some(cur) = current else { return true };
        let terminal = matches!(self, Guard::Terminal | Guard::Both);
        let dated = matches!(self, Guard::UpdatedAt | Guard::Both);
        if terminal && cur.status.is_terminal() && !incoming.status.is_terminal() {
            return false;
        }
        if dated
            && incoming.updated_at != 0
            && cur.updated_at != 0
            && incoming.updated_at < cur.updated_at
        {
            return false;
        }
        true
    }
}

/// The merge guard of each update source.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Guards {
    /// Poll (and refresh) responses applied to `GenerationProgress`.
    pub poll: Guard,
    /// WebSocket messages applied to `GenerationProgress`.
    pub websocket: Guard,
    /// The parent's `initialGeneration` prop applied by the child's `useEffect`.
    pub parent_props: Guard,
    /// `usePersistedState` re-reading `localStorage` into the parent on a later render.
    pub rehydrate: Guard,
}

/// A number, or `"none"` for no limit.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Limit {
    /// A limit.
    Some(u32),
    /// `"none"`.
    Word(NoneWord),
}

/// The word `"none"`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NoneWord {
    /// No limit.
    None,
}

impl Limit {
    /// The limit, if any.
    pub fn get(self) -> Option<u32> {
        match self {
            Limit::Some(n) => Some(n),
            Limit::Word(_) => None,
        }
    }
}

/// What the card does when the cancel request fails (422 or a network error).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CancelPolicy {
    /// The old fallback: show `cancelled` anyway.
    ForceCancelledLocally,
    /// The working notes' fix: show the error and refresh the job from the server (a `GET`
    /// applied through the poll guard).
    #[serde(rename = "refresh_after_422")]
    RefreshAfter422,
}

/// When `GenerationProgress` tells its parent about its state.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Broadcast {
    /// After every `setState`, even one that changed nothing: the parent stores a new object,
    /// the prop changes identity, the child's prop effect runs again (the "maximum update
    /// depth" loop).
    EveryUpdate,
    /// Only when status or `updated_at` changed (the working notes' guard).
    OnChange,
}

/// Who writes `localStorage['generation:active-job']`, and when.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Persist {
    /// As shipped: `usePersistedState`'s effect writes the parent's state after the parent
    /// learned it from the child (two effects later than the screen).
    ParentEffect,
    /// The card writes every update it accepts in the same step it renders it, so storage is
    /// never behind the screen.
    OnApply,
}

/// `[policies]`: the choices the app makes.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Policies {
    /// The merge guard of each update source.
    pub guards: Guards,
    /// Drop `{type: 'pong'}` keepalives before the status handler (else a pong is normalized
    /// into a `pending` update without `updated_at`).
    pub pong_filter: bool,
    /// Do not open (or re-open) the WebSocket while the card shows a terminal job.
    pub skip_ws_for_terminal: bool,
    /// Reconnect attempts after a close before falling back to polling, or `"none"`.
    pub reconnect_cap: Limit,
    /// Delay before a reconnect, ms.
    #[serde(default = "thousand")]
    pub reconnect_backoff_ms: u32,
    /// Remove the persisted job this long after the card reports a terminal status, or
    /// `"none"`. The timer is a `setTimeout`: a reload loses it.
    pub clear_persisted_after_terminal_ms: Limit,
    /// What a failed cancel shows.
    pub cancel: CancelPolicy,
    /// When the card tells its parent.
    pub broadcast: Broadcast,
    /// Who writes `localStorage`, and when.
    pub persist: Persist,
}

fn thousand() -> u32 {
    1000
}

/// `[faults]`: what the environment may do.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    /// Demo mode: the backend closes every WebSocket right after the handshake.
    #[serde(default)]
    pub demo_mode: bool,
    /// At most this many open sockets are dropped by the network (in-flight pushes lost).
    #[serde(default)]
    pub ws_disconnects: u8,
    /// At most this many WebSocket messages are delivered twice.
    #[serde(default)]
    pub ws_duplicates: u8,
    /// At most this many HTTP requests fail (network error, no body).
    #[serde(default)]
    pub http_failures: u8,
}

/// The whole job-status configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobStatusConfig {
    /// `[topology]`.
    pub topology: Topology,
    /// `[workload]`.
    pub workload: Workload,
    /// `[policies]`.
    pub policies: Policies,
    /// `[faults]`.
    pub faults: Faults,
}

impl JobStatusConfig {
    /// Checks what the types cannot: ranges.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for (field, [a, b]) in [
            ("topology.ws_ms", self.topology.ws_ms),
            ("topology.http_ms", self.topology.http_ms),
            ("workload.start_ms", self.workload.start_ms),
            ("workload.run_ms", self.workload.run_ms),
            (
                "workload.reload_at_ms",
                self.workload.reload_at_ms.unwrap_or([0, 0]),
            ),
        ] {
            if a > b {
                return Err(ConfigError::new(
                    field,
                    format!(
                        "expected [earliest, latest] with earliest <= latest, found [{a}, {b}]"
                    ),
                ));
            }
        }
        if self.workload.poll_interval_ms == 0 {
            return Err(ConfigError::new(
                "workload.poll_interval_ms",
                "expected a positive interval",
            ));
        }
        if self.workload.pong_interval_ms == 0 {
            return Err(ConfigError::new(
                "workload.pong_interval_ms",
                "expected a positive interval",
            ));
        }
        if self.policies.reconnect_cap.get().is_some_and(|n| n > 50) {
            return Err(ConfigError::new(
                "policies.reconnect_cap",
                "expected at most 50 reconnects, or \"none\"",
            ));
        }
        Ok(())
    }
}
