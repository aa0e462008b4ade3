//! A broken spin lock: N threads each enter a critical section R times, testing the lock and
//! setting it as two separate steps, so two threads can both see it free and both enter. The
//! violation needs four steps, but random walks usually reach it after many irrelevant ones
//! (earlier rounds, spinning on a held lock), which makes this model a test bed for shrinking.
//! [`SpinLock::test_and_set`] is the fixed variant, where testing and setting is one step.

use serde::Serialize;

use crate::model::{EventLabel, Model, Property, PropertyKind};
use crate::time::{Millis, Timed};

/// The spin-lock model.
#[derive(Clone, Debug)]
pub struct SpinLock {
    threads: usize,
    rounds: u32,
    atomic: bool,
}

/// Where one thread is in its current round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Phase {
    /// About to test the lock (again, if it was held).
    Idle,
    /// Saw the lock free and is about to set it.
    SawFree,
    /// Inside the critical section.
    Critical,
    /// Finished every round.
    Done,
}

/// One thread: its phase and how many rounds it completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct LockThread {
    /// Where it is.
    pub phase: Phase,
    /// Rounds completed.
    pub rounds_done: u32,
}

/// The lock and every thread.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SpinLockState {
    /// Whether the lock is held.
    pub locked: bool,
    /// The threads, by index.
    pub threads: Vec<LockThread>,
}

/// A thread's next step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockStep {
    /// Thread i tests the lock: if free it moves on to set it (or, in the fixed variant,
    /// takes it at once); if held it stays where it is and will test again.
    Test(usize),
    /// Thread i sets the lock it saw free and enters the critical section.
    Set(usize),
    /// Thread i leaves the critical section and frees the lock.
    Release(usize),
}

impl SpinLock {
    /// `threads` threads, `rounds` critical sections each, with a split test-then-set.
    pub fn broken(threads: usize, rounds: u32) -> Self {
        SpinLock {
            threads,
            rounds,
            atomic: false,
        }
    }
    /// `threads` threads, `rounds` critical sections each, with an atomic test-and-set.
    pub fn test_and_set(threads: usize, rounds: u32) -> Self {
        SpinLock {
            threads,
            rounds,
            atomic: true,
        }
    }
}

impl Model for SpinLock {
    type State = SpinLockState;
    type Event = LockStep;

    fn initial_state(&self) -> SpinLockState {
        let phase = if self.rounds == 0 {
            Phase::Done
        } else {
            Phase::Idle
        };
        SpinLockState {
            locked: false,
            threads: vec![
                LockThread {
                    phase,
                    rounds_done: 0
                };
                self.threads
            ],
        }
    }

    fn enabled(&self, s: &SpinLockState, out: &mut Vec<Timed<LockStep>>) {
        for (i, t) in s.threads.iter().enumerate() {
            match t.phase {
                Phase::Idle => out.push(Timed::any(LockStep::Test(i))),
                Phase::SawFree => out.push(Timed::any(LockStep::Set(i))),
                Phase::Critical => out.push(Timed::any(LockStep::Release(i))),
                Phase::Done => {}
            }
        }
    }

    fn apply(&self, s: &mut SpinLockState, e: &LockStep, _advance: Millis) {
        match *e {
            LockStep::Test(i) => {
                if !s.locked {
                    if self.atomic {
                        s.locked = true;
                        s.threads[i].phase = Phase::Critical;
                    } else {
                        s.threads[i].phase = Phase::SawFree;
                    }
                }
            }
            LockStep::Set(i) => {
                s.locked = true;
                s.threads[i].phase = Phase::Critical;
            }
            LockStep::Release(i) => {
                s.locked = false;
                let t = &mut s.threads[i];
                t.rounds_done += 1;
                t.phase = if t.rounds_done >= self.rounds {
                    Phase::Done
                } else {
                    Phase::Idle
                };
            }
        }
    }

    fn label(&self, s: &SpinLockState, e: &LockStep) -> EventLabel {
        let (i, action) = match *e {
            LockStep::Test(i) => {
                let seen = if s.locked { "held" } else { "free" };
                (i, format!("tests the lock: {seen}"))
            }
            LockStep::Set(i) => (i, "sets the lock".to_string()),
            LockStep::Release(i) => (i, "releases the lock".to_string()),
        };
        EventLabel::new(format!("thread-{}", i + 1), action)
    }

    fn changes(&self, before: &SpinLockState, after: &SpinLockState) -> String {
        let name = |locked: bool| if locked { "held" } else { "free" };
        if before.locked == after.locked {
            String::new()
        } else {
            format!("lock: {} → {}", name(before.locked), name(after.locked))
        }
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![Property {
            name: "mutual_exclusion",
            kind: PropertyKind::Always,
            check: |_, s| {
                let inside: Vec<String> = s
                    .threads
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.phase == Phase::Critical)
                    .map(|(i, _)| format!("thread-{}", i + 1))
                    .collect();
                if inside.len() <= 1 {
                    Ok(())
                } else {
                    Err(format!(
                        "{} are in the critical section together",
                        inside.join(" and ")
                    ))
                }
            },
        }]
    }
}
