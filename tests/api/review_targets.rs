//! The review queue's summary rows (migration 0032): one per reported target with open
//! reports, kept by triggers as reports are filed, settled and moved; weights fixed at
//! filing; read under Row Level Security (site staff all, a circle's moderators their
//! circles' rows without at-risk reports, members nothing); never written by anyone but the
//! trigger; and right when two reports on one target are filed at the same moment.

use crate::community::{admin, call, count, create_circle, join, json, member, write_post};
use crate::helpers::spawn_app;
use crate::moderation::{circle_moderator, report, user_id};
use crate::rls_community::signed_in;
use reqwest::StatusCode;
use wellspring::server::db::scoped;

#[tokio::test]
async fn summary_rows_follow_reports_and_weights_are_fixed_at_filing() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    let author = member(&app, "fernleaf", "Fern Leaf").await;
    join(&app, &author, "gardens").await;
    let post = write_post(&app, &author, "gardens", "Seed swap", "Tomatoes?").await;
    let other = write_post(&app, &author, "gardens", "Compost", "Brown and green").await;
    let wren = member(&app, "watchful", "Wren Watch").await;
    let ash = member(&app, "ashgrove", "Ash Grove").await;

    // Wren's first report is dismissed: her next one weighs 1/3; Ash's first weighs 1/2.
    report(&app, &wren, "post", &other.to_string(), "spam").await;
    let dismissed = call(
        &app,
        "moderation/settle",
        &[
            ("target_key", &format!("post:{other}")),
            ("outcome", "dismissed"),
            ("reason", "Fine as it is"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(dismissed.status, StatusCode::OK, "{}", dismissed.body);
    assert_eq!(
        count(&app, "select count(*) from app.review_targets").await,
        0,
        "a settled target leaves the summary"
    );
    report(&app, &wren, "post", &post.to_string(), "spam").await;
    report(&app, &ash, "post", &post.to_string(), "at_risk").await;
    let row: (i32, f64, bool, i32, f64) = sqlx::query_as(
        "select reporters, score, at_risk, plain_reporters, plain_score
           from app.review_targets where target_key = $1",
    )
    .bind(format!("post:{post}"))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((row.0, row.2, row.3), (2, true, 1));
    assert!((row.1 - (1.0 / 3.0 + 0.5)).abs() < 0.002, "{row:?}");
    assert!((row.4 - 1.0 / 3.0).abs() < 0.002, "{row:?}");

    // A later decision about Wren does not change the weight her open report was filed with.
    let third = write_post(&app, &author, "gardens", "Mulch", "Straw works").await;
    report(&app, &wren, "post", &third.to_string(), "spam").await;
    call(
        &app,
        "moderation/settle",
        &[
            ("target_key", &format!("post:{third}")),
            ("outcome", "dismissed"),
            ("reason", "Fine as it is"),
        ],
        &chief.cookies,
    )
    .await;
    let queue = json(&call(&app, "moderation/queue", &[], &chief.cookies).await);
    assert_eq!(queue["open_targets"], 1);
    let score = queue["items"][0]["score"].as_f64().unwrap();
    assert!((score - (1.0 / 3.0 + 0.5)).abs() < 0.002, "{queue}");

    // The circle's moderator sees the row scored without the at-risk report.
    let keeper = circle_moderator(&app, "keeper", "gardens").await;
    let theirs = json(&call(&app, "moderation/queue", &[], &keeper.cookies).await);
    assert_eq!(theirs["open_targets"], 1, "{theirs}");
    assert_eq!(theirs["items"][0]["at_risk"], false);
    assert_eq!(theirs["items"][0]["reporters"], 1);

    // Removing the post settles the plain report; the at-risk one stays, for staff only.
    let removed = call(
        &app,
        "moderation/act",
        &[
            ("post", &post.to_string()),
            ("action", "remove"),
            ("reason", "Spam, as reported"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    let row: (i32, i32) = sqlx::query_as(
        "select reporters, plain_reporters from app.review_targets where target_key = $1",
    )
    .bind(format!("post:{post}"))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(row, (1, 0));
    let theirs = json(&call(&app, "moderation/queue", &[], &keeper.cookies).await);
    assert_eq!(theirs["open_targets"], 0, "{theirs}");
    let staff = json(&call(&app, "moderation/queue", &[], &chief.cookies).await);
    assert_eq!(staff["items"][0]["at_risk"], true, "{staff}");
}

#[tokio::test]
async fn review_targets_rls_staff_read_circle_moderators_theirs_and_nobody_writes() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    create_circle(&app, &chief, "sleepwell", "public", false).await;
    let author = member(&app, "fernleaf", "Fern Leaf").await;
    join(&app, &author, "gardens").await;
    join(&app, &author, "sleepwell").await;
    let garden = write_post(&app, &author, "gardens", "Seed swap", "Tomatoes?").await;
    let sleep = write_post(&app, &author, "sleepwell", "Night owl", "Up again").await;
    let wren = member(&app, "watchful", "Wren Watch").await;
    report(&app, &wren, "post", &garden.to_string(), "spam").await;
    report(&app, &wren, "post", &sleep.to_string(), "spam").await;
    circle_moderator(&app, "keeper", "gardens").await;

    let read = |who, sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            let mut tx = scoped::begin(&pool, &who).await.unwrap();
            sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut *tx).await
        }
    };
    let rows = "select count(*) from app.review_targets";
    let chief_id = user_id(&app, "chiefly").await;
    assert_eq!(read(signed_in(chief_id, "admin"), rows).await.unwrap(), 2);
    assert_eq!(
        read(signed_in(user_id(&app, "keeper").await, "member"), rows)
            .await
            .unwrap(),
        1,
        "a circle's moderator reads their circle's row only"
    );
    assert_eq!(
        read(signed_in(user_id(&app, "watchful").await, "member"), rows)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        read(scoped::RequestClaims::anonymous(), rows).await.ok(),
        None,
        "visitors may not read it at all"
    );
    for sql in [
        "with x as (update app.review_targets set score = 99 returning 1) select count(*) from x",
        "with x as (delete from app.review_targets returning 1) select count(*) from x",
        "with x as (insert into app.review_targets (target_key, target, reporters, score, at_risk, held, oldest, plain_reporters, plain_score) values ('post:1', 'post', 1, 1, false, false, now(), 1, 1) returning 1) select count(*) from x",
    ] {
        assert!(
            read(signed_in(chief_id, "admin"), sql).await.is_err(),
            "an admin wrote a summary row: {sql}"
        );
    }
    assert_eq!(
        count(&app, "select count(*) from app.review_targets").await,
        2
    );
}

#[tokio::test]
async fn reports_filed_at_the_same_moment_are_all_counted() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    let author = member(&app, "fernleaf", "Fern Leaf").await;
    join(&app, &author, "gardens").await;
    let post = write_post(&app, &author, "gardens", "Seed swap", "Tomatoes?").await;
    let mut reporters = Vec::new();
    for i in 0..6 {
        reporters.push(member(&app, &format!("reporter{i}"), "Reporter").await);
    }
    let target = post.to_string();
    let filed = futures_util::future::join_all(
        reporters
            .iter()
            .map(|who| report(&app, who, "post", &target, "spam")),
    )
    .await;
    assert!(filed.iter().all(|r| r.status == StatusCode::OK));
    assert_eq!(
        count(
            &app,
            &format!(
                "select reporters::bigint from app.review_targets where target_key = 'post:{post}'"
            )
        )
        .await,
        6
    );
}
