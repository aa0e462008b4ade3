//! The generation-dedup world as an engine [`Model`]: the state, the enabled events with
//! their windows, and the transition of each event under the scenario's policies. Every
//! transition may narrate what it did into a [`Log`]; exploration passes a silent log, and
//! labels replay the event on a copy with a recording log, so a trace line always says what
//! the step really did.

use std::hash::{Hash, Hasher};

use serde::Serialize;
use syncsim_engine::{EventLabel, Millis, Model, Property, Timed};

use super::cache::Entry;
use super::config::{
    CacheScope, ConfigError, DbWrite, DedupConfig, ForceRefresh, InitialRef, ReplacedFile,
    ServerLock, MAX_INSTANCES,
};
use super::generator::Generator;
use super::http::{Answer, Request, Response};
use super::server::{session, Job, Phase};
use super::storage::{self, Files};
use super::tab::Tab;
use super::table::{InsertOutcome, Session, Table};
use crate::channel::{Channel, Order};
use crate::timer::Timer;

/// The generation-dedup world: a validated configuration.
#[derive(Clone, Debug)]
pub struct GenerationDedup {
    pub(super) config: DedupConfig,
    /// Whether interchangeable tabs and instances share one fingerprint (symmetry reduction,
    /// see [`super::symmetry`]).
    pub(super) symmetry: bool,
}

/// Faults still available in this run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct FaultBudget {
    /// Image API failures.
    pub generator_failures: u8,
    /// Lost HTTP messages.
    pub drops: u8,
    /// Duplicated requests.
    pub duplicates: u8,
    /// Delayed messages.
    pub delays: u8,
}

/// The whole world as one plain value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct DedupState {
    /// The tabs of the browser.
    pub tabs: Vec<Tab>,
    /// `localStorage[BACKGROUND_REF_KEY]`, shared by the tabs.
    pub local_ref: Option<u8>,
    /// POSTs in flight to the load balancer.
    pub requests: Channel<Request>,
    /// Responses in flight to the tabs.
    pub responses: Channel<Response>,
    /// Requests being handled, on any instance.
    pub jobs: Vec<Job>,
    /// Each instance's `activeGenerations` entry for the key: the leading request's session.
    pub active: [Option<Session>; MAX_INSTANCES],
    /// The server cache: one slot per instance, or slot 0 when shared.
    pub cache: [Option<Entry>; MAX_INSTANCES],
    /// `generated_images` rows of the key.
    pub table: Table,
    /// Image files that exist.
    pub files: Files,
    /// The next request id.
    pub next_req: u8,
    /// The next image id (img-0 is the incident's stale `img_123`).
    pub next_img: u8,
    /// The image API's call counters (ghost).
    pub generator: Generator,
    /// When the orphan cleanup runs next.
    pub cleanup_due: Option<Timer>,
    /// Faults left.
    pub faults: FaultBudget,
}

/// One atomic step of the world. Indices refer to positions in the state's vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DedupEvent {
    /// The user opens tab t (a page load).
    Open(u8),
    /// Tab t's hook makes its next call to `generateBackground`.
    Call(u8),
    /// Tab t's debounce timer fires.
    Debounce(u8),
    /// Tab t's `GET /images/{src}` completes.
    ImageLoad(u8),
    /// The load balancer delivers request packet i to instance k.
    Route(u8, u8),
    /// A proxy retry delivers a copy of request packet i to instance k (fault).
    DuplicateRequest(u8, u8),
    /// Request packet i is lost (fault).
    DropRequest(u8),
    /// Request packet i is held back (fault).
    DelayRequest(u8),
    /// Response packet i reaches its tab.
    Deliver(u8),
    /// Response packet i is lost (fault).
    DropResponse(u8),
    /// Response packet i is held back (fault).
    DelayResponse(u8),
    /// Job j takes its next step; `choice` picks the row a `LIMIT 1` returns.
    Step(u8, u8),
    /// Job j's image API call returns an image.
    Generated(u8),
    /// Job j's image API call fails (fault).
    GenerationFails(u8),
    /// Cache slot k's entry expires.
    CacheExpires(u8),
    /// The periodic orphan cleanup runs.
    Cleanup,
}

/// Where a transition narrates what it did: silent during exploration, recording for labels.
pub(super) struct Log(pub Option<Vec<String>>);

impl Log {
    fn say(&mut self, f: impl FnOnce() -> String) {
        if let Some(v) = &mut self.0 {
            v.push(f());
        }
    }
}

