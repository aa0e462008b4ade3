//! The `generated_images` table, restricted to the rows of one key (user, location, weather,
//! time of day, season): every row here has the same key, so the optional unique constraint
//! means "at most one row".
//!
//! PostgreSQL 15 at READ COMMITTED, as in design.md: a plain `SELECT` sees committed rows (and
//! the session's own uncommitted changes); select-then-insert without a unique constraint
//! lets two sessions both see 0 rows and both insert; with the constraint, the second
//! `INSERT` waits for the first session's uncommitted insert and then fails with 23505 if
//! it commits (or proceeds if it rolls back); an `UPDATE` waits for another session's row
//! lock. Waiting is the world not enabling the step. Each function here is one statement,
//! never a sequence, so every interleaving is a scheduler choice.

use serde::Serialize;

/// A database session: the job's request id and copy number, packed (`req << 2 | copy`).
pub type Session = u8;

/// One row of `generated_images` for the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Row {
    /// `generated_images.id` (serial): stable while other rows come and go.
    pub id: u8,
    /// The committed image (`file_path`); `None` is a claim whose image is still pending.
    pub img: Option<u8>,
    /// The session whose transaction inserted the row and has not committed yet.
    pub inserted_by: Option<Session>,
    /// An uncommitted `UPDATE` holding the row lock: its session and new image.
    pub update: Option<(Session, u8)>,
}

/// The rows of the key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Table {
    /// In insertion order.
    pub rows: Vec<Row>,
    /// The next `id`.
    pub next_id: u8,
}

/// What an `INSERT` does under the unique constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InsertOutcome {
    /// `INSERT 0 1`.
    Inserted,
    /// 23505 `unique_violation`: a committed row has the key.
    UniqueViolation,
}

impl Table {
    /// Whether `session` sees row `r` (committed, or inserted by itself).
    fn visible(&self, r: usize, session: Option<Session>) -> bool {
        let row = &self.rows[r];
        row.inserted_by.is_none() || row.inserted_by == session
    }

    /// `SELECT … WHERE key LIMIT 1` as `session` sees it: the ready rows it may return, as
    /// (row id, image). Without `ORDER BY` PostgreSQL may return any of them, so the
    /// world offers one event per row.
    pub fn select(&self, session: Option<Session>) -> Vec<(u8, u8)> {
        (0..self.rows.len())
            .filter(|&r| self.visible(r, session))
            .filter_map(|r| {
                let row = &self.rows[r];
                let img = match row.update {
                    Some((s, img)) if Some(s) == session => Some(img),
                    _ => row.img,
                };
                img.map(|i| (row.id, i))
            })
            .collect()
    }

    /// The committed images, in row order (what an outside observer of the table sees).
    pub fn committed_images(&self) -> Vec<Option<u8>> {
        self.rows
            .iter()
            .filter(|r| r.inserted_by.is_none())
            .map(|r| r.img)
            .collect()
    }

    /// Whether an `INSERT` by `session` must wait: with the constraint, another session's
    /// uncommitted insert of the key holds it.
    pub fn insert_waits(&self, unique: bool, session: Option<Session>) -> bool {
        unique
            && self
                .rows
                .iter()
                .any(|r| r.inserted_by.is_some() && r.inserted_by != session)
    }

    /// `INSERT` (inside `session`'s transaction, or autocommit for `None`). The caller has
    /// checked [`Table::insert_waits`].
    pub fn insert(
        &mut self,
        unique: bool,
        img: Option<u8>,
        session: Option<Session>,
    ) -> InsertOutcome {
        if unique && self.rows.iter().any(|r| r.inserted_by.is_none()) {
            return InsertOutcome::UniqueViolation;
        }
        self.push(img, session);
        InsertOutcome::Inserted
    }

    fn push(&mut self, img: Option<u8>, session: Option<Session>) {
        self.rows.push(Row {
            id: self.next_id,
            img,
            inserted_by: session,
            update: None,
        });
        self.next_id += 1;
    }

