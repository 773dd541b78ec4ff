//! Demo staff, for development only: a moderator and an admin who can sign in at once —
//! password `wellspring-demo`, two-step sign-in already on with a known secret (printed, to
//! type into an authenticator app) — and a handful of reports waiting in the review queue,
//! so a newcomer can try the staff side in a minute. Callers seed this only when the
//! application runs in development: known secrets have no place anywhere else.

use super::{DEMO_PASSWORD, MEMBER_EMAIL_DOMAIN, SeedError};
use crate::server::auth::{password, secretbox::SecretBox, totp};
use sqlx::PgPool;
use uuid::Uuid;

/// One demo staff account, as the start-up log prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoStaffAccount {
    pub email: &'static str,
    pub role: &'static str,
    /// Base32, for an authenticator app.
    pub totp_secret: String,
}

/// Who can sign in, and how many reports wait in the queue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoStaff {
    pub accounts: Vec<DemoStaffAccount>,
    pub reports: u64,
}

/// (email, handle, display name, role, secret bytes)
const STAFF: [(&str, &str, &str, &str, &[u8; 20]); 2] = [
    (
        "moderator@wellspring.test",
        "demo_moderator",
        "Demo Moderator",
        "moderator",
        b"wellspring-demo-mod1",
    ),
    (
        "admin@wellspring.test",
        "demo_admin",
        "Demo Admin",
        "admin",
        b"wellspring-demo-adm1",
    ),
];

/// Reports by seeded members on seeded posts: (which post, reason, words, how long ago).
const REPORTS: [(i64, &str, &str, &str); 4] = [
    (
        1,
        "spam",
        "Looks like an advert for a supplement shop.",
        "2 hours",
    ),
    (
        2,
        "misinformation",
        "Says this replaces medication. Someone might stop theirs.",
        "5 hours",
    ),
    (3, "off_topic", "Not really about this circle.", "1 day"),
    (
        4,
        "at_risk",
        "They sound very low in this one. Could someone reach out?",
        "40 minutes",
    ),
];

/// Adds the demo staff and reports to a freshly seeded community; does nothing for an
/// account that already exists. `secrets` seals the two-step secrets as sign-in expects.
#[tracing::instrument(skip(pool, secrets))]
pub async fn seed_staff(pool: &PgPool, secrets: &SecretBox) -> Result<DemoStaff, SeedError> {
    let hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    let mut tx = pool.begin().await?;
    let mut staff = DemoStaff::default();
    for (email, handle, name, role, secret) in STAFF {
        let existing: Option<Uuid> =
            sqlx::query_scalar("select id from auth.users where email = $1")
                .bind(email)
                .fetch_optional(&mut *tx)
                .await?;
        if existing.is_none() {
            let id: Uuid = sqlx::query_scalar(
                "insert into auth.users (email, email_confirmed_at, password_hash, role)
                 values ($1, now(), $2, $3) returning id",
            )
            .bind(email)
            .bind(&hash)
            .bind(role)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "insert into app.profiles (user_id, handle, display_name) values ($1, $2, $3)",
            )
            .bind(id)
            .bind(handle)
            .bind(name)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "insert into auth.mfa_factors (user_id, secret_ciphertext, status) values ($1, $2, 'verified')",
            )
            .bind(id)
            .bind(secrets.seal(secret, id.as_bytes()))
            .execute(&mut *tx)
            .await?;
        }
        staff.accounts.push(DemoStaffAccount {
            email,
            role,
            totp_secret: totp::base32_encode(secret),
        });
    }
    let open: i64 = sqlx::query_scalar("select count(*) from app.reports")
        .fetch_one(&mut *tx)
        .await?;
    if open == 0 {
        for (nth, reason, details, age) in REPORTS {
            let filed = sqlx::query(
                "insert into app.reports (reporter_id, target, post_id, reason, details, created_at)
                 select u.id, 'post', p.id, $2, $3, now() - $4::interval
                   from (select p.id, p.author_id from app.posts p
                           join app.circles c on c.id = p.circle_id
                          where c.visibility = 'public' and p.deleted_at is null and not p.pinned
                          order by p.id offset $1 * 7 limit 1) p
                   join lateral (select u.id from auth.users u
                                  where u.email like '%@' || $5 and u.id is distinct from p.author_id
                                  order by u.id offset $1 limit 1) u on true",
            )
            .bind(nth)
            .bind(reason)
            .bind(details)
            .bind(age)
            .bind(MEMBER_EMAIL_DOMAIN)
            .execute(&mut *tx)
            .await?;
            staff.reports += filed.rows_affected();
        }
    }
    tx.commit().await?;
    Ok(staff)
}
