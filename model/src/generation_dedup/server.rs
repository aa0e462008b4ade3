//! A request being handled by one server instance: where its handler is between awaits.
//! An instance's own memory is the `activeGenerations` map (one key here, so the request
//! that leads the generation, if any) and its cache slot; both live in the world state,
//! indexed by instance.

use serde::Serialize;

use super::table::Session;
use crate::timer::Timer;

/// Where a handler is; what its next step does depends on this and on the policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Phase {
    /// Next: `SELECT` the key's record.
    Lookup,
    /// Awaiting the `activeGenerations` promise of another request on this instance.
    WaitLock(Session),
    /// Next: `INSERT (key, pending) ON CONFLICT DO NOTHING`.
    Claim,
    /// Lost the claim; next: read the claimed row.
    ReadClaim,
    /// Waits until the claimed row is ready (or released).
    AwaitClaim,
    /// The image API call is in flight.
    Generating,
    /// Shipped `forceRefresh`: next: find the key's records and delete their files.
    ReplaceOld(u8),
    /// Next: plain `INSERT` of this image.
    Insert(u8),
    /// Next: `BEGIN; SELECT … LIMIT 1`.
    TxSelect(u8),
    /// Found row `.1` with image `.2`; next: `cleanupOldFile`.
    TxDeleteOld(u8, u8, u8),
    /// Next: `UPDATE` row `.1`.
    TxUpdate(u8, u8),
    /// Found nothing; next: `INSERT` inside the transaction.
    TxInsert(u8),
    /// Next: `COMMIT`.
    TxCommit(u8),
    /// Next: `INSERT … ON CONFLICT DO UPDATE`.
    Upsert(u8),
    /// Next: delete the replaced file `.1`.
    DeleteOld(u8, u8),
    /// Next: `UPDATE` the claimed row with the image.
    CompleteClaim(u8),
}

/// One request (or one copy of it) inside one instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Job {
    /// Request id and copy, packed (also its database session).
    pub session: Session,
    /// The tab that sent the request.
    pub tab: u8,
    /// The instance the load balancer chose.
    pub instance: u8,
    /// `forceRefresh`, as the server reads it.
    pub force: bool,
    /// Where the handler is.
    pub phase: Phase,
    /// When its next step may happen.
    pub due: Timer,
}

impl Job {
    /// The request id.
    pub fn req(&self) -> u8 {
        self.session >> 2
    }
    /// Which copy of the request this is.
    pub fn copy(&self) -> u8 {
        self.session & 3
    }
}

/// The session id of copy `copy` of request `req`.
pub fn session(req: u8, copy: u8) -> Session {
    (req << 2) | copy
}
