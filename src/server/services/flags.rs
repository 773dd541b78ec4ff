//! Feature flags and kill switches (migration 0029). Read where they gate something (a
//! sign-up, a new post or reply, the live socket), never on a page view: one primary-key
//! read as the identity service. An operator's configuration override wins; if the database
//! cannot be asked, the feature stays on (a kill switch must never take the site down).

use crate::{
    domain::{
        AccountRole, AppError,
        feature_flag::{FeatureFlag, FlagState},
    },
    server::{
        auth::audit::{self, AuthEvent, Origin},
        config::FlagOverrides,
        db::scoped,
        services::{community::rows::date_label, context::ServiceContext},
    },
};
use serde_json::json;
use sqlx::PgPool;

fn overridden(overrides: &FlagOverrides, flag: FeatureFlag) -> Option<bool> {
    match flag {
        FeatureFlag::SignUps => overrides.sign_ups,
        FeatureFlag::Posting => overrides.posting,
        FeatureFlag::LiveUpdates => overrides.live_updates,
    }
}

/// Whether `flag` is on now.
pub async fn enabled(pool: &PgPool, overrides: &FlagOverrides, flag: FeatureFlag) -> bool {
    if let Some(value) = overridden(overrides, flag) {
        return value;
    }
    let read = async {
        let mut tx = scoped::begin(pool, &scoped::RequestClaims::auth_admin()).await?;
        let on: Option<bool> =
            sqlx::query_scalar("select enabled from app.feature_flags where key = $1")
                .bind(flag.key())
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(on)
    };
    match read.await {
        Ok(on) => on.unwrap_or(true),
        Err(error) => {
            tracing::warn!(%error, flag = flag.key(), "could not read a feature flag; it stays on");
            true
        }
    }
}

/// Refuses with the flag's own sentence while it is off.
pub async fn require(
    pool: &PgPool,
    overrides: &FlagOverrides,
    flag: FeatureFlag,
) -> Result<(), AppError> {
    if enabled(pool, overrides, flag).await {
        Ok(())
    } else {
        Err(AppError::BadRequest(flag.paused_sentence().to_owned()))
    }
}

/// Every flag as admins see it (RLS: admins only).
#[tracing::instrument(skip(ctx, overrides))]
pub async fn list(
    ctx: &ServiceContext,
    overrides: &FlagOverrides,
) -> Result<Vec<FlagState>, AppError> {
    let caller = ctx.member()?;
    if caller.role != AccountRole::Admin {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<(String, bool, Option<String>, time::OffsetDateTime)> =
        crate::as_caller!(ctx, |tx| {
            sqlx::query_as(
                "select f.key, f.enabled, p.handle, f.updated_at
               from app.feature_flags f left join app.profiles p on p.user_id = f.updated_by
              order by f.key",
            )
            .fetch_all(&mut **tx)
            .await
            .map_err(AppError::from)
        })
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, enabled, by, at)| {
            let flag = FeatureFlag::parse(&key)?;
            let forced = overridden(overrides, flag);
            Some(FlagState {
                flag,
                enabled: forced.unwrap_or(enabled),
                overridden: forced.is_some(),
                changed: by
                    .map(|by| format!("@{by} · {}", date_label(at)))
                    .unwrap_or_default(),
            })
        })
        .collect())
}

/// An admin turns a flag on or off (RLS: admins only); written to the audit log in the same
/// transaction.
#[tracing::instrument(skip(ctx, origin))]
pub async fn set(
    ctx: &ServiceContext,
    flag: FeatureFlag,
    enabled: bool,
    origin: &Origin,
) -> Result<(), AppError> {
    let caller = ctx.member()?;
    let actor = caller.user_id;
    let mut tx = ctx.begin().await?;
    let changed = sqlx::query(
        "update app.feature_flags set enabled = $2, updated_by = auth.uid(), updated_at = now()
          where key = $1",
    )
    .bind(flag.key())
    .bind(enabled)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::Forbidden);
    }
    // Every instance closes its open sockets when live updates are paused (delivered on
    // commit; new sockets are refused by the upgrade's own check).
    if flag == FeatureFlag::LiveUpdates {
        sqlx::query("select pg_notify($1, json_build_object('live_updates', $2::boolean)::text)")
            .bind(crate::server::db::listener::FLAGS)
            .bind(enabled)
            .execute(&mut *tx)
            .await?;
    }
    scoped::switch_to_service(&mut tx).await?;
    audit::record(
        &mut tx,
        AuthEvent::FlagChanged,
        Some(actor),
        None,
        origin,
        json!({ "flag": flag.key(), "enabled": enabled }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
