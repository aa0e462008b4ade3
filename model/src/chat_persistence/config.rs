//! What a scenario says about the chat-persistence world: browsers and tabs, the prompts the
//! users send, the report's policies, and the faults the environment may inject. Deserialized
//! straight from the scenario's TOML sections (unknown keys are errors) and documented field by
//! field in `scenarios/README.md`; serialized back to the same TOML (absent options stay
//! absent) when `syncsim fuzz` writes a generated workload as a scenario.

use serde::{Deserialize, Serialize};

pub use crate::world::ConfigError;

/// The most tabs, over all browsers, one scenario may open.
pub const MAX_TABS: usize = 4;
/// The most image attachments one scenario may produce (history plus generated): attachments
/// are bits of a [`UrlSet`](crate::names::UrlSet), and small sets keep the state small.
pub const MAX_IMAGES: usize = 8;

/// What the browsers' localStorage holds when the scenario starts.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "snake_case")]
pub enum InitialCache {
    /// No cache: a fresh browser (the report's "session recovery test").
    #[default]
    None,
    /// A cache of the active session written by the shipped code (singular codec): the
    /// history's messages without their images. This is what every user has on the day the
    /// codec fix is deployed.
    Singular,
    /// A cache of the active session written by the plural codec: the history with its images.
    Plural,
}

/// `[topology]`: browsers, their tabs, and the delay windows of every transport.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    /// Tabs open on the chat page, per browser: `[2]` is one browser with two tabs, `[1, 1]`
    /// two browsers (devices) with one tab each. 1 to 4 tabs in all.
    pub tabs: Vec<usize>,
    /// localStorage of every browser at the start.
    #[serde(default)]
    pub initial_cache: InitialCache,
    /// One HTTP round trip (`findActiveSession`, `loadMessages`, the generator's reply),
    /// `[earliest, latest]` ms; untimed if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_ms: Option<[u32; 2]>,
    /// The image generator, from prompt to the `chat_attachments` insert; untimed if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_ms: Option<[u32; 2]>,
    /// BroadcastChannel delivery to another tab of the same browser; untimed if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broadcast_ms: Option<[u32; 2]>,
    /// Realtime INSERT notification delivery, from commit to the tab's handler; untimed if
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realtime_ms: Option<[u32; 2]>,
    /// How long `.subscribe()` takes to join the realtime channel; absent: the subscription is
    /// active as soon as it is opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realtime_join_ms: Option<[u32; 2]>,
}

/// One prompt a user sends from one tab; the generator answers it with `images` images in one
/// AI message.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Generation {
    /// The tab (1-based, counted over all browsers in order) the prompt is sent from.
    pub tab: usize,
    /// Images in the reply (its `chat_attachments` rows).
    #[serde(default = "one")]
    pub images: usize,
}

fn one() -> usize {
    1
}

/// `[workload]`: what the users do. Every user action is optional in time (the explorer
/// places it anywhere), and the counts bound the state space.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Images already in the database when the scenario starts (one earlier message).
    #[serde(default)]
    pub history_images: usize,
    /// Prompts, sent in this order per tab; a tab sends its next prompt once it knows the
    /// session and its previous reply has arrived.
    #[serde(default)]
    pub generations: Vec<Generation>,
    /// At most this many page reloads (F5) in all, of any tab, at any time.
    #[serde(default)]
    pub reloads: u8,
    /// At most this many tab closes in all.
    #[serde(default)]
    pub closes: u8,
    /// When a user may reload: `any_time` (default; also while a prompt is being answered,
    /// whose reply is then lost) or `when_idle` (only when the tab has no prompt in flight:
    /// the report's refresh test, "generate, then refresh").
    #[serde(default)]
    pub reload: ReloadWhen,
}

/// When a user may reload a tab.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReloadWhen {
    /// At any time while the page is mounted.
    #[default]
    AnyTime,
    /// Only while the tab waits for no reply.
    WhenIdle,
}

/// How `updateCache()` writes messages to localStorage and the initial load reads them back.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CacheCodec {
    /// As shipped: `attachment: m.attachment`. Messages carry their images in
    /// `attachments[]` (database hydration and the generator's reply), so no image is stored
    /// and none is read back.
    Singular,
    /// Phases 1-2: `attachments: m.attachments`, written and read.
    Plural,
}

/// What tells a tab that another tab (or device) produced an image.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CrossTabSignal {
    /// Nothing: a tab learns of other tabs' images only when it loads.
    None,
    /// Option A (as shipped): after the reply, the generating tab posts "chat updated" on its
    /// browser's BroadcastChannel; each listening tab of that browser re-reads the cache.
    BroadcastChannel,
    /// Option B: each tab subscribes to `chat_attachments` INSERTs once it knows the session;
    /// each notification reloads the messages from the database.
    Realtime,
}

