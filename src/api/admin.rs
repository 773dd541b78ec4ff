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
    super::circles::redirect_back_without_js(&format!(
        "/admin/members/{}",
        handle_in_path(&handle)
    ));
    Ok(format!("@{handle} is now a {}.", new_role.as_str()))
}

/// A page of members for site staff: search by handle, name or (admins) email; filter by
/// role and standing; continue after the handle `after`.
#[server(prefix = "/api", endpoint = "admin/members")]
pub async fn member_list(
    #[server(default)] q: String,
    #[server(default)] role: String,
    #[server(default)] standing: String,
    #[server(default)] after: String,
) -> Result<crate::domain::staff_members::MemberPage, AppError> {
    use crate::{
        domain::{AccountRole, staff_members::StandingFilter},
        server::{auth::request, http::errors::with_status, services::moderation::members},
    };
    with_status(request::require_staff())?;
    let ctx = request::context()?;
    with_status(
        members::list(
            &ctx,
            &q,
            AccountRole::parse(role.trim()),
            StandingFilter::parse(standing.trim()),
            after.trim(),
        )
        .await,
    )
}

/// One member's staff page: role, standing, sanctions, and (admins) email and devices.
#[server(prefix = "/api", endpoint = "admin/member")]
pub async fn member_detail(
    handle: String,
) -> Result<crate::domain::staff_members::MemberDetail, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::moderation::members};
    with_status(request::require_staff())?;
    let ctx = request::context()?;
    with_status(members::detail(&ctx, &handle).await)
}

/// An admin signs a member out everywhere.
#[server(prefix = "/api", endpoint = "admin/end-sessions")]
pub async fn end_member_sessions(handle: String) -> Result<u64, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::moderation::members};
    with_status(request::require_staff())?;
    let ctx = request::context()?;
    let ended = with_status(members::end_sessions(&ctx, &handle, &request::origin()).await)?;
    super::circles::redirect_back_without_js(&format!(
        "/admin/members/{}",
        handle_in_path(&handle)
    ));
    Ok(ended)
}

/// A handle as it may appear in a path: its own characters only (for the redirects of the
/// staff forms about a member).
#[cfg(feature = "ssr")]
pub(crate) fn handle_in_path(handle: &str) -> String {
    crate::domain::identity::validate::normalize_handle(handle)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// A page of the audit log for admins, filtered, newest first, before line `before`.
#[server(prefix = "/api", endpoint = "admin/audit")]
pub async fn audit_log(
    #[server(default)] event: String,
    #[server(default)] actor: String,
    #[server(default)] subject: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    before: Option<i64>,
) -> Result<crate::domain::staff_members::AuditPage, AppError> {
    use crate::server::{
        auth::request,
        http::errors::with_status,
        services::moderation::audit_trail::{self, AuditFilter},
    };
    let session = with_status(request::require_staff())?;
    let state = request::state()?;
    let filter = AuditFilter {
        event,
        actor,
        subject,
        from,
        to,
    };
    with_status(audit_trail::page(&state.pool, Some(&session), &filter, before).await)
}

/// The feature flags, for admins.
#[server(prefix = "/api", endpoint = "admin/flags")]
pub async fn feature_flags() -> Result<Vec<crate::domain::feature_flag::FlagState>, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::flags};
    with_status(request::require_staff())?;
    let state = request::state()?;
    let ctx = request::context()?;
    with_status(flags::list(&ctx, &state.settings.flags).await)
}

/// An admin turns a feature flag on (`enabled` = "true") or off.
#[server(prefix = "/api", endpoint = "admin/flag")]
pub async fn set_feature_flag(flag: String, enabled: String) -> Result<(), AppError> {
    use crate::{
        domain::feature_flag::FeatureFlag,
        server::{auth::request, http::errors::with_status, services::flags},
    };
    with_status(request::require_staff())?;
    let ctx = request::context()?;
    let Some(flag) = FeatureFlag::parse(flag.trim()) else {
        return with_status(Err(AppError::NotFound));
    };
    with_status(flags::set(&ctx, flag, enabled == "true", &request::origin()).await)?;
    super::circles::redirect_back_without_js("/admin/flags");
    Ok(())
}

/// The staff dashboard: the community's last days for site staff, and this instance's traffic
/// and the database's health for admins (charts drawn on the server).
#[server(prefix = "/api", endpoint = "admin/dashboard")]
pub async fn staff_dashboard() -> Result<crate::domain::dashboard::Dashboard, AppError> {
    use crate::server::{
        auth::request,
        http::errors::with_status,
        services::moderation::dashboard::{self, InstanceFigures, PoolFigures},
    };
    let session = with_status(request::require_staff())?;
    let state = request::state()?;
    let admin = session.role == crate::domain::AccountRole::Admin;
    let keep = std::time::Duration::from_millis(state.settings.moderation.dashboard_cache_ms);
    if let Some(kept) = state.dashboards.fresh(admin, keep) {
        return Ok(kept);
    }
    let ctx = request::context()?;
    let instance = || {
        let size = state.pool.size();
        let idle = u32::try_from(state.pool.num_idle()).unwrap_or(u32::MAX);
        InstanceFigures {
            last_hour: state.metrics.last_hour(),
            pool: PoolFigures {
                in_use: size.saturating_sub(idle),
                idle,
                max: state.settings.database.max_connections,
            },
        }
    };
    let drawn = with_status(dashboard::read(&ctx, instance).await)?;
    if drawn.community.is_some() {
        state.dashboards.keep(admin, &drawn);
    }
    Ok(drawn)
}

/// Every upload, newest first, with its uploader: admins only.
#[server(prefix = "/api", endpoint = "admin/uploads")]
pub async fn uploads_list(
    #[server(default)] older: String,
) -> Result<crate::domain::media::UploadsPage, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::media};
    let session = with_status(request::require_staff())?;
    if session.role != crate::domain::AccountRole::Admin {
        return with_status(Err(AppError::Forbidden));
    }
    let ctx = request::context()?;
    with_status(media::uploads(&ctx, (!older.is_empty()).then_some(older.as_str())).await)
}

/// An admin removes any upload; its bytes leave the store with the next sweep.
#[server(prefix = "/api", endpoint = "admin/upload-remove")]
pub async fn remove_upload(id: String) -> Result<(), AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::media};
    let session = with_status(request::require_staff())?;
    if session.role != crate::domain::AccountRole::Admin {
        return with_status(Err(AppError::Forbidden));
    }
    let Ok(id) = uuid::Uuid::parse_str(id.trim()) else {
        return with_status(Err(AppError::NotFound));
    };
    let ctx = request::context()?;
    with_status(media::remove_as_admin(&ctx, id, &request::origin()).await)?;
    super::circles::redirect_back_without_js("/admin/uploads?removed=1");
    Ok(())
}
