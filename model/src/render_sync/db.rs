//! The database of the render-sync world: the `renders` row of the one render this scenario
//! generates, on a primary and on a read replica that applies the primary's commits in order,
//! each within the replication-lag window after it was committed.
//!
//! The row only moves forward (absent → generating → completed), so its status doubles as the
//! replication position: a snapshot with a higher status is a newer snapshot.

use serde::Serialize;

use crate::channel::{Channel, Order};
use crate::timer::Timer;

/// The render's row in `chain.renders`, as one snapshot of the database shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum RenderRow {
    /// No row yet.
    Absent,
    /// Inserted by the API when the request arrived, `status = 'generating'`, no image.
    Generating,
    /// `status = 'completed'` with the image URL.
    Completed,
}

impl RenderRow {
    /// How a trace names this snapshot of the row.
    pub fn describe(self) -> &'static str {
        match self {
            RenderRow::Absent => "render-1 absent",
            RenderRow::Generating => "render-1 generating",
            RenderRow::Completed => "render-1 completed",
        }
    }
}

/// Primary, replica, and the commits still travelling between them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Db {
    /// The primary's committed row.
    pub primary: RenderRow,
    /// What the replica serves; `None` if the topology has no replica.
    pub replica: Option<RenderRow>,
    /// Commits the replica has not applied yet, oldest first, each with its remaining lag.
    pub replication: Channel<RenderRow>,
}

impl Db {
    /// A database where the render does not exist yet; with a replica if `replica`.
    pub fn new(replica: bool) -> Db {
        Db {
            primary: RenderRow::Absent,
            replica: replica.then_some(RenderRow::Absent),
            replication: Channel::new(Order::Fifo),
        }
    }

    /// Commits `row` on the primary; the replica will apply it within `lag`.
    pub fn commit(&mut self, row: RenderRow, lag: Timer) {
        self.primary = row;
        if self.replica.is_some() {
            self.replication.send(row, lag);
        }
    }

    /// The replica applies its oldest pending commit.
    pub fn replicate(&mut self) -> RenderRow {
        let row = self.replication.take(0);
        self.replica = Some(row);
        row
    }

    /// A read of the row from the replica (`replica = true`, if there is one) or the primary.
    pub fn read(&self, replica: bool) -> RenderRow {
        match (replica, self.replica) {
            (true, Some(r)) => r,
            _ => self.primary,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_replica_applies_commits_in_order() {
        let mut db = Db::new(true);
        db.commit(RenderRow::Generating, Timer::between(0, 10));
        db.commit(RenderRow::Completed, Timer::between(0, 10));
        assert_eq!(db.read(true), RenderRow::Absent);
        assert_eq!(db.read(false), RenderRow::Completed);
        assert_eq!(db.replicate(), RenderRow::Generating);
        assert_eq!(db.read(true), RenderRow::Generating);
        assert_eq!(db.replicate(), RenderRow::Completed);
        assert!(db.replication.is_empty());
    }

    #[test]
    fn without_a_replica_every_read_hits_the_primary() {
        let mut db = Db::new(false);
        db.commit(RenderRow::Generating, Timer::ANY);
        assert_eq!(db.read(true), RenderRow::Generating);
        assert!(db.replication.is_empty());
    }
}
