//! Backups (`wellspring backup`, `verify-backup`, `restore`): the database as one
//! `pg_dump` custom-format file taken in an exported snapshot, the pictures copied from the
//! object store, and a manifest that says what should come back: each table's row count and
//! a checksum of its rows taken in that same snapshot, and each file's SHA-256. A backup is
//! proven by restoring it (into a scratch database) and finding every table as the manifest
//! says, not by the dump's exit code.

pub mod facts;
pub mod make;
pub mod manifest;
pub mod restore;
pub mod roles;
pub mod verify;

use std::path::{Path, PathBuf};

/// `pg_dump`, `pg_restore`, `psql`: on PATH or in the newest `/usr/lib/postgresql/*/bin`.
pub fn tool(name: &str) -> anyhow::Result<PathBuf> {
    crate::server::db::embedded::postgres_tool(name).ok_or_else(|| {
        anyhow::anyhow!(
            "{name} was not found: install PostgreSQL's client programs (Debian: postgresql-client)"
        )
    })
}

/// SHA-256 of a file, in hex, read in pieces (a dump can be large).
pub fn sha256_file(path: &Path) -> anyhow::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read as _;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
