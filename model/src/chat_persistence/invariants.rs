//! The properties of the chat-persistence world.
//!
//! - `render_never_disappears` (always, on every settled tab): a tab that is mounted and has
//!   nothing in flight (no `findActiveSession` or `loadMessages` pending, no retry pending)
//!   shows every image it has ever shown — across reloads — and every image that was in
//!   `chat_attachments` when its page last loaded. A tab still syncing may show a partial
//!   skeleton from the cache; once it has settled, what it shows is what the user keeps.
//! - `converges` (at quiescence): once every prompt, reload, request and signal has been
//!   played out, every open tab of every browser shows exactly the images in
//!   `chat_attachments`.
//! - `image_survives_refresh` (sometimes): in some run a tab reloaded while the database held
//!   an image, settled, and shows every image it owes — so a scenario that never refreshes
//!   after an image cannot pass vacuously.
//! - `image_reaches_other_tab` (sometimes): in some run a cross-tab signal (BroadcastChannel
//!   ping or realtime-triggered load) made a tab show an image another tab generated. Trivially
//!   reached when the configuration has no pair of tabs the signal connects (no signal, one
//!   tab, or a BroadcastChannel between browsers that each have one tab).

use syncsim_engine::{Property, PropertyKind};

use super::config::CrossTabSignal;
use super::world::ChatPersistence;
use crate::names::url_set;

pub(super) fn properties() -> Vec<Property<ChatPersistence>> {
    vec![
        Property {
            name: "render_never_disappears",
            kind: PropertyKind::Always,
            check: |m, s| {
                let missing: Vec<String> = s
                    .tabs
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.settled() && t.owed & !t.shown != 0)
                    .map(|(i, t)| {
                        format!(
                            "{} has settled showing {}, but it showed (or the database held at its page load) {}",
                            m.tab_name(i),
                            url_set(t.shown),
                            url_set(t.owed & !t.shown)
                        )
                    })
                    .collect();
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(missing.join("; "))
                }
            },
        },
        Property {
            name: "converges",
            kind: PropertyKind::AtQuiescence,
            check: |m, s| {
                let off: Vec<String> = s
                    .tabs
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.open() && t.shown != s.db)
                    .map(|(i, t)| {
                        format!(
                            "{} shows {} but chat_attachments = {}",
                            m.tab_name(i),
                            url_set(t.shown),
                            url_set(s.db)
                        )
                    })
                    .collect();
                if off.is_empty() {
                    Ok(())
                } else {
                    Err(off.join("; "))
                }
            },
        },
        Property {
            name: "image_survives_refresh",
            kind: PropertyKind::Sometimes,
            check: |_, s| {
                if s.tabs.iter().any(|t| {
                    t.settled() && t.refreshed_with_images && t.shown != 0 && t.owed & !t.shown == 0
                }) {
                    Ok(())
                } else {
                    Err(String::new())
                }
            },
        },
        Property {
            name: "image_reaches_other_tab",
            kind: PropertyKind::Sometimes,
            check: |m, s| {
                if !m.signal_connects_tabs() || s.tabs.iter().any(|t| t.got_remote) {
                    Ok(())
                } else {
                    Err(String::new())
                }
            },
        },
    ]
}

impl ChatPersistence {
    /// Whether the cross-tab signal connects some tab to another tab that sends a prompt.
    pub(super) fn signal_connects_tabs(&self) -> bool {
        let n = self.browser_of.len();
        let signal = self.config.policies.cross_tab_signal;
        (0..n).any(|t| {
            self.remote_images(t) != 0
                && (0..n).any(|u| {
                    u != t
                        && !self.prompts_of[u].is_empty()
                        && match signal {
                            CrossTabSignal::None => false,
                            CrossTabSignal::BroadcastChannel => {
                                self.browser_of[u] == self.browser_of[t]
                            }
                            CrossTabSignal::Realtime => true,
                        }
                })
        })
    }
}
