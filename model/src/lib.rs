//! # syncsim-model
//!
//! The simulated web app: the components an image-generation app is made of (database,
//! savers of the `generate-all-images` route, …), the policies an app team might choose, and
//! the invariants that say whether the app lost data. Each world implements the engine's
//! [`Model`](syncsim_engine::Model) interface and knows nothing of which strategy explores it.
//!
//! Components shared by several worlds live at the top level ([`db`], [`channel`], [`timer`],
//! [`names`]); each world composes them and implements [`World`] so a scenario file can build it:
//!
//! - [`save_race`] — incident 004: parallel image saves into one JSONB column.
//! - [`render_sync`] — incident 000: chat renders disappear before they appear in the DB.
//! - [`generation_dedup`] — incident 002: one 410 fires three generations of one background.
//! - [`job_status`] — incident 001: job status oscillates between pending and completed.
//! - [`chat_persistence`] — incident 003: chat images lost on refresh and across tabs.
#![deny(missing_docs)]

pub mod channel;
pub mod chat_persistence;
pub mod db;
pub mod generation_dedup;
pub mod job_status;
pub mod names;
pub mod render_sync;
pub mod save_race;
pub mod timer;
pub mod world;

pub use world::{ConfigError, World};
