//! The save-race world as an engine [`Model`]: the state, the enabled events with their
//! windows, and the transition of each event under the scenario's policies.

use std::hash::Hasher;

use serde::Serialize;
use syncsim_engine::{EventLabel, Millis, Model, Property, Timed};

use super::config::{
    ConfigError, ReadFrom, RetryPolicy, SavePolicy, SaveRaceConfig, SceneMissingPolicy,
};
use super::saver::{Phase, Saver};
use crate::db::{Affected, Committed, Doc, Row, MAX_SCENES};
use crate::timer::Timer;

/// The save-race world: a validated configuration.
#[derive(Clone, Debug)]
pub struct SaveRace {
    pub(super) config: SaveRaceConfig,
    /// Scene index of each saver (saver i saves URL i).
    pub(super) scene_of: Vec<usize>,
    /// Whether interchangeable savers share one fingerprint (symmetry reduction).
    pub(super) symmetry: bool,
}

/// The whole world as one plain value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SaveRaceState {
    /// The primary's project row.
    pub row: Row,
    /// What the replica serves, if the topology has one.
    pub replica: Option<Committed>,
    /// When the replica next catches up, while it is behind.
    pub replication_due: Option<Timer>,
    /// When each scene the pipeline has not created yet will be created.
    pub scene_due: [Option<Timer>; MAX_SCENES],
    /// Injected write errors still available.
    pub errors_left: u8,
    /// The image tasks.
    pub savers: Vec<Saver>,
}

/// One atomic step of the save-race world.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SaveEvent {
    /// Saver i takes its next step.
    Step(u8),
    /// Saver i's next write fails with a database error (an injected fault).
    FailWrite(u8),
    /// The replica catches up with the primary.
    Replicate,
    /// The pipeline creates scene k.
    CreateScene(u8),
}

impl SaveRace {
    /// Builds the world, or says which field of the configuration is wrong.
    pub fn new(config: SaveRaceConfig) -> Result<SaveRace, ConfigError> {
        config.validate()?;
        let scene_of = config
            .workload
            .saves
            .iter()
            .flat_map(|g| std::iter::repeat_n(g.scene - 1, g.images))
            .collect();
        Ok(SaveRace {
            config,
            scene_of,
            symmetry: true,
        })
    }

