//! How the chat-persistence world reads in a trace: one sentence per event in the report's
//! own words (`syncWithDatabase`, `findActiveSession`, `loadMessages`, `updateCache`, the
//! short-circuit, BroadcastChannel, realtime INSERT), and what each step changed in the
//! database, in each browser's localStorage and on each tab's screen.

use syncsim_engine::EventLabel;

use super::browser::{decode, Cache};
use super::config::{ApplyLoaded, CacheCodec, CrossTabSignal};
use super::tab::{Page, Request};
use super::world::{ChatEvent, ChatPersistence, ChatState};
use crate::names::{url_set, UrlSet};

fn images(set: UrlSet) -> String {
    if set == 0 {
        "no images".into()
    } else {
        url_set(set)
    }
}

fn cache(c: Option<Cache>, codec: CacheCodec) -> String {
    match c {
        None => "(empty)".into(),
        Some(c) => match codec {
            CacheCodec::Singular => "{sessionId, messages with attachment only}".into(),
            CacheCodec::Plural => format!("{{sessionId, attachments {}}}", url_set(c.attachments)),
        },
    }
}

impl ChatPersistence {
    /// `tab-1`, or `browser-2/tab-3` when the topology has several browsers.
    pub fn tab_name(&self, t: usize) -> String {
        if self.config.topology.tabs.len() > 1 {
            format!("browser-{}/tab-{}", self.browser_of(t) + 1, t + 1)
        } else {
            format!("tab-{}", t + 1)
        }
    }

    fn browser_name(&self, b: usize) -> String {
        if self.config.topology.tabs.len() > 1 {
            format!("localStorage of browser-{}", b + 1)
        } else {
            "localStorage".into()
        }
    }

    fn applies(&self, loaded: UrlSet) -> String {
        match self.config.policies.apply_loaded {
            ApplyLoaded::Replace => format!("setMessages({})", images(loaded)),
            ApplyLoaded::Merge => format!("merges {}", images(loaded)),
        }
    }

