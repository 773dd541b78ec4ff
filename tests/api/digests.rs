//! The email digest (migration 0022): off by default, sent by the job through the outbox
//! with only what the member may read and nothing private named, once per period; stopped
//! by a signed link without signing in; Row Level Security on the choice, allowed and
//! denied; and the one-click unsubscribe headers reaching a real SMTP server.

use crate::{
    community::{admin, call, create_circle, join, member, page, write_post},
    helpers::{TestApp, TestDatabase, spawn_app},
    identity::bare_client,
    rls_community::{self, signed_in},
    smtp_sink::SmtpSink,
};
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use reqwest::{StatusCode, header};
use sqlx::PgPool;
use uuid::Uuid;
use wellspring::server::{
    db::scoped::{self, RequestClaims},
    mail::{
        drainer::{self, DrainReport},
        outbox::{self, OutgoingEmail},
    },
    services::digests::{self, DigestReport},
};

/// Runs the digest job's pass as the job does: one transaction as the identity service.
async fn send_due(app: &TestApp) -> DigestReport {
    let mut tx = scoped::begin(&app.state.pool, &RequestClaims::auth_admin())
        .await
        .unwrap();
    let report = digests::send_due(&mut tx, &app.state.keys.links, &app.address, 50)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    report
}

async fn user_id(pool: &PgPool, handle: &str) -> Uuid {
    sqlx::query_scalar("select user_id from app.profiles where handle = $1")
        .bind(handle)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Subjects and bodies of the digests queued for `to`, oldest first.
async fn digests_to(pool: &PgPool, to: &str) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as(
        "select subject, body_text, list_unsubscribe from app.outbox_emails
          where to_address = $1 and subject like '%notification%on Wellspring' order by id",
    )
    .bind(to)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn frequency(pool: &PgPool, who: Uuid) -> Option<String> {
    sqlx::query_scalar("select frequency from app.notification_digests where user_id = $1")
        .bind(who)
        .fetch_optional(pool)
        .await
        .unwrap()
}

/// Brings the member's next digest due now, as time would.
async fn make_due(pool: &PgPool, who: Uuid) {
    sqlx::query(
        "update app.notification_digests set next_due_at = now() - interval '1 minute'
          where user_id = $1",
    )
    .bind(who)
    .execute(pool)
    .await
    .unwrap();
}

/// Replies to `post` (or to reply `parent`); the new reply's id.
async fn reply_to(app: &TestApp, cookies: &str, post: i64, parent: Option<i64>, body: &str) -> i64 {
    let parent = parent.map(|p| p.to_string());
    let mut form = vec![("post_id", post.to_string()), ("body", body.to_owned())];
    if let Some(parent) = parent {
        form.push(("parent_id", parent));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let reply = call(app, "comments/create", &form, cookies).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    crate::community::json(&reply)
        .as_str()
        .and_then(|path| path.rsplit("comment-").next())
        .and_then(|id| id.parse().ok())
        .unwrap()
}

async fn reply(app: &TestApp, cookies: &str, post: i64, body: &str) {
    reply_to(app, cookies, post, None, body).await;
}

#[tokio::test]
async fn a_digest_tells_new_unread_notifications_once_and_names_nothing_private() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    let moss = member(&app, "mossbank", "Moss Bank").await;
    let fern_id = user_id(&app.pool, "fernleaf").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    create_circle(&app, &chief, "quiet-room", "private", false).await;
    join(&app, &fern, "morning-pages").await;
    join(&app, &moss, "morning-pages").await;
    for who in [fern_id, user_id(&app.pool, "mossbank").await] {
        sqlx::query(
            "insert into app.circle_members (circle_id, user_id, role)
             select id, $1, 'member' from app.circles where slug = 'quiet-room'",
        )
        .bind(who)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    let public_post = write_post(&app, &fern, "morning-pages", "First light", "Pages.").await;
    let private_post = write_post(&app, &fern, "quiet-room", "My diagnosis", "Hard news.").await;

    // Off by default: unread notifications, no mail.
    reply(&app, &moss.cookies, public_post, "Before the digest").await;
    assert_eq!(frequency(&app.pool, fern_id).await, None);
    assert_eq!(send_due(&app).await, DigestReport::default());

    // A bad choice is refused kindly and changes nothing.
    let refused = call(
        &app,
        "notifications/digest",
        &[("frequency", "hourly")],
        &fern.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("how often"), "{}", refused.body);
    assert_eq!(frequency(&app.pool, fern_id).await, None);
    // A visitor cannot choose for anyone.
    let anonymous = call(&app, "notifications/digest", &[("frequency", "daily")], "").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let chosen = call(
        &app,
        "notifications/digest",
        &[("frequency", "daily")],
        &fern.cookies,
    )
    .await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    assert_eq!(
        frequency(&app.pool, fern_id).await.as_deref(),
        Some("daily")
    );
    let (_, html) = page(&app, "/notifications", &fern.cookies).await;
    assert!(
        html.contains(r#"<option value="daily" selected"#),
        "the saved choice is shown: {html}"
    );

    // Not due until a day has passed.
    reply(
        &app,
        &moss.cookies,
        public_post,
        "I lost my mother this spring",
    )
    .await;
    reply(&app, &moss.cookies, private_post, "Thinking of you").await;
    assert_eq!(send_due(&app).await, DigestReport::default());

    make_due(&app.pool, fern_id).await;
    assert_eq!(
        send_due(&app).await,
        DigestReport {
            members: 1,
            mailed: 1
        }
    );
    let mails = digests_to(&app.pool, "fernleaf@example.org").await;
    assert_eq!(mails.len(), 1);
    let (subject, body, one_click) = &mails[0];
    assert_eq!(subject, "2 new notifications on Wellspring", "{body}");
    assert!(body.starts_with("Hello Fern Leaf,"), "{body}");
    assert!(
        body.contains("Moss Bank replied to your post: \"First light\""),
        "{body}"
    );
    assert!(
        body.contains(&format!("{}/p/{private_post}", app.address)),
        "{body}"
    );
    assert!(!body.contains("My diagnosis"), "no private title: {body}");
    assert!(!body.contains("quiet-room"), "no private circle: {body}");
    assert!(!body.contains("lost my mother"), "no one's words: {body}");
    assert!(!body.contains("Before the digest"), "{body}");
    assert_eq!(
        body.matches("* ").count(),
        2,
        "only what came after choosing: {body}"
    );
    let page_link = digests::unsubscribe_url(&app.address, &app.state.keys.links, fern_id);
    assert!(body.contains(&page_link), "{body}");
    assert_eq!(
        one_click.as_deref(),
        Some(digests::one_click_url(&app.address, &app.state.keys.links, fern_id).as_str())
    );
    // Moss asked for nothing and got nothing.
    assert!(
        digests_to(&app.pool, "mossbank@example.org")
            .await
            .is_empty()
    );

    // The next day: nothing new, nothing sent; and the schedule moved on a day.
    let next_due_in_hours: f64 = sqlx::query_scalar(
        "select (extract(epoch from next_due_at - now()) / 3600)::float8
           from app.notification_digests where user_id = $1",
    )
    .bind(fern_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        (23.0..=24.0).contains(&next_due_in_hours),
        "{next_due_in_hours}"
    );
    make_due(&app.pool, fern_id).await;
    assert_eq!(
        send_due(&app).await,
        DigestReport {
            members: 1,
            mailed: 0
        }
    );
    // A reply Fern has already read is not news either.
    reply(&app, &moss.cookies, public_post, "One more").await;
    call(&app, "notifications/read-all", &[], &fern.cookies).await;
    make_due(&app.pool, fern_id).await;
    assert_eq!(send_due(&app).await.mailed, 0);
    // An unread one is.
    reply(&app, &moss.cookies, public_post, "And another").await;
    make_due(&app.pool, fern_id).await;
    assert_eq!(send_due(&app).await.mailed, 1);
    let mails = digests_to(&app.pool, "fernleaf@example.org").await;
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].0, "1 new notification on Wellspring");
}

#[tokio::test]
async fn the_signed_link_stops_the_digest_without_signing_in_and_a_forged_one_changes_nothing() {
    let app = spawn_app().await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    let moss = member(&app, "mossbank", "Moss Bank").await;
    let fern_id = user_id(&app.pool, "fernleaf").await;
    let moss_id = user_id(&app.pool, "mossbank").await;
    for who in [&fern, &moss] {
        let chosen = call(
            &app,
            "notifications/digest",
            &[("frequency", "weekly")],
            &who.cookies,
        )
        .await;
        assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    }
    let links = &app.state.keys.links;
    let fern_link = digests::unsubscribe_url(&app.address, links, fern_id);
    let moss_signature = digests::unsubscribe_url(&app.address, links, moss_id)
        .split("sig=")
        .nth(1)
        .unwrap()
        .to_owned();
    let fern_signature = fern_link.split("sig=").nth(1).unwrap().to_owned();

    // The page asks first (a mail scanner opening the link changes nothing).
    let path = fern_link.strip_prefix(&app.address).unwrap();
    let (status, html) = page(&app, path, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Stop sending me the digest"), "{html}");
    assert_eq!(
        frequency(&app.pool, fern_id).await.as_deref(),
        Some("weekly")
    );
    let (_, html) = page(&app, "/unsubscribe/digest", "").await;
    assert!(html.contains("unsubscribe-incomplete"), "{html}");

    // Moss's signature does not stop Fern's digest; nor does a tampered or missing one.
    for signature in [moss_signature.as_str(), "AAAA", ""] {
        let refused = call(
            &app,
            "notifications/unsubscribe",
            &[("member", &fern_id.to_string()), ("sig", signature)],
            "",
        )
        .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert!(refused.body.contains("not valid"), "{}", refused.body);
    }
    let refused = bare_client()
        .post(format!(
            "{}/unsubscribe/digest/one-click?member={fern_id}&sig={moss_signature}",
            app.address
        ))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        frequency(&app.pool, fern_id).await.as_deref(),
        Some("weekly")
    );

    // The page's plain form, without JavaScript and without signing in.
    let stopped = bare_client()
        .post(format!("{}/api/notifications/unsubscribe", app.address))
        .header(header::ORIGIN, app.address.as_str())
        .header(header::ACCEPT, "text/html")
        .form(&[("member", fern_id.to_string()), ("sig", fern_signature)])
        .send()
        .await
        .unwrap();
    let location = stopped
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(location, "/unsubscribe/digest?done=digest-off");
    assert_eq!(frequency(&app.pool, fern_id).await.as_deref(), Some("off"));
    let (_, html) = page(&app, &location, "").await;
    assert!(
        html.contains("won&#x27;t send you the email digest")
            || html.contains("won't send you the email digest"),
        "{html}"
    );
    assert_eq!(
        frequency(&app.pool, moss_id).await.as_deref(),
        Some("weekly")
    );

    // A mail program's one-click POST (RFC 8058): no cookie, no Origin, no page.
    let one_click = digests::one_click_url(&app.address, links, moss_id);
    let done = bare_client()
        .post(&one_click)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(frequency(&app.pool, moss_id).await.as_deref(), Some("off"));
    // A mail program that can only open the address is sent to the page that asks first;
    // opening it changes nothing.
    sqlx::query("update app.notification_digests set frequency = 'weekly' where user_id = $1")
        .bind(moss_id)
        .execute(&app.pool)
        .await
        .unwrap();
    let opened = bare_client().get(&one_click).send().await.unwrap();
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let location = opened.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        format!("{}{location}", app.address),
        digests::unsubscribe_url(&app.address, links, moss_id)
    );
    assert_eq!(
        frequency(&app.pool, moss_id).await.as_deref(),
        Some("weekly")
    );
    let opened = bare_client()
        .get(format!(
            "{}/unsubscribe/digest/one-click?member=x&sig=%0d%0a",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.headers()[header::LOCATION], "/unsubscribe/digest");
    sqlx::query("update app.notification_digests set frequency = 'off' where user_id = $1")
        .bind(moss_id)
        .execute(&app.pool)
        .await
        .unwrap();
    // Off means off: when the period comes round, nothing is sent.
    sqlx::query("update app.notification_digests set next_due_at = now() - interval '1 day'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(send_due(&app).await, DigestReport::default());
}

#[tokio::test]
async fn members_read_and_set_only_their_own_digest_choice_and_never_its_schedule() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let ana = rls_community::member(&pool, "ana_digest").await;
    let ben = rls_community::member(&pool, "ben_digest").await;
    let try_exec = |who: RequestClaims, sql: String| {
        let pool = pool.clone();
        async move {
            let mut tx = scoped::begin(&pool, &who).await?;
            let changed = sqlx::query(&sql).execute(&mut *tx).await?.rows_affected();
            tx.commit().await?;
            Ok::<u64, sqlx::Error>(changed)
        }
    };
    // Allowed: her own choice.
    assert_eq!(
        try_exec(
            signed_in(ana, "member"),
            format!("insert into app.notification_digests (user_id, frequency) values ('{ana}', 'daily')"),
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        try_exec(
            signed_in(ana, "member"),
            "update app.notification_digests set frequency = 'weekly'".into()
        )
        .await
        .unwrap(),
        1
    );
    // Denied: a choice for someone else.
    assert!(
        try_exec(
            signed_in(ana, "member"),
            format!("insert into app.notification_digests (user_id, frequency) values ('{ben}', 'daily')"),
        )
        .await
        .is_err()
    );
    try_exec(
        signed_in(ben, "member"),
        format!(
            "insert into app.notification_digests (user_id, frequency) values ('{ben}', 'daily')"
        ),
    )
    .await
    .unwrap();
    // Ben's row is invisible and unchangeable to Ana.
    assert_eq!(
        try_exec(
            signed_in(ana, "member"),
            format!(
                "update app.notification_digests set frequency = 'off' where user_id = '{ben}'"
            ),
        )
        .await
        .unwrap(),
        0
    );
    let mut tx = scoped::begin(&pool, &signed_in(ana, "member"))
        .await
        .unwrap();
    let seen: Vec<Uuid> = sqlx::query_scalar("select user_id from app.notification_digests")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(seen, vec![ana]);
    drop(tx);
    // Denied: the schedule is the service's (no mail every quarter hour by moving it).
    for sql in [
        "update app.notification_digests set next_due_at = now()",
        "update app.notification_digests set covered_until = now() - interval '1 year'",
        "update app.notification_digests set last_sent_at = now()",
    ] {
        assert!(
            try_exec(signed_in(ana, "member"), sql.into())
                .await
                .is_err(),
            "{sql}"
        );
    }
    // Denied: visitors see nothing and write nothing.
    assert!(
        try_exec(
            RequestClaims::anonymous(),
            "select 1 from app.notification_digests".into()
        )
        .await
        .is_err()
    );
    // Ben's stays as he chose it.
    let ben_frequency: String =
        sqlx::query_scalar("select frequency from app.notification_digests where user_id = $1")
            .bind(ben)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(ben_frequency, "daily");
}

#[tokio::test]
async fn a_digest_reaches_the_smtp_server_with_one_click_unsubscribe_headers() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let sink = SmtpSink::start().await;
    let mut tx = scoped::begin(&pool, &RequestClaims::auth_admin())
        .await
        .unwrap();
    outbox::enqueue(
        &mut tx,
        &OutgoingEmail {
            to: "ada@example.org".into(),
            list_unsubscribe: Some(
                "https://w.test/unsubscribe/digest/one-click?member=m&sig=s".into(),
            ),
            subject: "1 new notification on Wellspring".into(),
            body_text: "Hello".into(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&sink.url())
        .unwrap()
        .build();
    let report = drainer::drain_once(
        &pool,
        Some(&transport),
        &"Wellspring <no-reply@wellspring.test>".parse().unwrap(),
        10,
    )
    .await
    .unwrap();
    assert_eq!(report, DrainReport { sent: 1, failed: 0 });
    let data = &sink.messages()[0].data;
    assert!(
        data.contains(
            "List-Unsubscribe: <https://w.test/unsubscribe/digest/one-click?member=m&sig=s>"
        ),
        "{data}"
    );
    assert!(
        data.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{data}"
    );
}

#[tokio::test]
async fn one_members_digest_failing_does_not_stop_the_others() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    let moss = member(&app, "mossbank", "Moss Bank").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;
    join(&app, &moss, "morning-pages").await;
    for who in [&fern, &moss] {
        call(
            &app,
            "notifications/digest",
            &[("frequency", "daily")],
            &who.cookies,
        )
        .await;
    }
    let fern_post = write_post(&app, &fern, "morning-pages", "First light", "Pages.").await;
    let moss_post = write_post(&app, &moss, "morning-pages", "Slow dusk", "Pages.").await;
    reply(&app, &moss.cookies, fern_post, "Lovely").await;
    reply(&app, &fern.cookies, moss_post, "Lovely too").await;
    // A fault for Fern's mail alone: the outbox refuses her address.
    sqlx::raw_sql(
        "create function public.refuse_fern() returns trigger language plpgsql as $$
         begin
             if new.to_address = 'fernleaf@example.org' then raise exception 'injected fault'; end if;
             return new;
         end $$;
         create trigger refuse_fern before insert on app.outbox_emails
             for each row execute function public.refuse_fern();",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let fern_id = user_id(&app.pool, "fernleaf").await;
    let moss_id = user_id(&app.pool, "mossbank").await;
    make_due(&app.pool, fern_id).await;
    make_due(&app.pool, moss_id).await;

    assert_eq!(
        send_due(&app).await,
        DigestReport {
            members: 2,
            mailed: 1
        },
        "the pass itself succeeds"
    );
    assert!(
        digests_to(&app.pool, "fernleaf@example.org")
            .await
            .is_empty()
    );
    assert_eq!(digests_to(&app.pool, "mossbank@example.org").await.len(), 1);
    // Fern waits for her next period (no retry storm), and what she was not told stays
    // uncovered, so her next digest still tells it.
    let (due_later, covered_before_reply): (bool, bool) = sqlx::query_as(
        "select d.next_due_at > now() + interval '23 hours',
                d.covered_until < (select max(updated_at) from app.notifications
                                    where recipient_id = d.user_id)
           from app.notification_digests d where d.user_id = $1",
    )
    .bind(fern_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(due_later && covered_before_reply);
    // With the fault gone, her next digest carries it.
    sqlx::raw_sql("drop trigger refuse_fern on app.outbox_emails")
        .execute(&app.pool)
        .await
        .unwrap();
    make_due(&app.pool, fern_id).await;
    assert_eq!(send_due(&app).await.mailed, 1);
    let mails = digests_to(&app.pool, "fernleaf@example.org").await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].1.contains("Moss Bank replied to your post"),
        "{}",
        mails[0].1
    );
}
