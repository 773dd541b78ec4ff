//! Backups at rest: with `backup.encryption_key` set, every file of a backup is sealed with
//! XChaCha20-Poly1305 in the STREAM construction (64 KiB pieces, each authenticated, the last
//! one marked, so a truncated or reordered file does not open), under a random nonce per
//! file. The manifest's sizes and SHA-256s are the sealed files', so a backup can be checked
//! for damage without the key; restoring needs it. The same primitive as the TOTP secrets
//! (`auth::secretbox`), streamed because a dump can be gigabytes.

use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305,
    aead::stream::{DecryptorBE32, EncryptorBE32},
};
use std::{
    fs::File,
    io::{Read, Write},
    path::Path,
};

/// What a sealed file starts with: the format, then the 19-byte stream nonce.
const MAGIC: &[u8; 8] = b"WSSEAL01";
const NONCE_LEN: usize = 19;
const PIECE: usize = 64 * 1024;
const TAG: usize = 16;

/// A backup key: 32 bytes, given as standard base64 (`openssl rand -base64 32`).
#[derive(Clone)]
pub struct BackupKey([u8; 32]);

impl BackupKey {
    pub fn from_base64(text: &str) -> anyhow::Result<Self> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| anyhow::anyhow!("backup.encryption_key is not standard base64 (make one with `openssl rand -base64 32`)"))?;
        let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            anyhow::anyhow!(
                "backup.encryption_key must be 32 bytes, it is {} (make one with `openssl rand -base64 32`)",
                b.len()
            )
        })?;
        Ok(Self(key))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }
}

/// Reads as much of `buffer` as the file holds (fewer bytes only at its end).
fn fill(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..])? {
            0 => break,
            read => filled += read,
        }
    }
    Ok(filled)
}

/// Seals `plain` into `sealed`.
pub fn seal_file(key: &BackupKey, plain: &Path, sealed: &Path) -> anyhow::Result<()> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::Rng::fill(&mut rand::rng(), &mut nonce[..]);
    let mut encryptor = EncryptorBE32::from_aead(key.cipher(), (&nonce).into());
    let mut input = File::open(plain)?;
    let mut output = std::io::BufWriter::new(File::create(sealed)?);
    output.write_all(MAGIC)?;
    output.write_all(&nonce)?;
    let mut piece = vec![0u8; PIECE];
    let mut next = vec![0u8; PIECE];
    let mut len = fill(&mut input, &mut piece)?;
    loop {
        // A piece is the last when nothing follows it: read ahead to know.
        let next_len = if len == PIECE {
            fill(&mut input, &mut next)?
        } else {
            0
        };
        if next_len == 0 {
            let last = encryptor
                .encrypt_last(&piece[..len])
                .map_err(|_| anyhow::anyhow!("sealing {} failed", plain.display()))?;
            output.write_all(&last)?;
            break;
        }
        let sealed_piece = encryptor
            .encrypt_next(&piece[..len])
            .map_err(|_| anyhow::anyhow!("sealing {} failed", plain.display()))?;
        output.write_all(&sealed_piece)?;
        std::mem::swap(&mut piece, &mut next);
        len = next_len;
    }
    output.flush()?;
    Ok(())
}

/// Opens `sealed` into `plain`; a wrong key or an altered, truncated or reordered file is
/// refused (and `plain` removed).
pub fn open_file(key: &BackupKey, sealed: &Path, plain: &Path) -> anyhow::Result<()> {
    let result = open_into(key, sealed, plain);
    if result.is_err() {
        let _ = std::fs::remove_file(plain);
    }
    result
}

fn open_into(key: &BackupKey, sealed: &Path, plain: &Path) -> anyhow::Result<()> {
    let refused = || {
        anyhow::anyhow!(
            "{} does not open with this backup key (a wrong key, or the file was altered)",
            sealed.display()
        )
    };
    let mut input = File::open(sealed)?;
    let mut head = [0u8; MAGIC.len() + NONCE_LEN];
    anyhow::ensure!(
        fill(&mut input, &mut head)? == head.len() && &head[..MAGIC.len()] == MAGIC,
        "{} is not a sealed backup file",
        sealed.display()
    );
    let nonce: [u8; NONCE_LEN] = head[MAGIC.len()..].try_into()?;
    let mut decryptor = DecryptorBE32::from_aead(key.cipher(), (&nonce).into());
    let mut output = std::io::BufWriter::new(File::create(plain)?);
    let mut piece = vec![0u8; PIECE + TAG];
    let mut next = vec![0u8; PIECE + TAG];
    let mut len = fill(&mut input, &mut piece)?;
    loop {
        let next_len = if len == PIECE + TAG {
            fill(&mut input, &mut next)?
        } else {
            0
        };
        if next_len == 0 {
            let last = decryptor
                .decrypt_last(&piece[..len])
                .map_err(|_| refused())?;
            output.write_all(&last)?;
            break;
        }
        let opened = decryptor
            .decrypt_next(&piece[..len])
            .map_err(|_| refused())?;
        output.write_all(&opened)?;
        std::mem::swap(&mut piece, &mut next);
        len = next_len;
    }
    output.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> BackupKey {
        BackupKey([byte; 32])
    }

    fn round_trip(len: usize) {
        let dir = std::env::temp_dir().join(format!("ws-seal-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let plain: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(dir.join("plain"), &plain).unwrap();
        seal_file(&key(1), &dir.join("plain"), &dir.join("sealed")).unwrap();
        let sealed = std::fs::read(dir.join("sealed")).unwrap();
        if len >= 16 {
            assert!(
                !sealed.windows(16).any(|w| w == &plain[..16]),
                "the plain bytes do not show"
            );
        }
        open_file(&key(1), &dir.join("sealed"), &dir.join("opened")).unwrap();
        assert_eq!(
            std::fs::read(dir.join("opened")).unwrap(),
            plain,
            "{len} bytes"
        );
        // The wrong key, a flipped byte, a missing last piece: refused, nothing left behind.
        assert!(open_file(&key(2), &dir.join("sealed"), &dir.join("bad")).is_err());
        assert!(!dir.join("bad").exists());
        let mut flipped = sealed.clone();
        let at = flipped.len() - 1;
        flipped[at] ^= 1;
        std::fs::write(dir.join("flipped"), &flipped).unwrap();
        assert!(open_file(&key(1), &dir.join("flipped"), &dir.join("bad")).is_err());
        if len > PIECE {
            std::fs::write(
                dir.join("cut"),
                &sealed[..MAGIC.len() + NONCE_LEN + PIECE + TAG],
            )
            .unwrap();
            assert!(
                open_file(&key(1), &dir.join("cut"), &dir.join("bad")).is_err(),
                "a file cut after a whole piece does not open"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn files_of_every_length_open_only_whole_and_with_their_key() {
        for len in [0, 1, 100, PIECE - 1, PIECE, PIECE + 1, 3 * PIECE + 5] {
            round_trip(len);
        }
    }

    #[test]
    fn keys_are_32_bytes_of_base64() {
        assert!(BackupKey::from_base64("c2VjcmV0LWtleS1mb3ItdGVzdHMtMzItYnl0ZXMhISE=").is_ok());
        assert!(BackupKey::from_base64("c2hvcnQ=").is_err());
        assert!(BackupKey::from_base64("not base64!").is_err());
    }
}
