//! Fast 64-bit state fingerprints and the visited set built on them.
//!
//! A fingerprint is never persisted: it only decides whether a state was seen before in this
//! run. The hasher is fixed (no random keys), so exploration statistics are the same on every
//! run and machine of the same build. Each word is mixed with a full avalanche so that states
//! differing in small counters do not collide structurally, as they can with FxHash.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use crate::model::Model;

/// A strong, deterministic 64-bit hasher for fingerprints.
#[derive(Default, Clone, Copy)]
pub struct FingerprintHasher {
    state: u64,
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

impl Hasher for FingerprintHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(buf) ^ ((rest.len() as u64) << 56));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64)
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.write_u64(i as u64)
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64)
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64)
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.state = fmix64(self.state.wrapping_add(i).wrapping_mul(K)).rotate_left(17) ^ i;
    }
    #[inline]
    fn finish(&self) -> u64 {
        fmix64(self.state)
    }
}

/// The fingerprint of a state as the model identifies it (after symmetry canonicalization).
pub fn fingerprint<M: Model>(model: &M, state: &M::State) -> u64 {
    let mut h = FingerprintHasher::default();
    model.fingerprint(state, &mut h);
    h.finish()
}

/// A hasher for keys that already are fingerprints.
#[derive(Default, Clone, Copy)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn write(&mut self, _: &[u8]) {
        unreachable!("IdentityHasher only hashes u64 fingerprints")
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The set of fingerprints already explored.
pub type VisitedSet = HashSet<u64, BuildHasherDefault<IdentityHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hash;

    fn fp<T: Hash>(t: &T) -> u64 {
        let mut h = FingerprintHasher::default();
        t.hash(&mut h);
        h.finish()
    }

    #[test]
    fn small_counter_tuples_do_not_collide() {
        let mut seen = VisitedSet::default();
        for a in 0u32..64 {
            for b in 0u32..64 {
                for c in 0u8..16 {
                    assert!(seen.insert(fp(&(a, b, c))), "collision at {a} {b} {c}");
                }
            }
        }
    }

    #[test]
    fn the_fingerprint_is_fixed_across_runs() {
        assert_eq!(fp(&(1u32, 2u64, "x")), fp(&(1u32, 2u64, "x")));
        assert_ne!(fp(&vec![1u8, 2]), fp(&vec![2u8, 1]));
    }
}
