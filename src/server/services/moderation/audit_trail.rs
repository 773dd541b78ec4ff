//! The audit log for admins (`/admin/audit`): every sign-in, refresh reuse, role change,
//! session ended, profile change and the rest, filtered by event, actor, subject and dates,
//! newest first in keyset pages; and the same selection as CSV, streamed a page at a time so
//! a year of lines never sits in memory. The log is the identity service's (append-only,
//! migration 0003); it is read as that service after checking the caller is an admin.

use crate::{
    domain::{
        AccountRole, AppError,
        identity::validate::normalize_handle,
        sanction::utc_label,
        staff_members::{AUDIT_PAGE_SIZE, AuditEntry, AuditPage},
    },
    server::{auth::session::CurrentSession, db::scoped, services::community::rows::rfc3339},
};
use sqlx::PgPool;
use time::OffsetDateTime;

/// Which lines: all filters optional ("" for any).
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub event: String,
    pub actor: String,
    pub subject: String,
    /// `YYYY-MM-DD`, inclusive.
    pub from: String,
    pub to: String,
}

impl AuditFilter {
    fn date(value: &str) -> Result<Option<time::Date>, AppError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let refused = || AppError::BadRequest(format!("“{value}” is not a date like 2026-12-05."));
        let mut parts = value.splitn(3, '-').map(str::parse::<i32>);
        let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(refused());
        };
        let month = u8::try_from(month)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok());
        let day = u8::try_from(day).ok();
        match (month, day) {
            (Some(month), Some(day)) => time::Date::from_calendar_date(year, month, day)
                .map(Some)
                .map_err(|_| refused()),
            _ => Err(refused()),
        }
    }
}

/// Only admins with a two-step session read the audit log.
pub fn require_admin(caller: Option<&CurrentSession>) -> Result<(), AppError> {
    match caller {
        None => Err(AppError::Unauthorized),
        Some(caller) if caller.role == AccountRole::Admin => Ok(()),
        Some(_) => Err(AppError::Forbidden),
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: OffsetDateTime,
    event: String,
    actor: Option<String>,
    subject: Option<String>,
    ip: Option<String>,
    request_id: Option<String>,
    detail: String,
}

impl Row {
    fn into_entry(self) -> AuditEntry {
        AuditEntry {
            id: self.id,
            at: rfc3339(self.at),
            at_label: utc_label(self.at.unix_timestamp()),
            event: self.event,
            actor: self.actor,
            subject: self.subject,
            ip: self.ip.unwrap_or_default(),
            request_id: self.request_id.unwrap_or_default(),
            detail: self.detail,
        }
    }
}

/// Up to `limit` lines matching `filter`, before the line `before`, newest first.
async fn read(
    pool: &PgPool,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Row>, AppError> {
    let (from, to) = (
        AuditFilter::date(&filter.from)?,
        AuditFilter::date(&filter.to)?,
    );
    let mut tx = scoped::begin(pool, &scoped::RequestClaims::auth_admin()).await?;
    let rows: Vec<Row> = sqlx::query_as(
        "select a.id, a.at, a.event, pa.handle as actor, ps.handle as subject,
                host(a.ip) as ip, a.request_id, a.detail::text as detail
           from auth.audit_log a
           left join app.profiles pa on pa.user_id = a.actor
           left join app.profiles ps on ps.user_id = a.subject
          where ($1 = '' or a.event = $1)
            and ($2 = '' or pa.handle = $2)
            and ($3 = '' or ps.handle = $3)
            and ($4::date is null or a.at >= $4::date)
            and ($5::date is null or a.at < $5::date + 1)
            and a.id < coalesce($6, 9223372036854775807)
          order by a.id desc
          limit $7",
    )
    .bind(filter.event.trim())
    .bind(normalize_handle(&filter.actor))
    .bind(normalize_handle(&filter.subject))
    .bind(from)
    .bind(to)
    .bind(before)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// One page for the admin page.
#[tracing::instrument(skip(pool, caller))]
pub async fn page(
    pool: &PgPool,
    caller: Option<&CurrentSession>,
    filter: &AuditFilter,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    require_admin(caller)?;
    let mut rows = read(pool, filter, before, AUDIT_PAGE_SIZE + 1).await?;
    let more = rows.len() as i64 > AUDIT_PAGE_SIZE;
    rows.truncate(AUDIT_PAGE_SIZE as usize);
    let entries: Vec<AuditEntry> = rows.into_iter().map(Row::into_entry).collect();
    Ok(AuditPage {
        older: more.then(|| entries.last().map(|e| e.id)).flatten(),
        entries,
    })
}

/// Rows per chunk of the CSV stream.
const CSV_CHUNK: i64 = 1000;

/// The CSV's header line.
pub const CSV_HEADER: &str = "id,at,event,actor,subject,ip,request_id,detail\n";

/// One field, quoted when it must be, and never read as a formula by a spreadsheet (a
/// leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` first: OWASP's advice on
/// CSV injection).
fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn csv_line(row: &Row) -> String {
    [
        row.id.to_string(),
        rfc3339(row.at),
        row.event.clone(),
        row.actor.clone().unwrap_or_default(),
        row.subject.clone().unwrap_or_default(),
        row.ip.clone().unwrap_or_default(),
        row.request_id.clone().unwrap_or_default(),
        row.detail.clone(),
    ]
    .iter()
    .map(|v| field(v))
    .collect::<Vec<_>>()
    .join(",")
        + "\n"
}

/// The next chunk of CSV after line `before` (none: from the newest), and where to go on;
/// `None` once everything was sent.
pub async fn csv_chunk(
    pool: &PgPool,
    filter: &AuditFilter,
    before: Option<i64>,
) -> Result<Option<(String, Option<i64>)>, AppError> {
    let rows = read(pool, filter, before, CSV_CHUNK).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let next = (rows.len() as i64 == CSV_CHUNK)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok(Some((rows.iter().map(csv_line).collect(), next)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@handle"), "'@handle");
    }
}
