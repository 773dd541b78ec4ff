//! Encryption at rest for small secrets we must read back, such as members' TOTP secrets.
//!
//! Passwords and tokens are hashed, but a TOTP secret has to be recovered to compute codes, so
//! it is sealed with XChaCha20-Poly1305 under a key kept outside the database. Its 24-byte
//! nonce is large enough to pick at random for every seal. The caller passes associated data
//! (the user id), binding each sealed secret to its account: a row copied onto another
//! account will not open.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::Rng as _;

/// Length of the key, in bytes.
pub const KEY_LEN: usize = 32;
/// Length of the random nonce stored in front of each ciphertext.
pub const NONCE_LEN: usize = 24;
/// Length of the Poly1305 tag appended to each ciphertext.
pub const TAG_LEN: usize = 16;

/// Why a key could not be loaded or a sealed secret could not be opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretBoxError {
    #[error(
        "secret box key is not valid standard base64 (generate one with `openssl rand -base64 32`)"
    )]
    KeyNotBase64,
    #[error(
        "secret box key must decode to exactly 32 bytes, but it decodes to {0} (generate one with `openssl rand -base64 32`)"
    )]
    WrongKeyLength(usize),
    /// Wrong key, wrong associated data, or altered or truncated bytes; deliberately not
    /// distinguished.
    #[error("sealed secret could not be opened")]
    OpenFailed,
}

/// Seals and opens small secrets under one 32-byte key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// Loads the key from standard base64, as it appears in configuration.
    pub fn from_base64(key_b64: &str) -> Result<Self, SecretBoxError> {
        let key = STANDARD
            .decode(key_b64.trim())
            .map_err(|_| SecretBoxError::KeyNotBase64)?;
        if key.len() != KEY_LEN {
            return Err(SecretBoxError::WrongKeyLength(key.len()));
        }
        let cipher = XChaCha20Poly1305::new_from_slice(&key)
            .map_err(|_| SecretBoxError::WrongKeyLength(key.len()))?;
        Ok(Self { cipher })
    }

    /// Encrypts `plaintext`, bound to `associated`, returning `nonce || ciphertext || tag`.
    ///
    /// # Panics
    ///
    /// Only if `plaintext` exceeds XChaCha20's limit of about 256 GiB, which a small secret
    /// never approaches.
    pub fn seal(&self, plaintext: &[u8], associated: &[u8]) -> Vec<u8> {
        let nonce_bytes: [u8; NONCE_LEN] = rand::rng().random();
        let nonce = XNonce::from(nonce_bytes);
        let payload = Payload {
            msg: plaintext,
            aad: associated,
        };
        let Ok(ciphertext) = self.cipher.encrypt(&nonce, payload) else {
            unreachable!("XChaCha20-Poly1305 only fails for plaintexts over 256 GiB")
        };
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce_bytes);
        sealed.extend_from_slice(&ciphertext);
        sealed
    }

    /// Decrypts the output of [`SecretBox::seal`], checking it was sealed with this key and
    /// the same `associated` data and has not been altered.
    pub fn open(&self, sealed: &[u8], associated: &[u8]) -> Result<Vec<u8>, SecretBoxError> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(SecretBoxError::OpenFailed);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: associated,
        };
        self.cipher
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| SecretBoxError::OpenFailed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &[u8] = b"2f0b9a6e-4a51-4c1e-9a3e-0d5f3c1b2a77";
    const OTHER_USER: &[u8] = b"8d3c4b1a-0f2e-4d6c-8b7a-1e2f3a4b5c6d";

    fn key_b64(fill: u8) -> String {
        STANDARD.encode([fill; KEY_LEN])
    }

    fn secret_box(fill: u8) -> SecretBox {
        SecretBox::from_base64(&key_b64(fill)).unwrap()
    }

    #[test]
    fn sealed_secret_opens_to_the_original() {
        let sb = secret_box(7);
        let sealed = sb.seal(b"totp secret bytes", USER);
        assert_eq!(sealed.len(), NONCE_LEN + 17 + TAG_LEN);
        assert_eq!(sb.open(&sealed, USER).unwrap(), b"totp secret bytes");
    }

    #[test]
    fn ciphertext_does_not_contain_the_plaintext() {
        let sealed = secret_box(7).seal(b"plainly visible", USER);
        assert!(!sealed.windows(15).any(|w| w == b"plainly visible"));
    }

    #[test]
    fn empty_plaintext_round_trips() {
        let sb = secret_box(7);
        assert_eq!(sb.open(&sb.seal(b"", USER), USER).unwrap(), b"");
    }

    #[test]
    fn wrong_key_cannot_open() {
        let sealed = secret_box(7).seal(b"secret", USER);
        assert_eq!(
            secret_box(8).open(&sealed, USER),
            Err(SecretBoxError::OpenFailed)
        );
    }

    #[test]
    fn secret_sealed_for_one_user_does_not_open_for_another() {
        let sb = secret_box(7);
        let sealed = sb.seal(b"secret", USER);
        assert_eq!(
            sb.open(&sealed, OTHER_USER),
            Err(SecretBoxError::OpenFailed)
        );
    }

    #[test]
    fn any_flipped_byte_is_detected() {
        let sb = secret_box(7);
        let sealed = sb.seal(b"secret", USER);
        for i in 0..sealed.len() {
            let mut altered = sealed.clone();
            altered[i] ^= 0x01;
            assert_eq!(
                sb.open(&altered, USER),
                Err(SecretBoxError::OpenFailed),
                "flip at byte {i} went unnoticed"
            );
        }
    }

    #[test]
    fn truncated_input_is_rejected() {
        let sb = secret_box(7);
        let sealed = sb.seal(b"secret", USER);
        for len in [0, NONCE_LEN, NONCE_LEN + TAG_LEN - 1, sealed.len() - 1] {
            assert_eq!(
                sb.open(&sealed[..len], USER),
                Err(SecretBoxError::OpenFailed)
            );
        }
    }

    #[test]
    fn sealing_twice_gives_different_bytes() {
        let sb = secret_box(7);
        let a = sb.seal(b"same secret", USER);
        let b = sb.seal(b"same secret", USER);
        assert_ne!(a, b);
        assert_ne!(a[..NONCE_LEN], b[..NONCE_LEN]);
    }

    #[test]
    fn key_of_the_wrong_length_is_an_error() {
        for len in [0, 16, 31, 33, 64] {
            assert_eq!(
                SecretBox::from_base64(&STANDARD.encode(vec![1u8; len])).unwrap_err(),
                SecretBoxError::WrongKeyLength(len)
            );
        }
    }

    #[test]
    fn key_that_is_not_base64_is_an_error() {
        assert_eq!(
            SecretBox::from_base64("not base64!").unwrap_err(),
            SecretBoxError::KeyNotBase64
        );
    }

    #[test]
    fn key_with_surrounding_whitespace_is_accepted() {
        assert!(SecretBox::from_base64(&format!(" {}\n", key_b64(3))).is_ok());
    }

    #[test]
    fn debug_does_not_reveal_the_key() {
        assert_eq!(format!("{:?}", secret_box(7)), "SecretBox(..)");
    }
}
