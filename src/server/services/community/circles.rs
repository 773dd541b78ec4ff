//! Circles: list, open, create (admins), join, leave, follow, and approving join requests.

use crate::domain::{
    AccountRole, AppError, CircleId, FieldErrors,
    community::{CirclePage, CircleSummary, JoinRequest, Membership, Visibility, validate},
};
use crate::server::services::context::{ServiceContext, Tx};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

const CIRCLE_SELECT: &str = "
    select c.id, c.slug, c.name, c.description, c.visibility, c.is_support, c.member_count, c.post_count,
           m.role as member_role, m.status as member_status,
           exists (select 1 from app.circle_follows f where f.circle_id = c.id and f.user_id = (select auth.uid())) as following,
           c.id = any ((select app.readable_circle_ids())::bigint[]) as can_read
      from app.circles c
      left join app.circle_members m on m.circle_id = c.id and m.user_id = (select auth.uid())";

#[derive(sqlx::FromRow)]
struct CircleRow {
    id: CircleId,
    slug: String,
    name: String,
    description: String,
    visibility: String,
    is_support: bool,
    member_count: i32,
    post_count: i32,
    member_role: Option<String>,
    member_status: Option<String>,
    following: bool,
    can_read: bool,
}

impl CircleRow {
    fn into_summary(self) -> CircleSummary {
        let membership = match (self.member_status.as_deref(), self.member_role.as_deref()) {
            (Some("pending"), _) => Membership::Pending,
            (Some("active"), Some("moderator")) => Membership::Moderator,
            (Some("active"), _) => Membership::Member,
            _ => Membership::None,
        };
        CircleSummary {
            id: self.id,
            slug: self.slug,
            name: self.name,
            description: self.description,
            visibility: Visibility::parse(&self.visibility).unwrap_or(Visibility::Private),
            is_support: self.is_support,
            member_count: self.member_count,
            post_count: self.post_count,
            membership,
            following: self.following,
            can_read: self.can_read,
        }
    }
}

/// Every circle, busiest first. Private circles are listed (so people can ask to join) but
/// their posts stay unreadable.
#[tracing::instrument(skip_all)]
pub async fn list(tx: &mut Tx) -> Result<Vec<CircleSummary>, AppError> {
    let sql = format!("{CIRCLE_SELECT} order by c.member_count desc, c.name limit 500");
    let rows: Vec<CircleRow> = sqlx::query_as(&sql).fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().map(CircleRow::into_summary).collect())
}

/// One circle by its slug, inside an open transaction.
pub async fn find(
    tx: &mut Transaction<'static, Postgres>,
    slug: &str,
) -> Result<CircleSummary, AppError> {
    let sql = format!("{CIRCLE_SELECT} where c.slug = $1");
    let row: Option<CircleRow> = sqlx::query_as(&sql)
        .bind(slug)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(CircleRow::into_summary).ok_or(AppError::NotFound)
}

/// A circle's page header, in the caller's transaction: the circle and what the viewer may
/// do there.
pub async fn page(
    tx: &mut Transaction<'static, Postgres>,
    signed_in: bool,
    slug: &str,
) -> Result<CirclePage, AppError> {
    let circle = find(tx, slug).await?;
    let (can_moderate, slow_mode_secs): (bool, i32) = sqlx::query_as(
        "select $1 = any ((select app.moderated_circle_ids())::bigint[]),
                (select slow_mode_secs from app.circles where id = $1)",
    )
    .bind(circle.id)
    .fetch_one(&mut **tx)
    .await?;
    let pending_requests = if can_moderate && circle.visibility == Visibility::Private {
        sqlx::query_as::<_, (Uuid, String, String)>(
            "select m.user_id, p.handle, p.display_name from app.circle_members m
               join app.profiles p on p.user_id = m.user_id
              where m.circle_id = $1 and m.status = 'pending' order by m.created_at limit 100",
        )
        .bind(circle.id)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|(user_id, handle, display_name)| JoinRequest {
            user_id: user_id.to_string(),
            handle,
            display_name,
        })
        .collect()
    } else {
        Vec::new()
    };
    Ok(CirclePage {
        can_post: circle.membership.is_active(),
        circle,
        signed_in,
        can_moderate,
        pending_requests,
        slow_mode_secs,
    })
}

/// A circle's moderators set its slow mode (0: off), with a reason for the public log.
#[tracing::instrument(skip(ctx, reason))]
pub async fn set_slow_mode(
    ctx: &crate::server::services::context::ServiceContext,
    slug: &str,
    secs: i32,
    reason: &str,
) -> Result<(), AppError> {
    ctx.member()?;
    let reason = crate::server::services::moderation::reason(reason)?;
    crate::as_caller!(ctx, |tx| {
        let circle = find(tx, slug).await?;
        sqlx::query("select app.set_slow_mode($1, $2, $3)")
            .bind(circle.id)
            .bind(secs)
            .bind(&reason)
            .execute(&mut **tx)
            .await
            .map_err(crate::server::services::moderation::refusal)?;
        Ok::<_, AppError>(())
    })
    .await
}

/// The form's fields for a new circle.
#[derive(Debug)]
pub struct NewCircle<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub visibility: &'a str,
    pub is_support: bool,
}

