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
