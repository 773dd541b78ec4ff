//! One-click unsubscribe (RFC 8058) for the digest: mail programs POST
//! `List-Unsubscribe=One-Click` to the address in the mail's `List-Unsubscribe` header,
//! with no page, no cookie and no sign-in. The address carries the member and a signature
//! for this one purpose; the body says nothing we need.

use crate::server::{
    http::errors::error_response,
    services::{context::ServiceContext, digests},
    state::AppState,
};
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct StopDigest {
    #[serde(default)]
    member: String,
    #[serde(default)]
    sig: String,
}

/// `POST /unsubscribe/digest/one-click?member=…&sig=…`.
pub async fn one_click(State(state): State<AppState>, Query(link): Query<StopDigest>) -> Response {
    let ctx = ServiceContext::from_state(&state, None);
    match digests::stop_by_link(&ctx, &state.keys.links, &link.member, &link.sig).await {
        Ok(()) => (
            StatusCode::OK,
            [("cache-control", "no-store")],
            "You are unsubscribed from the Wellspring digest.",
        )
            .into_response(),
        Err(error) => error_response(error),
    }
}

/// `GET /unsubscribe/digest/one-click?…`: a mail program that knows only RFC 2369 opens the
/// header's address in a browser. It is sent to the page that asks first (a GET must never
/// act: link scanners open every address), with the same member and signature when they are
/// well formed.
pub async fn open_page(Query(link): Query<StopDigest>) -> Redirect {
    let well_formed = link.member.parse::<uuid::Uuid>().is_ok()
        && !link.sig.is_empty()
        && link
            .sig
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if well_formed {
        Redirect::to(&format!(
            "{}?member={}&sig={}",
            digests::UNSUBSCRIBE_PATH,
            link.member,
            link.sig
        ))
    } else {
        Redirect::to(digests::UNSUBSCRIBE_PATH)
    }
}
