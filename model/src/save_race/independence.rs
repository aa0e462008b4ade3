//! What each save-race event touches, for sleep-set partial-order reduction
//! ([`Model::access`](syncsim_engine::Model::access)).
//!
//! Actors: saver i is actor i, the replica is actor n, the pipeline actor n + 1. Shared
//! resources: the committed row, the row lock, the replica's copy, the replication timer, the
//! fault budget and the late-scene timers. Every saver step reads the lock when its
//! enabledness depends on it (writes and locking reads wait for another session's lock), so
//! the promise in `Model::access` holds: an event's enabledness and window depend only on its
//! actor's own state and the resources it declares reading.

use syncsim_engine::model::Access;

use super::config::SavePolicy;
use super::saver::Phase;
use super::world::{SaveEvent, SaveRace, SaveRaceState};
use crate::db::RowLock;

const ROW: u32 = 0;
const LOCK: u32 = 1;
const REPLICA: u32 = 2;
const REPLICATION: u32 = 3;
const ERRORS: u32 = 4;
const SCENES: u32 = 5;

impl SaveRace {
    pub(super) fn event_access(&self, state: &SaveRaceState, event: &SaveEvent) -> Access {
        let n = state.savers.len() as u32;
        match *event {
            SaveEvent::Step(i) => self.step_access(state, i as usize),
            SaveEvent::FailWrite(i) => {
                let held = matches!(state.row.lock, Some(RowLock { holder, .. }) if holder == i);
                let a = Access::local(i as u32).update(ERRORS).read(LOCK);
                if held {
                    a.write(LOCK)
                } else {
                    a
                }
            }
            SaveEvent::Replicate => Access::local(n)
                .read(ROW)
                .update(REPLICA)
                .update(REPLICATION),
            SaveEvent::CreateScene(_) => Access::local(n + 1)
                .update(ROW)
                .read(LOCK)
                .update(SCENES)
                .update(REPLICATION),
        }
    }

    fn step_access(&self, state: &SaveRaceState, i: usize) -> Access {
        let me = Access::local(i as u32);
        let commits = me.update(ROW).read(LOCK).update(REPLICATION);
        let plain_read = match (self.config.policies.read_from, state.replica.is_some()) {
            (super::config::ReadFrom::Replica, true) => me.read(REPLICA),
            _ => me.read(ROW),
        };
        match (state.savers[i].phase, self.config.policies.save) {
            (Phase::Generating, _) | (Phase::Done { .. }, _) => me,
            (Phase::Ready, SavePolicy::AtomicAppend) => commits,
            (Phase::Ready, SavePolicy::SelectForUpdate) => me.read(ROW).update(LOCK),
            (Phase::Ready, _) => plain_read,
            (Phase::Fetched(_), SavePolicy::CheckThenWrite) => me.read(ROW),
            (Phase::Fetched(_), _) | (Phase::Checked(_), _) => commits,
            (Phase::Locked(_), _) => me.update(LOCK).read(ROW),
            (Phase::Updated, _) => commits.update(LOCK),
        }
    }
}
