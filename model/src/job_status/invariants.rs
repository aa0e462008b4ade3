//! The properties of the job-status world.
//!
//! - `no_terminal_downgrade` (every state): once the tab has shown a terminal status
//!   (`completed`, `failed`, `cancelled`), the card never shows a non-terminal one again —
//!   across reloads too, since the user watches the same tab. The ghost variable
//!   `shown_terminal` records the first terminal status shown. An empty card (no job on the
//!   page, e.g. after the persisted job was cleared and the page reloaded) is not a downgrade.
//! - `cancel_respects_terminal` (every state): a cancel never turns a completed job into
//!   `cancelled` — once the row was `completed` it stays `completed` — and the card never shows
//!   `cancelled` while the row is `completed`.
//! - `bounded_churn` (every state): no feedback loop and no reconnect storm without new input.
//!   Precisely: (a) at most `RECONNECT_LIMIT` = 5 WebSocket reconnects since the socket last
//!   opened in one page load (the report's default cap; a policy with no cap or a larger one
//!   exceeds it when the server keeps closing), and (b) at most `ECHO_LIMIT` = 4 hops between
//!   card and parent (a `onStatusChange` notification or a prop effect) since the last input
//!   (a WebSocket frame, an HTTP response, a user action, an idle re-render). A legitimate
//!   propagation takes 2 hops (card → parent → card).
//! - `converges` (at quiescence): when nothing is left to happen, the card shows the row's
//!   status, or no job at all.
//! - `job_completed_on_screen` (sometimes): some run reaches a state where the row is
//!   `completed` and the card shows `completed`, so a scenario cannot pass vacuously.

use syncsim_engine::{Property, PropertyKind};

use super::job::Status;
use super::world::{JobStatus, ECHO_LIMIT, RECONNECT_LIMIT};

pub(super) fn properties() -> Vec<Property<JobStatus>> {
    vec![
        Property {
            name: "no_terminal_downgrade",
            kind: PropertyKind::Always,
            check: |_, s| match (s.shown_terminal, s.tab.child) {
                (Some(t), Some(c)) if !c.status.is_terminal() => Err(format!(
                    "the tab showed {} and now shows {} (the row is {})",
                    t.name(),
                    c.show(),
                    s.job.snap().show()
                )),
                _ => Ok(()),
            },
        },
        Property {
            name: "cancel_respects_terminal",
            kind: PropertyKind::Always,
            check: |_, s| {
                if s.completed_ever && s.job.status != Status::Completed {
                    return Err(format!(
                        "the row was completed and is now {}",
                        s.job.status.name()
                    ));
                }
                match s.tab.child {
                    Some(c)
                        if c.status == Status::Cancelled && s.job.status == Status::Completed =>
                    {
                        Err(format!(
                            "the card shows cancelled but the server completed the job ({})",
                            s.job.snap().show()
                        ))
                    }
                    _ => Ok(()),
                }
            },
        },
        Property {
            name: "bounded_churn",
            kind: PropertyKind::Always,
            check: |_, s| {
                if s.ws.reconnects > RECONNECT_LIMIT {
                    Err(format!(
                        "{} WebSocket reconnects without the socket ever opening (limit {RECONNECT_LIMIT})",
                        s.ws.reconnects
                    ))
                } else if s.tab.echo > ECHO_LIMIT {
                    Err(format!(
                        "{} card/parent updates without new input (limit {ECHO_LIMIT}): a feedback loop",
                        s.tab.echo
                    ))
                } else {
                    Ok(())
                }
            },
        },
        Property {
            name: "converges",
            kind: PropertyKind::AtQuiescence,
            check: |_, s| match s.tab.child {
                Some(c) if c.status != s.job.status => Err(format!(
                    "everything settled, the row is {} but the card shows {}",
                    s.job.snap().show(),
                    c.show()
                )),
                _ => Ok(()),
            },
        },
        Property {
            name: "job_completed_on_screen",
            kind: PropertyKind::Sometimes,
            check: |_, s| {
                if s.job.status == Status::Completed
                    && s.tab.child.is_some_and(|c| c.status == Status::Completed)
                {
                    Ok(())
                } else {
                    Err(String::new())
                }
            },
        },
    ]
}
