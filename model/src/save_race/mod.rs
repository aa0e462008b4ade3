//! Incident 004: the `generate-all-images` route runs every image task in parallel, and each
//! task saves its URL into its scene of the project's `generated_output` JSONB column. As
//! shipped, a save fetches the whole document, adds the URL and writes the whole document
//! back, so concurrent saves overwrite each other and URLs logged as "Saved" vanish.
//!
//! The world holds the project [`Row`](crate::db::Row) (and optionally a lagging replica and
//! scenes the pipeline has not created yet) and one saver per image task. A saver's save
//! policy ([`config::SavePolicy`]) decides which database operations it performs, each a
//! separate event. The invariant `no_lost_url` says every URL whose save was acknowledged is
//! in the document once everything has settled.

pub mod config;
mod describe;
mod independence;
mod invariants;
mod saver;
mod symmetry;
mod world;

pub use config::SaveRaceConfig;
pub use saver::{Phase, Saver};
pub use world::{SaveEvent, SaveRace, SaveRaceState};
