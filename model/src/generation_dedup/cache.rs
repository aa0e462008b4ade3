//! The server-side read-through cache of the key's image: filled when a request finds or
//! writes the image, read before the database, invalidated when the server deletes the
//! file it points to, and expired after the TTL. Per-instance caches live in each
//! instance's memory; a shared cache is one slot every instance uses.

use serde::Serialize;

use crate::timer::Timer;

/// A cached image and when it expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Entry {
    /// The image id.
    pub img: u8,
    /// When the entry expires; `None`: never.
    pub ttl: Option<Timer>,
}
