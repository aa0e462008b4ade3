//! `syncsim fuzz`: finds a violation under the shipped policies and shrinks it to a minimal
//! workload written as a scenario that `check` then meets; same seed, same file; a correct
//! policy set finds nothing; a bad policies file is a usage error with its position.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn syncsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_syncsim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn only_file(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

#[test]
fn the_shipped_policy_yields_a_minimal_regression_that_check_meets() {
    let dir = out_dir("fuzz-shipped");
    let o = syncsim(&[
        "fuzz",
        "--policies",
        "fuzz/004-shipped.toml",
        "--cases",
        "64",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let file = only_file(&dir);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("no_lost_url-") && name.ends_with(".toml"),
        "{name}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    // Shrunk to the textbook case: two single-image saves on one scene, no faults.
    assert_eq!(text.matches("[[workload.saves]]").count(), 2, "{text}");
    assert!(text.contains("write_errors = 0"), "{text}");
    let check = syncsim(&["check", file.to_str().unwrap()]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn the_same_seed_writes_the_same_file() {
    let run = |dir: &str| {
        let d = out_dir(dir);
        syncsim(&[
            "fuzz",
            "--policies",
            "fuzz/004-check-then-write.toml",
            "--cases",
            "64",
            "--seed",
            "9",
            "--out",
            d.to_str().unwrap(),
        ]);
        let f = only_file(&d);
        (
            f.file_name().unwrap().to_owned(),
            std::fs::read_to_string(f).unwrap(),
        )
    };
    assert_eq!(run("fuzz-a"), run("fuzz-b"));
}

#[test]
fn a_correct_policy_set_finds_nothing() {
    let dir = out_dir("fuzz-correct");
    std::fs::create_dir_all(&dir).unwrap();
    let policies = dir.join("policies.toml");
    std::fs::write(
        &policies,
        "world = \"save_race\"\n[policies]\nsave = \"atomic_append\"\nscene_missing = \"retry\"\n",
    )
    .unwrap();
    let o = syncsim(&[
        "fuzz",
        "--policies",
        policies.to_str().unwrap(),
        "--cases",
        "48",
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(!dir.join("out").exists());
}

#[test]
fn a_bad_policies_file_is_a_usage_error_with_its_position() {
    let dir = out_dir("fuzz-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let policies = dir.join("bad.toml");
    std::fs::write(
        &policies,
        "world = \"save_race\"\n[policies]\nsave = \"nope\"\n",
    )
    .unwrap();
    let o = syncsim(&["fuzz", "--policies", policies.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.toml:3:8: unknown variant `nope`"),
        "{err}"
    );
}
