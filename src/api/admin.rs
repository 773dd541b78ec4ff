//! Staff actions on accounts. Checked on the server: staff role, and aal2 when the account
//! has a second factor.

use crate::domain::AppError;
use leptos::prelude::*;

/// An admin gives a member a role (member, moderator, admin), by handle.
#[server(prefix = "/api", endpoint = "admin/role")]
pub async fn set_member_role(handle: String, role: String) -> Result<String, AppError> {
    use crate::{
        domain::AccountRole,
        server::{
            auth::request,
            http::errors::with_status,
            services::identity::{roles, service_tx},
        },
    };
    let state = request::state()?;
    let session = with_status(request::require_staff())?;
    if session.role != AccountRole::Admin {
        return with_status(Err(AppError::Forbidden));
    }
    let Some(new_role) = AccountRole::parse(role.trim()) else {
        return with_status(Err(AppError::BadRequest(
            "Roles are member, moderator or admin.".into(),
        )));
    };
    let handle = handle.trim().trim_start_matches('@').to_lowercase();
    let mut tx = service_tx(&state.pool).await?;
    let target: Option<uuid::Uuid> =
        sqlx::query_scalar("select user_id from app.profiles where handle = $1")
            .bind(&handle)
            .fetch_optional(&mut *tx)
            .await?;
    drop(tx);
    let Some(target) = target else {
        return with_status(Err(AppError::NotFound));
    };
    with_status(
        roles::set_role(
            &state,
            session.user_id,
            target,
            new_role,
            &request::origin(),
        )
        .await,
    )?;
    Ok(format!("@{handle} is now a {}.", new_role.as_str()))
}
