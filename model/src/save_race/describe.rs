//! How the save-race world reads in a trace: one sentence per event in the incident's own
//! words (fetch, write back, `UPDATE 0`, `SELECT … FOR UPDATE`), and what each step changed in
//! the database and in what the tasks reported.

use syncsim_engine::EventLabel;

use super::config::{ReadFrom, RetryPolicy, SavePolicy, SceneMissingPolicy};
use super::saver::Phase;
use super::world::{SaveEvent, SaveRace, SaveRaceState};
use crate::db::Committed;
use crate::names::{saver, scene, url, url_set};

impl SaveRace {
    fn urls_of(&self, read: &Committed, k: usize) -> String {
        format!(
            "v{}: {}.imageUrls = {}",
            read.version,
            scene(k),
            url_set(read.doc.urls[k])
        )
    }

    fn missing_outcome(&self) -> &'static str {
        match self.config.policies.scene_missing {
            SceneMissingPolicy::SilentReturn => "returns early and reports \"Saved\"",
            SceneMissingPolicy::Retry => "will retry",
        }
    }

    fn conflict_outcome(&self) -> &'static str {
        match self.config.policies.retry() {
            RetryPolicy::OnError => "ignores it and reports \"Saved\"",
            RetryPolicy::OnConflict => "will re-read and retry",
        }
    }

    pub(super) fn describe_event(&self, state: &SaveRaceState, event: &SaveEvent) -> EventLabel {
        match *event {
            SaveEvent::Step(i) => {
                EventLabel::new(saver(i as usize), self.describe_step(state, i as usize))
            }
            SaveEvent::FailWrite(i) => {
                let s = &state.savers[i as usize];
                let fate = if s.attempt + 1 >= self.config.policies.max_attempts {
                    "gives up and reports failure".to_string()
                } else {
                    format!(
                        "will retry after {} ms",
                        self.config.policies.retry_backoff_ms * (s.attempt as u32 + 1)
                    )
                };
                EventLabel::new(
                    saver(i as usize),
                    format!("gets a database error on its write, {fate}"),
                )
            }
            SaveEvent::Replicate => EventLabel::new(
                "replica",
                format!(
                    "catches up with the primary (v{})",
                    state.row.committed.version
                ),
            ),
            SaveEvent::CreateScene(k) => EventLabel::new(
                "pipeline",
                format!("creates {} in generated_output", scene(k as usize)),
            ),
        }
    }

    fn describe_step(&self, state: &SaveRaceState, i: usize) -> String {
        let k = self.scene_of(i);
        let row = &state.row.committed;
        let retry = if state.savers[i].attempt > 0 {
            format!("(attempt {}) ", state.savers[i].attempt + 1)
        } else {
            String::new()
        };
        match (state.savers[i].phase, self.config.policies.save) {
            (Phase::Generating, _) => format!("receives {} for {} from the image API", url(i), scene(k)),
            (Phase::Ready, SavePolicy::AtomicAppend) => {
                if row.doc.has_scene(k) {
                    format!("{retry}appends {} to {}.imageUrls atomically", url(i), scene(k))
                } else {
                    format!("{retry}appends {}: UPDATE 0, {} not found, {}", url(i), scene(k), self.missing_outcome())
                }
            }
            (Phase::Ready, SavePolicy::SelectForUpdate) => {
                if row.doc.has_scene(k) {
                    format!("{retry}BEGIN; SELECT … FOR UPDATE locks the row ({})", self.urls_of(row, k))
                } else {
                    format!("{retry}SELECT … FOR UPDATE: {} not found, ROLLBACK, {}", scene(k), self.missing_outcome())
                }
            }
            (Phase::Ready, _) => {
                let (read, from) = match (self.config.policies.read_from, state.replica) {
                    (ReadFrom::Replica, Some(r)) => (r, " from the replica"),
                    _ => (*row, ""),
                };
                if read.doc.has_scene(k) {
                    format!("{retry}fetches generated_output{from} ({})", self.urls_of(&read, k))
                } else {
                    format!(
                        "{retry}fetches generated_output{from} (v{}): {} not found, {}",
                        read.version,
                        scene(k),
                        self.missing_outcome()
                    )
                }
            }
            (Phase::Fetched(read), SavePolicy::CheckThenWrite) => {
                if row.version == read.version {
                    format!("re-checks updated_at: still v{}", read.version)
                } else {
                    format!("re-checks updated_at: v{} became v{}, {}", read.version, row.version, self.conflict_outcome())
                }
            }
            (Phase::Fetched(read), SavePolicy::CasRetry) => {
                let new = url_set(read.doc.with_url(k, i).urls[k]);
                if row.version == read.version {
                    format!("UPDATE … WHERE version = {} with {}.imageUrls = {}: UPDATE 1, reports \"Saved\"", read.version, scene(k), new)
                } else {
                    format!(
                        "UPDATE … WHERE version = {} with {}.imageUrls = {}: UPDATE 0 (row is v{}), {}",
                        read.version,
                        scene(k),
                        new,
                        row.version,
                        self.conflict_outcome()
                    )
                }
            }
            (Phase::Fetched(read), _) | (Phase::Checked(read), _) => format!(
                "writes generated_output back with {}.imageUrls = {} (read at v{}), reports \"Saved\"",
                scene(k),
                url_set(read.doc.with_url(k, i).urls[k]),
                read.version
            ),
            (Phase::Locked(read), _) => format!(
                "UPDATE inside its transaction: {}.imageUrls = {}",
                scene(k),
                url_set(read.doc.with_url(k, i).urls[k])
            ),
            (Phase::Updated, _) => "COMMIT, releases the row lock, reports \"Saved\"".to_string(),
            (Phase::Done { .. }, _) => "is finished".to_string(),
        }
    }

    pub(super) fn describe_changes(&self, before: &SaveRaceState, after: &SaveRaceState) -> String {
        let mut parts = Vec::new();
        let (b, a) = (&before.row.committed, &after.row.committed);
        for k in 0..self.config.topology.scenes {
            if b.doc.has_scene(k) != a.doc.has_scene(k) {
                parts.push(format!(
                    "{} {}",
                    scene(k),
                    if a.doc.has_scene(k) {
                        "created"
                    } else {
                        "removed"
                    }
                ));
            }
            if b.doc.urls[k] != a.doc.urls[k] {
                parts.push(format!(
                    "{}.imageUrls {} → {}",
                    scene(k),
                    url_set(b.doc.urls[k]),
                    url_set(a.doc.urls[k])
                ));
            }
        }
        if b.version != a.version {
            parts.push(format!("row v{} → v{}", b.version, a.version));
        }
        if before.replica != after.replica {
            if let Some(r) = after.replica {
                parts.push(format!("replica at v{}", r.version));
            }
        }
        let lost: Vec<String> = (0..after.savers.len())
            .filter(|&i| after.savers[i].acked() && !before.savers[i].acked())
            .map(url)
            .collect();
        if !lost.is_empty() {
            parts.push(format!("{} acknowledged", lost.join(", ")));
        }
        parts.join("; ")
    }
}
