//! Incident 003: chat images disappear on page refresh and never reach other tabs.
//!
//! The Creative Director chat keeps its messages in React state, mirrors them into a
//! localStorage cache (`updateCache()` through a cache codec), and hydrates from Supabase
//! (`chat_sessions` / `chat_messages` / `chat_attachments`) in `syncWithDatabase`. As shipped
//! the codec stores the singular `attachment` and drops `attachments[]`, and
//! `syncWithDatabase` returns early when `cached.sessionId === session.id`, so a refreshed tab
//! renders an image-less cache and never reloads the attachments from the database.
//!
//! The world holds one or more browsers (each with its localStorage and its BroadcastChannel),
//! their tabs with their page lifecycle (render from cache, mount effects, reload, close), the
//! database, the image generator (one job per prompt), HTTP requests with delay windows and
//! the realtime subscription. The policies ([`config::Policies`]) are the report's phases:
//! the cache codec, the cache short-circuit, the cross-tab signal (none, BroadcastChannel or
//! Supabase Realtime) and how a tab applies what it loads.

mod browser;
pub mod config;
mod describe;
mod invariants;
mod tab;
mod world;

pub use browser::Cache;
pub use config::ChatPersistenceConfig;
pub use tab::{Job, JobStage, Page, Request, Sub, Tab};
pub use world::{ChatEvent, ChatPersistence, ChatState};
