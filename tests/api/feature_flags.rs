//! Feature flags and kill switches (migration 0029): an admin pauses sign-ups and posting
//! from /admin/flags, members are told kindly and nothing is written, the change is audited;
//! a configuration override wins; only admins read or change the flags (RLS too).

use crate::community::{admin, call, count, create_circle, join, member, page};
use crate::helpers::{spawn_app, spawn_app_with};
use crate::identity::PASSWORD;
use crate::rls_community::signed_in;
use reqwest::StatusCode;
use uuid::Uuid;
use wellspring::server::db::scoped;

async fn sign_up(app: &crate::helpers::TestApp, handle: &str) -> crate::identity::Reply {
    call(
        app,
        "auth/signup",
        &[
            ("email", &format!("{handle}@example.org")),
            ("password", PASSWORD),
            ("handle", handle),
            ("display_name", "Someone New"),
        ],
        "",
    )
    .await
}

#[tokio::test]
async fn an_admin_pauses_sign_ups_and_posting_and_members_are_told_kindly() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    join(&app, &fern, "gardens").await;

    // Members cannot change or read them.
    let refused = call(
        &app,
        "admin/flag",
        &[("flag", "posting"), ("enabled", "false")],
        &fern.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let (status, _) = page(&app, "/admin/flags", &fern.cookies).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    for flag in ["sign_ups", "posting"] {
        let reply = call(
            &app,
            "admin/flag",
            &[("flag", flag), ("enabled", "false")],
            &chief.cookies,
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let (_, flags) = page(&app, "/admin/flags", &chief.cookies).await;
    assert!(
        flags.contains("data-flag=\"posting\" data-enabled=\"false\""),
        "{flags}"
    );
    assert!(flags.contains("changed by @chiefly"));
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.audit_log where event = 'flag_changed'"
        )
        .await,
        2
    );

    let refused = sign_up(&app, "newcomer").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("New accounts are paused"),
        "{}",
        refused.body
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.users where email = 'newcomer@example.org'"
        )
        .await,
        0
    );
    let refused = call(
        &app,
        "posts/create",
        &[("circle", "gardens"), ("title", "Hi"), ("body", "Hello")],
        &fern.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("Posting is paused"),
        "{}",
        refused.body
    );
    assert_eq!(count(&app, "select count(*) from app.posts").await, 0);
    // Reading goes on.
    let (status, _) = page(&app, "/c/gardens", &fern.cookies).await;
    assert_eq!(status, StatusCode::OK);

    // On again.
    for flag in ["sign_ups", "posting"] {
        let reply = call(
            &app,
            "admin/flag",
            &[("flag", flag), ("enabled", "true")],
            &chief.cookies,
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    assert_eq!(sign_up(&app, "newcomer").await.status, StatusCode::OK);
    let reply = call(
        &app,
        "posts/create",
        &[("circle", "gardens"), ("title", "Hi"), ("body", "Hello")],
        &fern.cookies,
    )
    .await;
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn a_configuration_override_wins_and_the_page_says_so() {
    let app = spawn_app_with(|s| s.flags.posting = Some(false)).await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    // The row says on; the configuration says off, and wins.
    assert_eq!(
        count(
            &app,
            "select count(*) from app.feature_flags where key = 'posting' and enabled"
        )
        .await,
        1
    );
    let refused = call(
        &app,
        "posts/create",
        &[("circle", "gardens"), ("title", "Hi"), ("body", "Hello")],
        &chief.cookies,
    )
    .await;
    assert!(
        refused.body.contains("Posting is paused"),
        "{}",
        refused.body
    );
    let (_, flags) = page(&app, "/admin/flags", &chief.cookies).await;
    assert!(
        flags.contains("data-flag=\"posting\" data-enabled=\"false\""),
        "{flags}"
    );
    assert!(flags.contains("configuration"), "{flags}");
    assert!(
        !flags.contains("name=\"flag\" value=\"posting\""),
        "the page offered to change it"
    );
}

#[tokio::test]
async fn feature_flags_rls_admins_read_and_change_them_and_nobody_else() {
    let app = spawn_app().await;
    admin(&app, "chiefly", "Chief Keeper").await;
    member(&app, "fernleaf", "Fern Leaf").await;
    let id = |handle: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>("select user_id from app.profiles where handle = $1")
                .bind(handle)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let (chief, fern) = (id("chiefly").await, id("fernleaf").await);
    let run = |who, sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            let mut tx = scoped::begin(&pool, &who).await.unwrap();
            let result: Result<i64, sqlx::Error> =
                sqlx::query_scalar(sql).fetch_one(&mut *tx).await;
            result
        }
    };
    let change = "with x as (update app.feature_flags set enabled = false, updated_by = auth.uid() returning 1) select count(*) from x";
    assert_eq!(
        run(
            signed_in(chief, "admin"),
            "select count(*) from app.feature_flags"
        )
        .await
        .unwrap(),
        3
    );
    assert_eq!(run(signed_in(chief, "admin"), change).await.unwrap(), 3);
    // A moderator and a member: nothing read, nothing changed.
    for who in [signed_in(fern, "moderator"), signed_in(fern, "member")] {
        assert_eq!(
            run(who.clone(), "select count(*) from app.feature_flags")
                .await
                .unwrap(),
            0
        );
        assert_eq!(run(who, change).await.unwrap(), 0);
    }
    // An admin cannot sign a change with someone else's name.
    assert!(
        run(signed_in(chief, "admin"), "with x as (update app.feature_flags set enabled = false, updated_by = (select user_id from app.profiles where handle = 'fernleaf') returning 1) select count(*) from x").await.is_err()
    );
    assert_eq!(
        count(&app, "select count(*) from app.feature_flags where enabled").await,
        3
    );
}

#[tokio::test]
async fn pausing_live_updates_refuses_new_sockets_and_says_why() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let origin = app.address.clone();
    let mut open = crate::realtime::try_open(&app, "", &origin).await.unwrap();
    let reply = call(
        &app,
        "admin/flag",
        &[("flag", "live_updates"), ("enabled", "false")],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    // The socket that was open is closed at once, saying why (4013: paused).
    assert_eq!(
        crate::realtime::close_code(&mut open, std::time::Duration::from_secs(3)).await,
        Some(4013)
    );
    match crate::realtime::try_open(&app, &chief.cookies, &origin).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            let body = String::from_utf8(response.body().clone().unwrap_or_default()).unwrap();
            assert!(body.contains("Live updates are paused"), "{body}");
        }
        other => panic!(
            "a socket opened while live updates were paused: {:?}",
            other.map(|_| ())
        ),
    }
    let reply = call(
        &app,
        "admin/flag",
        &[("flag", "live_updates"), ("enabled", "true")],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(crate::realtime::try_open(&app, "", &origin).await.is_ok());
}
