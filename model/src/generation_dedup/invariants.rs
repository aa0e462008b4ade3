//! The properties of the generation-dedup world.
//!
//! - `one_generation_per_key` (every state): the image API has been called at most once for
//!   the key, not counting calls that failed. The workload has no user action that asks for
//!   a new image on purpose (every load wants *the* background for the current conditions),
//!   so every second successful or running call is waste — the incident's "3 DALL-E
//!   generations". Checked when a call starts, so the trace ends at the wasted call.
//! - `no_orphan_record` (every state): no committed `generated_images` row points to a file
//!   that does not exist. Checked in every state, not only at quiescence, because any request
//!   that reads the row while it is orphaned is served a 410 (the incident's "410 errors on
//!   future requests"); an hourly cleanup that removes it later does not undo that.
//! - `bounded_churn` (every state): no tab gets a second 410 within one page load — the image
//!   a 410 recovery brought must load. A second 410 means the recovery fed the loop without
//!   any new user input.
//! - `background_shown` (sometimes): some tab shows a background generated or stored in this
//!   run (a 200 on `GET /images/{id}`), so a scenario where nothing ever loads cannot pass
//!   vacuously.

use syncsim_engine::{Property, PropertyKind};

use super::world::{imgs, tab_name, GenerationDedup};

/// The properties, in the order they are checked in each state.
pub fn properties() -> Vec<Property<GenerationDedup>> {
    vec![
        Property {
            name: "one_generation_per_key",
            kind: PropertyKind::Always,
            check: |_, s| {
                let g = s.generator;
                if g.live() <= 1 {
                    Ok(())
                } else {
                    Err(format!(
                        "DALL-E was called {} times for the same key ({} failed): {} wasted generation{}",
                        g.calls,
                        g.failed,
                        g.live() - 1,
                        if g.live() > 2 { "s" } else { "" }
                    ))
                }
            },
        },
        Property {
            name: "no_orphan_record",
            kind: PropertyKind::Always,
            check: |_, s| {
                let orphans = s.table.orphans(s.files);
                if orphans.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "generated_images has record(s) {} whose file was deleted: the next lookup serves a 410",
                        imgs(&orphans)
                    ))
                }
            },
        },
        Property {
            name: "bounded_churn",
            kind: PropertyKind::Always,
            check: |_, s| {
                match s.tabs.iter().position(|t| t.gone >= 2) {
                    None => Ok(()),
                    Some(t) => Err(format!(
                        "{} got a second 410 in one page load: the image its recovery brought is gone too (the 410 loop)",
                        tab_name(t as u8)
                    )),
                }
            },
        },
        Property {
            name: "background_shown",
            kind: PropertyKind::Sometimes,
            check: |_, s| {
                if s.tabs
                    .iter()
                    .any(|t| t.shown && t.src.is_some_and(|i| i > 0))
                {
                    Ok(())
                } else {
                    Err(String::new())
                }
            },
        },
    ]
}
