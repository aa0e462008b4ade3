//! The `syncsim` binary as a user meets it: exit codes (0 met, 1 not met, 2 usage or
//! scenario error), error messages with file, line and column, replay of saved traces, and
//! byte-identical traces across two processes for the same seed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn syncsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_syncsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn scenario_file(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

const GOOD: &str = r#"world = "save_race"
expect = { violates = "no_lost_url" }
[topology]
scenes = 1
[workload]
saves = [{ scene = 1, images = 2 }]
[policies]
save = "read_modify_write"
"#;

#[test]
fn a_met_expectation_exits_0_and_an_unmet_one_exits_1() {
    let dir = temp_dir("met");
    let met = scenario_file(&dir, "met.toml", GOOD);
    let o = syncsim(&["check", &met]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("1 scenarios: 1 met, 0 not met, 0 errors"));

    let unmet = scenario_file(
        &dir,
        "unmet.toml",
        &GOOD.replace(r#"{ violates = "no_lost_url" }"#, r#""pass""#),
    );
    let o = syncsim(&["check", &unmet]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains("FAIL"), "{out}");
    assert!(
        out.contains("VIOLATED no_lost_url"),
        "the unmet scenario shows its trace: {out}"
    );
}

#[test]
fn a_budget_cut_is_never_a_pass() {
    let dir = temp_dir("bounded");
    let f = scenario_file(
        &dir,
        "b.toml",
        &GOOD
            .replace("read_modify_write", "atomic_append")
            .replace(r#"{ violates = "no_lost_url" }"#, r#""pass""#),
    );
    assert_eq!(syncsim(&["check", &f]).status.code(), Some(0));
    let o = syncsim(&["check", &f, "--max-depth", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("bounded by depth"),
        "{}",
        text(&o.stdout)
    );
    let o = syncsim(&["check", &f, "--strategy", "random", "--runs", "10"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a random search without violation is bounded, not a pass"
    );
}

#[test]
fn scenario_errors_name_file_line_and_column_and_exit_2() {
    let dir = temp_dir("errors");
    let cases = [
        ("unknown-key.toml", GOOD.replace("scenes = 1", "scenes = 1\nscens = 2"), ":5:1: unknown field `scens`, expected one of"),
        ("bad-type.toml", GOOD.replace("scenes = 1", "scenes = \"one\""), ":4:10: invalid type: string \"one\", expected usize"),
        ("bad-policy.toml", GOOD.replace("read_modify_write", "yolo"), ":8:8: unknown variant `yolo`, expected one of `read_modify_write`"),
        ("bad-world.toml", GOOD.replace("save_race", "mars"), ":1:9: unknown world `mars`, expected one of save_race"),
        ("bad-invariant.toml", GOOD.replace("no_lost_url", "no_lost_urls"), ":2:10: unknown invariant `no_lost_urls` in `expect`, expected one of no_lost_url"),
        ("bad-expect.toml", GOOD.replace(r#"{ violates = "no_lost_url" }"#, r#""fail""#), ":2:10: invalid value: string \"fail\", expected \"pass\" or { violates = \"<invariant>\" }"),
        ("bad-scene.toml", GOOD.replace("scene = 1,", "scene = 3,"), ":6:"),
        ("syntax.toml", GOOD.replace("[policies]", "[policies"), ":7:10:"),
    ];
    for (name, body, expected) in cases {
        let f = scenario_file(&dir, name, &body);
        let o = syncsim(&["check", &f]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = text(&o.stderr);
        assert!(err.contains(&format!("{f}{expected}")), "{name}: {err}");
    }
    let o = syncsim(&["check", "no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no/such/dir: no such file or directory"));
}

#[test]
fn a_bad_flag_prints_usage_and_exits_2() {
    let o = syncsim(&["check", "--strategy", "psychic"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("unknown strategy `psychic`, expected one of dfs, bfs, random"),
        "{err}"
    );
    assert!(err.contains("Usage:") || err.contains("--help"), "{err}");
    assert_eq!(syncsim(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn the_json_document_has_one_record_per_scenario() {
    let o = syncsim(&["check", "scenarios/incidents", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let doc: serde_json::Value = serde_json::from_str(&text(&o.stdout)).unwrap();
    let records = doc["scenarios"].as_array().unwrap();
    assert!(records.len() >= 10);
    for r in records {
        for key in [
            "name",
            "file",
            "expect",
            "verdict",
            "outcome",
            "invariant",
            "states",
            "transitions",
            "elapsed_ms",
            "trace",
        ] {
            assert!(r.get(key).is_some(), "missing {key} in {r}");
        }
        assert_eq!(r["verdict"], "met");
    }
}

#[test]
fn saved_traces_replay_and_a_changed_trace_names_the_diverging_step() {
    let dir = temp_dir("replay");
    let o = syncsim(&[
        "check",
        "scenarios/incidents",
        "--save-traces",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let trace = dir.join("004-shipped-two-images-one-scene.json");
    let o = syncsim(&["replay", trace.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert!(text(&o.stdout).contains("reproduced: 6 of 6 steps"));

    let tampered = std::fs::read_to_string(&trace).unwrap().replace(
        "(v0: scene-1.imageUrls = [])",
        "(v9: scene-1.imageUrls = [])",
    );
    let bad = dir.join("tampered.json");
    std::fs::write(&bad, tampered).unwrap();
    let o = syncsim(&["replay", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(
        out.contains("diverged: step 2 `saver-1 fetches generated_output (v9"),
        "{out}"
    );
    assert!(out.contains("enabled there:"), "{out}");

    std::fs::write(&bad, "{ not json").unwrap();
    let o = syncsim(&["replay", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("not a syncsim trace"));
}

#[test]
fn the_same_seed_gives_byte_identical_traces_across_processes() {
    let run = || {
        let o = syncsim(&[
            "check",
            "scenarios/incidents/004-shipped-across-scenes.toml",
            "--strategy",
            "random",
            "--seed",
            "20261121",
            "--runs",
            "500",
            "--format",
            "json",
        ]);
        let doc: serde_json::Value = serde_json::from_str(&text(&o.stdout)).unwrap();
        serde_json::to_string(&doc["scenarios"][0]["trace"]).unwrap()
    };
    let (a, b) = (run(), run());
    assert!(
        a.contains("saver-"),
        "the random search finds the violation: {a}"
    );
    assert_eq!(a, b);
}

#[test]
fn list_shows_every_scenario_with_its_expectation() {
    let o = syncsim(&["list"]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert!(out.contains("violates no_lost_url"));
    assert!(out.contains("scenarios/bench/lost-update-cas-7.toml"));
}

#[test]
fn a_closed_pipe_ends_the_output_quietly_instead_of_panicking() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_syncsim"))
        .args(["list"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, as with `syncsim list | head -0`
    let out = child.wait_with_output().unwrap();
    assert_ne!(out.status.code(), Some(101), "syncsim panicked");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
