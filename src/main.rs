//! The `syncsim` command line: check scenarios, list them, replay a trace.
//!
//! Exit codes mean one thing each: 0 every expectation met (or the trace reproduced), 1 some
//! expectation not met (or the trace did not reproduce), 2 a usage or scenario error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use syncsim::runner::{self, Options, StrategyChoice, Verdict};
use syncsim::scenario::collect_files;
use syncsim::{output, with_model, worlds};
use syncsim_backends::Backend;
use syncsim_engine::replay::replay;
use syncsim_engine::trace::Trace;

const MET: u8 = 0;
const NOT_MET: u8 = 1;
const USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "syncsim",
    version,
    about = "Deterministic concurrency simulation for state-sync bugs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check scenarios and judge their expectations (default: everything under scenarios/).
    Check {
        /// Scenario files or directories.
        paths: Vec<PathBuf>,
        /// Exploration strategy, overriding each scenario's own.
        #[arg(long, value_parser = parse_strategy)]
        strategy: Option<StrategyChoice>,
        /// Base seed for the random strategy.
        #[arg(long)]
        seed: Option<u64>,
        /// Number of runs for the random strategy.
        #[arg(long)]
        runs: Option<u64>,
        /// Longest trace explored, in events.
        #[arg(long)]
        max_depth: Option<usize>,
        /// Most distinct states explored.
        #[arg(long)]
        max_states: Option<u64>,
        /// Wall-clock budget per scenario, in milliseconds (a run cut short is `bounded`).
        #[arg(long)]
        max_time_ms: Option<u64>,
        /// PCT bug depth d (d-1 priority change points).
        #[arg(long, value_name = "D")]
        depth: Option<usize>,
        /// Run the model under an oracle library instead of the engine's strategies.
        #[arg(long, value_parser = parse_backend)]
        backend: Option<Backend>,
        /// Switch symmetry reduction off (for comparison).
        #[arg(long)]
        no_symmetry: bool,
        /// Switch sleep-set partial-order reduction off (for comparison).
        #[arg(long)]
        no_sleep_sets: bool,
        /// Keep counterexamples as found instead of shrinking them.
        #[arg(long)]
        no_shrink: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write each violation's trace as DIR/<scenario>.json, for `syncsim replay`.
        #[arg(long, value_name = "DIR")]
        save_traces: Option<PathBuf>,
    },
    /// Generate random workloads under a policy set; write the first violating one, shrunk,
    /// as a regression scenario. Exit 0: no violation in N cases; 1: a regression was written.
    Fuzz {
        /// A TOML file with `world = "..."` and a `[policies]` section.
        #[arg(long, value_name = "FILE")]
        policies: PathBuf,
        /// How many workloads to try.
        #[arg(long, default_value_t = 256)]
        cases: u32,
        /// Seed of the workload generator.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Where to write the regression scenario.
        #[arg(long, value_name = "DIR", default_value = "scenarios/regressions")]
        out: PathBuf,
    },
    /// Check every scenario and write the verdict table (default reports/README.md).
    Report {
        /// Scenario files or directories (default: scenarios/).
        paths: Vec<PathBuf>,
        /// Where to write the markdown table.
        #[arg(long, value_name = "FILE", default_value = "reports/README.md")]
        out: PathBuf,
    },
    /// List scenarios with their expectations.
    List {
        /// Scenario files or directories (default: scenarios/).
        paths: Vec<PathBuf>,
    },
    /// Re-execute a trace file written by `check --save-traces`; exit 0 if it reproduces.
    Replay {
        /// The trace file (JSON).
        trace: PathBuf,
        /// The scenario to replay against (default: the one recorded in the trace).
        #[arg(long)]
        scenario: Option<PathBuf>,
    },
}

