//! The one hash the evaluator uses: 64-bit FNV-1a over bytes.
//!
//! A request's action name, service prefix and every context key are hashed once (per request,
//! per context insert, per compiled policy), so that looking them up in each applicable policy's
//! index or in the context costs an integer comparison rather than string comparisons or a
//! per-lookup SipHash. FNV is unkeyed: the only inputs an attacker controls are the keys of
//! their own policies, whose size IAM's quotas bound, so collisions can only slow their own
//! decisions by a bounded amount, never change them (every hit is confirmed by comparing text).

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a of `bytes`.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(OFFSET, |h, &b| fnv1a_step(h, b))
}

/// One byte more of an FNV-1a hash (`fnv1a(b"")` is the starting value).
pub(crate) fn fnv1a_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(PRIME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors_and_case_folding() {
        assert_eq!(fnv1a(b""), OFFSET);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
