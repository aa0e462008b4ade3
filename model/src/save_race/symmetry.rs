//! Symmetry reduction: savers of the same scene are interchangeable (saver i differs from
//! saver j only in the URL id it saves), so the visited set keys a state by a canonical
//! representative of its class: savers sorted by an index-free signature, and every URL set
//! renamed by the same permutation.
//!
//! Soundness: the permutation only exchanges savers of the same scene, together with their
//! URL bits everywhere in the state, which maps a reachable state to a state the world treats
//! identically; `no_lost_url` and `all_saves_acknowledged` give the same answer on both. The
//! representative need not be unique for the reduction to be sound, only for it to be total.

use std::hash::{Hash, Hasher};

use super::config::MAX_SAVERS;
use super::saver::{Phase, Saver};
use super::world::{SaveRace, SaveRaceState};
use crate::db::{Committed, Doc};
use crate::names::UrlSet;

fn rename(set: UrlSet, new_id: &[u8; MAX_SAVERS]) -> UrlSet {
    let mut out = 0;
    let mut rest = set;
    while rest != 0 {
        let b = rest.trailing_zeros() as usize;
        rest &= rest - 1;
        out |= 1 << new_id[b];
    }
    out
}

fn rename_doc(doc: &Doc, new_id: &[u8; MAX_SAVERS]) -> Doc {
    let mut d = *doc;
    for u in &mut d.urls {
        *u = rename(*u, new_id);
    }
    d
}

fn rename_committed(c: &Committed, new_id: &[u8; MAX_SAVERS]) -> Committed {
    Committed {
        doc: rename_doc(&c.doc, new_id),
        version: c.version,
    }
}

fn snapshot(phase: &Phase) -> Option<&Committed> {
    match phase {
        Phase::Fetched(c) | Phase::Checked(c) | Phase::Locked(c) => Some(c),
        _ => None,
    }
}

impl SaveRace {
    /// A sort key for saver `i` that does not mention any saver's index.
    fn signature(
        &self,
        state: &SaveRaceState,
        i: usize,
    ) -> (usize, u8, u32, u32, bool, bool, u8, u64) {
        let s: &Saver = &state.savers[i];
        let k = self.scene_of(i);
        let bit = 1 << i;
        let tag = match s.phase {
            Phase::Generating => 0,
            Phase::Ready => 1,
            Phase::Fetched(_) => 2,
            Phase::Checked(_) => 3,
            Phase::Locked(_) => 4,
            Phase::Updated => 5,
            Phase::Done { acked: false } => 6,
            Phase::Done { acked: true } => 7,
        };
        let (version, own_in_snapshot, others_in_snapshot) =
            snapshot(&s.phase).map_or((0, false, 0), |c| {
                (
                    c.version,
                    c.doc.urls[k] & bit != 0,
                    c.doc.urls.iter().map(|u| u.count_ones()).sum(),
                )
            });
        let in_row = state.row.committed.doc.urls[k] & bit != 0;
        let timer = ((s.due.earliest as u64) << 32) | s.due.latest as u64;
        (
            k,
            tag,
            version,
            others_in_snapshot,
            own_in_snapshot,
            in_row,
            s.attempt,
            timer,
        )
    }

    pub(super) fn canonical_fingerprint<H: Hasher>(&self, state: &SaveRaceState, h: &mut H) {
        let n = state.savers.len();
        let mut order = [0u8; MAX_SAVERS];
        for (i, o) in order.iter_mut().enumerate().take(n) {
            *o = i as u8;
        }
        let order = &mut order[..n];
        order.sort_by_cached_key(|&i| (self.signature(state, i as usize), i));
        let mut new_id = [0u8; MAX_SAVERS];
        for (new, &old) in order.iter().enumerate() {
            new_id[old as usize] = new as u8;
        }

        let row = &state.row;
        rename_committed(&row.committed, &new_id).hash(h);
        row.lock
            .map(|l| {
                (
                    new_id[l.holder as usize],
                    l.uncommitted.map(|d| rename_doc(&d, &new_id)),
                )
            })
            .hash(h);
        state.replica.map(|c| rename_committed(&c, &new_id)).hash(h);
        state.replication_due.hash(h);
        state.scene_due.hash(h);
        state.errors_left.hash(h);
        for &old in order.iter() {
            let s = &state.savers[old as usize];
            self.scene_of(old as usize).hash(h);
            s.attempt.hash(h);
            s.due.hash(h);
            match &s.phase {
                Phase::Fetched(c) => (2u8, rename_committed(c, &new_id)).hash(h),
                Phase::Checked(c) => (3u8, rename_committed(c, &new_id)).hash(h),
                Phase::Locked(c) => (4u8, rename_committed(c, &new_id)).hash(h),
                other => other.hash(h),
            }
        }
    }
}
