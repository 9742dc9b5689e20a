//! Request ids in the form AWS uses for IAM and STS: a random (version 4) UUID in lowercase
//! hex, e.g. `8ea59e6c-6323-41e2-bdb9-7dc0419800e2`.

use rand::Rng;

/// A fresh request id from the thread-local CSPRNG.
pub fn new_request_id() -> String {
    request_id_from(&mut rand::rng())
}

/// A request id drawn from `rng` (deterministic in tests).
pub fn request_id_from<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v4_shape() {
        for _ in 0..200 {
            let id = new_request_id();
            assert_eq!(id.len(), 36);
            let parts: Vec<&str> = id.split('-').collect();
            assert_eq!(
                parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12]
            );
            assert!(id
                .chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)));
            assert!(parts[2].starts_with('4'));
            assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
        }
        assert_ne!(new_request_id(), new_request_id());
    }
}
