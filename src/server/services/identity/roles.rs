//! Account roles: held server-side, changed only here (an admin's action or the
//! `create-admin` command), always with an audit row.

use super::{mail_links, service_tx};
use crate::{
    domain::{AccountRole, AppError, identity::validate},
    server::{
        auth::audit::{self, AuthEvent, Origin},
        state::AppState,
    },
};
use serde_json::json;
use uuid::Uuid;

/// Makes `email` an admin, creating a confirmed account (without a password) when there is
/// none. Returns a password-reset link for a new account, so its owner can set one.
#[tracing::instrument(skip(pool, settings))]
pub async fn create_admin(
    pool: &sqlx::PgPool,
    settings: &crate::server::config::Settings,
    email: &str,
    handle: &str,
) -> Result<Option<String>, AppError> {
    let email = validate::normalize_email(email);
    validate::email(&email).map_err(AppError::BadRequest)?;
    let handle = super::sign_up::normalize_handle(handle);
    validate::handle(&handle).map_err(AppError::BadRequest)?;
    let mut tx = service_tx(pool).await?;
    let existing: Option<Uuid> = sqlx::query_scalar("select id from auth.users where email = $1")
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
    let origin = Origin {
        user_agent: "wellspring create-admin".into(),
        ..Origin::default()
    };
    let (user_id, link) = match existing {
        Some(id) => (id, None),
        None => {
            let id: Uuid = sqlx::query_scalar(
                "insert into auth.users (email, email_confirmed_at) values ($1, now()) returning id",
            )
            .bind(&email)
            .fetch_one(&mut *tx)
            .await
            ?;
            sqlx::query(
                "insert into app.profiles (user_id, handle, display_name) values ($1, $2, $2)",
            )
            .bind(id)
            .bind(&handle)
            .execute(&mut *tx)
            .await?;
            let token = mail_links::issue(
                &mut tx,
                id,
                mail_links::Purpose::ResetPassword,
                None,
                None,
                &settings.auth,
            )
            .await?;
            (
                id,
                Some(format!(
                    "{}/reset?token={token}",
                    settings.server.public_url
                )),
            )
        }
    };
    set_role_in(&mut tx, None, user_id, AccountRole::Admin, &origin).await?;
    tx.commit().await?;
    Ok(link)
}

async fn set_role_in(
    conn: &mut sqlx::PgConnection,
    actor: Option<Uuid>,
    user_id: Uuid,
    role: AccountRole,
    origin: &Origin,
) -> Result<(), AppError> {
    let previous: String = sqlx::query_scalar(
        "update auth.users u set role = $2, updated_at = now()
                              from auth.users old where u.id = $1 and old.id = u.id
                            returning old.role",
    )
    .bind(user_id)
    .bind(role.as_str())
    .fetch_one(&mut *conn)
    .await
    .map_err(|error| match &error {
        // The last admin stays an admin (migration 0026), said in the database's words.
        sqlx::Error::Database(db) if db.code().as_deref() == Some("22023") => {
            AppError::BadRequest(db.message().to_owned())
        }
        _ => AppError::from(error),
    })?;
    audit::record(
        conn,
        AuthEvent::RoleChanged,
        actor,
        Some(user_id),
        origin,
        json!({ "from": previous, "to": role.as_str() }),
    )
    .await?;
    Ok(())
}

/// An admin (with aal2 when they have MFA; checked by the caller) changes someone's role.
#[tracing::instrument(skip(state, origin))]
pub async fn set_role(
    state: &AppState,
    actor: Uuid,
    user_id: Uuid,
    role: AccountRole,
    origin: &Origin,
) -> Result<(), AppError> {
    let mut tx = service_tx(&state.pool).await?;
    let actor_role: Option<String> =
        sqlx::query_scalar("select role from auth.users where id = $1")
            .bind(actor)
            .fetch_optional(&mut *tx)
            .await?;
    if actor_role.as_deref() != Some("admin") {
        return Err(AppError::Forbidden);
    }
    set_role_in(&mut tx, Some(actor), user_id, role, origin).await?;
    Ok(tx.commit().await?)
}
