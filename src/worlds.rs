//! Which world a scenario builds. A scenario names its world (`world = "save_race"`); this
//! module parses that world's sections, builds the model, and dispatches generic code to the
//! concrete model type with [`with_model!`](crate::with_model).
//!
//! Adding a world takes one line in each of: [`WORLDS`], [`World`], [`parse`] and
//! [`with_model!`](crate::with_model).

use std::path::Path;

use syncsim_engine::Model;
use syncsim_model::chat_persistence::ChatPersistence;
use syncsim_model::generation_dedup::GenerationDedup;
use syncsim_model::job_status::JobStatus;
use syncsim_model::render_sync::RenderSync;
use syncsim_model::save_race::SaveRace;
use syncsim_model::World as WorldConfig;

use crate::scenario::{
    line_col, locate_field, toml_error, world_of, Expect, Meta, ScenarioError, ScenarioFile,
};

/// The worlds a scenario can name.
pub const WORLDS: &[&str] = &[
    SaveRace::NAME,
    ChatPersistence::NAME,
    JobStatus::NAME,
    GenerationDedup::NAME,
    RenderSync::NAME,
];

/// A built world, ready to explore.
#[derive(Clone, Debug)]
pub enum World {
    /// Incident 004: concurrent saves into one JSONB column.
    SaveRace(SaveRace),
    /// Incident 002: one 410 fires three generations of one background.
    GenerationDedup(GenerationDedup),
    /// Incident 001: job status oscillates between pending and completed.
    JobStatus(JobStatus),
    /// Incident 003: chat images lost on refresh and across tabs.
    ChatPersistence(ChatPersistence),
    /// Incident 000: chat renders disappear before they appear in the DB.
    RenderSync(RenderSync),
}

/// Runs `$body` with `$m` bound to the concrete model inside `$world` (a `&World` or
/// `&mut World`).
#[macro_export]
macro_rules! with_model {
    ($world:expr, $m:ident => $body:expr) => {
        match $world {
            $crate::worlds::World::SaveRace($m) => $body,
            $crate::worlds::World::GenerationDedup($m) => $body,
            $crate::worlds::World::JobStatus($m) => $body,
            $crate::worlds::World::ChatPersistence($m) => $body,
            $crate::worlds::World::RenderSync($m) => $body,
        }
    };
}

/// A loaded scenario: its shared parts and its world.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Name, expectation, budget, …
    pub meta: Meta,
    /// The world to explore.
    pub world: World,
}

/// Loads and validates one scenario file.
pub fn load(file: &Path) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(file).map_err(|e| ScenarioError {
        file: file.to_path_buf(),
        at: None,
        message: format!("cannot read the file: {e}"),
    })?;
    parse(file, &text)
}

/// Parses and validates scenario text (`file` is used for messages only).
pub fn parse(file: &Path, text: &str) -> Result<Scenario, ScenarioError> {
    let world = world_of(file, text)?;
    let scenario = match world.get_ref().as_str() {
        SaveRace::NAME => build(file, text, World::SaveRace)?,
        GenerationDedup::NAME => build(file, text, World::GenerationDedup)?,
        JobStatus::NAME => build(file, text, World::JobStatus)?,
        ChatPersistence::NAME => build(file, text, World::ChatPersistence)?,
        RenderSync::NAME => build(file, text, World::RenderSync)?,
        other => {
            return Err(ScenarioError {
                file: file.to_path_buf(),
                at: Some(line_col(text, world.span().start)),
                message: format!(
                    "unknown world `{other}`, expected one of {}",
                    WORLDS.join(", ")
                ),
            })
        }
    };
    check_expectation(&scenario)?;
    Ok(scenario)
}

fn build<W: WorldConfig>(
    file: &Path,
    text: &str,
    wrap: fn(W) -> World,
) -> Result<Scenario, ScenarioError> {
    let f: ScenarioFile<W::Topology, W::Workload, W::Policies, W::Faults> =
        toml::from_str(text).map_err(|e| toml_error(file, text, e))?;
    let (meta, topology, workload, policies, faults) = f.into_parts(file, text);
    let model = W::build(topology, workload, policies, faults).map_err(|e| ScenarioError {
        file: file.to_path_buf(),
        at: locate_field(text, &e.field),
        message: format!("`{}`: {}", e.field, e.message),
    })?;
    Ok(Scenario {
        meta,
        world: wrap(model),
    })
}

fn check_expectation(s: &Scenario) -> Result<(), ScenarioError> {
    let Expect::Violates(name) = &s.meta.expect else {
        return Ok(());
    };
    let known: Vec<&'static str> =
        with_model!(&s.world, m => m.properties().iter().map(|p| p.name).collect());
    if known.contains(&name.as_str()) {
        Ok(())
    } else {
        Err(ScenarioError {
            file: s.meta.file.clone(),
            at: Some(s.meta.expect_at),
            message: format!(
                "unknown invariant `{name}` in `expect`, expected one of {}",
                known.join(", ")
            ),
        })
    }
}
