//! The properties of the render-sync world.
//!
//! - `render_never_disappears` (always, checked on every reachable state): once the tab has
//!   shown the render's image in a place (the chat message, the canvas), that place shows the
//!   image in every later state. History lives in the ghost bits `Tab::shown`, so state
//!   caching stays sound.
//! - `converges` (at quiescence): every place on the tab shows the primary's truth — the image
//!   if the render is completed there, no image and no "generating…" if it does not exist.
//! - `render_shown_from_db` (sometimes): some run reaches a state where the chat message shows
//!   the image from `chain.renders` (`✅ Render now in DB, switching to DB source`), so a
//!   scenario whose render never reaches the tab from the database cannot pass vacuously.

use syncsim_engine::{Property, PropertyKind};

use super::db::RenderRow;
use super::tab::{View, SHOWN_CANVAS, SHOWN_MESSAGE};
use super::world::{RenderSync, RenderSyncState};

fn places(s: &RenderSyncState) -> [(u8, View, &'static str); 2] {
    [
        (SHOWN_MESSAGE, s.tab.message, "chat message"),
        (SHOWN_CANVAS, s.tab.canvas, "canvas"),
    ]
}

fn where_the_render_is(m: &RenderSync, s: &RenderSyncState) -> String {
    match s.db.replica {
        Some(r) if m.reads_replica() => format!(
            "the primary has {}, the replica serving chain reads has {}",
            s.db.primary.describe(),
            r.describe()
        ),
        _ => format!("the primary has {}", s.db.primary.describe()),
    }
}

pub(super) fn properties() -> Vec<Property<RenderSync>> {
    vec![
        Property {
            name: "render_never_disappears",
            kind: PropertyKind::Always,
            check: |m, s| {
                let gone: Vec<String> = places(s)
                    .into_iter()
                    .filter(|(bit, view, _)| s.tab.shown & bit != 0 && !view.is_image())
                    .map(|(_, view, place)| {
                        format!(
                            "tab-1's {place} showed render-1's image and now shows {}",
                            view.describe()
                        )
                    })
                    .collect();
                if gone.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "{} ({})",
                        gone.join("; "),
                        where_the_render_is(m, s)
                    ))
                }
            },
        },
        Property {
            name: "converges",
            kind: PropertyKind::AtQuiescence,
            check: |_, s| {
                let truth = s.db.primary;
                let wrong: Vec<String> = places(s)
                    .into_iter()
                    .filter(|(_, view, _)| match truth {
                        RenderRow::Completed => !view.is_image(),
                        RenderRow::Generating => *view != View::Generating,
                        RenderRow::Absent => view.is_image() || *view == View::Generating,
                    })
                    .map(|(_, view, place)| format!("tab-1's {place} shows {}", view.describe()))
                    .collect();
                if wrong.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "everything settled, but {}, while the primary has {}",
                        wrong.join(" and "),
                        truth.describe()
                    ))
                }
            },
        },
        Property {
            name: "render_shown_from_db",
            kind: PropertyKind::Sometimes,
            check: |_, s| {
                if s.tab.message == View::Db {
                    Ok(())
                } else {
                    Err(String::new())
                }
            },
        },
    ]
}