    /// Switches symmetry reduction on or off (on by default); off explores every
    /// permutation of interchangeable savers separately, for comparison.
    pub fn with_symmetry(mut self, on: bool) -> SaveRace {
        self.symmetry = on;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &SaveRaceConfig {
        &self.config
    }

    /// The scene index of saver `i`.
    pub fn scene_of(&self, i: usize) -> usize {
        self.scene_of[i]
    }

    pub(super) fn db_round_trip(&self) -> Timer {
        Timer::from_range(self.config.topology.db_latency_ms)
    }

    /// Whether saver `i` in `state` is at a step that writes (and so may fail with an error).
    pub(super) fn at_write(&self, state: &SaveRaceState, i: usize) -> bool {
        let policy = self.config.policies.save;
        match state.savers[i].phase {
            Phase::Ready => policy == SavePolicy::AtomicAppend,
            Phase::Fetched(_) => {
                matches!(policy, SavePolicy::ReadModifyWrite | SavePolicy::CasRetry)
            }
            Phase::Checked(_) | Phase::Locked(_) => true,
            _ => false,
        }
    }

    /// Whether saver `i`'s next step must wait for another session's row lock.
    fn blocked(&self, state: &SaveRaceState, i: usize) -> bool {
        let writes_now = self.at_write(state, i);
        let locks_now = state.savers[i].phase == Phase::Ready
            && self.config.policies.save == SavePolicy::SelectForUpdate;
        (writes_now || locks_now) && !state.row.writable_by(i)
    }

    fn read(&self, state: &SaveRaceState) -> Committed {
        match (self.config.policies.read_from, state.replica) {
            (ReadFrom::Replica, Some(replica)) => replica,
            _ => state.row.read(),
        }
    }

    fn committed(&self, state: &mut SaveRaceState) {
        if state.replica.is_some() && state.replication_due.is_none() {
            state.replication_due = Some(Timer::from_range(self.config.topology.replica_lag_ms));
        }
    }

    fn finish(&self, state: &mut SaveRaceState, i: usize, acked: bool) {
        state.savers[i].phase = Phase::Done { acked };
        state.savers[i].due = Timer::ANY;
    }

    /// An error (or a retried missing scene): back off and try again, or give up loudly.
    fn fail_attempt(&self, state: &mut SaveRaceState, i: usize) {
        let p = &self.config.policies;
        state.savers[i].attempt += 1;
        let attempt = state.savers[i].attempt;
        if attempt >= p.max_attempts {
            self.finish(state, i, false);
        } else {
            let backoff = p.retry_backoff_ms.saturating_mul(attempt as u32);
            state.savers[i].phase = Phase::Ready;
            state.savers[i].due = Timer::between(backoff, backoff);
        }
    }

    /// A detected conflict (0-row update, changed version).
    fn conflict(&self, state: &mut SaveRaceState, i: usize) {
        match self.config.policies.retry() {
            RetryPolicy::OnError => self.finish(state, i, true),
            RetryPolicy::OnConflict => {
                state.savers[i].phase = Phase::Ready;
                state.savers[i].due = self.db_round_trip();
            }
        }
    }

    fn scene_missing(&self, state: &mut SaveRaceState, i: usize) {
        match self.config.policies.scene_missing {
            SceneMissingPolicy::SilentReturn => self.finish(state, i, true),
            SceneMissingPolicy::Retry => self.fail_attempt(state, i),
        }
    }

    fn step(&self, state: &mut SaveRaceState, i: usize) {
        let scene = self.scene_of[i];
        let url = i;
        let next = self.db_round_trip();
        match (state.savers[i].phase, self.config.policies.save) {
            (Phase::Generating, _) => {
                state.savers[i].phase = Phase::Ready;
                state.savers[i].due = next;
            }
            (Phase::Ready, SavePolicy::AtomicAppend) => match state.row.atomic_append(scene, url) {
                Affected::One => {
                    self.committed(state);
                    self.finish(state, i, true);
                }
                Affected::Zero => self.scene_missing(state, i),
            },
            (Phase::Ready, SavePolicy::SelectForUpdate) => {
                let read = state.row.lock_for_update(i);
                if read.doc.has_scene(scene) {
                    state.savers[i].phase = Phase::Locked(read);
                    state.savers[i].due = next;
                } else {
                    state.row.rollback();
                    self.scene_missing(state, i);
                }
            }
            (Phase::Ready, _) => {
                let read = self.read(state);
                if read.doc.has_scene(scene) {
                    state.savers[i].phase = Phase::Fetched(read);
                    state.savers[i].due = next;
                } else {
                    self.scene_missing(state, i);
                }
            }
            (Phase::Fetched(read), SavePolicy::CheckThenWrite) => {
                if state.row.read().version == read.version {
                    state.savers[i].phase = Phase::Checked(read);
                    state.savers[i].due = next;
                } else {
                    self.conflict(state, i);
                }
            }
            (Phase::Fetched(read), SavePolicy::CasRetry) => {
                match state
                    .row
                    .conditional_write(read.doc.with_url(scene, url), read.version)
                {
                    Affected::One => {
                        self.committed(state);
                        self.finish(state, i, true);
                    }
                    Affected::Zero => self.conflict(state, i),
                }
            }
            (Phase::Fetched(read), _) | (Phase::Checked(read), _) => {
                state.row.blind_write(read.doc.with_url(scene, url));
                self.committed(state);
                self.finish(state, i, true);
            }
            (Phase::Locked(read), _) => {
                state
                    .row
                    .update_in_transaction(read.doc.with_url(scene, url));
                state.savers[i].phase = Phase::Updated;
                state.savers[i].due = next;
            }
            (Phase::Updated, _) => {
                state.row.commit();
                self.committed(state);
                self.finish(state, i, true);
            }
            (Phase::Done { .. }, _) => unreachable!("a finished saver has no step"),
        }
    }
}

impl crate::world::World for SaveRace {
    const NAME: &'static str = "save_race";
    type Topology = super::config::Topology;
    type Workload = super::config::Workload;
    type Policies = super::config::Policies;
    type Faults = super::config::Faults;

