//! Incident 002: duplicate background generations. When the background image answers 410,
//! the frontend fires three `POST /weather/background` in under 8 ms (`forceRefresh`
//! true/false/false); each request checks the database, finds no image and calls DALL-E, so
//! one key costs three generations; the `forceRefresh` job deletes the file of the image it
//! replaces while that image's record stays, and the orphaned record answers 410 on the next
//! request: the loop.
//!
//! The world holds the browser's tabs (each running the background hook, with the optional
//! debounce timer and in-flight map), HTTP channels, server instances behind a load balancer
//! (each with its own `activeGenerations` memory and cache slot), the image API, file
//! storage, and the `generated_images` rows of the key. Every fix the report discusses is a
//! policy ([`config::Policies`]). Invariants: `one_generation_per_key`, `no_orphan_record`,
//! `bounded_churn` (see [`invariants`]). Identical tabs and identical server instances are
//! interchangeable: the fingerprint canonicalizes their order (`symmetry`).

pub mod cache;
pub mod config;
mod describe;
pub mod generator;
pub mod http;
pub mod invariants;
pub mod server;
pub mod storage;
mod symmetry;
pub mod tab;
pub mod table;
mod world;

pub use config::DedupConfig;
pub use world::{img, post, tab_name, DedupEvent, DedupState, FaultBudget, GenerationDedup};
