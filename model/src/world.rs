//! What every world offers the harness: the four scenario sections it reads, and how to build
//! itself from them. The CLI uses this to load any world's scenario file the same way.

use serde::de::DeserializeOwned;
use syncsim_engine::Model;

/// A configuration that cannot describe a world, with the field at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The dotted path of the field (`workload.saves[1].scene`).
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl ConfigError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A world a scenario file can describe with `[topology]`, `[workload]`, `[policies]` and
/// `[faults]` sections. Each section type rejects unknown keys.
pub trait World: Model + Sized {
    /// The name scenarios give in `world = "…"`.
    const NAME: &'static str;
    /// `[topology]`.
    type Topology: DeserializeOwned;
    /// `[workload]`.
    type Workload: DeserializeOwned;
    /// `[policies]`.
    type Policies: DeserializeOwned;
    /// `[faults]` (may be omitted from the file).
    type Faults: DeserializeOwned + Default;
    /// Builds the world, or names the field that is wrong.
    fn build(
        topology: Self::Topology,
        workload: Self::Workload,
        policies: Self::Policies,
        faults: Self::Faults,
    ) -> Result<Self, ConfigError>;
    /// Switches symmetry reduction on or off, where the world has any (for benchmarks and
    /// soundness tests); the default ignores it.
    fn set_symmetry(&mut self, _on: bool) {}
}