    fn build(
        topology: Self::Topology,
        workload: Self::Workload,
        policies: Self::Policies,
        faults: Self::Faults,
    ) -> Result<Self, ConfigError> {
        SaveRace::new(SaveRaceConfig {
            topology,
            workload,
            policies,
            faults,
        })
    }

    fn set_symmetry(&mut self, on: bool) {
        self.symmetry = on;
    }
}

impl Model for SaveRace {
    type State = SaveRaceState;
    type Event = SaveEvent;

    fn initial_state(&self) -> SaveRaceState {
        let topology = &self.config.topology;
        let mut doc = Doc::default();
        let mut scene_due = [None; MAX_SCENES];
        for (k, due) in scene_due.iter_mut().enumerate().take(topology.scenes) {
            if topology.late_scenes.contains(&(k + 1)) {
                *due = Some(Timer::from_range(topology.scene_created_ms));
            } else {
                doc.scenes |= 1 << k;
            }
        }
        let committed = Committed { doc, version: 0 };
        let first = match self.config.workload.generation_ms {
            Some(range) => Saver {
                phase: Phase::Generating,
                attempt: 0,
                due: Timer::from_range(Some(range)),
            },
            None => Saver {
                phase: Phase::Ready,
                attempt: 0,
                due: self.db_round_trip(),
            },
        };
        SaveRaceState {
            row: Row {
                committed,
                lock: None,
            },
            replica: topology.replica_lag_ms.map(|_| committed),
            replication_due: None,
            scene_due,
            errors_left: self.config.faults.write_errors,
            savers: vec![first; self.scene_of.len()],
        }
    }

    fn enabled(&self, state: &SaveRaceState, out: &mut Vec<Timed<SaveEvent>>) {
        for (i, saver) in state.savers.iter().enumerate() {
            if matches!(saver.phase, Phase::Done { .. }) || self.blocked(state, i) {
                continue;
            }
            out.push(Timed::within(SaveEvent::Step(i as u8), saver.due.window()));
            if state.errors_left > 0 && self.at_write(state, i) {
                out.push(Timed::within(
                    SaveEvent::FailWrite(i as u8),
                    saver.due.window(),
                ));
            }
        }
        if let Some(due) = state.replication_due {
            out.push(Timed::within(SaveEvent::Replicate, due.window()));
        }
        if state.row.lock.is_none() {
            for (k, due) in state.scene_due.iter().enumerate() {
                if let Some(due) = due {
                    out.push(Timed::within(SaveEvent::CreateScene(k as u8), due.window()));
                }
            }
        }
    }

    fn apply(&self, state: &mut SaveRaceState, event: &SaveEvent, advance: Millis) {
        if advance > 0 {
            for saver in &mut state.savers {
                saver.due.elapse(advance);
            }
            for due in state
                .replication_due
                .iter_mut()
                .chain(state.scene_due.iter_mut().flatten())
            {
                due.elapse(advance);
            }
        }
        match *event {
            SaveEvent::Step(i) => self.step(state, i as usize),
            SaveEvent::FailWrite(i) => {
                let i = i as usize;
                state.errors_left -= 1;
                if state.row.lock.is_some_and(|l| l.holder as usize == i) {
                    state.row.rollback();
                }
                self.fail_attempt(state, i);
            }
            SaveEvent::Replicate => {
                state.replica = Some(state.row.read());
                state.replication_due = None;
            }
            SaveEvent::CreateScene(k) => {
                let mut doc = state.row.read().doc;
                doc.scenes |= 1 << k;
                state.row.blind_write(doc);
                state.scene_due[k as usize] = None;
                self.committed(state);
            }
        }
    }

    fn label(&self, state: &SaveRaceState, event: &SaveEvent) -> EventLabel {
        self.describe_event(state, event)
    }

    fn changes(&self, before: &SaveRaceState, after: &SaveRaceState) -> String {
        self.describe_changes(before, after)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        super::invariants::properties()
    }

    fn access(
        &self,
        state: &SaveRaceState,
        event: &SaveEvent,
    ) -> Option<syncsim_engine::model::Access> {
        Some(self.event_access(state, event))
    }

    fn fingerprint<H: Hasher>(&self, state: &SaveRaceState, hasher: &mut H) {
        if self.symmetry {
            self.canonical_fingerprint(state, hasher)
        } else {
            std::hash::Hash::hash(state, hasher)
        }
    }
}