/// `img-3` for image id 3.
pub fn img(id: u8) -> String {
    format!("img-{id}")
}

/// `POST #2` (copy suffix for a proxy retry's copy).
pub fn post(req: u8, copy: u8) -> String {
    if copy == 0 {
        format!("POST #{}", req + 1)
    } else {
        format!("POST #{} (copy {copy})", req + 1)
    }
}

impl GenerationDedup {
    /// Builds the world, or says which field of the configuration is wrong.
    pub fn new(config: DedupConfig) -> Result<GenerationDedup, ConfigError> {
        config.validate()?;
        Ok(GenerationDedup {
            config,
            symmetry: true,
        })
    }

    /// Switches symmetry reduction on or off (on by default); off explores every
    /// permutation of interchangeable tabs and instances separately, for comparison.
    pub fn with_symmetry(mut self, on: bool) -> GenerationDedup {
        self.symmetry = on;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &DedupConfig {
        &self.config
    }

    fn http(&self) -> Timer {
        Timer::from_range(self.config.topology.http_ms)
    }
    fn db(&self) -> Timer {
        Timer::from_range(self.config.topology.db_latency_ms)
    }
    fn gap(&self) -> Timer {
        Timer::from_range(self.config.workload.call_gap_ms)
    }
    fn slot(&self, instance: u8) -> usize {
        match self.config.policies.cache {
            CacheScope::Shared => 0,
            _ => instance as usize,
        }
    }

    /// Whether anything but the orphan cleanup may still happen.
    fn busy(&self, s: &DedupState) -> bool {
        s.tabs.iter().any(|t| !t.settled() || t.loads_left > 0)
            || !s.requests.is_empty()
            || !s.responses.is_empty()
            || !s.jobs.is_empty()
            || s.cache.iter().flatten().any(|e| e.ttl.is_some())
    }

    // ---- client ----------------------------------------------------------------------

    fn open(&self, s: &mut DedupState, t: usize, log: &mut Log) {
        s.tabs[t].reopen();
        match s.local_ref {
            Some(i) => {
                s.tabs[t].src = Some(i);
                s.tabs[t].loading = Some(Timer::from_range(self.config.topology.image_load_ms));
                log.say(|| {
                    format!(
                        "opens the page: localStorage has {}, GET /images/{}",
                        img(i),
                        img(i)
                    )
                });
            }
            None => {
                s.tabs[t].start_burst(&[false], self.gap());
                log.say(|| "opens the page: no background yet".into());
            }
        }
    }

    fn call(&self, s: &mut DedupState, t: usize, log: &mut Log) {
        let force = s.tabs[t].next_call(self.gap());
        log.say(|| format!("calls generateBackground(forceRefresh: {force})"));
        let d = self.config.policies.debounce_ms;
        if d > 0 {
            let restarted = s.tabs[t].debounce_due.is_some();
            s.tabs[t].debounce_due = Some(Timer::between(d, d));
            s.tabs[t].debounce_force = force;
            log.say(|| {
                format!(
                    "debounced: timer {} to {d} ms",
                    if restarted { "restarted" } else { "set" }
                )
            });
        } else {
            self.invoke(s, t, force, log);
        }
    }

    fn invoke(&self, s: &mut DedupState, t: usize, force: bool, log: &mut Log) {
        let p = &self.config.policies;
        let checks_map = p.inflight_dedup && !(force && p.force_refresh_bypasses_dedup);
        if checks_map && s.tabs[t].inflight {
            log.say(|| "the in-flight map has the key: joins that request".into());
            return;
        }
        let req = s.next_req;
        s.next_req += 1;
        s.requests.send(
            Request {
                req,
                tab: t as u8,
                force,
                copies: 0,
            },
            self.http(),
        );
        s.tabs[t].awaiting |= 1 << req;
        if p.inflight_dedup {
            s.tabs[t].inflight = true;
        }
        log.say(|| {
            format!(
                "sends {} /weather/background (forceRefresh: {force})",
                post(req, 0)
            )
        });
    }

    /// A response (or a network error, `None`) for request `req` reaches tab `t`.
    fn settle_request(
        &self,
        s: &mut DedupState,
        t: usize,
        req: u8,
        answer: Option<Answer>,
        log: &mut Log,
    ) {
        let tab = &mut s.tabs[t];
        if tab.awaiting & (1 << req) == 0 {
            log.say(|| "nobody waits for it any more: ignored".into());
            return;
        }
        tab.awaiting &= !(1 << req);
        if self.config.policies.inflight_dedup {
            tab.inflight = false;
        }
        match answer {
            Some(Answer::Image(i)) => {
                tab.src = Some(i);
                tab.shown = false;
                tab.loading = Some(Timer::from_range(self.config.topology.image_load_ms));
                s.local_ref = Some(i);
                log.say(|| {
                    format!(
                        "sets the background to {} and stores it in localStorage",
                        img(i)
                    )
                });
            }
            Some(_) => log.say(|| "logs the error; keeps the current background".into()),
            None => log.say(|| "the fetch rejects with a network error".into()),
        }
    }

    fn image_load(&self, s: &mut DedupState, t: usize, log: &mut Log) {
        let tab = &mut s.tabs[t];
        let i = tab.src.expect("a loading tab has a src");
        tab.loading = None;
        if storage::exists(s.files, i) {
            tab.shown = true;
            log.say(|| format!("GET /images/{} → 200, background shown", img(i)));
            return;
        }
        tab.gone += 1;
        s.local_ref = None;
        let w = &self.config.workload;
        if tab.gone <= w.max_recoveries {
            tab.start_burst(&w.on_image_gone, self.gap());
            log.say(|| {
                format!(
                    "GET /images/{} → 410 Gone: clears localStorage, requests a new background",
                    img(i)
                )
            });
        } else {
            log.say(|| {
                format!(
                    "GET /images/{} → 410 Gone: gives up, shows the fallback",
                    img(i)
                )
            });
        }
    }

    // ---- server ----------------------------------------------------------------------

    fn cache_fill(&self, s: &mut DedupState, instance: u8, i: u8) {
        if self.config.policies.cache != CacheScope::Off {
            s.cache[self.slot(instance)] = Some(Entry {
                img: i,
                ttl: self
                    .config
                    .policies
                    .cache_ttl_ms
                    .map(|t| Timer::between(t, t)),
            });
        }
    }

    /// `cleanupOldFile`: deletes the file and drops the cache entry this instance can see.
    fn delete_file(&self, s: &mut DedupState, instance: u8, old: u8, log: &mut Log) {
        storage::delete(&mut s.files, old);
        let slot = self.slot(instance);
        if s.cache[slot].is_some_and(|e| e.img == old) {
            s.cache[slot] = None;
        }
        log.say(|| format!("deletes the file of {}", img(old)));
    }

    /// A request (copy `copy` of `r`) reaches instance `k`.
    fn arrive(&self, s: &mut DedupState, r: Request, copy: u8, k: u8, log: &mut Log) {
        let p = &self.config.policies;
        let force = r.force && p.force_refresh == ForceRefresh::Regenerate;
        let sess = session(r.req, copy);
        if !force {
            if let Some(e) = s.cache[self.slot(k)] {
                log.say(|| format!("cache hit: {} → 200", img(e.img)));
                s.responses.send(
                    Response {
                        req: r.req,
                        copy,
                        tab: r.tab,
                        answer: Answer::Image(e.img),
                    },
                    self.http(),
                );
                return;
            }
        }
        s.jobs.push(Job {
            session: sess,
            tab: r.tab,
            instance: k,
            force,
            phase: Phase::Lookup,
            due: self.db(),
        });
        if force {
            log.say(|| "forceRefresh: skips the cache and the database lookup".into());
            let j = s.jobs.len() - 1;
            self.after_miss(s, j, log);
        }
    }

    /// The handler decided to generate: take the in-process lock, claim, or call the API.
    fn after_miss(&self, s: &mut DedupState, j: usize, log: &mut Log) {
        let job = s.jobs[j];
        let k = job.instance as usize;
        if self.config.policies.server_lock == ServerLock::InProcess {
            if let Some(leader) = s.active[k] {
                s.jobs[j].phase = Phase::WaitLock(leader);
                s.jobs[j].due = Timer::ANY;
                log.say(|| {
                    format!(
                        "activeGenerations has the key: waits for {}'s generation",
                        post(leader >> 2, leader & 3)
                    )
                });
                return;
            }
            s.active[k] = Some(job.session);
            log.say(|| "puts the key in activeGenerations".into());
        }
        if self.config.policies.db_write == DbWrite::ClaimThenUpdate {
            s.jobs[j].phase = Phase::Claim;
            s.jobs[j].due = self.db();
        } else {
            self.start_generation(s, j, log);
        }
    }

    fn start_generation(&self, s: &mut DedupState, j: usize, log: &mut Log) {
        s.generator.calls += 1;
        s.jobs[j].phase = Phase::Generating;
        s.jobs[j].due = Timer::from_range(self.config.workload.generation_ms);
        let n = s.generator.calls;
        log.say(|| format!("calls DALL-E (image API call #{n})"));
    }

    /// The handler answers: the job ends, and so do the requests waiting on its promise.
    fn respond(&self, s: &mut DedupState, j: usize, answer: Answer, log: &mut Log) {
        let job = s.jobs.remove(j);
        if let Answer::Image(i) = answer {
            self.cache_fill(s, job.instance, i);
        }
        let what = match answer {
            Answer::Image(i) => format!("200 {}", img(i)),
            Answer::GenerationFailed => "500 (image API failed)".into(),
            Answer::UniqueViolation => "500 (23505 unique_violation)".into(),
        };
        let mut answered = vec![(job.req(), job.copy(), job.tab)];
        let k = job.instance as usize;
        if s.active[k] == Some(job.session) {
            s.active[k] = None;
            s.jobs.retain(|w| {
                let waits = w.instance == job.instance && w.phase == Phase::WaitLock(job.session);
                if waits {
                    answered.push((w.req(), w.copy(), w.tab));
                }
                !waits
            });
        }
        for &(req, copy, tab) in &answered {
            s.responses.send(
                Response {
                    req,
                    copy,
                    tab,
                    answer,
                },
                self.http(),
            );
        }
        log.say(|| {
            let names: Vec<String> = answered.iter().map(|&(r, c, _)| post(r, c)).collect();
            format!("answers {} → {what}", names.join(", "))
        });
    }

    fn generated(&self, s: &mut DedupState, j: usize, log: &mut Log) {
        let i = s.next_img;
        s.next_img += 1;
        storage::write(&mut s.files, i);
        log.say(|| format!("DALL-E returns {}; saved to storage", img(i)));
        let p = &self.config.policies;
        let job = &mut s.jobs[j];
        job.due = self.db();
        job.phase = match p.db_write {
            DbWrite::Insert if job.force && p.replaced_file == ReplacedFile::Delete => {
                Phase::ReplaceOld(i)
            }
            DbWrite::Insert => Phase::Insert(i),
            DbWrite::SelectThenInsert => Phase::TxSelect(i),
            DbWrite::UpsertOnConflict => Phase::Upsert(i),
            DbWrite::ClaimThenUpdate => Phase::CompleteClaim(i),
        };
    }

    fn generation_fails(&self, s: &mut DedupState, j: usize, log: &mut Log) {
        s.generator.failed += 1;
        s.faults.generator_failures -= 1;
        log.say(|| "DALL-E call fails".into());
        if self.config.policies.db_write == DbWrite::ClaimThenUpdate {
            s.table.release_claim();
            log.say(|| "DELETE the pending claim".into());
        }
        self.respond(s, j, Answer::GenerationFailed, log);
    }

    fn step(&self, s: &mut DedupState, j: usize, choice: usize, log: &mut Log) {
        let job = s.jobs[j];
        let p = &self.config.policies;
        let unique = p.unique_constraint;
        let sess = job.session;
        match job.phase {
            Phase::Lookup => {
                let rows = s.table.select(None);
                if let Some(&(_, i)) = rows.get(choice) {
                    log.say(|| format!("SELECT generated_images → {}", img(i)));
                    self.respond(s, j, Answer::Image(i), log);
                } else {
                    log.say(|| "SELECT generated_images → no image for the key".into());
                    self.after_miss(s, j, log);
                }
            }
            Phase::Claim => {
                if s.table.claim() {
                    log.say(|| {
                        "INSERT (key, pending) ON CONFLICT DO NOTHING → INSERT 0 1: holds the claim"
                            .into()
                    });
                    self.start_generation(s, j, log);
                } else {
                    log.say(|| "INSERT (key, pending) ON CONFLICT DO NOTHING → INSERT 0 0: someone holds the key".into());
                    s.jobs[j].phase = Phase::ReadClaim;
                    s.jobs[j].due = self.db();
                }
            }
            Phase::ReadClaim | Phase::AwaitClaim => {
                let rows = s.table.select(None);
                if let Some(&(_, i)) = rows.first() {
                    log.say(|| format!("SELECT the claimed row → ready: {}", img(i)));
                    self.respond(s, j, Answer::Image(i), log);
                } else if s.table.claim_pending() {
                    log.say(|| "SELECT the claimed row → pending: waits for it".into());
                    s.jobs[j].phase = Phase::AwaitClaim;
                    s.jobs[j].due = self.db();
                } else {
                    log.say(|| "SELECT the claimed row → released: claims again".into());
                    s.jobs[j].phase = Phase::Claim;
                    s.jobs[j].due = self.db();
                }
            }
            Phase::ReplaceOld(i) => {
                let old: Vec<u8> = s.table.select(None).into_iter().map(|(_, o)| o).collect();
                log.say(|| {
                    format!(
                        "forceRefresh replace: finds the key's records {}",
                        imgs(&old)
                    )
                });
                for o in old {
                    if storage::exists(s.files, o) {
                        self.delete_file(s, job.instance, o, log);
                    }
                }
                s.jobs[j].phase = Phase::Insert(i);
                s.jobs[j].due = self.db();
            }
            Phase::Insert(i) => match s.table.insert(unique, Some(i), None) {
                InsertOutcome::Inserted => {
                    log.say(|| format!("INSERT generated_images ({})", img(i)));
                    self.respond(s, j, Answer::Image(i), log);
                }
                InsertOutcome::UniqueViolation => {
                    log.say(|| format!("INSERT generated_images ({}) → 23505", img(i)));
                    self.respond(s, j, Answer::UniqueViolation, log);
                }
            },
            Phase::TxSelect(i) => {
                let rows = s.table.select(Some(sess));
                s.jobs[j].due = self.db();
                match rows.get(choice) {
                    Some(&(id, old)) => {
                        log.say(|| format!("BEGIN; SELECT … LIMIT 1 → row {} ({})", id, img(old)));
                        s.jobs[j].phase = if p.replaced_file == ReplacedFile::Delete {
                            Phase::TxDeleteOld(i, id, old)
                        } else {
                            Phase::TxUpdate(i, id)
                        };
                    }
                    None => {
                        log.say(|| "BEGIN; SELECT … LIMIT 1 → 0 rows".into());
                        s.jobs[j].phase = Phase::TxInsert(i);
                    }
                }
            }
            Phase::TxDeleteOld(i, id, old) => {
                log.say(|| "cleanupOldFile".into());
                if storage::exists(s.files, old) {
                    self.delete_file(s, job.instance, old, log);
                } else {
                    log.say(|| format!("({} already gone)", img(old)));
                }
                s.jobs[j].phase = Phase::TxUpdate(i, id);
                s.jobs[j].due = self.db();
            }
            Phase::TxUpdate(i, id) => {
                let hit = s.table.update_in_transaction(id, sess, i);
                log.say(|| {
                    format!(
                        "UPDATE row {id} SET {} → UPDATE {}",
                        img(i),
                        if hit { 1 } else { 0 }
                    )
                });
                s.jobs[j].phase = Phase::TxCommit(i);
                s.jobs[j].due = self.db();
            }
            Phase::TxInsert(i) => match s.table.insert(unique, Some(i), Some(sess)) {
                InsertOutcome::Inserted => {
                    log.say(|| format!("INSERT generated_images ({}) (uncommitted)", img(i)));
                    s.jobs[j].phase = Phase::TxCommit(i);
                    s.jobs[j].due = self.db();
                }
                InsertOutcome::UniqueViolation => {
                    s.table.rollback(sess);
                    log.say(|| format!("INSERT generated_images ({}) → 23505, ROLLBACK", img(i)));
                    self.respond(s, j, Answer::UniqueViolation, log);
                }
            },
            Phase::TxCommit(i) => {
                s.table.commit(sess);
                log.say(|| "COMMIT".into());
                self.respond(s, j, Answer::Image(i), log);
            }
            Phase::Upsert(i) => {
                let old = s.table.upsert(i);
                log.say(|| match old {
                    Some(o) => format!(
                        "INSERT … ON CONFLICT DO UPDATE: {} replaces {}",
                        img(i),
                        img(o)
                    ),
                    None => format!("INSERT … ON CONFLICT DO UPDATE: inserts {}", img(i)),
                });
                match old {
                    Some(o) if p.replaced_file == ReplacedFile::Delete && o != i => {
                        s.jobs[j].phase = Phase::DeleteOld(i, o);
                        s.jobs[j].due = self.db();
                    }
                    _ => self.respond(s, j, Answer::Image(i), log),
                }
            }
            Phase::DeleteOld(i, o) => {
                if storage::exists(s.files, o) {
                    self.delete_file(s, job.instance, o, log);
                }
                self.respond(s, j, Answer::Image(i), log);
            }
            Phase::CompleteClaim(i) => {
                s.table.complete_claim(i);
                log.say(|| format!("UPDATE the claimed row SET {}, ready", img(i)));
                self.respond(s, j, Answer::Image(i), log);
            }
            Phase::WaitLock(_) | Phase::Generating => unreachable!("no step in {:?}", job.phase),
        }
    }

    /// Whether job j may take its next step now (a waiting statement is not enabled).
    fn job_ready(&self, s: &DedupState, j: usize) -> bool {
        let job = &s.jobs[j];
        match job.phase {
            Phase::WaitLock(_) | Phase::Generating => false,
            Phase::AwaitClaim => !s.table.claim_pending(),
            Phase::TxInsert(_) => !s
                .table
                .insert_waits(self.config.policies.unique_constraint, Some(job.session)),
            Phase::TxUpdate(_, id) => !s.table.update_waits(id, job.session),
            _ => true,
        }
    }

    /// The rows a `LIMIT 1` in job j's next step may return (at least one choice).
    fn choices(&self, s: &DedupState, j: usize) -> usize {
        let job = &s.jobs[j];
        match job.phase {
            Phase::Lookup => s.table.select(None).len().max(1),
            Phase::TxSelect(_) => s.table.select(Some(job.session)).len().max(1),
            _ => 1,
        }
    }

    pub(super) fn fire(&self, s: &mut DedupState, e: &DedupEvent, advance: Millis, log: &mut Log) {
        if advance > 0 {
            for t in &mut s.tabs {
                t.elapse(advance);
            }
            s.requests.elapse(advance);
            s.responses.elapse(advance);
            for j in &mut s.jobs {
                j.due.elapse(advance);
            }
            for e in s.cache.iter_mut().flatten() {
                if let Some(t) = &mut e.ttl {
                    t.elapse(advance);
                }
            }
            if let Some(t) = &mut s.cleanup_due {
                t.elapse(advance);
            }
        }
        let delay = self.config.faults.http_delay_ms;
        match *e {
            DedupEvent::Open(t) => self.open(s, t as usize, log),
            DedupEvent::Call(t) => self.call(s, t as usize, log),
            DedupEvent::Debounce(t) => {
                let t = t as usize;
                s.tabs[t].debounce_due = None;
                let force = s.tabs[t].debounce_force;
                log.say(|| {
                    format!("debounce timer fires: generateBackground(forceRefresh: {force}) runs")
                });
                self.invoke(s, t, force, log);
            }
            DedupEvent::ImageLoad(t) => self.image_load(s, t as usize, log),
            DedupEvent::Route(i, k) => {
                let r = s.requests.take(i as usize);
                log.say(|| {
                    format!(
                        "routes {} (forceRefresh: {}) to server-{}",
                        post(r.req, 0),
                        r.force,
                        k + 1
                    )
                });
                self.arrive(s, r, 0, k, log);
            }
            DedupEvent::DuplicateRequest(i, k) => {
                s.faults.duplicates -= 1;
                let p = &mut s.requests.in_flight[i as usize];
                p.msg.copies += 1;
                let r = p.msg;
                log.say(|| {
                    format!(
                        "a proxy retries {}: {} reaches server-{}",
                        post(r.req, 0),
                        post(r.req, r.copies),
                        k + 1
                    )
                });
                self.arrive(s, r, r.copies, k, log);
            }
            DedupEvent::DropRequest(i) => {
                s.faults.drops -= 1;
                let r = s.requests.take(i as usize);
                log.say(|| format!("loses {}", post(r.req, 0)));
                self.settle_request(s, r.tab as usize, r.req, None, log);
            }
            DedupEvent::DelayRequest(i) => {
                s.faults.delays -= 1;
                let p = &mut s.requests.in_flight[i as usize];
                p.due = delayed(p.due, delay);
                let r = p.msg;
                log.say(|| format!("holds {} back by {delay} ms", post(r.req, 0)));
            }
            DedupEvent::Deliver(i) => {
                let r = s.responses.take(i as usize);
                log.say(|| {
                    format!(
                        "receives {} → {}",
                        post(r.req, r.copy),
                        answer_text(r.answer)
                    )
                });
                self.settle_request(s, r.tab as usize, r.req, Some(r.answer), log);
            }
            DedupEvent::DropResponse(i) => {
                s.faults.drops -= 1;
                let r = s.responses.take(i as usize);
                log.say(|| format!("loses the response to {}", post(r.req, r.copy)));
                self.settle_request(s, r.tab as usize, r.req, None, log);
            }
            DedupEvent::DelayResponse(i) => {
                s.faults.delays -= 1;
                let p = &mut s.responses.in_flight[i as usize];
                p.due = delayed(p.due, delay);
                let r = p.msg;
                log.say(|| {
                    format!(
                        "holds the response to {} back by {delay} ms",
                        post(r.req, r.copy)
                    )
                });
            }
            DedupEvent::Step(j, c) => self.step(s, j as usize, c as usize, log),
            DedupEvent::Generated(j) => self.generated(s, j as usize, log),
            DedupEvent::GenerationFails(j) => self.generation_fails(s, j as usize, log),
            DedupEvent::CacheExpires(k) => {
                let e = s.cache[k as usize].take();
                log.say(|| format!("entry {} expires", e.map_or(String::new(), |e| img(e.img))));
            }
            DedupEvent::Cleanup => {
                let gone = s.table.delete_orphans(s.files);
                log.say(|| format!("deletes orphaned records {}", imgs(&gone)));
                s.cleanup_due = None;
                if self.busy(s) {
                    let n = self.config.policies.orphan_cleanup_interval_ms.unwrap_or(0);
                    s.cleanup_due = Some(Timer::between(n, n));
                }
            }
        }
    }

    /// The actor that takes event `e` in state `s`.
    pub(super) fn actor(&self, s: &DedupState, e: &DedupEvent) -> String {
        let server = |j: u8| format!("server-{}", s.jobs[j as usize].instance + 1);
        match *e {
            DedupEvent::Open(t)
            | DedupEvent::Call(t)
            | DedupEvent::Debounce(t)
            | DedupEvent::ImageLoad(t) => tab_name(t),
            DedupEvent::Route(..) => "lb".into(),
            DedupEvent::DuplicateRequest(..)
            | DedupEvent::DropRequest(_)
            | DedupEvent::DelayRequest(_)
            | DedupEvent::DropResponse(_)
            | DedupEvent::DelayResponse(_) => "network".into(),
            DedupEvent::Deliver(i) => tab_name(s.responses.in_flight[i as usize].msg.tab),
            DedupEvent::Step(j, _) | DedupEvent::Generated(j) | DedupEvent::GenerationFails(j) => {
                server(j)
            }
            // Per-instance caches expire separately: name the instance, so two entries expiring
            // in one state have distinct event names (replay matches steps by name).
            DedupEvent::CacheExpires(k)
                if self.config.policies.cache == CacheScope::PerInstance =>
            {
                format!("server-{} cache", k + 1)
            }
            DedupEvent::CacheExpires(_) => "cache".into(),
            DedupEvent::Cleanup => "cleanup".into(),
        }
    }
}

/// `tab-1` for tab index 0.
pub fn tab_name(t: u8) -> String {
    format!("tab-{}", t + 1)
}

/// `[img-1, img-2]`.
pub fn imgs(list: &[u8]) -> String {
    let names: Vec<String> = list.iter().map(|&i| img(i)).collect();
    format!("[{}]", names.join(", "))
}

fn answer_text(a: Answer) -> String {
    match a {
        Answer::Image(i) => format!("200 {}", img(i)),
        Answer::GenerationFailed => "500 (image API failed)".into(),
        Answer::UniqueViolation => "500 (23505 unique_violation)".into(),
    }
}

fn delayed(t: Timer, d: u32) -> Timer {
    Timer {
        earliest: t.earliest.saturating_add(d),
        latest: if t.latest == u32::MAX {
            u32::MAX
        } else {
            t.latest.saturating_add(d)
        },
    }
}

impl crate::world::World for GenerationDedup {
    const NAME: &'static str = "generation_dedup";
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
        GenerationDedup::new(DedupConfig {
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

impl Model for GenerationDedup {
    type State = DedupState;
    type Event = DedupEvent;

    fn initial_state(&self) -> DedupState {
        let c = &self.config;
        let mut table = Table::default();
        let mut files = 0;
        if c.workload.stored_image {
            table.insert(false, Some(1), None);
            storage::write(&mut files, 1);
        }
        DedupState {
            tabs: vec![Tab::new(c.workload.loads_per_tab); c.topology.tabs],
            local_ref: match c.workload.initial_ref {
                InitialRef::None => None,
                InitialRef::Deleted => Some(0),
            },
            requests: Channel::new(Order::Unordered),
            responses: Channel::new(Order::Unordered),
            jobs: Vec::new(),
            active: [None; MAX_INSTANCES],
            cache: [None; MAX_INSTANCES],
            table,
            files,
            next_req: 0,
            next_img: if c.workload.stored_image { 2 } else { 1 },
            generator: Generator::default(),
            cleanup_due: c
                .policies
                .orphan_cleanup_interval_ms
                .map(|n| Timer::between(n, n)),
            faults: FaultBudget {
                generator_failures: c.faults.generator_failures,
                drops: c.faults.http_drops,
                duplicates: c.faults.http_duplicates,
                delays: c.faults.http_delays,
            },
        }
    }

    fn enabled(&self, s: &DedupState, out: &mut Vec<Timed<DedupEvent>>) {
        let f = &s.faults;
        for (t, tab) in s.tabs.iter().enumerate() {
            let t = t as u8;
            if tab.loads_left > 0 && tab.settled() {
                out.push(Timed::any(DedupEvent::Open(t)));
            }
            if tab.calls_left > 0 {
                out.push(Timed::within(DedupEvent::Call(t), tab.call_due.window()));
            }
            if let Some(d) = tab.debounce_due {
                out.push(Timed::within(DedupEvent::Debounce(t), d.window()));
            }
            if let Some(l) = tab.loading {
                out.push(Timed::within(DedupEvent::ImageLoad(t), l.window()));
            }
        }
        for (i, p) in s.requests.deliverable() {
            let i = i as u8;
            let w = p.due.window();
            for k in 0..self.config.topology.server_instances as u8 {
                out.push(Timed::within(DedupEvent::Route(i, k), w));
                if f.duplicates > 0 && p.msg.copies < 3 {
                    out.push(Timed::within(DedupEvent::DuplicateRequest(i, k), w));
                }
            }
            if f.drops > 0 {
                out.push(Timed::within(DedupEvent::DropRequest(i), w));
            }
            if f.delays > 0 {
                out.push(Timed::within(DedupEvent::DelayRequest(i), w));
            }
        }
        for (i, p) in s.responses.deliverable() {
            let i = i as u8;
            let w = p.due.window();
            out.push(Timed::within(DedupEvent::Deliver(i), w));
            if f.drops > 0 {
                out.push(Timed::within(DedupEvent::DropResponse(i), w));
            }
            if f.delays > 0 {
                out.push(Timed::within(DedupEvent::DelayResponse(i), w));
            }
        }
        for (j, job) in s.jobs.iter().enumerate() {
            let w = job.due.window();
            let j = j as u8;
            if job.phase == Phase::Generating {
                out.push(Timed::within(DedupEvent::Generated(j), w));
                if f.generator_failures > 0 {
                    out.push(Timed::within(DedupEvent::GenerationFails(j), w));
                }
            } else if self.job_ready(s, j as usize) {
                for c in 0..self.choices(s, j as usize) {
                    out.push(Timed::within(DedupEvent::Step(j, c as u8), w));
                }
            }
        }
        for (k, e) in s.cache.iter().enumerate() {
            if let Some(Entry { ttl: Some(t), .. }) = e {
                out.push(Timed::within(DedupEvent::CacheExpires(k as u8), t.window()));
            }
        }
        if let Some(t) = s.cleanup_due {
            out.push(Timed::within(DedupEvent::Cleanup, t.window()));
        }
    }

    fn apply(&self, s: &mut DedupState, e: &DedupEvent, advance: Millis) {
        self.fire(s, e, advance, &mut Log(None));
    }

    fn label(&self, s: &DedupState, e: &DedupEvent) -> EventLabel {
        self.describe_event(s, e)
    }

    fn changes(&self, before: &DedupState, after: &DedupState) -> String {
        self.describe_changes(before, after)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        super::invariants::properties()
    }

    fn fingerprint<H: Hasher>(&self, state: &DedupState, hasher: &mut H) {
        if self.symmetry {
            self.canonical_fingerprint(state, hasher)
        } else {
            state.hash(hasher)
        }
    }
}
