//! The classic lost update: N threads each increment a shared counter as a separate read and
//! write (`tmp = x; x = tmp + 1`), or atomically. With a split increment two threads can read
//! the same value and the final count falls short.
//!
//! It declares what each step touches ([`Model::access`]) so partial-order reduction has a
//! small model whose reduced counts can be pinned. It must stay tiny and self-contained.

use serde::Serialize;

use crate::model::{Access, EventLabel, Model, Property, PropertyKind};
use crate::time::{Millis, Timed, Window};

/// The counter model.
#[derive(Clone, Debug)]
pub struct Counter {
    threads: usize,
    atomic: bool,
    /// Each thread's read takes this long (a window), to exercise virtual time.
    read_delay: Option<(Millis, Millis)>,
}

/// One thread: where it is in its increment and what it read.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Thread {
    /// Not started.
    Idle,
    /// Read the counter, holding the value.
    Read(u32),
    /// Finished.
    Done,
}

/// The counter and every thread.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct CounterState {
    /// The shared counter.
    pub value: u32,
    /// The threads, by index.
    pub threads: Vec<Thread>,
}

/// A thread's next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// Thread i reads the counter.
    Read(usize),
    /// Thread i writes back what it read, plus one.
    Write(usize),
    /// Thread i increments atomically.
    Increment(usize),
}

impl Counter {
    /// The shared counter's resource number in [`Model::access`] declarations.
    pub const X: u32 = 0;
    /// `threads` threads doing a split read-then-write increment.
    pub fn lost_update(threads: usize) -> Self {
        Counter {
            threads,
            atomic: false,
            read_delay: None,
        }
    }
    /// `threads` threads doing an atomic increment.
    pub fn atomic(threads: usize) -> Self {
        Counter {
            threads,
            atomic: true,
            read_delay: None,
        }
    }
    /// Gives every read a firing window, so the first write must wait for the clock.
    pub fn with_read_delay(mut self, earliest: Millis, latest: Millis) -> Self {
        self.read_delay = Some((earliest, latest));
        self
    }
}

impl Model for Counter {
    type State = CounterState;
    type Event = Step;

    fn initial_state(&self) -> CounterState {
        CounterState {
            value: 0,
            threads: vec![Thread::Idle; self.threads],
        }
    }

    fn enabled(&self, s: &CounterState, out: &mut Vec<Timed<Step>>) {
        for (i, t) in s.threads.iter().enumerate() {
            match t {
                Thread::Idle if self.atomic => out.push(Timed::any(Step::Increment(i))),
                Thread::Idle => {
                    let window = self
                        .read_delay
                        .map_or(Window::ANY, |(a, b)| Window::between(a, b));
                    out.push(Timed::within(Step::Read(i), window))
                }
                Thread::Read(_) => out.push(Timed::any(Step::Write(i))),
                Thread::Done => {}
            }
        }
    }

    fn apply(&self, s: &mut CounterState, e: &Step, _advance: Millis) {
        match *e {
            Step::Read(i) => s.threads[i] = Thread::Read(s.value),
            Step::Write(i) => {
                if let Thread::Read(v) = s.threads[i] {
                    s.value = v + 1;
                }
                s.threads[i] = Thread::Done;
            }
            Step::Increment(i) => {
                s.value += 1;
                s.threads[i] = Thread::Done;
            }
        }
    }

    fn label(&self, s: &CounterState, e: &Step) -> EventLabel {
        match *e {
            Step::Read(i) => EventLabel::new(
                format!("thread-{}", i + 1),
                format!("reads x = {}", s.value),
            ),
            Step::Write(i) => {
                let v = match s.threads[i] {
                    Thread::Read(v) => v + 1,
                    _ => 0,
                };
                EventLabel::new(format!("thread-{}", i + 1), format!("writes x = {v}"))
            }
            Step::Increment(i) => EventLabel::new(format!("thread-{}", i + 1), "increments x"),
        }
    }

    /// Each thread is an actor whose local state is its own entry in `threads`; the counter
    /// is resource [`Counter::X`]. Reads commute with reads; anything writing `x` conflicts.
    fn access(&self, _s: &CounterState, e: &Step) -> Option<Access> {
        Some(match *e {
            Step::Read(i) => Access::local(i as u32).read(Counter::X),
            Step::Write(i) => Access::local(i as u32).write(Counter::X),
            Step::Increment(i) => Access::local(i as u32).update(Counter::X),
        })
    }

    fn changes(&self, before: &CounterState, after: &CounterState) -> String {
        if before.value == after.value {
            String::new()
        } else {
            format!("x: {} → {}", before.value, after.value)
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property {
                name: "no_lost_increment",
                kind: PropertyKind::AtQuiescence,
                check: |m, s| {
                    if s.value as usize == m.threads {
                        Ok(())
                    } else {
                        Err(format!(
                            "{} threads incremented but x = {}",
                            m.threads, s.value
                        ))
                    }
                },
            },
            Property {
                name: "all_threads_finish",
                kind: PropertyKind::Sometimes,
                check: |_, s| {
                    if s.threads.iter().all(|t| *t == Thread::Done) {
                        Ok(())
                    } else {
                        Err(String::new())
                    }
                },
            },
        ]
    }
}
