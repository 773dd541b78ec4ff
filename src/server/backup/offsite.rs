//! Backups kept in an S3-compatible bucket: `wellspring backup --to s3://bucket/prefix`, and
//! `verify-backup` and `restore` from `s3://bucket/prefix/wellspring-<time>`, so a backup can
//! live away from the machine it protects.
//!
//! A backup is made in a private scratch folder exactly as a local one, then its files go up
//! one by one, streamed (multipart past a few megabytes), the manifest last: a folder in the
//! bucket without its manifest is an upload that stopped, and nothing reads it as a backup.
//! Reading one back fetches the manifest, then exactly the files it names, into a scratch
//! folder, where verification and restore run as for a local folder, checksums included, so
//! a file damaged in the bucket is found the same way.
//!
//! The bucket is reached with the media store's S3 connection (`[media.s3]`: endpoint,
//! region, keys; its own bucket name is not used) when one is set, otherwise with the
//! standard `AWS_*` variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
//! `AWS_ENDPOINT`, `AWS_ALLOW_HTTP`).

use super::manifest::{self, Manifest};
use crate::server::config::MediaSettings;
use anyhow::Context;
use futures_util::StreamExt as _;
use object_store::{ObjectStore, aws::AmazonS3Builder, buffered::BufWriter, path::Path as Key};
use std::{
    fmt,
    path::{Path, PathBuf},
    sync::Arc,
};
use tokio::io::AsyncWriteExt as _;

/// Where a backup is written to or read from: a folder, or a place in a bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    Folder(PathBuf),
    /// `s3://bucket/prefix`; the prefix has no leading or trailing slash (it may be empty).
    Bucket {
        bucket: String,
        prefix: String,
    },
}