/// Creates a circle (admins only) with its creator as its first moderator.
#[tracing::instrument(skip(ctx))]
pub async fn create(ctx: &ServiceContext, new: NewCircle<'_>) -> Result<String, AppError> {
    let session = ctx.member()?;
    if session.role != AccountRole::Admin {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new();
    let slug = validate::circle_slug(new.slug)
        .map_err(|e| errors.add("slug", e))
        .ok();
    let name = validate::circle_name(new.name)
        .map_err(|e| errors.add("name", e))
        .ok();
    let description = validate::circle_description(new.description)
        .map_err(|e| errors.add("description", e))
        .ok();
    let visibility = Visibility::parse(new.visibility);
    if visibility.is_none() {
        errors.add("visibility", "Choose public, members only or private.");
    }
    errors.into_result()?;
    let (Some(slug), Some(name), Some(description), Some(visibility)) =
        (slug, name, description, visibility)
    else {
        return Err(AppError::Internal);
    };
    let mut tx = ctx.begin().await?;
    let taken: bool =
        sqlx::query_scalar("select exists (select 1 from app.circles where slug = $1)")
            .bind(&slug)
            .fetch_one(&mut *tx)
            .await?;
    if taken {
        let mut errors = FieldErrors::new();
        errors.add(
            "slug",
            "A circle already uses that address. Please choose another.",
        );
        return Err(AppError::Invalid(errors));
    }
    let id: CircleId = sqlx::query_scalar(
        "insert into app.circles (slug, name, description, visibility, is_support, created_by)
         values ($1, $2, $3, $4, $5, auth.uid()) returning id",
    )
    .bind(&slug)
    .bind(&name)
    .bind(&description)
    .bind(visibility.as_str())
    .bind(new.is_support)
    .fetch_one(&mut *tx)
    .await?;
    // Members join as members; the creator is then promoted, as staff may.
    sqlx::query(
        "insert into app.circle_members (circle_id, user_id, status) values ($1, auth.uid(), $2)",
    )
    .bind(id)
    .bind(if visibility == Visibility::Private {
        "pending"
    } else {
        "active"
    })
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update app.circle_members set role = 'moderator', status = 'active'
          where circle_id = $1 and user_id = auth.uid()",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(slug)
}

/// Joins an open circle, or asks to join a private one. Joining twice changes nothing.
#[tracing::instrument(skip(ctx))]
pub async fn join(ctx: &ServiceContext, slug: &str) -> Result<Membership, AppError> {
    ctx.member()?;
    let mut tx = ctx.begin().await?;
    let circle = find(&mut tx, slug).await?;
    if circle.membership != Membership::None {
        tx.commit().await?;
        return Ok(circle.membership);
    }
    let status = if circle.visibility == Visibility::Private {
        "pending"
    } else {
        "active"
    };
    sqlx::query(
        "insert into app.circle_members (circle_id, user_id, status) values ($1, auth.uid(), $2)
         on conflict do nothing",
    )
    .bind(circle.id)
    .bind(status)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(if status == "pending" {
        Membership::Pending
    } else {
        Membership::Member
    })
}

/// Leaves a circle (or withdraws a request) and stops following it.
#[tracing::instrument(skip(ctx))]
pub async fn leave(ctx: &ServiceContext, slug: &str) -> Result<(), AppError> {
    ctx.member()?;
    let mut tx = ctx.begin().await?;
    let circle = find(&mut tx, slug).await?;
    sqlx::query("delete from app.circle_members where circle_id = $1 and user_id = auth.uid()")
        .bind(circle.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from app.circle_follows where circle_id = $1 and user_id = auth.uid()")
        .bind(circle.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Follows or unfollows a circle the viewer can read; returns whether they now follow it.
#[tracing::instrument(skip(ctx))]
pub async fn set_following(
    ctx: &ServiceContext,
    slug: &str,
    follow: bool,
) -> Result<bool, AppError> {
    ctx.member()?;
    let mut tx = ctx.begin().await?;
    let circle = find(&mut tx, slug).await?;
    if follow {
        if !circle.can_read {
            return Err(AppError::BadRequest(
                "You can follow this circle once a moderator lets you in.".into(),
            ));
        }
        sqlx::query(
            "insert into app.circle_follows (circle_id, user_id) values ($1, auth.uid()) on conflict do nothing",
        )
        .bind(circle.id)
        .execute(&mut *tx)
        .await
        ?;
    } else {
        sqlx::query("delete from app.circle_follows where circle_id = $1 and user_id = auth.uid()")
            .bind(circle.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(follow)
}

/// A circle moderator approves (or declines) a request to join a private circle.
#[tracing::instrument(skip(ctx))]
pub async fn answer_request(
    ctx: &ServiceContext,
    slug: &str,
    user_id: &str,
    approve: bool,
) -> Result<(), AppError> {
    ctx.member()?;
    let user_id: Uuid = user_id.parse().map_err(|_| AppError::NotFound)?;
    let mut tx = ctx.begin().await?;
    let circle = find(&mut tx, slug).await?;
    let sql = if approve {
        "update app.circle_members set status = 'active'
          where circle_id = $1 and user_id = $2 and status = 'pending'"
    } else {
        "delete from app.circle_members where circle_id = $1 and user_id = $2 and status = 'pending'"
    };
    let changed = sqlx::query(sql)
        .bind(circle.id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    // RLS hides other circles' requests: "no such request" and "not yours to answer" look
    // the same from outside, and that is the point.
    if changed == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
