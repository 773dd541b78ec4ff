//! The object store behind the pictures: a local folder by default, an S3-compatible bucket
//! when `[media.s3]` is set. Both are `object_store` implementations, so every other line of
//! the media code is the same for either (and the tests run the same suite against both).

use crate::{
    domain::media::Bucket,
    server::config::{MediaSettings, S3Settings},
};
use anyhow::Context;
use object_store::{ObjectStore, aws::AmazonS3Builder, local::LocalFileSystem, path::Path};
use secrecy::ExposeSecret;
use std::sync::Arc;

/// The connection `[media.s3]` describes (endpoint, region, keys), for any bucket on it: the
/// pictures' own, or the backups' (`backup::offsite`).
pub fn s3_connection(s3: &S3Settings) -> AmazonS3Builder {
    let builder = AmazonS3Builder::new()
        .with_region(&s3.region)
        .with_access_key_id(&s3.access_key_id)
        .with_secret_access_key(s3.secret_access_key.expose_secret())
        .with_allow_http(s3.allow_http);
    match &s3.endpoint {
        Some(endpoint) => builder.with_endpoint(endpoint),
        None => builder,
    }
}

pub fn open(settings: &MediaSettings) -> anyhow::Result<Arc<dyn ObjectStore>> {
    if let Some(s3) = &settings.s3 {
        let store = s3_connection(s3)
            .with_bucket_name(&s3.bucket)
            .build()
            .with_context(|| format!("opening the S3 bucket {}", s3.bucket))?;
        return Ok(Arc::new(store));
    }
    std::fs::create_dir_all(&settings.local_dir).with_context(|| {
        format!(
            "creating the media folder {} (media.local_dir)",
            settings.local_dir.display()
        )
    })?;
    let store = LocalFileSystem::new_with_prefix(&settings.local_dir).with_context(|| {
        format!(
            "opening the media folder {} (media.local_dir)",
            settings.local_dir.display()
        )
    })?;
    Ok(Arc::new(store))
}

/// Where one size of one picture is kept: `<bucket>/<id>/<size>`, all three made by the
/// server (the id is a UUID it generated), so no member-chosen text reaches the store.
pub fn key(bucket: Bucket, id: uuid::Uuid, size: u32) -> Path {
    Path::from(format!("{}/{id}/{size}", bucket.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_made_of_server_values_only() {
        let id = uuid::Uuid::nil();
        assert_eq!(
            key(Bucket::PostMedia, id, 480).as_ref(),
            "post-media/00000000-0000-0000-0000-000000000000/480"
        );
    }
}
