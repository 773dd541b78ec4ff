//! The email digest: a daily or weekly mail of a member's unread notifications, off unless
//! they turn it on (migration 0022).
//!
//! - A member chooses how often, as themselves (RLS: their own row, only the frequency).
//! - The `notifications.digest` job, on a schedule, finds members who are due and, for each,
//!   in the job's one transaction: reads their unread notifications *as that member* (so Row
//!   Level Security decides what may be told, as on the notifications page), writes the mail
//!   to the outbox, and moves their schedule on. A digest is queued once or not at all.
//! - The mail is careful with what it carries: a wellness community's post titles and circle
//!   names can say more about a member's health than they would want in their inbox, so
//!   only public circles are named, titles of posts elsewhere are left out, and no reply text
//!   is quoted. Every item links to its place, where the member signs in to read it.
//! - Every digest carries a link that stops digests without signing in, signed for that one
//!   purpose and member ([`LinkPurpose::StopDigest`]); the same address takes a one-click
//!   POST from mail programs (RFC 8058).

use crate::{
    domain::{
        AppError, CircleId, digest::DigestFrequency, identity::AccountRole,
        notification::Notification,
    },
    server::{
        auth::signed_link::{LinkKey, LinkPurpose},
        db::scoped::{self, DbRole, RequestClaims},
        jobs::{Job, JobHandler, JobResult, NewJob, enqueue},
        mail::outbox::{self, OutgoingEmail},
        services::{
            context::{ServiceContext, Tx},
            notifications::unread_since,
        },
    },
};
use anyhow::Context as _;
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

/// The job kind (and schedule name) that sends due digests.
pub const SEND: &str = "notifications.digest";
/// Members handled by one run of the job; a full batch enqueues the next run at once.
const BATCH: i64 = 200;
/// Notifications listed in one mail; the rest are counted.
const ITEMS: i64 = 20;
/// Where the unsubscribe page lives; `/one-click` under it takes mail programs' POST.
pub const UNSUBSCRIBE_PATH: &str = "/unsubscribe/digest";

