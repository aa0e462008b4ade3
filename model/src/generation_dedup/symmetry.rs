//! Symmetry reduction: the tabs of the browser are interchangeable, and so are the server
//! instances behind the load balancer. The visited set keys a state by a canonical
//! representative of its class: tabs sorted by an index-free signature, instances sorted by
//! an index-free signature, every field that names a tab or an instance renamed by the same
//! permutations, and the unordered collections (HTTP messages in flight, jobs) in request
//! order.
//!
//! Why the permutations are symmetries of the world:
//! - Static configuration. Every tab starts as `Tab::new(loads_per_tab)` and runs the same
//!   workload and client policies; no field of [`DedupConfig`](super::DedupConfig) is per
//!   tab or per instance, and the load balancer offers every instance for every request. A
//!   future per-tab or per-instance setting must join the signatures below (or stop the
//!   permutation), like the saver's scene in `save_race`.
//! - Tab indices appear in `tabs` (the position), `Request::tab`, `Response::tab` and
//!   `Job::tab`; all are renamed. `localStorage` (`local_ref`) is shared and names no tab.
//!   Request ids (`Tab::awaiting`, sessions) are global serial numbers, not tab indices, and
//!   are left alone.
//! - Instance indices appear in `Job::instance`, `active[k]` and, with a per-instance cache,
//!   `cache[k]`; all are renamed. A shared cache lives in slot 0 for every instance and is
//!   not moved; with no cache every slot is empty.
//! - The ghost counters (`generator`, `faults`, `next_req`, `next_img`), the table and the
//!   files name neither.
//! - Both HTTP channels are unordered and a job's position in `jobs` is only how events
//!   address it: the world treats any order of these lists alike (`enabled` offers one event
//!   per element, removal keeps the others' order), so sorting them by their unique request
//!   id (and copy) is a symmetry too.
//!
//! So the canonical state is the image of the state under a symmetry of the transition
//! system: it reaches the same states up to renaming, at the same depths. The properties are
//! symmetric: `one_generation_per_key` reads the generator counters, `no_orphan_record` the
//! table and the files, `bounded_churn` and `background_shown` ask whether *some* tab is in a
//! condition; none depends on an index or on a list's order. Only their messages name a tab.
//!
//! The signatures need not make the representative unique (that would only lose reduction);
//! they only must not mention indices. Here they are complete in practice: a tab's signature
//! holds all of its fields and the request ids in flight for it, which are unique to it, and
//! an instance's holds its lock, its cache slot and the sessions of its jobs.

use std::hash::{Hash, Hasher};

use super::config::{CacheScope, MAX_INSTANCES, MAX_TABS};
use super::tab::Tab;
use super::world::{DedupState, GenerationDedup};
use crate::timer::Timer;

type TimerKey = (u32, u32);

fn tk(t: Timer) -> TimerKey {
    (t.earliest, t.latest)
}

/// Everything a tab holds, in an orderable form that names no index.
type TabKey = (
    (u8, u8, u8, TimerKey, Option<TimerKey>, bool),
    (bool, u32, Option<u8>, Option<TimerKey>, bool, u8),
    u32,
);

/// An instance's memory and the sessions it is handling.
type InstanceKey = (Option<u8>, Option<(u8, Option<TimerKey>)>, u128);

fn tab_key(s: &DedupState, t: usize) -> TabKey {
    let tab: &Tab = &s.tabs[t];
    let mut owned = 0u32;
    let mut own = |tab_of: u8, req: u8| {
        if tab_of as usize == t {
            owned |= 1 << req;
        }
    };
    for p in &s.requests.in_flight {
        own(p.msg.tab, p.msg.req);
    }
    for p in &s.responses.in_flight {
        own(p.msg.tab, p.msg.req);
    }
    for j in &s.jobs {
        own(j.tab, j.req());
    }
    (
        (
            tab.loads_left,
            tab.calls_left,
            tab.call_flags,
            tk(tab.call_due),
            tab.debounce_due.map(tk),
            tab.debounce_force,
        ),
        (
            tab.inflight,
            tab.awaiting,
            tab.src,
            tab.loading.map(tk),
            tab.shown,
            tab.gone,
        ),
        owned,
    )
}