impl Place {
    /// `s3://bucket/prefix` is a bucket; anything else a folder.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let Some(rest) = text.strip_prefix("s3://") else {
            return Ok(Self::Folder(PathBuf::from(text)));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        anyhow::ensure!(
            !bucket.is_empty(),
            "an S3 address names its bucket first: s3://bucket/folder"
        );
        let prefix = prefix.trim_matches('/');
        anyhow::ensure!(
            !prefix
                .split('/')
                .any(|part| (part.is_empty() && !prefix.is_empty()) || part == "." || part == ".."),
            "the folder in {text} has an empty, \".\" or \"..\" part"
        );
        Ok(Self::Bucket {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        })
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Folder(path) => write!(f, "{}", path.display()),
            Self::Bucket { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            Self::Bucket { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// The bucket named `bucket`, reached as the module's documentation says.
pub fn open(bucket: &str, media: &MediaSettings) -> anyhow::Result<Arc<dyn ObjectStore>> {
    let builder = match &media.s3 {
        Some(s3) => crate::server::media::store::s3_connection(s3),
        None => AmazonS3Builder::from_env(),
    };
    let store = builder
        .with_bucket_name(bucket)
        .build()
        .with_context(|| format!("opening the S3 bucket {bucket} for backups"))?;
    Ok(Arc::new(store))
}

fn join(prefix: &str, rest: &str) -> String {
    if prefix.is_empty() {
        rest.to_owned()
    } else {
        format!("{prefix}/{rest}")
    }
}

/// A path the manifest names, refused unless it stays inside the backup folder.
fn inside(path: &str) -> anyhow::Result<&str> {
    anyhow::ensure!(
        !path.is_empty()
            && !path.starts_with('/')
            && !path
                .split('/')
                .any(|part| part.is_empty() || part == "." || part == ".."),
        "the manifest names a file outside the backup: {path}"
    );
    Ok(path)
}

/// Uploads the backup folder `folder` (made locally, described by `manifest`) under
/// `prefix/<folder's name>/` and returns that key prefix. The manifest goes last.
#[tracing::instrument(skip(store, manifest))]
pub async fn upload(
    store: Arc<dyn ObjectStore>,
    folder: &Path,
    manifest: &Manifest,
    prefix: &str,
) -> anyhow::Result<String> {
    let name = folder
        .file_name()
        .context("a backup folder has a name")?
        .to_string_lossy();
    let base = join(prefix, &name);
    for entry in std::iter::once(&manifest.database).chain(&manifest.media) {
        let path = inside(&entry.path)?;
        put(store.clone(), &folder.join(path), &join(&base, path)).await?;
    }
    put(
        store,
        &folder.join(manifest::FILE),
        &join(&base, manifest::FILE),
    )
    .await?;
    tracing::info!(%base, files = manifest.media.len() + 2, "backup uploaded");
    Ok(base)
}

async fn put(store: Arc<dyn ObjectStore>, file: &Path, key: &str) -> anyhow::Result<()> {
    let mut source = tokio::fs::File::open(file)
        .await
        .with_context(|| format!("opening {}", file.display()))?;
    let mut target = BufWriter::new(store, Key::from(key));
    tokio::io::copy(&mut source, &mut target)
        .await
        .with_context(|| format!("uploading {key}"))?;
    target
        .shutdown()
        .await
        .with_context(|| format!("finishing the upload of {key}"))?;
    Ok(())
}

/// Fetches the backup at `base` (a key prefix ending in the backup's folder name) into a
/// folder of that name under `into`, and returns the folder. Only the manifest and the
/// files it names are fetched.
#[tracing::instrument(skip(store))]
pub async fn download(store: &dyn ObjectStore, base: &str, into: &Path) -> anyhow::Result<PathBuf> {
    let name = base.rsplit('/').next().unwrap_or(base);
    anyhow::ensure!(
        super::retention::made_at(name).is_some(),
        "{base} is not a backup's folder: its last part should be a name like wellspring-20261205T151230.123Z"
    );
    let folder = into.join(name);
    get(
        store,
        &join(base, manifest::FILE),
        &folder.join(manifest::FILE),
    )
    .await
    .with_context(|| {
        format!("{base} has no manifest: no backup there, or its upload did not finish")
    })?;
    let manifest = Manifest::read(&folder)?;
    for entry in std::iter::once(&manifest.database).chain(&manifest.media) {
        let path = inside(&entry.path)?;
        get(store, &join(base, path), &folder.join(path)).await?;
    }
    Ok(folder)
}

async fn get(store: &dyn ObjectStore, key: &str, file: &Path) -> anyhow::Result<()> {
    if let Some(parent) = file.parent() {
        tokio::fs::create_dir_all(parent).await?;
    }
    let mut stream = store
        .get(&Key::from(key))
        .await
        .with_context(|| format!("fetching {key}"))?
        .into_stream();
    let mut target = tokio::fs::File::create(file)
        .await
        .with_context(|| format!("creating {}", file.display()))?;
    while let Some(chunk) = stream.next().await {
        target
            .write_all(&chunk.with_context(|| format!("fetching {key}"))?)
            .await?;
    }
    target.flush().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_name_a_bucket_and_a_folder_inside_it() {
        assert_eq!(
            Place::parse("s3://backups/nightly/").unwrap(),
            Place::Bucket {
                bucket: "backups".into(),
                prefix: "nightly".into()
            }
        );
        assert_eq!(
            Place::parse("s3://backups").unwrap().to_string(),
            "s3://backups"
        );
        assert_eq!(
            Place::parse(".data/backups").unwrap(),
            Place::Folder(".data/backups".into())
        );
        assert!(Place::parse("s3:///nightly").is_err());
        assert!(Place::parse("s3://backups/a/../b").is_err());
        assert!(Place::parse("s3://backups/a//b").is_err());
    }

    #[test]
    fn a_manifest_cannot_name_a_file_outside_its_backup() {
        assert!(inside("media/avatars/1/64").is_ok());
        for bad in ["", "/etc/passwd", "../x", "media/../../x", "media//x"] {
            assert!(inside(bad).is_err(), "{bad}");
        }
    }
}
