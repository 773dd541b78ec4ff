//! One write per form (migration 0019): the same form sent twice, or twice at once, writes
//! one post or reply and sends both to the same place; keys are private to their member.

use crate::community::{admin, call, create_circle, join, json, member};
use crate::helpers::spawn_app;
use crate::rls_community::signed_in;
use reqwest::{StatusCode, header};
use wellspring::server::db::scoped::{self, RequestClaims};

#[tokio::test]
async fn a_form_sent_twice_or_twice_at_once_writes_once() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;

    // A new post, sent twice with one key: one post, both answers lead to it.
    let key = uuid::Uuid::new_v4().to_string();
    let form = [
        ("circle", "morning-pages"),
        ("title", "First light"),
        ("body", "Pages."),
        ("submission", key.as_str()),
    ];
    let first = call(&app, "posts/create", &form, &fern.cookies).await;
    let second = call(&app, "posts/create", &form, &fern.cookies).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let location = |reply: &crate::identity::Reply| {
        reply
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(location(&first), location(&second));
    let posts: i64 = sqlx::query_scalar("select count(*) from app.posts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(posts, 1);
    let post: i64 = sqlx::query_scalar("select id from app.posts")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    // A reply sent four times at once with one key: one reply.
    let key = uuid::Uuid::new_v4().to_string();
    let post_id = post.to_string();
    let form = [
        ("post_id", post_id.as_str()),
        ("body", "Only once."),
        ("submission", key.as_str()),
    ];
    let sends = (0..4).map(|_| call(&app, "comments/create", &form, &fern.cookies));
    let replies = futures_util::future::join_all(sends).await;
    let paths: Vec<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            json(r).as_str().unwrap().to_owned()
        })
        .collect();
    assert!(paths.windows(2).all(|w| w[0] == w[1]), "{paths:?}");
    let comments: i64 = sqlx::query_scalar("select count(*) from app.comments")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(comments, 1);

    // Another key is another reply; no key at all (an old page) still works.
    for key in [uuid::Uuid::new_v4().to_string(), String::new()] {
        let reply = call(
            &app,
            "comments/create",
            &[
                ("post_id", post_id.as_str()),
                ("body", "Again."),
                ("submission", key.as_str()),
            ],
            &fern.cookies,
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let comments: i64 = sqlx::query_scalar("select count(*) from app.comments")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(comments, 3);

    // A key that is not one the server could have drawn is refused kindly, writing nothing.
    let bad = call(
        &app,
        "comments/create",
        &[
            ("post_id", post_id.as_str()),
            ("body", "Sneaky."),
            ("submission", "x' or 1=1"),
        ],
        &fern.cookies,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("out of date"), "{}", bad.body);

    // A failed write leaves its key unclaimed: fixing the form and sending it again works.
    let key = uuid::Uuid::new_v4().to_string();
    let empty = call(
        &app,
        "comments/create",
        &[
            ("post_id", post_id.as_str()),
            ("body", "  "),
            ("submission", key.as_str()),
        ],
        &fern.cookies,
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST, "{}", empty.body);
    let fixed = call(
        &app,
        "comments/create",
        &[
            ("post_id", post_id.as_str()),
            ("body", "Now with words."),
            ("submission", key.as_str()),
        ],
        &fern.cookies,
    )
    .await;
    assert_eq!(fixed.status, StatusCode::OK, "{}", fixed.body);
    let comments: i64 = sqlx::query_scalar("select count(*) from app.comments")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(comments, 4);
}

#[tokio::test]
async fn submission_keys_are_private_to_their_member() {
    let db = crate::helpers::TestDatabase::migrated().await;
    let pool = db.pool().await;
    let ana = crate::rls_community::member(&pool, "ana").await;
    let ben = crate::rls_community::member(&pool, "ben").await;
    let exec = |who: RequestClaims, sql: String| {
        let pool = pool.clone();
        async move {
            let mut tx = scoped::begin(&pool, &who).await?;
            let n = sqlx::query(&sql).execute(&mut *tx).await?.rows_affected();
            tx.commit().await?;
            Ok::<u64, sqlx::Error>(n)
        }
    };
    let key = uuid::Uuid::new_v4();
    // Allowed: Ana claims a key of her own and records its result.
    assert_eq!(
        exec(
            signed_in(ana, "member"),
            format!("insert into app.form_submissions (user_id, key) values ('{ana}', '{key}')")
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        exec(
            signed_in(ana, "member"),
            format!("update app.form_submissions set result = '/p/1' where key = '{key}'")
        )
        .await
        .unwrap(),
        1
    );
    // Denied: Ben cannot claim in her name, read hers or change them.
    let error = exec(
        signed_in(ben, "member"),
        format!(
            "insert into app.form_submissions (user_id, key) values ('{ana}', '{}')",
            uuid::Uuid::new_v4()
        ),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("42501"),
        "{error}"
    );
    assert_eq!(
        exec(
            signed_in(ben, "member"),
            format!("update app.form_submissions set result = '/elsewhere' where key = '{key}'")
        )
        .await
        .unwrap(),
        0
    );
    let mut tx = scoped::begin(&pool, &signed_in(ben, "member"))
        .await
        .unwrap();
    let seen: i64 = sqlx::query_scalar("select count(*) from app.form_submissions")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(seen, 0);
    // Denied: a visitor has no access at all.
    let error = exec(
        RequestClaims::anonymous(),
        "select 1 from app.form_submissions".to_owned(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("42501")
    );
}