/// How a tab applies messages it loads (from the database, or from the cache on a signal).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ApplyLoaded {
    /// As in the report: `setMessages(loaded)`, replacing what the tab shows, even when the
    /// response is older than what the tab already shows.
    Replace,
    /// Merge by message id: keep what the tab shows and add what was loaded (messages and
    /// attachments are never deleted in this chat, so the union is the newest truth).
    Merge,
}

/// `[policies]`: the choices the report discusses.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Policies {
    /// `singular` (as shipped) or `plural` (phases 1-2).
    pub cache_codec: CacheCodec,
    /// `true` as shipped: `syncWithDatabase` returns when `cached.sessionId === session.id`;
    /// `false` is phase 3 (always reload from the database on mount).
    pub cache_short_circuit: bool,
    /// `none`, `broadcast_channel` (Option A, as shipped) or `realtime` (Option B).
    pub cross_tab_signal: CrossTabSignal,
    /// `realtime` only: reload the messages once the subscription is joined (`SUBSCRIBED`),
    /// closing the gap between the mount load and the join. The report's code does not.
    #[serde(default)]
    pub resync_on_subscribe: bool,
    /// `replace` (as in the report) or `merge`.
    #[serde(default = "replace")]
    pub apply_loaded: ApplyLoaded,
    /// A failed `loadMessages` is retried after `[earliest, latest]` ms. Absent (as shipped):
    /// the `catch` logs it and the tab keeps what it shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_retry_ms: Option<[u32; 2]>,
}

fn replace() -> ApplyLoaded {
    ApplyLoaded::Replace
}

/// `[faults]`: what the environment may do, each a choice the explorer may or may not make.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    /// At most this many `loadMessages` requests fail (network error, 5xx).
    #[serde(default)]
    pub http_failures: u8,
    /// At most this many BroadcastChannel messages are lost.
    #[serde(default)]
    pub broadcast_drops: u8,
    /// At most this many realtime notifications are lost (e.g. during a socket reconnect).
    #[serde(default)]
    pub realtime_drops: u8,
}

/// The whole chat-persistence configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatPersistenceConfig {
    /// `[topology]`.
    pub topology: Topology,
    /// `[workload]`.
    pub workload: Workload,
    /// `[policies]`.
    pub policies: Policies,
    /// `[faults]`.
    pub faults: Faults,
}

impl ChatPersistenceConfig {
    /// Checks what the types cannot: ranges and cross-references between sections.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let err = |field: &str, message: String| Err(ConfigError::new(field, message));
        let t = &self.topology;
        let tabs: usize = t.tabs.iter().sum();
        if tabs == 0 || tabs > MAX_TABS || t.tabs.contains(&0) {
            return err(
                "topology.tabs",
                format!(
                    "expected 1 to {MAX_TABS} tabs in all, at least one per browser, found {:?}",
                    t.tabs
                ),
            );
        }
        for (i, g) in self.workload.generations.iter().enumerate() {
            if g.tab == 0 || g.tab > tabs {
                return err(
                    &format!("workload.generations[{i}].tab"),
                    format!("expected a tab from 1 to {tabs}, found {}", g.tab),
                );
            }
            if g.images == 0 {
                return err(
                    &format!("workload.generations[{i}].images"),
                    "expected at least 1 image".into(),
                );
            }
        }
        let images: usize = self.workload.history_images
            + self
                .workload
                .generations
                .iter()
                .map(|g| g.images)
                .sum::<usize>();
        if images > MAX_IMAGES {
            return err(
                "workload.generations",
                format!("expected at most {MAX_IMAGES} images in all (history included), found {images}"),
            );
        }
        for (field, range) in [
            ("topology.http_ms", t.http_ms),
            ("topology.generation_ms", t.generation_ms),
            ("topology.broadcast_ms", t.broadcast_ms),
            ("topology.realtime_ms", t.realtime_ms),
            ("topology.realtime_join_ms", t.realtime_join_ms),
            ("policies.load_retry_ms", self.policies.load_retry_ms),
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
        if self.policies.resync_on_subscribe
            && self.policies.cross_tab_signal != CrossTabSignal::Realtime
        {
            return err(
                "policies.resync_on_subscribe",
                "only meaningful with cross_tab_signal = \"realtime\"".into(),
            );
        }
        Ok(())
    }
}
