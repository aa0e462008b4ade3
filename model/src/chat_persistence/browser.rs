//! A browser's localStorage entry for the chat (`ChatCache`) and the cache codec that
//! `updateCache()` and the initial load use. localStorage is shared by every tab of one
//! browser and is last-writer-wins: a write replaces the whole entry.

use serde::Serialize;

use super::config::CacheCodec;
use crate::names::UrlSet;

/// The `ChatCache` entry of one browser. Whenever it exists it names the active session
/// (the app writes it only once it knows `sessionId`, and the model has one session).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Cache {
    /// The images stored in the cached messages' `attachments[]` (empty when the singular
    /// codec wrote the entry: `attachment` is never set on a message that has images).
    pub attachments: UrlSet,
}

/// `updateCache(msgs, sessId)`: what the codec stores for messages showing `shown`.
pub fn encode(codec: CacheCodec, shown: UrlSet) -> Cache {
    Cache {
        attachments: match codec {
            CacheCodec::Singular => 0,
            CacheCodec::Plural => shown,
        },
    }
}

/// The initial load (`useState(() => getCachedChat(...))`): the images a tab renders from the
/// cache. The singular codec reads `m.attachment`, which no stored message has.
pub fn decode(codec: CacheCodec, cache: Option<Cache>) -> UrlSet {
    match (codec, cache) {
        (CacheCodec::Plural, Some(c)) => c.attachments,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_singular_codec_drops_every_image() {
        assert_eq!(encode(CacheCodec::Singular, 0b11).attachments, 0);
        assert_eq!(
            decode(CacheCodec::Singular, Some(Cache { attachments: 0b11 })),
            0
        );
        assert_eq!(
            decode(CacheCodec::Plural, Some(encode(CacheCodec::Plural, 0b11))),
            0b11
        );
        assert_eq!(decode(CacheCodec::Plural, None), 0);
    }
}