/// Rust ignores SIGPIPE, so `println!` panics when the reader of a pipe goes away
/// (`syncsim check | head`). A command-line tool should end quietly instead, as `cat` does.
#[cfg(unix)]
fn restore_default_sigpipe() {
    extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    // SAFETY: called once at start-up, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_default_sigpipe() {}

fn parse_strategy(s: &str) -> Result<StrategyChoice, String> {
    s.parse()
}

fn parse_backend(s: &str) -> Result<Backend, String> {
    s.parse()
        .map_err(|e: syncsim_backends::UnknownBackend| e.to_string())
}

fn main() -> ExitCode {
    restore_default_sigpipe();
    let cli = Cli::parse();
    ExitCode::from(match cli.command {
        Command::Check {
            paths,
            strategy,
            seed,
            runs,
            max_depth,
            max_states,
            max_time_ms,
            depth,
            backend,
            no_symmetry,
            no_sleep_sets,
            no_shrink,
            format,
            save_traces,
        } => {
            let opts = Options {
                strategy,
                seed,
                runs,
                max_depth,
                max_states,
                max_time_ms,
                pct_depth: depth,
                backend,
                no_symmetry,
                no_sleep_sets,
                no_shrink,
            };
            check(paths, &opts, format, save_traces.as_deref())
        }
        Command::List { paths } => list(paths),
        Command::Report { paths, out } => report(paths, &out),
        Command::Fuzz {
            policies,
            cases,
            seed,
            out,
        } => fuzz(&policies, cases, seed, &out),
        Command::Replay { trace, scenario } => replay_trace(&trace, scenario.as_deref()),
    })
}

fn scenario_files(paths: Vec<PathBuf>) -> Result<Vec<PathBuf>, u8> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("scenarios")]
    } else {
        paths
    };
    match collect_files(&paths) {
        Ok(files) if files.is_empty() => {
            eprintln!(
                "error: no scenario files (*.toml) under {}",
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Err(USAGE)
        }
        Ok(files) => Ok(files),
        Err(e) => {
            eprintln!("error: {e}");
            Err(USAGE)
        }
    }
}

fn check(paths: Vec<PathBuf>, opts: &Options, format: Format, save_traces: Option<&Path>) -> u8 {
    let files = match scenario_files(paths) {
        Ok(f) => f,
        Err(code) => return code,
    };
    if let Some(dir) = save_traces {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("error: cannot create {}: {e}", dir.display());
            return USAGE;
        }
    }
    let (mut met, mut not_met, mut errors) = (0, 0, 0);
    let mut records = Vec::new();
    for file in &files {
        let result = worlds::load(file)
            .map_err(|e| e.to_string())
            .and_then(|s| runner::check(&s, opts));
        let checked = match result {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                errors += 1;
                continue;
            }
        };
        if let (Some(dir), Some(trace)) = (save_traces, &checked.trace) {
            let stem = file
                .file_stem()
                .map_or_else(|| "trace".into(), |s| s.to_string_lossy().into_owned());
            let path = dir.join(format!("{stem}.json"));
            if let Err(e) = std::fs::write(&path, trace.to_json() + "\n") {
                eprintln!("error: cannot write {}: {e}", path.display());
                errors += 1;
            }
        }
        match checked.verdict {
            Verdict::Met => met += 1,
            Verdict::NotMet => not_met += 1,
        }
        match format {
            Format::Text => {
                println!("{}", output::summary_line(&checked));
                if checked.verdict == Verdict::NotMet {
                    if let Some(t) = &checked.trace {
                        for line in t.render().lines() {
                            println!("       {line}");
                        }
                    }
                    if let Some(seed) = checked
                        .seed
                        .filter(|_| checked.strategy == "random" && checked.trace.is_some())
                    {
                        println!("       reproduce: syncsim check {} --strategy random --seed {seed} --runs 1", checked.file);
                    }
                }
            }
            Format::Json => records.push(output::to_json(&checked)),
        }
    }
    match format {
        Format::Text => println!(
            "{} scenarios: {met} met, {not_met} not met, {errors} errors",
            files.len()
        ),
        Format::Json => {
            let doc = serde_json::json!({ "scenarios": records, "met": met, "not_met": not_met, "errors": errors });
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("JSON values serialize")
            );
        }
    }
    if errors > 0 {
        USAGE
    } else if not_met > 0 {
        NOT_MET
    } else {
        MET
    }
}