    /// Whether an `UPDATE` of row `id` by `session` must wait for another session's row lock.
    pub fn update_waits(&self, id: u8, session: Session) -> bool {
        self.rows
            .iter()
            .find(|row| row.id == id)
            .and_then(|row| row.update)
            .is_some_and(|(s, _)| s != session)
    }

    /// `UPDATE … SET file_path = $img WHERE id = $id` inside `session`'s transaction: takes
    /// the row lock. Returns false (`UPDATE 0`) if the row is gone.
    pub fn update_in_transaction(&mut self, id: u8, session: Session, img: u8) -> bool {
        match self.rows.iter_mut().find(|row| row.id == id) {
            Some(row) => {
                row.update = Some((session, img));
                true
            }
            None => false,
        }
    }

    /// `COMMIT` of `session`: its insert becomes visible, its update is applied, locks free.
    pub fn commit(&mut self, session: Session) {
        for row in &mut self.rows {
            if row.inserted_by == Some(session) {
                row.inserted_by = None;
            }
            if let Some((s, img)) = row.update {
                if s == session {
                    row.img = Some(img);
                    row.update = None;
                }
            }
        }
    }

    /// `ROLLBACK` of `session` (or its failed transaction's `COMMIT`).
    pub fn rollback(&mut self, session: Session) {
        self.rows.retain(|r| r.inserted_by != Some(session));
        for row in &mut self.rows {
            if row.update.is_some_and(|(s, _)| s == session) {
                row.update = None;
            }
        }
    }

    /// `INSERT … ON CONFLICT (key) DO UPDATE SET file_path = $img` (autocommit, needs the
    /// constraint): returns the image it replaced, if any.
    pub fn upsert(&mut self, img: u8) -> Option<u8> {
        match self.rows.iter_mut().find(|r| r.inserted_by.is_none()) {
            Some(row) => row.img.replace(img),
            None => {
                self.push(Some(img), None);
                None
            }
        }
    }

    /// `INSERT (key, pending) ON CONFLICT DO NOTHING` (autocommit): whether this session now
    /// holds the claim.
    pub fn claim(&mut self) -> bool {
        if self.rows.is_empty() {
            self.push(None, None);
            true
        } else {
            false
        }
    }

    /// Whether a claim on the key is pending (no image yet).
    pub fn claim_pending(&self) -> bool {
        self.rows
            .iter()
            .any(|r| r.inserted_by.is_none() && r.img.is_none())
    }

    /// `UPDATE … SET file_path = $img WHERE status = 'pending'` (autocommit): the claimer
    /// records its image.
    pub fn complete_claim(&mut self, img: u8) {
        if let Some(row) = self.rows.iter_mut().find(|r| r.img.is_none()) {
            row.img = Some(img);
        }
    }

    /// `DELETE … WHERE status = 'pending'` (autocommit): the claimer gives up its claim.
    pub fn release_claim(&mut self) {
        self.rows.retain(|r| r.img.is_some());
    }

    /// The orphan cleanup: `DELETE` every committed, unlocked row whose file is missing.
    /// Returns the images of the rows it deleted.
    pub fn delete_orphans(&mut self, files: u32) -> Vec<u8> {
        let mut gone = Vec::new();
        self.rows.retain(|r| {
            let orphan = r.inserted_by.is_none()
                && r.update.is_none()
                && r.img.is_some_and(|i| files & (1 << i) == 0);
            if orphan {
                gone.push(r.img.unwrap());
            }
            !orphan
        });
        gone
    }

    /// Committed rows whose image's file is missing from `files`.
    pub fn orphans(&self, files: u32) -> Vec<u8> {
        self.rows
            .iter()
            .filter(|r| r.inserted_by.is_none())
            .filter_map(|r| r.img)
            .filter(|&i| files & (1 << i) == 0)
            .collect()
    }
}