    pub(super) fn describe_event(&self, state: &ChatState, event: &ChatEvent) -> EventLabel {
        let p = &self.config.policies;
        let tab = |t: u8| self.tab_name(t as usize);
        let next = |t: u8| state.tabs[t as usize].sent + 1;
        match *event {
            ChatEvent::Effects(t) => {
                let listen = if p.cross_tab_signal == CrossTabSignal::BroadcastChannel {
                    "listens on BroadcastChannel, "
                } else {
                    ""
                };
                EventLabel::new(
                    tab(t),
                    format!(
                        "mount effects run: {listen}syncWithDatabase calls findActiveSession #{}",
                        next(t)
                    ),
                )
            }
            ChatEvent::Respond(t, i) => {
                let r = state.tabs[t as usize].requests[i as usize];
                let action = match r.request {
                    Request::FindSession => {
                        let cached = state.caches[self.browser_of(t as usize)].is_some();
                        let mut s = format!(
                            "findActiveSession #{} returns the session: setSessionId",
                            r.serial
                        );
                        if p.cross_tab_signal == CrossTabSignal::Realtime {
                            s.push_str(", subscribes to chat_attachments INSERTs");
                        }
                        if p.cache_short_circuit && cached {
                            s.push_str(
                                "; cached.sessionId === session.id, returns early (no DB reload)",
                            );
                        } else if p.cache_short_circuit {
                            s.push_str(&format!(
                                "; no cache, calls loadMessages #{}",
                                r.serial.max(state.tabs[t as usize].sent) + 1
                            ));
                        } else {
                            s.push_str(&format!(
                                "; calls loadMessages #{}",
                                r.serial.max(state.tabs[t as usize].sent) + 1
                            ));
                        }
                        s
                    }
                    Request::Load { attachments, .. } => format!(
                        "loadMessages #{} returns {}: {}",
                        r.serial,
                        images(attachments),
                        self.applies(attachments)
                    ),
                };
                EventLabel::new(tab(t), action)
            }
            ChatEvent::FailLoad(t, i) => {
                let r = state.tabs[t as usize].requests[i as usize];
                let fate = if p.load_retry_ms.is_some() {
                    "will retry"
                } else {
                    "the catch logs it, the tab keeps what it shows"
                };
                EventLabel::new(tab(t), format!("loadMessages #{} fails, {fate}", r.serial))
            }
            ChatEvent::Retry(t) => {
                EventLabel::new(tab(t), format!("retries: loadMessages #{}", next(t)))
            }
            ChatEvent::Joined(t) => {
                let resync = if p.resync_on_subscribe {
                    format!(", reloads: loadMessages #{}", next(t))
                } else {
                    String::new()
                };
                EventLabel::new(
                    tab(t),
                    format!("realtime subscription joined (SUBSCRIBED){resync}"),
                )
            }
            ChatEvent::BroadcastDeliver(t) => {
                let cached = decode(p.cache_codec, state.caches[self.browser_of(t as usize)]);
                EventLabel::new(
                    tab(t),
                    format!(
                        "receives the BroadcastChannel ping, re-reads the cache: {}",
                        self.applies(cached)
                    ),
                )
            }
            ChatEvent::BroadcastDrop(t) => {
                EventLabel::new(tab(t), "misses a BroadcastChannel ping (lost)")
            }
            ChatEvent::RealtimeDeliver(t) => EventLabel::new(
                tab(t),
                format!(
                    "receives a chat_attachments INSERT notification, calls loadMessages #{}",
                    next(t)
                ),
            ),
            ChatEvent::RealtimeDrop(t) => {
                EventLabel::new(tab(t), "misses a realtime INSERT notification (lost)")
            }
            ChatEvent::Prompt(t) => {
                let g = self.prompts_of[t as usize][state.tabs[t as usize].prompts_sent as usize]
                    as usize;
                let n = self.images_of(g).count_ones();
                EventLabel::new(
                    tab(t),
                    format!(
                        "user asks the Creative Director for {n} image{}",
                        if n == 1 { "" } else { "s" }
                    ),
                )
            }
            ChatEvent::Insert(g) => {
                let j = &state.jobs[self.job(state, g)];
                let orphan = if j.orphaned {
                    format!(" (the page of {} that asked is gone)", tab(j.tab))
                } else {
                    String::new()
                };
                EventLabel::new(
                    "generator",
                    format!(
                        "inserts the reply to {} into chat_messages and chat_attachments {}{orphan}",
                        tab(j.tab),
                        url_set(self.images_of(g as usize))
                    ),
                )
            }
            ChatEvent::Reply(g) => {
                let j = &state.jobs[self.job(state, g)];
                let post = if p.cross_tab_signal == CrossTabSignal::BroadcastChannel {
                    ", posts \"chat updated\" on BroadcastChannel"
                } else {
                    ""
                };
                EventLabel::new(
                    tab(j.tab),
                    format!(
                        "receives the reply and shows {}{post}",
                        url_set(self.images_of(g as usize))
                    ),
                )
            }
            ChatEvent::Reload(t) => {
                let cached = decode(p.cache_codec, state.caches[self.browser_of(t as usize)]);
                EventLabel::new(
                    tab(t),
                    format!(
                        "user reloads the page: first render from the cache shows {}",
                        images(cached)
                    ),
                )
            }
            ChatEvent::Close(t) => EventLabel::new(tab(t), "user closes the tab"),
        }
    }

    pub(super) fn describe_changes(&self, before: &ChatState, after: &ChatState) -> String {
        let mut parts = Vec::new();
        if before.db != after.db {
            parts.push(format!(
                "chat_attachments {} → {}",
                url_set(before.db),
                url_set(after.db)
            ));
        }
        let codec = self.config.policies.cache_codec;
        for (b, (x, y)) in before.caches.iter().zip(&after.caches).enumerate() {
            if x != y || (x.is_none() != y.is_none()) {
                parts.push(format!(
                    "{} {} → {}",
                    self.browser_name(b),
                    cache(*x, codec),
                    cache(*y, codec)
                ));
            }
        }
        for (t, (x, y)) in before.tabs.iter().zip(&after.tabs).enumerate() {
            if x.shown != y.shown && y.page != Page::Closed {
                parts.push(format!(
                    "{} shows {} → {}",
                    self.tab_name(t),
                    images(x.shown),
                    images(y.shown)
                ));
            }
        }
        parts.join("; ")
    }
}
