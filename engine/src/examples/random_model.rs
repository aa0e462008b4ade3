//! Small generated models for testing partial-order reduction: a few actors, each running a
//! short straight-line program of reads, writes, read-modify-writes, local steps and blocking
//! waits on a few shared variables, some instructions with virtual-time windows, some with a
//! nondeterministic choice between two operations, some jumping back (so the state space
//! has cycles).
//!
//! It exists so property tests can compare reduced and plain exhaustive search on many shapes
//! of concurrency; it declares honest [`Model::access`] footprints (checked by
//! [`crate::por::audit_independence`] in the tests). It must stay deterministic: programs
//! come from a [`Spec`] or from a seed through a fixed generator, never from a global RNG.

use serde::Serialize;

use crate::model::{Access, EventLabel, Model, Property, PropertyKind};
use crate::time::{Millis, Timed, Window};

/// Every shared variable holds a value modulo this.
pub const VALUES: u8 = 4;

/// One operation of an actor's program. Variables are indices into the shared variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Op {
    /// `reg = var`.
    Read(u8),
    /// `var = constant`.
    Write(u8, u8),
    /// `var = reg`.
    WriteReg(u8),
    /// `var = var + constant` in one step.
    Add(u8, u8),
    /// `reg = reg + constant`: touches nothing shared.
    Local(u8),
    /// Blocks until `var == value`, then steps on.
    Await(u8, u8),
    /// Jumps to instruction `target` (modulo the program's length): touches nothing shared.
    Jump(u8),
    /// Jumps to instruction `target` if `var == value`, else steps on.
    JumpIf(u8, u8, u8),
}

/// One instruction: one or two alternative operations (the scheduler picks) and the window,
/// relative to when the actor reached the instruction, in which it may fire.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Instr {
    /// The alternatives; at least one.
    pub ops: Vec<Op>,
    /// Earliest delay after reaching the instruction.
    pub earliest: Millis,
    /// Latest delay after reaching it (`Millis::MAX`: no deadline).
    pub latest: Millis,
}

/// A whole generated model.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Spec {
    /// How many shared variables (all start at 0).
    pub vars: u8,
    /// One program per actor.
    pub programs: Vec<Vec<Instr>>,
    /// `invariant` (always) fails when every `(var, value)` pair holds; empty: never fails.
    pub bad: Vec<(u8, u8)>,
    /// `final` (at quiescence) fails when `var == value`.
    pub final_bad: Option<(u8, u8)>,
    /// `reachable` (sometimes) holds when `var == value`.
    pub sometimes: Option<(u8, u8)>,
}

/// The generated model.
#[derive(Clone, Debug)]
pub struct RandomModel {
    /// What it runs.
    pub spec: Spec,
}

/// The shared variables and every actor's program counter, register and waiting time.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RandomState {
    /// The shared variables.
    pub vars: Vec<u8>,
    /// Each actor's next instruction.
    pub pcs: Vec<u8>,
    /// Each actor's register.
    pub regs: Vec<u8>,
    /// How long each actor has been at a timed instruction (0 for untimed ones), capped at
    /// the instruction's largest finite bound so the state space stays finite.
    pub waited: Vec<Millis>,
}

/// Actor `actor` takes alternative `alt` of its current instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Step {
    /// The actor.
    pub actor: u8,
    /// Which alternative.
    pub alt: u8,
}

impl Instr {
    fn timed(&self) -> bool {
        self.earliest > 0 || self.latest != Millis::MAX
    }
    fn cap(&self) -> Millis {
        if self.latest == Millis::MAX {
            self.earliest
        } else {
            self.latest
        }
    }
}

impl RandomModel {
    /// The model of `spec`.
    pub fn new(spec: Spec) -> Self {
        RandomModel { spec }
    }

    /// A model generated from `seed` by a fixed SplitMix64 sequence: 2–3 actors, 1–3
    /// instructions each, 2–3 variables.
    pub fn generate(seed: u64) -> Self {
        let mut z = seed;
        let mut next = move |n: u64| {
            z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut x = z;
            x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (x ^ (x >> 31)) % n
        };
        let vars = 2 + next(2) as u8;
        let op = |next: &mut dyn FnMut(u64) -> u64| {
            let v = next(vars as u64) as u8;
            let c = next(VALUES as u64) as u8;
            match next(8) {
                0 => Op::Read(v),
                1 => Op::Write(v, c),
                2 => Op::WriteReg(v),
                3 => Op::Add(v, c.max(1)),
                4 => Op::Local(c),
                5 => Op::Await(v, c),
                6 => Op::Jump(next(3) as u8),
                _ => Op::JumpIf(v, c, next(3) as u8),
            }
        };
        let actors = 2 + next(2);
        let mut programs = Vec::new();
        for _ in 0..actors {
            let mut program = Vec::new();
            for _ in 0..1 + next(3) {
                let mut ops = vec![op(&mut next)];
                if next(4) == 0 {
                    ops.push(op(&mut next));
                }
                let (earliest, latest) = match next(4) {
                    0 => (next(3), next(3) + 2),
                    1 => (0, 0),
                    _ => (0, Millis::MAX),
                };
                program.push(Instr {
                    ops,
                    earliest,
                    latest: latest.max(earliest),
                });
            }
            programs.push(program);
        }
        let pair =
            |next: &mut dyn FnMut(u64) -> u64| (next(vars as u64) as u8, next(VALUES as u64) as u8);
        let bad = (0..next(3)).map(|_| pair(&mut next)).collect();
        let final_bad = Some(pair(&mut next));
        let sometimes = Some(pair(&mut next));
        RandomModel::new(Spec {
            vars,
            programs,
            bad,
            final_bad,
            sometimes,
        })
    }