/// The permutation that sorts `n` actors by `key`: `new_id[old]`, and whether it is the
/// identity.
fn sorting_permutation<K: Ord, const N: usize>(
    n: usize,
    key: impl Fn(usize) -> K,
) -> ([u8; N], bool) {
    let mut order = [0u8; N];
    for (i, o) in order.iter_mut().enumerate().take(n) {
        *o = i as u8;
    }
    let order = &mut order[..n];
    order.sort_by_cached_key(|&i| (key(i as usize), i));
    let mut new_id = [0u8; N];
    let mut identity = true;
    for (new, &old) in order.iter().enumerate() {
        new_id[old as usize] = new as u8;
        identity &= new == old as usize;
    }
    (new_id, identity)
}

impl GenerationDedup {
    fn per_instance_cache(&self) -> bool {
        self.config.policies.cache == CacheScope::PerInstance
    }

    fn instance_key(&self, s: &DedupState, k: usize) -> InstanceKey {
        let sessions = s
            .jobs
            .iter()
            .filter(|j| j.instance as usize == k)
            .fold(0u128, |m, j| m | 1 << j.session);
        let cache = if self.per_instance_cache() {
            s.cache[k].map(|e| (e.img, e.ttl.map(tk)))
        } else {
            None
        };
        (s.active[k], cache, sessions)
    }

    /// The canonical representative of `s`'s symmetry class (see the module docs): tabs and
    /// instances sorted by their signatures and renamed everywhere, messages in flight and
    /// jobs sorted by request; equal to `s` when `s` already is in that order. Public so
    /// tests can check that the world treats a state and its representative alike.
    pub fn canonical(&self, s: &DedupState) -> DedupState {
        let (tab_id, _) = sorting_permutation::<_, MAX_TABS>(s.tabs.len(), |t| tab_key(s, t));
        let instances = self.config.topology.server_instances;
        let (inst_id, _) =
            sorting_permutation::<_, MAX_INSTANCES>(instances, |k| self.instance_key(s, k));
        let mut c = s.clone();
        for (old, tab) in s.tabs.iter().enumerate() {
            c.tabs[tab_id[old] as usize] = *tab;
        }
        for p in &mut c.requests.in_flight {
            p.msg.tab = tab_id[p.msg.tab as usize];
        }
        for p in &mut c.responses.in_flight {
            p.msg.tab = tab_id[p.msg.tab as usize];
        }
        for j in &mut c.jobs {
            j.tab = tab_id[j.tab as usize];
            j.instance = inst_id[j.instance as usize];
        }
        for (k, &new) in inst_id.iter().enumerate().take(instances) {
            let new = new as usize;
            c.active[new] = s.active[k];
            if self.per_instance_cache() {
                c.cache[new] = s.cache[k];
            }
        }
        c.requests.in_flight.sort_by_key(|p| p.msg.req);
        c.responses
            .in_flight
            .sort_by_key(|p| (p.msg.req, p.msg.copy));
        c.jobs.sort_by_key(|j| j.session);
        c
    }

    /// Whether `s` is its own canonical representative, checked without building it.
    fn is_canonical(&self, s: &DedupState) -> bool {
        let (_, tabs_sorted) = sorting_permutation::<_, MAX_TABS>(s.tabs.len(), |t| tab_key(s, t));
        let (_, instances_sorted) =
            sorting_permutation::<_, MAX_INSTANCES>(self.config.topology.server_instances, |k| {
                self.instance_key(s, k)
            });
        tabs_sorted
            && instances_sorted
            && s.requests.in_flight.is_sorted_by_key(|p| p.msg.req)
            && s.responses
                .in_flight
                .is_sorted_by_key(|p| (p.msg.req, p.msg.copy))
            && s.jobs.is_sorted_by_key(|j| j.session)
    }

    /// Hashes the canonical representative of `s` (without building it when `s` already is
    /// one).
    pub(super) fn canonical_fingerprint<H: Hasher>(&self, s: &DedupState, h: &mut H) {
        if self.is_canonical(s) {
            s.hash(h)
        } else {
            self.canonical(s).hash(h)
        }
    }
}
