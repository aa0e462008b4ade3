//! Incident 000: chat renders disappear before they appear in the database. The chat tab
//! creates the render locally from the `POST /api/renders` response, then refreshes the chain
//! (staggered refreshes, polling, the user coming back to the tab); the chain's `renders` are
//! read from a replica that lags the primary, and HTTP responses may arrive out of order. The
//! message merge replaced the local render with the chain's view before the render reached
//! the replica; the shipped fix holds the local render for a 60 s grace period (or until a
//! refresh confirms it completed), stores the whole render in `recentGenerationRef`, and
//! merges with the stored render.
//!
//! Components: the [`tab`] (chat message, canvas, `recentGenerationRef`, refresh timers,
//! merge), the API server (creates the render, persists it to the primary), the
//! database ([`db`]: primary and lagging replica), and HTTP ([`http`]: unordered, with loss,
//! duplication and extra delay as faults). Policies are in [`config`]; the invariants
//! `render_never_disappears`, `converges` and `render_shown_from_db` are documented in
//! `invariants.rs` and in `scenarios/README.md`.

pub mod config;
pub mod db;
mod describe;
pub mod http;
mod invariants;
pub mod tab;
mod world;

pub use config::RenderSyncConfig;
pub use world::{FaultBudget, RenderEvent, RenderSync, RenderSyncState, Server};