/// How often the member in this transaction asked for a digest.
#[tracing::instrument(skip(tx))]
pub async fn frequency_of_caller(tx: &mut Tx) -> Result<DigestFrequency, AppError> {
    let stored: Option<String> = sqlx::query_scalar(
        "select frequency from app.notification_digests where user_id = (select auth.uid())",
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(stored
        .as_deref()
        .and_then(DigestFrequency::parse)
        .unwrap_or_default())
}

/// Sets how often the member is mailed a digest. Turning it on starts from now: the first
/// mail tells what happens after this, not about old unread notifications.
#[tracing::instrument(skip(ctx))]
pub async fn set_frequency(
    ctx: &ServiceContext,
    frequency: DigestFrequency,
) -> Result<(), AppError> {
    let member = ctx.member()?.user_id;
    let mut tx = ctx.begin().await?;
    sqlx::query(
        "insert into app.notification_digests (user_id, frequency) values ($1, $2)
         on conflict (user_id) do update set frequency = excluded.frequency",
    )
    .bind(member)
    .bind(frequency.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Turns the digest off for `member`, from a link in a digest: no sign-in, so the signature
/// is the whole authority, and it only ever allows this. A link that does not verify
/// changes nothing and says so kindly.
#[tracing::instrument(skip(ctx, links, signature))]
pub async fn stop_by_link(
    ctx: &ServiceContext,
    links: &LinkKey,
    member: &str,
    signature: &str,
) -> Result<(), AppError> {
    let valid = links.verify(LinkPurpose::StopDigest, member, signature);
    let member = member
        .parse::<Uuid>()
        .ok()
        .filter(|_| valid)
        .ok_or_else(|| {
            AppError::BadRequest(
            "This unsubscribe link is not complete or not valid. Please copy the whole link from \
             the email, or sign in and turn the digest off on your notifications page."
                .into(),
        )
        })?;
    let mut tx = ctx.begin_as_service().await?;
    sqlx::query("update app.notification_digests set frequency = 'off' where user_id = $1")
        .bind(member)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(%member, "digest turned off from its unsubscribe link");
    Ok(())
}

/// `?member=…&sig=…`: the member and their stop-the-digest signature.
fn signed_query(links: &LinkKey, member: Uuid) -> String {
    let member = member.to_string();
    let signature = links.sign(LinkPurpose::StopDigest, &member);
    format!("member={member}&sig={signature}")
}

/// The page that asks "stop the digest?" for `member`, signed.
pub fn unsubscribe_url(public_url: &str, links: &LinkKey, member: Uuid) -> String {
    format!(
        "{}{UNSUBSCRIBE_PATH}?{}",
        public_url.trim_end_matches('/'),
        signed_query(links, member)
    )
}

/// The address mail programs POST to for one-click unsubscribe (RFC 8058).
pub fn one_click_url(public_url: &str, links: &LinkKey, member: Uuid) -> String {
    format!(
        "{}{UNSUBSCRIBE_PATH}/one-click?{}",
        public_url.trim_end_matches('/'),
        signed_query(links, member)
    )
}

/// The digest job: sends every due digest, a batch per run.
#[derive(Clone, Debug)]
pub struct SendDigests {
    pub links: LinkKey,
    /// Where links in the mail point (`server.public_url`).
    pub public_url: String,
}

impl JobHandler for SendDigests {
    fn run<'a>(&'a self, _job: &'a Job, conn: &'a mut PgConnection) -> JobResult<'a> {
        Box::pin(async move {
            let report = send_due(conn, &self.links, &self.public_url, BATCH).await?;
            if report.members > 0 {
                tracing::info!(
                    members = report.members,
                    mailed = report.mailed,
                    "digests sent"
                );
            }
            if i64::try_from(report.members).is_ok_and(|n| n >= BATCH) {
                // More may be due: the next batch runs as its own job, right away.
                enqueue(conn, &NewJob::new(SEND, serde_json::json!({})))
                    .await
                    .context("enqueueing the next batch of digests")?;
            }
            Ok(())
        })
    }
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DigestReport {
    /// Members whose digest was due.
    pub members: usize,
    /// Of those, members with something unread to tell: mail queued.
    pub mailed: usize,
}

#[derive(sqlx::FromRow)]
struct Due {
    user_id: Uuid,
    frequency: String,
    covered_until: OffsetDateTime,
    email: String,
    display_name: Option<String>,
}

/// Sends the digests due now, at most `batch`, in the caller's transaction, which runs as
/// the identity service (`auth_admin`) and is left as that role.
#[tracing::instrument(skip(conn, links))]
pub async fn send_due(
    conn: &mut PgConnection,
    links: &LinkKey,
    public_url: &str,
    batch: i64,
) -> anyhow::Result<DigestReport> {
    // Only confirmed addresses: a digest never goes to an address nobody has proved is theirs.
    let due: Vec<Due> = sqlx::query_as(
        "select d.user_id, d.frequency, d.covered_until, u.email, pr.display_name
           from app.notification_digests d
           join auth.users u on u.id = d.user_id
           left join app.profiles pr on pr.user_id = d.user_id
          where d.frequency <> 'off' and d.next_due_at <= now()
            and u.email_confirmed_at is not null
          order by d.next_due_at
          limit $1
            for update of d skip locked",
    )
    .bind(batch)
    .fetch_all(&mut *conn)
    .await
    .context("finding due digests")?;

    let mut report = DigestReport {
        members: due.len(),
        mailed: 0,
    };
    for member in due {
        // Each member in a savepoint of their own: one whose digest cannot be made (a bad
        // row, a failing query) is logged and skipped until their next period; the others
        // still get theirs, and the job is not retried for everyone because of one.
        let mailed = match digest_one(conn, links, public_url, &member).await {
            Ok(mailed) => mailed,
            Err(error) => {
                tracing::warn!(member = %member.user_id, error = format!("{error:#}"),
                    "a digest could not be made; it waits for the member's next period");
                false
            }
        };
        // Nothing unread: nothing sent, and what is covered stays where it was, so the
        // next digest still tells anything that arrives before it. (A notification whose
        // transaction began before this one and commits after it carries an earlier time
        // and is not mailed; it is still on the notifications page. A margin here would
        // mail others twice instead.)
        sqlx::query(
            "update app.notification_digests
                set covered_until = case when $2 then now() else covered_until end,
                    last_sent_at = case when $2 then now() else last_sent_at end,
                    next_due_at = case
                        when next_due_at + app.digest_period(frequency) > now()
                            then next_due_at + app.digest_period(frequency)
                        else now() + app.digest_period(frequency) end
              where user_id = $1",
        )
        .bind(member.user_id)
        .bind(mailed)
        .execute(&mut *conn)
        .await
        .context("moving a digest's schedule on")?;
        report.mailed += usize::from(mailed);
    }
    Ok(report)
}

/// Reads `member`'s unread notifications as them and, when there are any, queues their
/// digest; whether one was queued. Runs in a savepoint: on any error everything it did,
/// the change of role included, is undone and the connection is the service's again.
async fn digest_one(
    conn: &mut PgConnection,
    links: &LinkKey,
    public_url: &str,
    member: &Due,
) -> anyhow::Result<bool> {
    let mut savepoint = sqlx::Connection::begin(&mut *conn)
        .await
        .context("opening the member's savepoint")?;
    let (items, total, public_circles) = read_as_member(&mut savepoint, member).await?;
    if total > 0 {
        let email = compose(
            &Recipient {
                name: member.display_name.as_deref(),
                frequency: DigestFrequency::parse(&member.frequency).unwrap_or_default(),
                unsubscribe: unsubscribe_url(public_url, links, member.user_id),
                public_url,
            },
            &items,
            total,
            &public_circles,
        );
        outbox::enqueue(
            &mut savepoint,
            &OutgoingEmail {
                to: member.email.clone(),
                list_unsubscribe: Some(one_click_url(public_url, links, member.user_id)),
                ..email
            },
        )
        .await
        .context("queueing a digest")?;
    }
    savepoint
        .commit()
        .await
        .context("releasing the savepoint")?;
    Ok(total > 0)
}

/// The member's unread notifications since their last digest, how many there are, and
/// which of their circles are public, read as the member; the connection is back to the
/// identity service afterwards. The member is read as a plain member at the first level
/// of assurance, whatever their account's role: staff powers belong to sessions that
/// passed a second factor, and a digest is not one.
async fn read_as_member(
    conn: &mut PgConnection,
    member: &Due,
) -> anyhow::Result<(Vec<Notification>, i64, Vec<CircleId>)> {
    let as_member = RequestClaims {
        role: DbRole::Authenticated,
        claims: serde_json::json!({
            "sub": member.user_id.to_string(),
            "role": "authenticated",
            "app_role": AccountRole::Member.as_str(),
            "aal": "aal1",
        }),
    };
    scoped::act_as(conn, &as_member)
        .await
        .context("acting as the member")?;
    let (items, total) = unread_since(conn, member.covered_until, ITEMS)
        .await
        .context("reading the member's unread notifications")?;
    let circles: Vec<i64> = items
        .iter()
        .filter_map(|item| item.circle_id.map(CircleId::get))
        .collect();
    let public: Vec<CircleId> = sqlx::query_scalar(
        "select id from app.circles where id = any($1) and visibility = 'public'",
    )
    .bind(&circles)
    .fetch_all(&mut *conn)
    .await
    .context("reading which circles are public")?;
    scoped::act_as(conn, &RequestClaims::auth_admin())
        .await
        .context("returning to the identity service")?;
    Ok((items, total, public))
}

/// Who a digest is for and where its links lead.
struct Recipient<'a> {
    name: Option<&'a str>,
    frequency: DigestFrequency,
    unsubscribe: String,
    public_url: &'a str,
}

/// The mail itself: plain text, one line per notification with a link to its place.
fn compose(
    to: &Recipient<'_>,
    items: &[Notification],
    total: i64,
    public_circles: &[CircleId],
) -> OutgoingEmail {
    let base = to.public_url.trim_end_matches('/');
    let subject = match total {
        1 => "1 new notification on Wellspring".to_owned(),
        n => format!("{n} new notifications on Wellspring"),
    };
    let mut body = match to.name {
        Some(name) => format!("Hello {name},\n\n"),
        None => "Hello,\n\n".to_owned(),
    };
    body.push_str("Here is what happened on Wellspring since your last digest.\n\n");
    for item in items {
        let public = item
            .circle_id
            .is_some_and(|circle| public_circles.contains(&circle));
        let told = if public {
            item.clone()
        } else {
            // Outside public circles, names and titles stay on the site.
            Notification {
                circle_name: None,
                circle_slug: None,
                post_title: None,
                ..item.clone()
            }
        };
        body.push_str(&format!("* {}", told.sentence()));
        if let Some(title) = &told.post_title {
            body.push_str(&format!(": \"{title}\""));
        }
        body.push_str(&format!("\n  {base}{}\n\n", told.href()));
    }
    let listed = i64::try_from(items.len()).unwrap_or(i64::MAX);
    if total > listed {
        let more = total - listed;
        body.push_str(&format!(
            "...and {more} more on your notifications page: {base}/notifications\n\n"
        ));
    } else {
        body.push_str(&format!("All of them: {base}/notifications\n\n"));
    }
    if items.iter().any(|item| {
        !item
            .circle_id
            .is_some_and(|circle| public_circles.contains(&circle))
    }) {
        body.push_str(
            "Titles and circle names from circles that are not public are left out of email, \
             to keep them private.\n\n",
        );
    }
    body.push_str(&format!(
        "You get this {} digest because you asked for it. To stop it, open this link \
         (no sign-in needed):\n{}\n\nOr choose how often on {base}/notifications\n",
        to.frequency.adverb(),
        to.unsubscribe
    ));
    OutgoingEmail {
        to: String::new(),
        subject,
        body_text: body,
        list_unsubscribe: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PostId, notification::NotificationKind};

    fn reply(circle: i64, title: &str) -> Notification {
        Notification {
            id: 1,
            kind: NotificationKind::Reply,
            actor: Some("Ana".into()),
            others: 0,
            circle_id: Some(CircleId(circle)),
            circle_name: Some("Grief support".into()),
            circle_slug: Some("grief".into()),
            post_id: Some(PostId(7)),
            post_title: Some(title.into()),
            comment_id: None,
            excerpt: Some("I lost my mother".into()),
            at: String::new(),
            at_label: String::new(),
            unread: true,
            moderation: None,
        }
    }

    fn recipient() -> Recipient<'static> {
        Recipient {
            name: Some("Ben"),
            frequency: DigestFrequency::Daily,
            unsubscribe: "https://w.test/unsubscribe/digest?member=m&sig=s".into(),
            public_url: "https://w.test/",
        }
    }

    #[test]
    fn a_public_circle_is_named_and_a_private_one_is_not_and_no_reply_is_quoted() {
        let items = [reply(1, "Morning pages"), reply(2, "My diagnosis")];
        let mail = compose(&recipient(), &items, 2, &[CircleId(1)]);
        assert_eq!(mail.subject, "2 new notifications on Wellspring");
        assert!(mail.body_text.starts_with("Hello Ben,"));
        assert!(
            mail.body_text
                .contains("Ana replied to your post: \"Morning pages\"")
        );
        assert!(!mail.body_text.contains("My diagnosis"));
        assert!(!mail.body_text.contains("I lost my mother"));
        assert!(mail.body_text.contains("https://w.test/p/7"));
        assert!(mail.body_text.contains("are left out of email"));
        assert!(
            mail.body_text
                .contains("https://w.test/unsubscribe/digest?member=m&sig=s")
        );
        assert!(mail.body_text.contains("this daily digest"));
    }

    #[test]
    fn more_than_listed_are_counted() {
        let mail = compose(&recipient(), &[reply(1, "A")], 25, &[CircleId(1)]);
        assert!(
            mail.body_text
                .contains("...and 24 more on your notifications page")
        );
        assert!(!mail.body_text.contains("left out of email"));
    }

    #[test]
    fn the_one_click_address_is_the_page_address_under_one_click() {
        let links = LinkKey::new(b"k");
        let member = Uuid::nil();
        let page = unsubscribe_url("https://w.test/", &links, member);
        let one_click = one_click_url("https://w.test/", &links, member);
        assert!(page.starts_with("https://w.test/unsubscribe/digest?member="));
        assert_eq!(
            one_click,
            page.replace("/unsubscribe/digest?", "/unsubscribe/digest/one-click?")
        );
    }
}
