//! Opaque random tokens: refresh tokens, links we mail, recovery codes, OAuth state and PKCE.
//!
//! Tokens carry 256 random bits and are shown to their holder once; the database keeps only
//! their SHA-256 hash, so a leaked table cannot be replayed. A fast unsalted hash is enough
//! because the input is already unguessable; a slow password hash would add nothing but
//! latency.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng as _;
use sha2::{Digest, Sha256};

/// Recovery-code alphabet: lowercase letters and digits minus the look-alikes `i l o 0 1`,
/// so codes read off paper are typed back correctly.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Characters in each half of a recovery code (`xxxxx-xxxxx`).
const RECOVERY_HALF: usize = 5;

/// A fresh token of 256 random bits, base64url without padding (43 characters), safe in
/// URLs and cookies.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of the token's UTF-8 bytes: the only form of a token we store.
pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A recovery code such as `k7m2p-x9qrt`: 10 characters (about 49.5 bits) from an
/// unambiguous alphabet, split in two for reading aloud or copying by hand.
pub fn recovery_code() -> String {
    let mut rng = rand::rng();
    let mut code = String::with_capacity(2 * RECOVERY_HALF + 1);
    for i in 0..2 * RECOVERY_HALF {
        if i == RECOVERY_HALF {
            code.push('-');
        }
        let index = rng.random_range(0..RECOVERY_ALPHABET.len());
        code.push(char::from(RECOVERY_ALPHABET[index]));
    }
    code
}

/// Puts a typed recovery code into the form [`recovery_code`] produces, so it hashes the
/// same however the member entered it: lowercased, spaces and dashes removed, then the dash
/// put back in the middle. Input that is not 10 characters is returned without a dash; it
/// cannot match a stored code anyway.
pub fn normalize_recovery_code(input: &str) -> String {
    let chars: Vec<char> = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    if chars.len() != 2 * RECOVERY_HALF {
        return chars.into_iter().collect();
    }
    let (first, second) = chars.split_at(RECOVERY_HALF);
    format!(
        "{}-{}",
        first.iter().collect::<String>(),
        second.iter().collect::<String>()
    )
}

/// The PKCE `S256` code challenge for `verifier` (RFC 7636 §4.2):
/// base64url-nopad(SHA-256(verifier)).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn random_tokens_are_43_url_safe_chars_and_distinct() {
        let tokens: HashSet<String> = (0..100).map(|_| random_token()).collect();
        assert_eq!(tokens.len(), 100);
        for token in &tokens {
            assert_eq!(token.len(), 43);
            assert!(
                token
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
            assert_eq!(URL_SAFE_NO_PAD.decode(token).unwrap().len(), 32);
        }
    }

    #[test]
    fn hash_is_32_bytes_stable_and_input_dependent() {
        let token = random_token();
        assert_eq!(hash_token(&token).len(), 32);
        assert_eq!(hash_token(&token), hash_token(&token));
        assert_ne!(hash_token(&token), hash_token(&random_token()));
    }

    #[test]
    fn hash_is_sha256_of_the_utf8_bytes() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        let expected = [
            0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
            0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
            0xf2, 0x00, 0x15, 0xad,
        ];
        assert_eq!(hash_token("abc"), expected);
    }

    #[test]
    fn recovery_codes_are_two_groups_of_five_unambiguous_chars() {
        let codes: HashSet<String> = (0..200).map(|_| recovery_code()).collect();
        assert_eq!(codes.len(), 200);
        for code in &codes {
            assert_eq!(code.len(), 11, "{code}");
            assert_eq!(code.as_bytes()[5], b'-', "{code}");
            for (i, b) in code.bytes().enumerate() {
                if i != 5 {
                    assert!(RECOVERY_ALPHABET.contains(&b), "{code}");
                    assert!(!b"il01o".contains(&b), "{code}");
                }
            }
        }
    }

    #[test]
    fn recovery_codes_are_already_normalized() {
        for _ in 0..50 {
            let code = recovery_code();
            assert_eq!(normalize_recovery_code(&code), code);
        }
    }

    #[test]
    fn recovery_code_typed_any_way_normalizes_to_the_issued_form() {
        for typed in [
            "abcde-fghjk",
            "abcdefghjk",
            "ABCDE-FGHJK",
            " abcde fghjk ",
            "ab-cde-fg-hjk",
            "abcde - fghjk\n",
        ] {
            assert_eq!(normalize_recovery_code(typed), "abcde-fghjk", "{typed:?}");
        }
    }

    #[test]
    fn recovery_code_of_the_wrong_length_gets_no_dash() {
        assert_eq!(normalize_recovery_code("abc-de"), "abcde");
        assert_eq!(normalize_recovery_code("ABCDE-FGHJKM"), "abcdefghjkm");
    }

    #[test]
    fn pkce_challenge_matches_rfc_7636_appendix_b() {
        // The verifier and S256 challenge printed in RFC 7636 appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