    fn instr(&self, s: &RandomState, actor: usize) -> Option<&Instr> {
        self.spec.programs[actor].get(s.pcs[actor] as usize)
    }

    fn var(&self, v: u8) -> usize {
        v as usize % self.spec.vars.max(1) as usize
    }
}

fn holds(s: &RandomState, m: &RandomModel, (v, x): (u8, u8)) -> bool {
    s.vars[m.var(v)] == x % VALUES
}

impl Model for RandomModel {
    type State = RandomState;
    type Event = Step;

    fn initial_state(&self) -> RandomState {
        let actors = self.spec.programs.len();
        RandomState {
            vars: vec![0; self.spec.vars.max(1) as usize],
            pcs: vec![0; actors],
            regs: vec![0; actors],
            waited: vec![0; actors],
        }
    }

    fn enabled(&self, s: &RandomState, out: &mut Vec<Timed<Step>>) {
        for actor in 0..self.spec.programs.len() {
            let Some(instr) = self.instr(s, actor) else {
                continue;
            };
            let w = s.waited[actor];
            let window = Window {
                earliest: instr.earliest.saturating_sub(w),
                latest: if instr.latest == Millis::MAX {
                    Millis::MAX
                } else {
                    instr.latest.saturating_sub(w)
                },
            };
            for (alt, op) in instr.ops.iter().enumerate() {
                if let Op::Await(v, x) = *op {
                    if s.vars[self.var(v)] != x % VALUES {
                        continue;
                    }
                }
                let step = Step {
                    actor: actor as u8,
                    alt: alt as u8,
                };
                out.push(Timed::within(step, window));
            }
        }
    }

    fn apply(&self, s: &mut RandomState, e: &Step, advance: Millis) {
        if advance > 0 {
            for actor in 0..self.spec.programs.len() {
                if let Some(instr) = self.instr(s, actor).filter(|i| i.timed()) {
                    s.waited[actor] = (s.waited[actor] + advance).min(instr.cap());
                }
            }
        }
        let a = e.actor as usize;
        let op = self.instr(s, a).expect("fired at an instruction").ops[e.alt as usize];
        match op {
            Op::Read(v) => s.regs[a] = s.vars[self.var(v)],
            Op::Write(v, c) => s.vars[self.var(v)] = c % VALUES,
            Op::WriteReg(v) => s.vars[self.var(v)] = s.regs[a],
            Op::Add(v, c) => {
                let v = self.var(v);
                s.vars[v] = (s.vars[v] + c) % VALUES;
            }
            Op::Local(c) => s.regs[a] = (s.regs[a] + c) % VALUES,
            Op::Await(..) | Op::Jump(_) | Op::JumpIf(..) => {}
        }
        let len = self.spec.programs[a].len() as u8;
        s.pcs[a] = match op {
            Op::Jump(t) => t % len,
            Op::JumpIf(v, x, t) if s.vars[self.var(v)] == x % VALUES => t % len,
            _ => s.pcs[a] + 1,
        };
        s.waited[a] = 0;
    }

    fn label(&self, s: &RandomState, e: &Step) -> EventLabel {
        let op = self
            .instr(s, e.actor as usize)
            .and_then(|i| i.ops.get(e.alt as usize));
        EventLabel::new(
            format!("actor-{}", e.actor),
            format!("#{} {:?}", s.pcs[e.actor as usize], op),
        )
    }

    fn access(&self, s: &RandomState, e: &Step) -> Option<Access> {
        let a = Access::local(e.actor as u32);
        let op = self.instr(s, e.actor as usize)?.ops[e.alt as usize];
        Some(match op {
            Op::Read(v) | Op::Await(v, _) | Op::JumpIf(v, _, _) => a.read(self.var(v) as u32),
            Op::Write(v, _) | Op::WriteReg(v) => a.write(self.var(v) as u32),
            Op::Add(v, _) => a.update(self.var(v) as u32),
            Op::Local(_) | Op::Jump(_) => a,
        })
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property {
                name: "invariant",
                kind: PropertyKind::Always,
                check: |m, s| {
                    if !m.spec.bad.is_empty() && m.spec.bad.iter().all(|p| holds(s, m, *p)) {
                        Err(format!("vars = {:?}", s.vars))
                    } else {
                        Ok(())
                    }
                },
            },
            Property {
                name: "final",
                kind: PropertyKind::AtQuiescence,
                check: |m, s| match m.spec.final_bad {
                    Some(p) if holds(s, m, p) => Err(format!("ended with vars = {:?}", s.vars)),
                    _ => Ok(()),
                },
            },
            Property {
                name: "no_deadlock",
                kind: PropertyKind::AtQuiescence,
                check: |m, s| {
                    let stuck: Vec<usize> = (0..m.spec.programs.len())
                        .filter(|a| m.instr(s, *a).is_some())
                        .collect();
                    if stuck.is_empty() {
                        Ok(())
                    } else {
                        Err(format!("actors {stuck:?} are blocked"))
                    }
                },
            },
            Property {
                name: "reachable",
                kind: PropertyKind::Sometimes,
                check: |m, s| match m.spec.sometimes {
                    Some(p) if !holds(s, m, p) => Err(String::new()),
                    _ => Ok(()),
                },
            },
        ]
    }
}
