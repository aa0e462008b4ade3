//! The properties of the save-race world.
//!
//! - `no_lost_url` (at quiescence): every URL whose save was acknowledged ("Saved") is in its
//!   scene's `imageUrls` in the primary's committed document once everything has settled.
//! - `all_saves_acknowledged` (sometimes): some run ends with every task reporting success,
//!   so a scenario whose tasks can never finish cannot pass `no_lost_url` vacuously.

use syncsim_engine::{Property, PropertyKind};

use super::world::SaveRace;
use crate::names::{saver, scene, url, url_set};

pub(super) fn properties() -> Vec<Property<SaveRace>> {
    vec![
        Property {
            name: "no_lost_url",
            kind: PropertyKind::AtQuiescence,
            check: |m, s| {
                let doc = &s.row.committed.doc;
                let lost: Vec<String> = (0..s.savers.len())
                    .filter(|&i| s.savers[i].acked() && doc.urls[m.scene_of(i)] & (1 << i) == 0)
                    .map(|i| {
                        let k = m.scene_of(i);
                        format!(
                            "{} reported {} saved, but {}.imageUrls = {}",
                            saver(i),
                            url(i),
                            scene(k),
                            if doc.has_scene(k) {
                                url_set(doc.urls[k])
                            } else {
                                "(no such scene)".into()
                            }
                        )
                    })
                    .collect();
                if lost.is_empty() {
                    Ok(())
                } else {
                    Err(lost.join("; "))
                }
            },
        },
        Property {
            name: "all_saves_acknowledged",
            kind: PropertyKind::Sometimes,
            check: |_, s| {
                if s.savers.iter().all(|x| x.acked()) {
                    Ok(())
                } else {
                    Err(String::new())
                }
            },
        },
    ]
}
