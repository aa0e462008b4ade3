//! How the generation-dedup world reads in a trace: one sentence per event in the incident's
//! own words (`POST /weather/background (forceRefresh: true)`, `410 Gone`, DALL-E,
//! `activeGenerations`, `cleanupOldFile`, 23505), and what each step changed in the table,
//! storage, the cost counter, the caches and the tabs.

use syncsim_engine::EventLabel;

use super::world::{img, post, tab_name, DedupEvent, DedupState, GenerationDedup, Log};

fn record_list(s: &DedupState) -> String {
    let files = s.files;
    let names: Vec<String> = s
        .table
        .committed_images()
        .into_iter()
        .map(|r| match r {
            None => "pending".to_string(),
            Some(i) if files & (1 << i) == 0 => format!("{} (file gone)", img(i)),
            Some(i) => img(i),
        })
        .collect();
    format!("[{}]", names.join(", "))
}

fn opt_img(i: Option<u8>) -> String {
    i.map_or("none".into(), img)
}

impl GenerationDedup {
    pub(super) fn describe_event(&self, s: &DedupState, e: &DedupEvent) -> EventLabel {
        let mut after = s.clone();
        let mut log = Log(Some(Vec::new()));
        self.fire(&mut after, e, 0, &mut log);
        let mut action = log.0.unwrap_or_default().join("; ");
        if let DedupEvent::Step(j, _) | DedupEvent::Generated(j) | DedupEvent::GenerationFails(j) =
            *e
        {
            let job = s.jobs[j as usize];
            action = format!("{}: {action}", post(job.req(), job.copy()));
        }
        EventLabel::new(self.actor(s, e), action)
    }

    pub(super) fn describe_changes(&self, b: &DedupState, a: &DedupState) -> String {
        let mut parts = Vec::new();
        if a.generator.calls != b.generator.calls {
            parts.push(format!(
                "DALL-E calls {} → {}",
                b.generator.calls, a.generator.calls
            ));
        }
        let (rb, ra) = (record_list(b), record_list(a));
        if rb != ra {
            parts.push(format!("generated_images {rb} → {ra}"));
        }
        let gone = b.files & !a.files;
        for i in 0..32u8 {
            if gone & (1 << i) != 0 {
                parts.push(format!("file {} deleted", img(i)));
            }
        }
        for k in 0..self.config.topology.server_instances {
            if a.active[k] != b.active[k] {
                parts.push(match a.active[k] {
                    Some(l) => format!(
                        "server-{} activeGenerations = {{key: {}}}",
                        k + 1,
                        post(l >> 2, l & 3)
                    ),
                    None => format!("server-{} activeGenerations = {{}}", k + 1),
                });
            }
            if a.cache[k] != b.cache[k] && a.cache[k].map(|e| e.img) != b.cache[k].map(|e| e.img) {
                let who = if self.config.policies.cache == super::config::CacheScope::Shared {
                    "shared cache".to_string()
                } else {
                    format!("server-{} cache", k + 1)
                };
                parts.push(format!("{who} = {}", opt_img(a.cache[k].map(|e| e.img))));
            }
        }
        if a.local_ref != b.local_ref {
            parts.push(format!(
                "localStorage ref {} → {}",
                opt_img(b.local_ref),
                opt_img(a.local_ref)
            ));
        }
        for (t, (tb, ta)) in b.tabs.iter().zip(&a.tabs).enumerate() {
            if ta.shown && !tb.shown {
                parts.push(format!("{} shows {}", tab_name(t as u8), opt_img(ta.src)));
            }
        }
        parts.join("; ")
    }
}
