//! Sanctions through HTTP and under RLS (migration 0025): warn, silence, suspend, ban, lift
//! and purge, as staff decide them and as the member lives them (told on the next page,
//! refused writes with a readable sentence, a banned sign-in refused with the reason); who
//! may decide; the members pages; the last admin.

use crate::community::{
    Member, admin, call, count, create_circle, join, member, post_page, sign_in,
    with_second_factor, write_post,
};
use crate::helpers::{TestApp, spawn_app};
use crate::identity::{Reply, bare_client};
use crate::rls_community::signed_in;
use reqwest::{StatusCode, header};
use std::time::Duration;
use uuid::Uuid;
use wellspring::server::db::scoped;

async fn user_id(app: &TestApp, handle: &str) -> Uuid {
    sqlx::query_scalar("select user_id from app.profiles where handle = $1")
        .bind(handle)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Loads a page as the member's browser would, keeping any cookies it is handed (a
/// refreshed session) for the next request.
async fn browse(app: &TestApp, who: &mut Member, path: &str) -> (StatusCode, String) {
    let response = bare_client()
        .get(format!("{}{path}", app.address))
        .header(header::COOKIE, &who.cookies)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let reply = Reply {
        status,
        headers: response.headers().clone(),
        body: String::new(),
    };
    keep_cookies(who, &reply);
    (status, response.text().await.unwrap())
}

fn keep_cookies(who: &mut Member, reply: &Reply) {
    let access = reply.set_cookie("ws_access");
    let refresh = reply.set_cookie("ws_refresh");
    if access.is_none() && refresh.is_none() {
        return;
    }
    let old = |name: &str| {
        who.cookies
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
            .unwrap_or_default()
    };
    who.cookies = format!(
        "ws_access={}; ws_refresh={}",
        access.unwrap_or_else(|| old("ws_access")),
        refresh.unwrap_or_else(|| old("ws_refresh"))
    );
}

/// The page, once it says `needle`: the standing travels by NOTIFY to the instance's
/// revocation set, which may take a moment.
async fn page_saying(app: &TestApp, who: &mut Member, path: &str, needle: &str) -> String {
    for _ in 0..50 {
        let (status, body) = browse(app, who, path).await;
        if status == StatusCode::OK && body.contains(needle) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never said {needle:?}");
}

async fn decide(
    app: &TestApp,
    staff: &Member,
    handle: &str,
    kind: &str,
    days: &str,
    reason: &str,
) -> Reply {
    call(
        app,
        "sanctions/decide",
        &[
            ("handle", handle),
            ("kind", kind),
            ("days", days),
            ("reason", reason),
        ],
        &staff.cookies,
    )
    .await
}

async fn sanction_id(app: &TestApp, handle: &str, kind: &str) -> i64 {
    sqlx::query_scalar(
        "select s.id from app.sanctions s join app.profiles p on p.user_id = s.member_id
          where p.handle = $1 and s.kind = $2 order by s.id desc limit 1",
    )
    .bind(handle)
    .bind(kind)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

struct World {
    app: TestApp,
    chief: Member,
    author: Member,
    post: i64,
}

async fn world() -> World {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    let author = member(&app, "fernleaf", "Fern Leaf").await;
    join(&app, &author, "gardens").await;
    let post = write_post(
        &app,
        &author,
        "gardens",
        "Morning tea",
        "Chamomile helps me.",
    )
    .await;
    World {
        app,
        chief,
        author,
        post,
    }
}

#[tokio::test]
async fn a_silenced_member_reads_is_told_why_and_cannot_write_until_lifted() {
    let World {
        app,
        chief,
        mut author,
        post,
    } = world().await;
    let reply = decide(
        &app,
        &chief,
        "fernleaf",
        "silence",
        "3",
        "Selling remedies again",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // The next page says what, why and until when.
    let home = page_saying(&app, &mut author, "/", "standing-notice").await;
    assert!(home.contains("Your account is silenced until"), "{home}");
    assert!(home.contains("Selling remedies again"));

    // Reading still works; writing is refused with the same kind of sentence, and nothing
    // is written.
    let (status, _) = browse(&app, &mut author, &post_page("gardens", post)).await;
    assert_eq!(status, StatusCode::OK);
    let before = count(&app, "select count(*) from app.posts").await;
    let refused = call(
        &app,
        "posts/create",
        &[
            ("circle", "gardens"),
            ("title", "Still here"),
            ("body", "Buy now"),
        ],
        &author.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("silenced until"), "{}", refused.body);
    assert_eq!(count(&app, "select count(*) from app.posts").await, before);
    let refused = call(
        &app,
        "comments/create",
        &[("post_id", &post.to_string()), ("body", "A reply")],
        &author.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(count(&app, "select count(*) from app.comments").await, 0);
    let refused = call(
        &app,
        "reactions/toggle",
        &[
            ("target", "post"),
            ("id", &post.to_string()),
            ("kind", "support"),
        ],
        &author.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    // Told as a notification too, never by whom; logged for staff only.
    let notices = count(
        &app,
        "select count(*) from app.notifications where kind = 'moderation'
            and moderation_action = 'silence' and moderation_reason = 'Selling remedies again'",
    )
    .await;
    assert_eq!(notices, 1);
    let (_, list) = browse(&app, &mut author, "/notifications").await;
    assert!(list.contains("Your account is silenced until"), "{list}");
    assert!(!list.contains("chiefly"));
    assert_eq!(
        count(
            &app,
            "select count(*) from app.moderation_log where action = 'silence' and staff_only"
        )
        .await,
        1
    );

    // Lifted: the notice goes and writing works again.
    let id = sanction_id(&app, "fernleaf", "silence").await;
    let reply = call(
        &app,
        "sanctions/lift",
        &[
            ("handle", "fernleaf"),
            ("id", &id.to_string()),
            ("reason", "Appeal accepted"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    for _ in 0..50 {
        let (_, body) = browse(&app, &mut author, "/").await;
        if !body.contains("standing-notice") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, body) = browse(&app, &mut author, "/").await;
    assert!(
        !body.contains("standing-notice"),
        "the notice stayed after lifting"
    );
    let reply = call(
        &app,
        "comments/create",
        &[("post_id", &post.to_string()), ("body", "Thank you")],
        &author.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn a_warning_shows_until_the_member_has_read_it() {
    let World {
        app,
        chief,
        mut author,
        ..
    } = world().await;
    let reply = decide(&app, &chief, "fernleaf", "warn", "", "Please keep it kind").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let home = page_saying(&app, &mut author, "/", "standing-acknowledge").await;
    assert!(home.contains("Please keep it kind"));
    let id = sanction_id(&app, "fernleaf", "warn").await;

    // Someone else cannot acknowledge it for them.
    let other = member(&app, "bystander", "By Stander").await;
    let refused = call(
        &app,
        "sanctions/acknowledge",
        &[("id", &id.to_string())],
        &other.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);

    // A warning restricts nothing.
    let reply = call(
        &app,
        "comments/create",
        &[
            (
                "post_id",
                &write_post(&app, &author, "gardens", "Evening", "Walks")
                    .await
                    .to_string(),
            ),
            ("body", "More"),
        ],
        &author.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let reply = call(
        &app,
        "sanctions/acknowledge",
        &[("id", &id.to_string())],
        &author.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    keep_cookies(&mut author, &reply);
    // At once: the reply carried a token without it.
    let (_, home) = browse(&app, &mut author, "/").await;
    assert!(
        !home.contains("standing-notice"),
        "still warned after reading it"
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.sanctions where acknowledged_at is not null"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_banned_member_is_signed_out_and_told_why_when_signing_in() {
    let World {
        app,
        chief,
        mut author,
        ..
    } = world().await;
    let reply = decide(&app, &chief, "fernleaf", "ban", "", "Repeated harassment").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        count(&app, "select count(*) from auth.sessions where revoked_at is null and user_id = (select user_id from app.profiles where handle = 'fernleaf')").await,
        0
    );
    // Signed out on the next page.
    page_saying(&app, &mut author, "/", "header-signin").await;
    // Signing in is refused with the reason and how long.
    let refused = call(
        &app,
        "auth/login",
        &[
            ("email", "fernleaf@example.org"),
            ("password", crate::identity::PASSWORD),
        ],
        "",
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("banned"), "{}", refused.body);
    assert!(
        refused.body.contains("Repeated harassment"),
        "{}",
        refused.body
    );
    assert!(refused.set_cookie("ws_access").is_none());

    // Lifted: signing in works again.
    let id = sanction_id(&app, "fernleaf", "ban").await;
    let reply = call(
        &app,
        "sanctions/lift",
        &[
            ("handle", "fernleaf"),
            ("id", &id.to_string()),
            ("reason", "Apologised"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    sign_in(&app, "fernleaf", "Fern Leaf").await;
}

#[tokio::test]
async fn a_suspended_member_signs_in_and_reads_but_cannot_join_or_change_their_profile() {
    let World {
        app, chief, post, ..
    } = world().await;
    create_circle(&app, &chief, "rivers", "public", false).await;
    let reply = decide(&app, &chief, "fernleaf", "suspend", "7", "Cooling off").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let mut author = sign_in(&app, "fernleaf", "Fern Leaf").await;
    let home = page_saying(&app, &mut author, "/", "standing-notice").await;
    assert!(home.contains("suspended until"), "{home}");
    let (status, _) = browse(&app, &mut author, &post_page("gardens", post)).await;
    assert_eq!(status, StatusCode::OK);
    let refused = join(&app, &author, "rivers").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("suspended until"), "{}", refused.body);
    let refused = call(
        &app,
        "account/profile-update",
        &[("display_name", "Buy Pills"), ("bio", ""), ("pronouns", "")],
        &author.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(
        count(
            &app,
            "select count(*) from app.profiles where display_name = 'Buy Pills'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn only_site_staff_sanction_and_never_themselves_an_admin_or_beyond_their_role() {
    let World {
        app, chief, author, ..
    } = world().await;
    // A member, and staff without two-step sign-in: refused before anything is recorded.
    let reply = decide(&app, &author, "chiefly", "warn", "", "Not allowed").await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    member(&app, "keeper", "Site Keeper").await;
    sqlx::query("update auth.users set role = 'moderator' where email = 'keeper@example.org'")
        .execute(&app.pool)
        .await
        .unwrap();
    let aal1 = sign_in(&app, "keeper", "Site Keeper").await;
    let reply = decide(&app, &aal1, "fernleaf", "warn", "", "Needs aal2").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("two-step sign-in"), "{}", reply.body);
    let keeper = with_second_factor(&app, aal1).await;

    // A site moderator warns a member, but not an admin, another moderator or themselves.
    let reply = decide(&app, &keeper, "chiefly", "warn", "", "Not an admin").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.body.contains("An admin is not sanctioned"),
        "{}",
        reply.body
    );
    let reply = decide(&app, &keeper, "keeper", "warn", "", "Myself").await;
    assert!(
        reply.body.contains("do not sanction themselves"),
        "{}",
        reply.body
    );
    member(&app, "othermod", "Other Mod").await;
    sqlx::query("update auth.users set role = 'moderator' where email = 'othermod@example.org'")
        .execute(&app.pool)
        .await
        .unwrap();
    let reply = decide(&app, &keeper, "othermod", "silence", "2", "Peer").await;
    assert!(
        reply.body.contains("Only an admin sanctions a moderator"),
        "{}",
        reply.body
    );
    // Bad periods and reasons are explained.
    let reply = decide(&app, &keeper, "fernleaf", "silence", "", "No period").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("number of days"), "{}", reply.body);
    let reply = decide(&app, &keeper, "fernleaf", "suspend", "99999", "Too long").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = decide(&app, &keeper, "fernleaf", "warn", "", "x").await;
    assert!(reply.body.contains("reason"), "{}", reply.body);
    let reply = decide(&app, &keeper, "fernleaf", "exile", "", "Unknown kind").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(count(&app, "select count(*) from app.sanctions").await, 0);
    assert_eq!(
        count(&app, "select count(*) from app.moderation_log").await,
        0
    );

    // The admin sanctions the moderator.
    let reply = decide(&app, &chief, "othermod", "warn", "", "Be gentle").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    // And the moderator the member.
    let reply = decide(&app, &keeper, "fernleaf", "warn", "", "Be kind").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(count(&app, "select count(*) from app.sanctions").await, 2);
}

#[tokio::test]
async fn purging_removes_everything_the_member_wrote_settles_reports_and_bans() {
    let World {
        app,
        chief,
        author,
        post,
    } = world().await;
    let second = write_post(&app, &author, "gardens", "Cheap pills", "Click here").await;
    let reply = call(
        &app,
        "comments/create",
        &[("post_id", &post.to_string()), ("body", "Also my shop")],
        &author.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reporter = member(&app, "watchful", "Wren Watch").await;
    let reply = call(
        &app,
        "moderation/report",
        &[
            ("target", "post"),
            ("id", &second.to_string()),
            ("reason", "spam"),
            ("details", ""),
        ],
        &reporter.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // Without the tick nothing happens.
    let reply = call(
        &app,
        "sanctions/purge",
        &[("handle", "fernleaf"), ("reason", "Spam account")],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        count(
            &app,
            "select count(*) from app.posts where removed_at is not null"
        )
        .await,
        0
    );

    let reply = call(
        &app,
        "sanctions/purge",
        &[
            ("handle", "fernleaf"),
            ("reason", "Spam account"),
            ("confirm", "yes"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        count(
            &app,
            "select count(*) from app.posts where removed_at is not null"
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.comments where removed_at is not null"
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "select count(*) from app.removed_texts").await,
        3
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.reports where status = 'acted'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.sanctions where kind = 'ban' and ends_at is null"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.moderation_log where action in ('purge', 'ban')"
        )
        .await,
        2
    );
    let subject: String =
        sqlx::query_scalar("select subject from app.moderation_log where action = 'purge'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(subject, "@fernleaf: 2 posts and 1 replies removed");
    // The reporter hears it was acted on.
    let (_, notices) = crate::community::page(&app, "/notifications", &reporter.cookies).await;
    assert!(
        notices.contains("moderators acted on what you reported"),
        "{notices}"
    );
    // Gone for visitors.
    let (_, circle) = crate::community::page(&app, "/c/gardens", "").await;
    assert!(!circle.contains("Cheap pills"));
}

#[tokio::test]
async fn sanctions_rls_members_read_their_own_without_names_and_nobody_writes_directly() {
    let World { app, chief, .. } = world().await;
    member(&app, "bystander", "By Stander").await;
    let reply = decide(&app, &chief, "fernleaf", "silence", "1", "Too loud").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let author = user_id(&app, "fernleaf").await;
    let other = user_id(&app, "bystander").await;
    let staff = user_id(&app, "chiefly").await;
    let read = |who, sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            let mut tx = scoped::begin(&pool, &who).await.unwrap();
            let result: Result<i64, sqlx::Error> =
                sqlx::query_scalar(sql).fetch_one(&mut *tx).await;
            result
        }
    };
    // Allowed: their own, and staff everyone's.
    assert_eq!(
        read(
            signed_in(author, "member"),
            "select count(*) from app.sanctions"
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        read(
            signed_in(staff, "admin"),
            "select count(*) from app.sanctions"
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        read(signed_in(staff, "admin"), "select count(*) from app.sanction_history((select user_id from app.profiles where handle = 'fernleaf')) where actor = 'chiefly'").await.unwrap(),
        1
    );
    // Denied: someone else's, who decided, the staff history, writing directly, deciding.
    assert_eq!(
        read(
            signed_in(other, "member"),
            "select count(*) from app.sanctions"
        )
        .await
        .unwrap(),
        0
    );
    assert!(
        read(
            signed_in(author, "member"),
            "select count(actor_id) from app.sanctions"
        )
        .await
        .is_err()
    );
    assert_eq!(
        read(
            signed_in(author, "member"),
            "select count(*) from app.sanction_history(auth.uid())"
        )
        .await
        .unwrap(),
        0
    );
    assert!(
        read(signed_in(other, "member"), "with x as (insert into app.sanctions (member_id, kind, reason) values (auth.uid(), 'warn', 'self') returning 1) select count(*) from x").await.is_err()
    );
    assert!(
        read(signed_in(author, "member"), "with x as (update app.sanctions set lifted_at = now(), lift_reason = 'mine' returning 1) select count(*) from x").await.is_err()
    );
    let refused = read(
        signed_in(other, "member"),
        "select app.sanction((select user_id from app.profiles where handle = 'fernleaf'), 'ban', 'by a member', null)",
    )
    .await
    .unwrap_err();
    assert_eq!(
        refused
            .as_database_error()
            .and_then(|e| e.code())
            .as_deref(),
        Some("42501")
    );
    // A staff session without two-step sign-in is a member to the database.
    let aal1 = scoped::RequestClaims {
        role: scoped::DbRole::Authenticated,
        claims: serde_json::json!({ "sub": staff, "role": "authenticated", "app_role": "member", "aal": "aal1" }),
    };
    assert_eq!(
        read(aal1, "select count(*) from app.sanctions")
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn staff_find_members_and_admins_manage_roles_and_devices() {
    let World {
        app, chief, author, ..
    } = world().await;
    let reply = decide(&app, &chief, "fernleaf", "silence", "2", "Too loud").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    member(&app, "keeper", "Site Keeper").await;
    sqlx::query("update auth.users set role = 'moderator' where email = 'keeper@example.org'")
        .execute(&app.pool)
        .await
        .unwrap();
    let keeper = with_second_factor(&app, sign_in(&app, "keeper", "Site Keeper").await).await;

    // Members are refused the list; staff search it and filter by standing.
    let refused = call(&app, "admin/members", &[("q", "fern")], &author.cookies).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let (status, list) =
        crate::community::page(&app, "/admin/members?standing=silence", &keeper.cookies).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("data-handle=\"fernleaf\""), "{list}");
    assert!(!list.contains("data-handle=\"chiefly\""));
    assert!(list.contains("silenced until"));
    // Emails are for admins.
    assert!(!list.contains("fernleaf@example.org"));
    let (_, list) = crate::community::page(&app, "/admin/members?q=fern", &chief.cookies).await;
    assert!(list.contains("fernleaf@example.org"), "{list}");
    let (_, list) =
        crate::community::page(&app, "/admin/members?q=fernleaf%40", &keeper.cookies).await;
    assert!(
        !list.contains("data-handle=\"fernleaf\""),
        "a moderator searched by email"
    );

    // The member's page: sanctions with who decided; devices for admins only.
    let (_, detail) =
        crate::community::page(&app, "/admin/members/fernleaf", &keeper.cookies).await;
    assert!(
        detail.contains("Too loud") && detail.contains("by @chiefly"),
        "{detail}"
    );
    assert!(!detail.contains("member-sessions"));
    let (_, detail) = crate::community::page(&app, "/admin/members/fernleaf", &chief.cookies).await;
    assert!(detail.contains("member-session"), "{detail}");

    // A moderator cannot sign a member out everywhere or change roles; an admin can.
    let refused = call(
        &app,
        "admin/end-sessions",
        &[("handle", "fernleaf")],
        &keeper.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let reply = call(
        &app,
        "admin/end-sessions",
        &[("handle", "fernleaf")],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        count(&app, "select count(*) from auth.sessions where revoked_at is null and user_id = (select user_id from app.profiles where handle = 'fernleaf')").await,
        0
    );
    let refused = call(
        &app,
        "admin/role",
        &[("handle", "fernleaf"), ("role", "moderator")],
        &keeper.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The last admin cannot be demoted, by themselves or anyone.
    let refused = call(
        &app,
        "admin/role",
        &[("handle", "chiefly"), ("role", "member")],
        &chief.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("last admin"), "{}", refused.body);
    assert_eq!(
        count(&app, "select count(*) from auth.users where role = 'admin'").await,
        1
    );
    // With a second admin, the first may step down.
    let reply = call(
        &app,
        "admin/role",
        &[("handle", "keeper"), ("role", "admin")],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = call(
        &app,
        "admin/role",
        &[("handle", "chiefly"), ("role", "member")],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}
