//! What a backup holds and what it should restore to: `manifest.json` beside the files.

use serde::{Deserialize, Serialize};
use std::path::Path;

pub const FILE: &str = "manifest.json";
/// The database dump's name inside a backup folder.
pub const DUMP: &str = "database.dump";
/// The folder the pictures are copied into, by their store keys.
pub const MEDIA: &str = "media";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Bumped when the layout changes; a reader refuses a format it does not know.
    pub format: u32,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub wellspring_version: String,
    /// The newest migration applied in the backed-up database.
    pub migration: i64,
    pub database: FileEntry,
    /// Every table of the database, in name order, as of the dump's snapshot.
    pub tables: Vec<TableFacts>,
    /// Every object in the store, by key.
    pub media: Vec<FileEntry>,
    /// Every file is sealed (`seal`): sizes and checksums are the sealed files'.
    #[serde(default)]
    pub sealed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative to the backup folder.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableFacts {
    /// `schema.table`.
    pub table: String,
    pub rows: i64,
    /// md5 over the sorted md5s of the rows' text: independent of the order rows are stored in.
    pub checksum: String,
}

pub const FORMAT: u32 = 1;

impl Manifest {
    pub fn read(folder: &Path) -> anyhow::Result<Self> {
        let path = folder.join(FILE);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
        let manifest: Manifest = serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{} is not a Wellspring manifest: {e}", path.display()))?;
        anyhow::ensure!(
            manifest.format == FORMAT,
            "{} has format {}, this Wellspring reads format {FORMAT}",
            path.display(),
            manifest.format
        );
        Ok(manifest)
    }

    pub fn write(&self, folder: &Path) -> anyhow::Result<()> {
        std::fs::write(
            folder.join(FILE),
            serde_json::to_string_pretty(self)? + "\n",
        )?;
        Ok(())
    }

    /// Every file the manifest names, checked against its size and SHA-256: the first
    /// difference, in words, or `None`.
    pub fn check_files(&self, folder: &Path) -> anyhow::Result<Vec<String>> {
        let mut problems = Vec::new();
        for entry in std::iter::once(&self.database).chain(&self.media) {
            let path = folder.join(&entry.path);
            if !path.starts_with(folder) || entry.path.contains("..") {
                problems.push(format!("{}: a path outside the backup", entry.path));
                continue;
            }
            match std::fs::metadata(&path) {
                Err(_) => problems.push(format!("{}: missing", entry.path)),
                Ok(meta) if meta.len() != entry.bytes => problems.push(format!(
                    "{}: {} bytes, the manifest says {}",
                    entry.path,
                    meta.len(),
                    entry.bytes
                )),
                Ok(_) => {
                    if super::sha256_file(&path)? != entry.sha256 {
                        problems.push(format!("{}: its SHA-256 differs", entry.path));
                    }
                }
            }
        }
        Ok(problems)
    }
}

/// The differences between two sets of table facts, in words (tables missing on either
/// side, row counts, checksums).
pub fn compare(expected: &[TableFacts], found: &[TableFacts]) -> Vec<String> {
    let mut problems = Vec::new();
    for want in expected {
        match found.iter().find(|f| f.table == want.table) {
            None => problems.push(format!("{}: missing", want.table)),
            Some(got) if got.rows != want.rows => problems.push(format!(
                "{}: {} rows, the manifest says {}",
                want.table, got.rows, want.rows
            )),
            Some(got) if got.checksum != want.checksum => {
                problems.push(format!("{}: the rows differ (checksum)", want.table))
            }
            Some(_) => {}
        }
    }
    for got in found {
        if !expected.iter().any(|e| e.table == got.table) {
            problems.push(format!("{}: not in the manifest", got.table));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(table: &str, rows: i64, checksum: &str) -> TableFacts {
        TableFacts {
            table: table.into(),
            rows,
            checksum: checksum.into(),
        }
    }

    #[test]
    fn every_kind_of_difference_is_named() {
        let expected = vec![facts("app.posts", 3, "a"), facts("app.circles", 1, "b")];
        assert!(compare(&expected, &expected).is_empty());
        let found = vec![facts("app.posts", 2, "a"), facts("app.extra", 0, "c")];
        assert_eq!(
            compare(&expected, &found),
            vec![
                "app.posts: 2 rows, the manifest says 3".to_owned(),
                "app.circles: missing".to_owned(),
                "app.extra: not in the manifest".to_owned(),
            ]
        );
        let changed = vec![facts("app.posts", 3, "z"), facts("app.circles", 1, "b")];
        assert_eq!(
            compare(&expected, &changed),
            vec!["app.posts: the rows differ (checksum)".to_owned()]
        );
    }
}
