//! The staff's members pages: the list (search by handle, name or, for admins, email;
//! filter by role and standing), one member's page, and an admin ending a member's
//! sessions. Accounts live in the identity schema, which members' sessions cannot read, so
//! these read as the identity service after checking the caller here: site staff for the
//! list and the page, admins for emails, devices and ending sessions. Sanctions themselves
//! are the database's decisions ([`super::sanctions`]).

use super::sanctions;
use crate::{
    domain::{
        AccountRole, AppError, SessionSummary,
        identity::validate::normalize_handle,
        sanction::{SanctionKind, utc_label},
        staff_members::{
            MEMBERS_PAGE_SIZE, MemberDetail, MemberListing, MemberPage, StandingFilter,
        },
    },
    server::{
        auth::{
            audit::{self, AuthEvent, Origin},
            session::CurrentSession,
        },
        services::{
            community::rows::date_label, context::ServiceContext,
            identity::devices::describe_device,
        },
    },
};
use serde_json::json;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use uuid::Uuid;

/// The caller, if they are site staff in this session (aal2: the role says so only then).
fn staff(ctx: &ServiceContext) -> Result<&CurrentSession, AppError> {
    let caller = ctx.member()?;
    if caller.role.is_staff() {
        Ok(caller)
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(sqlx::FromRow)]
struct ListingRow {
    user_id: Uuid,
    handle: String,
    display_name: String,
    email: String,
    role: String,
    created_at: OffsetDateTime,
    standing_kind: Option<String>,
    standing_ends: Option<OffsetDateTime>,
}

impl ListingRow {
    fn into_listing(self, admin: bool) -> (Uuid, MemberListing) {
        let standing_label = match self.standing_kind.as_deref().and_then(SanctionKind::parse) {
            None => String::new(),
            Some(kind) => match self.standing_ends {
                Some(end) => format!(
                    "{} until {}",
                    kind.past_tense(),
                    utc_label(end.unix_timestamp())
                ),
                None if kind == SanctionKind::Ban => "banned for good".to_owned(),
                None => kind.past_tense().to_owned(),
            },
        };
        (
            self.user_id,
            MemberListing {
                handle: self.handle,
                display_name: self.display_name,
                email: admin.then_some(self.email),
                role: AccountRole::parse(&self.role).unwrap_or(AccountRole::Member),
                joined_label: date_label(self.created_at),
                standing_label,
            },
        )
    }
}

const LISTING: &str =
    "select u.id as user_id, p.handle, p.display_name, u.email, u.role, u.created_at,
        st.kind as standing_kind, st.ends_at as standing_ends
   from auth.users u
   join app.profiles p on p.user_id = u.id
   left join lateral app.standing_of(u.id) st on true";

/// A page of members in handle order, after `after`.
#[tracing::instrument(skip(ctx))]
pub async fn list(
    ctx: &ServiceContext,
    query: &str,
    role: Option<AccountRole>,
    standing: StandingFilter,
    after: &str,
) -> Result<MemberPage, AppError> {
    let admin = staff(ctx)?.role == AccountRole::Admin;
    let query = query.trim().trim_start_matches('@').to_lowercase();
    let mut tx = ctx.begin_as_service().await?;
    let rows: Vec<ListingRow> = sqlx::query_as(&format!(
        "{LISTING}
          where ($1 = '' or starts_with(p.handle, $1)
                 or strpos(lower(p.display_name), $1) > 0
                 or ($2 and starts_with(u.email, $1)))
            and ($3::text is null or u.role = $3)
            and ($4 = '' or u.id in (
                   select s.member_id from app.sanctions s
                    where s.lifted_at is null
                      and ((s.kind <> 'warn' and (s.ends_at is null or s.ends_at > now()))
                           or (s.kind = 'warn' and s.acknowledged_at is null))
                      and ($4 = 'sanctioned' or s.kind = $4)))
            and p.handle > $5
          order by p.handle
          limit $6"
    ))
    .bind(&query)
    .bind(admin)
    .bind(role.map(AccountRole::as_str))
    .bind(standing.as_str())
    .bind(after)
    .bind(MEMBERS_PAGE_SIZE + 1)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let more = rows.len() as i64 > MEMBERS_PAGE_SIZE;
    let members: Vec<MemberListing> = rows
        .into_iter()
        .take(MEMBERS_PAGE_SIZE as usize)
        .map(|row| row.into_listing(admin).1)
        .collect();
    let next = more
        .then(|| members.last().map(|m| m.handle.clone()))
        .flatten();
    Ok(MemberPage {
        members,
        next,
        admin,
    })
}

#[derive(sqlx::FromRow)]
struct DeviceRow {
    id: Uuid,
    user_agent: String,
    ip: Option<String>,
    created_at: OffsetDateTime,
    last_seen_at: OffsetDateTime,
}

/// One member's page.
#[tracing::instrument(skip(ctx))]
pub async fn detail(ctx: &ServiceContext, handle: &str) -> Result<MemberDetail, AppError> {
    let caller = staff(ctx)?;
    let admin = caller.role == AccountRole::Admin;
    let caller_id = caller.user_id;
    let mut tx = ctx.begin_as_service().await?;
    let row: Option<ListingRow> = sqlx::query_as(&format!("{LISTING} where p.handle = $1"))
        .bind(normalize_handle(handle))
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else {
        return Err(AppError::NotFound);
    };
    let (user_id, member) = row.into_listing(admin);
    let sessions = if admin {
        let rows: Vec<DeviceRow> = sqlx::query_as(
            "select id, user_agent, host(ip) as ip, created_at, last_seen_at from auth.sessions
              where user_id = $1 and revoked_at is null order by last_seen_at desc limit 50",
        )
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await?;
        Some(
            rows.into_iter()
                .map(|row| SessionSummary {
                    id: row.id.to_string(),
                    device: describe_device(&row.user_agent),
                    ip: row.ip.unwrap_or_default(),
                    created_at: row.created_at.format(&Rfc3339).unwrap_or_default(),
                    last_seen_at: row.last_seen_at.format(&Rfc3339).unwrap_or_default(),
                    current: false,
                })
                .collect(),
        )
    } else {
        None
    };
    tx.commit().await?;
    let can_sanction = user_id != caller_id
        && match member.role {
            AccountRole::Member => true,
            AccountRole::Moderator => admin,
            AccountRole::Admin => false,
        };
    // Counted as the caller: what they can read of it (their circles' rules apply).
    let (posts, replies): (i64, i64) = crate::as_caller!(ctx, |tx| {
        sqlx::query_as(
            "select (select count(*) from app.posts where author_id = $1 and deleted_at is null),
                    (select count(*) from app.comments where author_id = $1 and deleted_at is null)",
        )
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(AppError::from)
    })
    .await?;
    Ok(MemberDetail {
        sanctions: sanctions::history(ctx, user_id).await?,
        member,
        posts,
        replies,
        sessions,
        admin,
        can_sanction,
    })
}

/// An admin ends every session of the member with `handle` (a stolen account, say): their
/// devices are signed out at once on every instance. Returns how many ended.
#[tracing::instrument(skip(ctx, origin))]
pub async fn end_sessions(
    ctx: &ServiceContext,
    handle: &str,
    origin: &Origin,
) -> Result<u64, AppError> {
    let caller = staff(ctx)?;
    if caller.role != AccountRole::Admin {
        return Err(AppError::Forbidden);
    }
    let actor = caller.user_id;
    let mut tx = ctx.begin_as_service().await?;
    let member: Option<Uuid> =
        sqlx::query_scalar("select user_id from app.profiles where handle = $1")
            .bind(normalize_handle(handle))
            .fetch_optional(&mut *tx)
            .await?;
    let member = member.ok_or(AppError::NotFound)?;
    let ended = sqlx::query(
        "update auth.sessions set revoked_at = now(), revoked_reason = 'ended_by_admin'
          where user_id = $1 and revoked_at is null",
    )
    .bind(member)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    audit::record(
        &mut tx,
        AuthEvent::SessionRevoked,
        Some(actor),
        Some(member),
        origin,
        json!({ "by_admin": true, "sessions": ended }),
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}
