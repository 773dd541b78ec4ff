//! `GET /media/<bucket>/<id>/<size>`: one kept size of a picture.
//!
//! Who may read it: anyone for avatars (no database read: the key is the address); for
//! post pictures, whoever Row Level Security lets see the row (a private circle's pictures
//! stay in the circle); for private pictures, whoever holds an unexpired signed address.
//!
//! How it is served, so it can only ever be a picture: `X-Content-Type-Options: nosniff`,
//! a `Content-Security-Policy` with `sandbox` and nothing allowed (opened as a page, it can
//! run nothing), an inline `Content-Disposition` with a name we make, long-lived caching
//! (a key never changes: a new picture gets a new id), an ETag, and byte ranges.

use crate::{
    domain::{AppError, media::Bucket},
    server::{
        auth::session::Caller,
        http::errors::error_response,
        media::store,
        services::{context::ServiceContext, media as pictures},
        state::AppState,
    },
};
use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt as _;
use object_store::{GetOptions, GetRange};
use serde::Deserialize;

/// The policy every picture is served with: a picture opened on its own is a sandboxed
/// document that may load nothing and run nothing.
pub const PICTURE_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

#[derive(Deserialize, Default)]
pub struct Signature {
    expires: Option<i64>,
    sig: Option<String>,
}

pub async fn serve(
    State(state): State<AppState>,
    caller: Option<axum::Extension<Caller>>,
    Path((bucket, id, size)): Path<(String, String, String)>,
    Query(signature): Query<Signature>,
    headers: HeaderMap,
) -> Response {
    let (Some(bucket), Ok(id), Ok(size)) = (
        Bucket::parse(&bucket),
        uuid::Uuid::parse_str(&id),
        size.parse::<u32>(),
    ) else {
        return error_response(AppError::NotFound);
    };
    if !bucket.variants().contains(&size) {
        return error_response(AppError::NotFound);
    }
    let cache_control = match bucket {
        Bucket::Avatars => "public, max-age=31536000, immutable",
        Bucket::PostMedia => "private, max-age=31536000, immutable",
        Bucket::Private => "private, max-age=60",
    };
    match bucket {
        Bucket::Avatars => {}
        Bucket::PostMedia => {
            let session = caller.and_then(|c| c.0.0.clone());
            let ctx = ServiceContext::from_state(&state, session);
            match pictures::readable(&ctx, bucket, id).await {
                Ok(true) => {}
                Ok(false) => return error_response(AppError::NotFound),
                Err(error) => return error_response(error),
            }
        }
        Bucket::Private => {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let (Some(expires), Some(sig)) = (signature.expires, signature.sig.as_deref()) else {
                return error_response(AppError::Forbidden);
            };
            if !state
                .media
                .signer
                .verify(bucket, id, size, expires, sig, now)
            {
                return error_response(AppError::Forbidden);
            }
        }
    }

    let range = match requested_range(&headers) {
        Ok(range) => range,
        Err(()) => return StatusCode::RANGE_NOT_SATISFIABLE.into_response(),
    };
    let options = GetOptions {
        range: range.clone(),
        ..GetOptions::default()
    };
    let key = store::key(bucket, id, size);
    let result = match state.media.store.get_opts(&key, options).await {
        Ok(result) => result,
        Err(object_store::Error::NotFound { .. }) => return error_response(AppError::NotFound),
        Err(error) => {
            // A range past the end is the client's mistake; anything else is the store's.
            if range.is_some() && error.to_string().to_lowercase().contains("range") {
                return StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            }
            tracing::error!(error = %error, %key, "reading a picture from the store failed");
            return error_response(AppError::Unavailable);
        }
    };
    let etag = result
        .meta
        .e_tag
        .as_deref()
        .map(|tag| format!("\"{}\"", tag.trim_matches('"')));
    let total = result.meta.size;
    let served = result.range.clone();

    let mut response = if etag
        .as_deref()
        .is_some_and(|tag| matches_any(&headers, tag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body = Body::from_stream(
            result
                .into_stream()
                .map(|chunk| chunk.map_err(|error| std::io::Error::other(error.to_string()))),
        );
        let mut response = Response::new(body);
        if range.is_some() {
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            if let Ok(value) = HeaderValue::from_str(&format!(
                "bytes {}-{}/{total}",
                served.start,
                served.end.saturating_sub(1)
            )) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
        }
        if let Ok(length) = HeaderValue::from_str(&(served.end - served.start).to_string()) {
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, length);
        }
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
        response
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PICTURE_POLICY),
    );
    if let Ok(value) = HeaderValue::from_str(&format!(
        "inline; filename=\"wellspring-{}-{size}.jpg\"",
        bucket.as_str()
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(value) = etag.and_then(|tag| HeaderValue::from_str(&tag).ok()) {
        headers.insert(header::ETAG, value);
    }
    response
}

/// One byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`); several ranges are answered whole
/// (allowed by RFC 9110), nonsense is refused.
fn requested_range(headers: &HeaderMap) -> Result<Option<GetRange>, ()> {
    let Some(value) = headers.get(header::RANGE) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| ())?;
    let spec = value.strip_prefix("bytes=").ok_or(())?;
    if spec.contains(',') {
        return Ok(None);
    }
    let (start, end) = spec.split_once('-').ok_or(())?;
    let number = |s: &str| s.trim().parse::<u64>().map_err(|_| ());
    Ok(Some(
        match (start.trim().is_empty(), end.trim().is_empty()) {
            (true, false) => GetRange::Suffix(number(end)?),
            (false, true) => GetRange::Offset(number(start)?),
            (false, false) => {
                let (start, end) = (number(start)?, number(end)?);
                if end < start {
                    return Err(());
                }
                GetRange::Bounded(start..end + 1)
            }
            (true, true) => return Err(()),
        },
    ))
}

fn matches_any(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|given| {
            given
                .split(',')
                .any(|tag| tag.trim().trim_start_matches("W/") == etag || tag.trim() == "*")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(value: &str) -> Result<Option<GetRange>, ()> {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, HeaderValue::from_str(value).expect("header"));
        requested_range(&headers)
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(range("bytes=0-99"), Ok(Some(GetRange::Bounded(0..100))));
        assert_eq!(range("bytes=100-"), Ok(Some(GetRange::Offset(100))));
        assert_eq!(range("bytes=-50"), Ok(Some(GetRange::Suffix(50))));
        assert_eq!(range("bytes=0-1,5-6"), Ok(None));
        assert_eq!(range("bytes=9-1"), Err(()));
        assert_eq!(range("lines=1-2"), Err(()));
        assert_eq!(range("bytes=-"), Err(()));
        assert_eq!(requested_range(&HeaderMap::new()), Ok(None));
    }
}
