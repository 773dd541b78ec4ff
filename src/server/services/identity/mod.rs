//! Identity operations: sign-up, sign-in, sessions and their refresh tokens, mailed links,
//! password and email changes, TOTP, profiles and roles. Each runs in one transaction as
//! `auth_admin` (the identity service's own role) or, for a member's own rows, as
//! `authenticated` with their claims, and writes its audit row in that same transaction.

pub mod devices;
pub mod keys;
pub mod limits;
pub mod linked_sign_ins;
pub mod mail_links;
pub mod mfa;
pub mod oauth;
pub mod password_change;
pub mod profile;
pub mod proof_of_address;
pub mod recovery_reveal;
pub mod roles;
pub mod sessions;
pub mod sign_in;
pub mod sign_up;
pub mod step_up;
pub mod unconfirmed;

pub use keys::AuthKeys;
pub use sessions::IssuedSession;

use crate::{
    domain::AppError,
    server::db::scoped::{self, RequestClaims},
};
use sqlx::{PgPool, Postgres, Transaction};

/// A transaction as the identity service.
pub async fn service_tx(pool: &PgPool) -> Result<Transaction<'static, Postgres>, AppError> {
    scoped::begin(pool, &RequestClaims::auth_admin())
        .await
        .map_err(AppError::from)
}
