//! The database: one project row holding a versioned JSON document (`generated_output` with
//! its scenes and their `imageUrls`), a read replica that lags the primary, and the row lock
//! that `SELECT … FOR UPDATE` and writers take.
//!
//! Semantics follow PostgreSQL 15 at READ COMMITTED, as confirmed in design.md: a plain read
//! sees the last committed document; a writer waits while another session holds the row lock
//! (the world simply does not enable its step); a conditional write on a stale version
//! affects 0 rows without an error; an atomic append never loses a concurrent append; an
//! uncommitted change is invisible to others until COMMIT. Each operation is a separate event
//! of the world, never a multi-step function, so every interleaving the app can hit is one
//! the scheduler can choose.

use serde::Serialize;

use crate::names::UrlSet;

/// The most scenes a project document holds in the model.
pub const MAX_SCENES: usize = 4;

/// The JSON document of the project row: which scenes exist and each scene's `imageUrls`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
pub struct Doc {
    /// Bit k set: scene k exists in `generated_output.scenes`.
    pub scenes: u8,
    /// `imageUrls` of each scene.
    pub urls: [UrlSet; MAX_SCENES],
}

impl Doc {
    /// Whether scene `k` exists.
    pub fn has_scene(&self, k: usize) -> bool {
        self.scenes & (1 << k) != 0
    }
    /// The document with `url` added to scene `k`'s `imageUrls` (what the app computes in
    /// memory before writing the whole document back).
    pub fn with_url(mut self, k: usize, url: usize) -> Doc {
        self.urls[k] |= 1 << url;
        self
    }
}

/// A committed version of the row: the document and its version (`updated_at`, as a counter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
pub struct Committed {
    /// The document.
    pub doc: Doc,
    /// Bumped by every committed write.
    pub version: u32,
}

/// Who holds the row lock, and what they have written but not committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RowLock {
    /// The session (saver index) holding the lock.
    pub holder: u8,
    /// The document its `UPDATE` wrote inside the transaction, visible only to itself.
    pub uncommitted: Option<Doc>,
}

/// The primary's project row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
pub struct Row {
    /// What every other session reads.
    pub committed: Committed,
    /// The row lock, while a transaction holds it.
    pub lock: Option<RowLock>,
}

/// The result of a conditional write, as PostgreSQL reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Affected {
    /// `UPDATE 1`.
    One,
    /// `UPDATE 0`: no error; the caller must notice.
    Zero,
}

impl Row {
    /// Whether `session` may write now: no other session holds the row lock.
    pub fn writable_by(&self, session: usize) -> bool {
        self.lock.is_none_or(|l| l.holder as usize == session)
    }

    /// A plain `SELECT` at READ COMMITTED.
    pub fn read(&self) -> Committed {
        self.committed
    }

    /// `UPDATE project SET generated_output = $doc` (autocommit): last writer wins.
    pub fn blind_write(&mut self, doc: Doc) {
        self.committed = Committed {
            doc,
            version: self.committed.version + 1,
        };
    }

    /// `UPDATE project SET generated_output = $doc WHERE version = $expected` (autocommit).
    pub fn conditional_write(&mut self, doc: Doc, expected: u32) -> Affected {
        if self.committed.version == expected {
            self.blind_write(doc);
            Affected::One
        } else {
            Affected::Zero
        }
    }

    /// `UPDATE … SET generated_output = jsonb_set(…, imageUrls || $url) WHERE scene k exists`
    /// (autocommit): appends to the committed document, whatever anyone read before.
    pub fn atomic_append(&mut self, k: usize, url: usize) -> Affected {
        if !self.committed.doc.has_scene(k) {
            return Affected::Zero;
        }
        let doc = self.committed.doc.with_url(k, url);
        self.blind_write(doc);
        Affected::One
    }

    /// `BEGIN; SELECT … FOR UPDATE`: takes the row lock (the caller checked it is free) and
    /// reads the committed document.
    pub fn lock_for_update(&mut self, session: usize) -> Committed {
        self.lock = Some(RowLock {
            holder: session as u8,
            uncommitted: None,
        });
        self.committed
    }

    /// `UPDATE` inside the lock holder's transaction: visible to nobody else until commit.
    pub fn update_in_transaction(&mut self, doc: Doc) {
        if let Some(lock) = &mut self.lock {
            lock.uncommitted = Some(doc);
        }
    }

    /// `COMMIT`: publishes the transaction's write (if any) and releases the lock.
    pub fn commit(&mut self) {
        if let Some(RowLock {
            uncommitted: Some(doc),
            ..
        }) = self.lock.take()
        {
            self.blind_write(doc);
        }
    }

    /// `ROLLBACK` (or a failed transaction's `COMMIT`): discards the write, releases the lock.
    pub fn rollback(&mut self) {
        self.lock = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A project row at v0 whose document holds scene 1 with no URLs.
    fn one_scene_row() -> Row {
        let doc = Doc {
            scenes: 1,
            ..Doc::default()
        };
        Row {
            committed: Committed { doc, version: 0 },
            lock: None,
        }
    }

    #[test]
    fn two_read_modify_writes_lose_the_first_url() {
        let mut row = one_scene_row();
        let a = row.read();
        let b = row.read();
        row.blind_write(a.doc.with_url(0, 0));
        row.blind_write(b.doc.with_url(0, 1));
        assert_eq!(row.committed.doc.urls[0], 0b10);
    }

    #[test]
    fn a_stale_conditional_write_affects_zero_rows() {
        let mut row = one_scene_row();
        let a = row.read();
        let b = row.read();
        assert_eq!(
            row.conditional_write(a.doc.with_url(0, 0), a.version),
            Affected::One
        );
        assert_eq!(
            row.conditional_write(b.doc.with_url(0, 1), b.version),
            Affected::Zero
        );
        assert_eq!(row.committed.doc.urls[0], 0b01);
    }

    #[test]
    fn an_uncommitted_update_is_invisible_until_commit() {
        let mut row = one_scene_row();
        let read = row.lock_for_update(0);
        assert!(!row.writable_by(1));
        row.update_in_transaction(read.doc.with_url(0, 0));
        assert_eq!(row.read().doc.urls[0], 0);
        row.commit();
        assert_eq!(
            row.read(),
            Committed {
                doc: Doc {
                    scenes: 1,
                    urls: [1, 0, 0, 0]
                },
                version: 1
            }
        );
        assert!(row.writable_by(1));
    }

    #[test]
    fn appending_to_a_missing_scene_affects_zero_rows() {
        let mut row = Row::default();
        assert_eq!(row.atomic_append(0, 0), Affected::Zero);
    }
}
