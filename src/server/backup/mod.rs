//! Backups (`wellspring backup`, `verify-backup`, `restore`): the database as one
//! `pg_dump` custom-format file taken in an exported snapshot, the pictures copied from the
//! object store, and a manifest that says what should come back: each table's row count and
//! a checksum of its rows taken in that same snapshot, and each file's SHA-256. A backup is
//! proven by restoring it (into a scratch database) and finding every table as the manifest
//! says, not by the dump's exit code.

pub mod base;
pub mod facts;
pub mod make;
pub mod manifest;
pub mod offsite;
pub mod restore;
pub mod retention;
pub mod roles;
pub mod routine;
pub mod seal;
pub mod verify;

use std::path::{Path, PathBuf};

/// Writes one operator event to the audit log of the database at `url` (the operator acts
/// from the command line: no member is the actor).
pub async fn audit(
    url: &str,
    event: crate::server::auth::audit::AuthEvent,
    detail: serde_json::Value,
) -> anyhow::Result<()> {
    use sqlx::Connection as _;
    let mut conn = sqlx::PgConnection::connect(url).await?;
    crate::server::auth::audit::record(
        &mut conn,
        event,
        None,
        None,
        &crate::server::auth::audit::Origin {
            user_agent: "wellspring command line".into(),
            ..Default::default()
        },
        detail,
    )
    .await?;
    conn.close().await?;
    Ok(())
}

/// A folder name's time, UTC, to the millisecond: `20261205T151230.123Z`
/// (`retention::made_at` reads it back).
pub fn stamp(now: time::OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}.{:03}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.millisecond()
    )
}

/// A private scratch folder (mode 0700) for opened sealed files, removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new() -> anyhow::Result<Self> {
        use std::os::unix::fs::PermissionsExt as _;
        let path = std::env::temp_dir().join(format!(
            "wellspring-restore-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir(&path)?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))?;
        Ok(Self(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The plain form of a backup file: itself, or (sealed backups) opened into `scratch`.
pub fn plain_file(
    folder: &Path,
    path: &str,
    key: Option<&seal::BackupKey>,
    sealed: bool,
    scratch: &Scratch,
) -> anyhow::Result<PathBuf> {
    if !sealed {
        return Ok(folder.join(path));
    }
    let key = key.ok_or_else(|| {
        anyhow::anyhow!(
            "this backup is sealed: set backup.encryption_key (WELLSPRING__BACKUP__ENCRYPTION_KEY) to the key it was made with"
        )
    })?;
    let plain = scratch
        .path()
        .join(uuid::Uuid::new_v4().simple().to_string());
    seal::open_file(key, &folder.join(path), &plain)?;
    Ok(plain)
}

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
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
