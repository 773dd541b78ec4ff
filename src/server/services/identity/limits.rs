//! The rate limits identity applies, each counted in its own committed transaction so a
//! request that then fails still counts.

use super::service_tx;
use crate::{
    domain::AppError,
    server::{
        auth::{
            audit::Origin,
            rate_limit::{self, Limit},
            token::hash_token,
        },
        state::AppState,
    },
};
use base64::Engine as _;

async fn hit(state: &AppState, bucket: String, max: i32) -> Result<(), AppError> {
    let limit = Limit {
        max,
        window_secs: state.settings.limits.window_secs,
    };
    let mut tx = service_tx(&state.pool).await?;
    let result = rate_limit::hit(&mut tx, &bucket, limit).await;
    tx.commit().await?;
    result
}

/// Per client IP. Without a known IP (never from our own listener) nothing is limited.
pub async fn per_ip(
    state: &AppState,
    action: &str,
    origin: &Origin,
    max: i32,
) -> Result<(), AppError> {
    match origin.ip {
        Some(ip) => hit(state, format!("{action}:ip:{ip}"), max).await,
        None => Ok(()),
    }
}

/// Per account, keyed by a hash of the normalised email, known or not (no enumeration, and
/// typed-in addresses are not stored).
pub async fn per_account(
    state: &AppState,
    action: &str,
    email: &str,
    max: i32,
) -> Result<(), AppError> {
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hash_token(email));
    hit(state, format!("{action}:account:{key}"), max).await
}
