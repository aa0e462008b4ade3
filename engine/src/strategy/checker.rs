//! Checks a model's properties on each state a strategy reaches, and remembers which
//! `sometimes` properties were reached, so that every strategy judges states the same way.

use crate::model::{Model, Property, PropertyKind};
use crate::outcome::{Bound, Outcome, Violation};

/// The properties of one model, ready to check.
pub struct PropertyChecker<M: Model> {
    properties: Vec<Property<M>>,
    reached: Vec<bool>,
}

/// A failed property: its name and what its check said.
pub type Failure = (String, String);

impl<M: Model> PropertyChecker<M> {
    /// Collects the model's properties.
    pub fn new(model: &M) -> Self {
        let properties = model.properties();
        let reached = vec![false; properties.len()];
        PropertyChecker {
            properties,
            reached,
        }
    }

    /// Checks `state`; `quiescent` says whether no event is enabled in it. Returns the first
    /// failing property in declaration order, and records `sometimes` properties reached.
    pub fn check(&mut self, model: &M, state: &M::State, quiescent: bool) -> Option<Failure> {
        for (i, p) in self.properties.iter().enumerate() {
            match p.kind {
                PropertyKind::Always => {
                    if let Err(msg) = (p.check)(model, state) {
                        return Some((p.name.to_string(), msg));
                    }
                }
                PropertyKind::AtQuiescence if quiescent => {
                    if let Err(msg) = (p.check)(model, state) {
                        return Some((p.name.to_string(), msg));
                    }
                }
                PropertyKind::AtQuiescence => {}
                PropertyKind::Sometimes => {
                    if !self.reached[i] && (p.check)(model, state).is_ok() {
                        self.reached[i] = true;
                    }
                }
            }
        }
        None
    }

    /// The first `sometimes` property not reached so far, as a failure. Meaningful only after
    /// an exploration that covered everything.
    pub fn unreached(&self) -> Option<Failure> {
        self.properties
            .iter()
            .zip(&self.reached)
            .find(|(p, r)| p.kind == PropertyKind::Sometimes && !**r)
            .map(|(p, _)| {
                (
                    p.name.to_string(),
                    format!("`{}` was never reached in any explored state", p.name),
                )
            })
    }

    /// The verdict of an exhaustive search that ran out of states to expand: bounded if some
    /// trace was cut by the depth bound, a violation if a `sometimes` property was never
    /// reached, exhausted otherwise.
    pub fn conclude<E>(&self, cut_by_depth: bool) -> Outcome<E> {
        if cut_by_depth {
            return Outcome::Bounded(Bound::Depth);
        }
        match self.unreached() {
            Some((property, message)) => Outcome::Violation(Violation {
                property,
                message,
                path: Vec::new(),
                run_seed: None,
            }),
            None => Outcome::Exhausted,
        }
    }
}
