//! The compiled bundle under `/pkg`: content-hashed names cached for a year, with the
//! brotli and gzip files the build writes served to browsers that accept them.

use axum::http::HeaderValue;
use leptos::config::LeptosOptions;
use std::path::PathBuf;
use tower::Layer;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Long caching is safe only when file names change with their content (`hash-files`);
/// otherwise browsers revalidate every time.
pub fn pkg_service(
    options: &LeptosOptions,
) -> tower_http::set_header::SetResponseHeader<ServeDir, HeaderValue> {
    let dir = PathBuf::from(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let cache = if options.hash_files {
        IMMUTABLE
    } else {
        "no-cache"
    };
    SetResponseHeaderLayer::overriding(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static(cache),
    )
    .layer(ServeDir::new(dir).precompressed_br().precompressed_gzip())
}

/// With `hash-files` on, Leptos reads the bundle's names from `hash.txt` beside the binary
/// when it draws the first page, and panics there if the file is missing: every page would
/// then fail while `/readyz` said ready. `serve` asks this first, so the instance refuses to
/// start and says which file it wants and how to make it.
pub fn hash_file_present(options: &LeptosOptions) -> anyhow::Result<()> {
    if !options.hash_files {
        return Ok(());
    }
    let exe = std::env::current_exe()?;
    let dir = exe.parent().unwrap_or(std::path::Path::new("."));
    hash_file_in(dir, options.hash_file.as_ref())
}

fn hash_file_in(dir: &std::path::Path, name: &str) -> anyhow::Result<()> {
    let path = dir.join(name);
    if path.is_file() {
        return Ok(());
    }
    anyhow::bail!(
        "{} is missing: with hashed bundle names (LEPTOS_HASH_FILES) the server reads them from \
         it. Build the site with `make build` (or scripts/build-site.sh), which writes it beside \
         the binary, or set LEPTOS_HASH_FILES=false to serve unhashed names",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_hash_file_is_named_with_how_to_make_it() {
        let dir = std::env::temp_dir().join(format!("ws-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let error = hash_file_in(&dir, "hash.txt").unwrap_err().to_string();
        assert!(
            error.contains(&dir.join("hash.txt").display().to_string()),
            "{error}"
        );
        assert!(error.contains("make build"), "{error}");
        std::fs::write(dir.join("hash.txt"), "js: abc\nwasm: def\n").unwrap();
        assert!(hash_file_in(&dir, "hash.txt").is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unhashed_names_need_no_hash_file() {
        let options = LeptosOptions::builder()
            .output_name("wellspring")
            .hash_files(false)
            .hash_file("no-such-file.txt".into())
            .build();
        assert!(hash_file_present(&options).is_ok());
    }
}
