//! Links that act without signing in, each signed for one purpose: the digest's
//! unsubscribe link is the first. A signature for one purpose never verifies for another,
//! nor for another member, and is never an access token (its key is derived from the JWT
//! secret under its own label).
//!
//! These links do not expire: an unsubscribe link must keep working in a mail read months
//! later. Rotating the JWT secret retires every one of them, which is why a purpose here
//! must only ever do something harmless to its subject (stop mail), never grant access.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What a signed link may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Turn off the member's email digest.
    StopDigest,
}

impl LinkPurpose {
    fn label(self) -> &'static [u8] {
        match self {
            LinkPurpose::StopDigest => b"stop-digest",
        }
    }
}

/// The key signed links are made and checked with.
#[derive(Clone)]
pub struct LinkKey {
    /// Keyed once; cloned for each signature.
    mac: HmacSha256,
}

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(<secret>)")
    }
}

/// Signatures longer than this are refused before decoding.
const MAX_SIGNATURE_LEN: usize = 64;

impl LinkKey {
    /// Derives the link key from the JWT secret.
    pub fn new(jwt_secret: &[u8]) -> Self {
        // HMAC accepts keys of any length (RFC 2104 hashes or pads them), so neither fails.
        let Ok(mut derive) = HmacSha256::new_from_slice(jwt_secret) else {
            unreachable!("HMAC-SHA256 accepts keys of any length")
        };
        derive.update(b"wellspring signed links v1");
        let Ok(mac) = HmacSha256::new_from_slice(&derive.finalize().into_bytes()) else {
            unreachable!("HMAC-SHA256 accepts keys of any length")
        };
        Self { mac }
    }

    fn mac(&self, purpose: LinkPurpose, subject: &str) -> HmacSha256 {
        let mut mac = self.mac.clone();
        mac.update(purpose.label());
        // The separator keeps (purpose, subject) pairs from running into each other.
        mac.update(&[0]);
        mac.update(subject.as_bytes());
        mac
    }

    /// The signature for `purpose` on `subject` (a member id, say), URL-safe.
    pub fn sign(&self, purpose: LinkPurpose, subject: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(purpose, subject).finalize().into_bytes())
    }

    /// Whether `signature` was made by [`LinkKey::sign`] for exactly this purpose and
    /// subject. Checked in constant time.
    pub fn verify(&self, purpose: LinkPurpose, subject: &str, signature: &str) -> bool {
        if signature.len() > MAX_SIGNATURE_LEN {
            return false;
        }
        let Ok(bytes) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        self.mac(purpose, subject).verify_slice(&bytes).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_for_its_own_purpose_and_subject_only() {
        let key = LinkKey::new(b"secret one");
        let signature = key.sign(LinkPurpose::StopDigest, "member-a");
        assert!(key.verify(LinkPurpose::StopDigest, "member-a", &signature));
        assert!(!key.verify(LinkPurpose::StopDigest, "member-b", &signature));
        assert!(!LinkKey::new(b"secret two").verify(
            LinkPurpose::StopDigest,
            "member-a",
            &signature
        ));
        let mut tampered = signature.clone();
        tampered.replace_range(0..1, if signature.starts_with('A') { "B" } else { "A" });
        assert!(!key.verify(LinkPurpose::StopDigest, "member-a", &tampered));
        assert!(!key.verify(LinkPurpose::StopDigest, "member-a", ""));
        assert!(!key.verify(LinkPurpose::StopDigest, "member-a", "not base64 at all!"));
        assert!(!key.verify(LinkPurpose::StopDigest, "member-a", &"A".repeat(500)));
    }

    #[test]
    fn the_link_key_is_not_the_jwt_key() {
        // A token signed with the bare secret must not pass as a link signature.
        let secret = b"shared secret";
        let mut bare = HmacSha256::new_from_slice(secret).unwrap();
        bare.update(b"stop-digest\0member-a");
        let forged = URL_SAFE_NO_PAD.encode(bare.finalize().into_bytes());
        assert!(!LinkKey::new(secret).verify(LinkPurpose::StopDigest, "member-a", &forged));
    }
}
