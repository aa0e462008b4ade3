//! The scenario file: one TOML file per scenario, documented field by field in
//! `scenarios/README.md`. Loading is two passes over the same text: the first reads only
//! `world` to learn which sections to expect, the second reads the whole file strictly
//! (unknown keys are errors), so every error carries the file, line and column.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

/// What a scenario expects of its exploration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// No property fails, explored exhaustively within the budget.
    Pass,
    /// This property fails.
    Violates(String),
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Pass => write!(f, "pass"),
            Expect::Violates(p) => write!(f, "violates {p}"),
        }
    }
}

impl<'de> Deserialize<'de> for Expect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Expect;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, r#""pass" or {{ violates = "<invariant>" }}"#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Expect, E> {
                if v == "pass" {
                    Ok(Expect::Pass)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Expect, A::Error> {
                let mut violates = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "violates" {
                        violates = Some(map.next_value::<String>()?);
                    } else {
                        return Err(de::Error::unknown_field(&key, &["violates"]));
                    }
                }
                violates
                    .map(Expect::Violates)
                    .ok_or_else(|| de::Error::missing_field("violates"))
            }
        }
        d.deserialize_any(V)
    }
}

/// `[budget]`: how far exploration may go. Every field is optional.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BudgetSection {
    /// The longest trace explored, in events.
    pub max_depth: Option<usize>,
    /// The most distinct states (random walks: steps) explored.
    pub max_states: Option<u64>,
    /// Wall-clock milliseconds allowed. A run cut by time is `bounded`, never a pass.
    pub max_time_ms: Option<u64>,
}

/// `[explore]`: how the scenario is explored by default (the CLI may override).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExploreSection {
    /// `dfs`, `bfs` or `random`. Default: `bfs` for an expected violation (shortest trace),
    /// `dfs` for an expected pass.
    pub strategy: Option<String>,
    /// Base seed for `random`.
    pub seed: Option<u64>,
    /// Runs for `random`.
    pub runs: Option<u64>,
}

/// A scenario file with the sections of one world.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile<T, W, P, F: Default> {
    /// Display name; default: the file's stem.
    pub name: Option<String>,
    /// What the scenario shows, in a sentence or two.
    pub description: Option<String>,
    /// The incident report it models (`"004"`).
    pub incident: Option<String>,
    /// `before`, `fix`, `correct`, `bench` or `regression`.
    pub variant: Option<String>,
    /// Which lines of the incident report it models.
    pub models: Option<String>,
    /// Which world the sections describe.
    pub world: String,
    /// The expectation.
    pub expect: Spanned<Expect>,
    /// `[topology]`.
    pub topology: T,
    /// `[workload]`.
    pub workload: W,
    /// `[policies]`.
    pub policies: P,
    /// `[faults]`.
    #[serde(default)]
    pub faults: F,
    /// `[budget]`.
    #[serde(default)]
    pub budget: BudgetSection,
    /// `[explore]`.
    #[serde(default)]
    pub explore: ExploreSection,
}

/// The parts of a scenario every world shares, once its world-specific sections were taken.
#[derive(Clone, Debug)]
pub struct Meta {
    /// The file it came from, as given.
    pub file: PathBuf,
    /// Display name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Incident number.
    pub incident: Option<String>,
    /// Variant.
    pub variant: Option<String>,
    /// Expectation.
    pub expect: Expect,
    /// Where `expect` is in the file (line, column), for errors about it.
    pub expect_at: (usize, usize),
    /// Budget section.
    pub budget: BudgetSection,
    /// Explore section.
    pub explore: ExploreSection,
}

impl<T, W, P, F: Default> ScenarioFile<T, W, P, F> {
    /// Splits off the shared parts.
    pub fn into_parts(self, file: &Path, text: &str) -> (Meta, T, W, P, F) {
        let name = self.name.unwrap_or_else(|| {
            file.file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into())
        });
        let expect_at = line_col(text, self.expect.span().start);
        let meta = Meta {
            file: file.to_path_buf(),
            name,
            description: self.description,
            incident: self.incident,
            variant: self.variant,
            expect: self.expect.into_inner(),
            expect_at,
            budget: self.budget,
            explore: self.explore,
        };
        (
            meta,
            self.topology,
            self.workload,
            self.policies,
            self.faults,
        )
    }
}

/// A scenario that cannot be loaded: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line and column, when the error has a place in the file.
    pub at: Option<(usize, usize)>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some((line, col)) => write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                line,
                col,
                self.message
            ),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for ScenarioError {}

/// 1-based line and column of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Where `key = ` first appears as a line's key in `text` (for errors about a field that
/// serde accepted but the world rejected): the last dotted segment is searched, after the
/// section named by the first one.
pub fn locate_field(text: &str, dotted: &str) -> Option<(usize, usize)> {
    let mut segments = dotted.split('.');
    let section = segments.next()?;
    let key = dotted.rsplit('.').next()?.split('[').next()?;
    let mut in_section = false;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            in_section = trimmed.trim_start_matches('[').starts_with(section);
            continue;
        }
        if in_section || !dotted.contains('.') {
            let k = trimmed.split(['=', ' ']).next().unwrap_or("");
            if k == key {
                return Some((n + 1, line.len() - trimmed.len() + 1));
            }
            if let Some(pos) = line.find(&format!("{key} =")) {
                return Some((n + 1, pos + 1));
            }
        }
    }
    None
}

/// A TOML error from the `toml` crate, placed in the file.
pub fn toml_error(file: &Path, text: &str, e: toml::de::Error) -> ScenarioError {
    let at = e.span().map(|s| line_col(text, s.start));
    ScenarioError {
        file: file.to_path_buf(),
        at,
        message: e.message().trim().to_string(),
    }
}

/// Reads only the `world` key, to learn which sections the file should have.
pub fn world_of(file: &Path, text: &str) -> Result<Spanned<String>, ScenarioError> {
    #[derive(Deserialize)]
    struct WorldOnly {
        world: Option<Spanned<String>>,
    }
    let w: WorldOnly = toml::from_str(text).map_err(|e| toml_error(file, text, e))?;
    w.world.ok_or_else(|| ScenarioError {
        file: file.to_path_buf(),
        at: Some((1, 1)),
        message: format!(
            "missing key `world`, expected one of {}",
            crate::worlds::WORLDS.join(", ")
        ),
    })
}

/// Every `*.toml` file under the given paths (files or directories), sorted, skipping
/// nothing silently: a path that does not exist is an error.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out).map_err(|e| format!("{}: {e}", p.display()))?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(line_col("a\nbc\n", 3), (2, 2));
        assert_eq!(line_col("abc", 0), (1, 1));
    }

    #[test]
    fn a_field_is_located_inside_its_section() {
        let text = "world = \"x\"\n[topology]\nscenes = 9\n[workload]\nscenes = 1\n";
        assert_eq!(locate_field(text, "topology.scenes"), Some((3, 1)));
        assert_eq!(locate_field(text, "workload.saves[0].scene"), None);
    }
}
