//! Incident 001: job status oscillates between `pending` and `completed` in the UI.
//!
//! A generation job runs on the server (`pending → running → completed | failed | cancelled`,
//! each change bumping `updated_at`). One browser tab watches it through a WebSocket (status
//! pushes, keepalive `pong`s, server-side closes, capped reconnects) and HTTP polling, and
//! renders it in the child component `GenerationProgress`. The parent `GenerationPage` keeps
//! its own copy in `usePersistedState('generation:active-job')`, backed by `localStorage`, and
//! passes it back down as a prop. As shipped, the parent's stale copy (rehydrated from
//! `localStorage`, or simply not yet updated) clobbers the child's terminal status, the
//! keepalive `pong` is read as a status, reconnects never stop in demo mode, and a cancel that
//! answers 422 is shown as `cancelled`.
//!
//! Every update path has its own merge guard ([`config::Guard`]); the report's fixes (prop
//! guards, auto-clear of the persisted job, skipping the WebSocket for terminal jobs, a
//! reconnect cap) are policies of [`config::Policies`]. The invariants are in
//! `invariants.rs`: `no_terminal_downgrade`, `cancel_respects_terminal`, `bounded_churn`,
//! `converges`, and the `sometimes` property `job_completed_on_screen`.

pub mod config;
mod describe;
mod http;
mod invariants;
mod job;
mod tab;
mod world;
mod ws;

pub use config::JobStatusConfig;
pub use http::{HttpKind, HttpMsg};
pub use job::{CancelAnswer, Job, Snap, Status};
pub use tab::Tab;
pub use world::{JobEvent, JobStatus, JobStatusState};
pub use ws::{Ws, WsMsg, WsPhase};