fn fuzz(policies: &Path, cases: u32, seed: u64, out: &Path) -> u8 {
    match syncsim::fuzz::fuzz(policies, cases, seed, out) {
        Err(e) => {
            eprintln!("error: {e}");
            USAGE
        }
        Ok(report) => match report.found {
            None => {
                println!("fuzz: no violation in {} cases (seed {seed}); each case explored exhaustively or to its budget", report.cases);
                MET
            }
            Some((invariant, path)) => {
                println!(
                    "fuzz: a workload violates {invariant}; shrunk and written to {}",
                    path.display()
                );
                println!("check it: syncsim check {}", path.display());
                NOT_MET
            }
        },
    }
}

fn report(paths: Vec<PathBuf>, out: &Path) -> u8 {
    let files = match scenario_files(paths) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let mut loaded = Vec::new();
    let mut code = MET;
    for file in &files {
        match worlds::load(file).map_err(|e| e.to_string()).and_then(|s| {
            let c = runner::check(&s, &Options::default())?;
            Ok((s, c))
        }) {
            Ok((s, c)) => {
                if c.verdict == Verdict::NotMet {
                    code = code.max(NOT_MET);
                }
                loaded.push((s, c));
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = USAGE;
            }
        }
    }
    let rows: Vec<syncsim::report::Row> = loaded
        .iter()
        .map(|(scenario, checked)| syncsim::report::Row { scenario, checked })
        .collect();
    let text = syncsim::report::render(&rows);
    if let Err(e) = std::fs::write(out, text) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return USAGE;
    }
    println!("wrote {} ({} scenarios)", out.display(), rows.len());
    code
}

fn list(paths: Vec<PathBuf>) -> u8 {
    let files = match scenario_files(paths) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let mut code = MET;
    for file in &files {
        match worlds::load(file) {
            Ok(s) => println!(
                "{:<48} {:<28} {}",
                s.meta.name,
                s.meta.expect.to_string(),
                file.display()
            ),
            Err(e) => {
                eprintln!("error: {e}");
                code = USAGE;
            }
        }
    }
    code
}

fn replay_trace(trace_file: &Path, scenario: Option<&Path>) -> u8 {
    let text = match std::fs::read_to_string(trace_file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", trace_file.display());
            return USAGE;
        }
    };
    let trace: Trace = match serde_json::from_str(&text) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "error: {}:{}:{}: not a syncsim trace: {e}",
                trace_file.display(),
                e.line(),
                e.column()
            );
            return USAGE;
        }
    };
    let scenario_path = match (scenario, &trace.scenario) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(p)) => PathBuf::from(p),
        (None, None) => {
            eprintln!(
                "error: {} does not name its scenario; pass --scenario FILE",
                trace_file.display()
            );
            return USAGE;
        }
    };
    let scenario = match worlds::load(&scenario_path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let replayed = with_model!(&scenario.world, m => replay(m, &trace.steps).map(|r| (r.violation, r.steps_run)));
    match replayed {
        Err(divergence) => {
            println!("diverged: {divergence}");
            NOT_MET
        }
        Ok((violation, steps_run)) => {
            print!("{}", trace.render());
            if violation == trace.violation {
                println!(
                    "reproduced: {} of {} steps, same outcome",
                    steps_run,
                    trace.steps.len()
                );
                MET
            } else {
                let got = violation.map_or("no violation".to_string(), |v| {
                    format!("{}: {}", v.property, v.message)
                });
                println!("not reproduced: after {steps_run} steps the replay ends in {got}");
                NOT_MET
            }
        }
    }
}
