//! Watched words through HTTP and under RLS (migration 0027): block, censor, flag and hold,
//! case- and accent-insensitive, on posts, replies and profiles; held writing hidden until a
//! moderator approves or rejects it from the queue; who may read and change the list.

use crate::community::{
    Member, admin, call, count, create_circle, join, member, page, post_page, write_post,
};
use crate::helpers::{TestApp, spawn_app};
use crate::rls_community::signed_in;
use reqwest::StatusCode;
use uuid::Uuid;
use wellspring::server::db::scoped;

struct World {
    app: TestApp,
    chief: Member,
    author: Member,
}

async fn world() -> World {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    let author = member(&app, "fernleaf", "Fern Leaf").await;
    join(&app, &author, "gardens").await;
    World { app, chief, author }
}

async fn watch(
    app: &TestApp,
    staff: &Member,
    pattern: &str,
    regex: bool,
    action: &str,
) -> crate::identity::Reply {
    let mut form = vec![("pattern", pattern), ("action", action)];
    if regex {
        form.push(("is_regex", "yes"));
    }
    call(app, "moderation/words-add", &form, &staff.cookies).await
}

async fn post(app: &TestApp, who: &Member, title: &str, body: &str) -> crate::identity::Reply {
    call(
        app,
        "posts/create",
        &[("circle", "gardens"), ("title", title), ("body", body)],
        &who.cookies,
    )
    .await
}

async fn last_post(app: &TestApp) -> i64 {
    sqlx::query_scalar("select max(id) from app.posts")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_blocked_word_is_refused_naming_it_in_any_case_or_accent_and_nothing_is_written() {
    let World { app, chief, author } = world().await;
    let reply = watch(&app, &chief, "miracle cure", false, "block").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let refused = post(&app, &author, "Try this", "A MIRACLE Cüre for everything").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("“MIRACLE Cüre”, which isn't allowed here"),
        "{}",
        refused.body
    );
    assert_eq!(count(&app, "select count(*) from app.posts").await, 0);

    let id = write_post(&app, &author, "gardens", "Tea", "Chamomile").await;
    let refused = call(
        &app,
        "comments/create",
        &[
            ("post_id", &id.to_string()),
            ("body", "a miracle  cure? no: a Miracle cure!"),
        ],
        &author.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("“Miracle cure”"),
        "the first match, as written: {}",
        refused.body
    );
    assert_eq!(count(&app, "select count(*) from app.comments").await, 0);

    let refused = call(
        &app,
        "account/profile-update",
        &[
            ("display_name", "Miracle Cure Shop"),
            ("bio", ""),
            ("pronouns", ""),
        ],
        &author.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert_eq!(
        count(
            &app,
            "select count(*) from app.profiles where display_name like 'Miracle%'"
        )
        .await,
        0
    );
    // A word inside another word is not the word.
    let reply = post(&app, &author, "Miracles", "Small miracles and curetting").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn a_censored_word_is_masked_where_it_stands_and_the_rest_is_kept() {
    let World { app, chief, author } = world().await;
    assert_eq!(
        watch(&app, &chief, "darn", false, "censor").await.status,
        StatusCode::OK
    );
    let reply = post(&app, &author, "Darn weeds", "Well DÀRN it, the darn weeds.").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let (title, body): (String, String) = sqlx::query_as("select title, body from app.posts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(title, "•••• weeds");
    assert_eq!(body, "Well •••• it, the •••• weeds.");
}

#[tokio::test]
async fn flagged_writing_goes_through_and_waits_in_the_queue_as_watched_words() {
    let World { app, chief, author } = world().await;
    assert_eq!(
        watch(&app, &chief, r"casin[o0]", true, "flag").await.status,
        StatusCode::OK
    );
    let reply = post(&app, &author, "Game night", "Come to my CASIN0 tonight").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let id = last_post(&app).await;
    let (status, visitor) = page(&app, &post_page("gardens", id), "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(visitor.contains("Come to my CASIN0 tonight"));
    assert_eq!(
        count(&app, "select count(*) from app.reports where reporter_id is null and reason = 'watched' and status = 'open'").await,
        1
    );
    // Edits that keep the word do not pile up more automatic reports.
    for body in ["Come to my casino tonight!", "Casino, tonight"] {
        let reply = call(
            &app,
            "posts/edit",
            &[
                ("id", &id.to_string()),
                ("title", "Game night"),
                ("body", body),
            ],
            &author.cookies,
        )
        .await;
        assert!(
            reply.status.is_success() || reply.status.is_redirection(),
            "{}",
            reply.body
        );
    }
    assert_eq!(
        count(
            &app,
            "select count(*) from app.reports where reporter_id is null and status = 'open'"
        )
        .await,
        1
    );
    let (_, queue) = page(&app, "/admin/queue", &chief.cookies).await;
    assert!(queue.contains("Game night"), "{queue}");
    assert!(queue.contains("Watched words"), "{queue}");
    assert!(queue.contains("Contains a watched word"));
    assert!(!queue.contains("queue-held"));
    // A profile with a flagged word is reported as the member.
    let reply = call(
        &app,
        "account/profile-update",
        &[
            ("display_name", "Fern"),
            ("bio", "Casino nights every week"),
            ("pronouns", ""),
        ],
        &author.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        count(
            &app,
            "select count(*) from app.reports where reporter_id is null and target = 'member'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn held_writing_is_hidden_until_a_moderator_approves_or_rejects_it() {
    let World { app, chief, author } = world().await;
    assert_eq!(
        watch(&app, &chief, "supplement", false, "hold")
            .await
            .status,
        StatusCode::OK
    );
    let reply = post(&app, &author, "My routine", "I take one Supplément a day").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let id = last_post(&app).await;
    // Hidden from everyone else, its words kept for moderators, and in the queue.
    let (_, circle) = page(&app, "/c/gardens", "").await;
    assert!(!circle.contains("My routine"));
    assert_eq!(
        count(
            &app,
            "select count(*) from app.removed_texts where title = 'My routine'"
        )
        .await,
        1
    );
    let (_, queue) = page(&app, "/admin/queue", &chief.cookies).await;
    assert!(queue.contains("queue-held"), "{queue}");
    assert!(queue.contains("I take one Supplément a day"));
    // Its page says it waits for approval, not that it was removed.
    let (_, own) = page(&app, &post_page("gardens", id), &author.cookies).await;
    assert!(own.contains("data-testid=\"post-held\""), "{own}");
    assert!(
        own.contains("Your post is waiting for a moderator"),
        "{own}"
    );
    assert!(!own.contains("data-testid=\"post-removed\""));
    // Holds never reach the public log.
    let (_, modlog) = page(&app, "/modlog", "").await;
    assert!(!modlog.contains("supplement"), "{modlog}");

    // Approved: back for everyone, reports settled, the author told.
    let approve = call(
        &app,
        "moderation/held",
        &[
            ("target_key", &format!("post:{id}")),
            ("decision", "approve"),
            ("reason", "Fine in context"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(approve.status, StatusCode::OK, "{}", approve.body);
    let (_, circle) = page(&app, "/c/gardens", "").await;
    assert!(circle.contains("My routine"), "{circle}");
    let (_, own) = page(&app, &post_page("gardens", id), &author.cookies).await;
    assert!(
        !own.contains("data-testid=\"post-held\""),
        "approved: {own}"
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.reports where status = 'open'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.notifications where moderation_action = 'approve_post'"
        )
        .await,
        1
    );
    // The approval is the staff's business: the public log shows neither the hold nor it.
    let (_, modlog) = page(&app, "/modlog", "").await;
    assert!(!modlog.contains("Fine in context"), "{modlog}");
    let (_, staff_log) = page(&app, "/admin/modlog", &chief.cookies).await;
    assert!(staff_log.contains("approved a held post"), "{staff_log}");
    let (_, notices) = page(&app, "/notifications", &author.cookies).await;
    assert!(
        notices.contains("Moderators approved your post"),
        "{notices}"
    );

    // A held reply, rejected: stays hidden, the author told why.
    let reply = call(
        &app,
        "comments/create",
        &[("post_id", &id.to_string()), ("body", "Buy my supplement")],
        &author.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let comment: i64 = sqlx::query_scalar("select max(id) from app.comments")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let reject = call(
        &app,
        "moderation/held",
        &[
            ("target_key", &format!("comment:{comment}")),
            ("decision", "reject"),
            ("reason", "Selling"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(reject.status, StatusCode::OK, "{}", reject.body);
    let (_, thread) = page(&app, &post_page("gardens", id), "").await;
    assert!(!thread.contains("Buy my supplement"));
    assert_eq!(
        count(&app, "select count(*) from app.notifications where moderation_action = 'remove_comment' and moderation_reason = 'Selling'").await,
        1
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.reports where status = 'acted'"
        )
        .await,
        1
    );
    // Nothing is held there any more: a second decision is explained.
    let again = call(
        &app,
        "moderation/held",
        &[
            ("target_key", &format!("comment:{comment}")),
            ("decision", "approve"),
            ("reason", "Oops"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    // Held, then restored from its page: approving settles what is left; rejecting is
    // refused (it is live again).
    let reply = post(&app, &author, "Evening", "Another supplement story").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let evening = last_post(&app).await;
    let restored = call(
        &app,
        "moderation/act",
        &[
            ("post", &evening.to_string()),
            ("action", "restore"),
            ("reason", "Fine after all"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    let key = format!("post:{evening}");
    let refused = call(
        &app,
        "moderation/held",
        &[
            ("target_key", &key),
            ("decision", "reject"),
            ("reason", "Too late"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("already restored"),
        "{}",
        refused.body
    );
    let approved = call(
        &app,
        "moderation/held",
        &[
            ("target_key", &key),
            ("decision", "approve"),
            ("reason", "Settling"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    let (_, circle) = page(&app, "/c/gardens", "").await;
    assert!(
        circle.contains("Evening"),
        "a restored post was hidden again"
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "select count(*) from app.reports where target_key = '{key}' and status = 'open'"
            )
        )
        .await,
        0
    );
    // A member cannot decide.
    let refused = call(
        &app,
        "moderation/held",
        &[
            ("target_key", &format!("post:{id}")),
            ("decision", "reject"),
            ("reason", "Mine now"),
        ],
        &author.cookies,
    )
    .await;
    assert!(refused.status.is_client_error());
}

#[tokio::test]
async fn patterns_are_checked_before_they_are_stored_and_only_staff_change_the_list() {
    let World { app, chief, author } = world().await;
    let refused = watch(&app, &chief, "(unclosed", true, "block").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("can't be used"), "{}", refused.body);
    assert_eq!(
        watch(&app, &chief, "spam", false, "block").await.status,
        StatusCode::OK
    );
    let twice = watch(&app, &chief, "SPAM", false, "flag").await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert!(twice.body.contains("already on the list"), "{}", twice.body);
    let refused = watch(&app, &author, "kindness", false, "block").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        count(&app, "select count(*) from app.watched_words").await,
        1
    );
    let (_, words) = page(&app, "/admin/words", &chief.cookies).await;
    assert!(
        words.contains("spam") && words.contains("@chiefly"),
        "{words}"
    );
    let id: i64 = sqlx::query_scalar("select id from app.watched_words")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let refused = call(
        &app,
        "moderation/words-remove",
        &[("id", &id.to_string())],
        &author.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let reply = call(
        &app,
        "moderation/words-remove",
        &[("id", &id.to_string())],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        count(&app, "select count(*) from app.watched_words").await,
        0
    );
}

#[tokio::test]
async fn watched_words_rls_staff_keep_the_list_and_members_only_review_their_own_writing() {
    let World { app, chief, author } = world().await;
    assert_eq!(
        watch(&app, &chief, "spam", false, "block").await.status,
        StatusCode::OK
    );
    let other = member(&app, "bystander", "By Stander").await;
    join(&app, &other, "gardens").await;
    let theirs = write_post(&app, &author, "gardens", "Mine", "My words").await;
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
    let (staff, writer, stranger) = (
        id("chiefly").await,
        id("fernleaf").await,
        id("bystander").await,
    );
    let run = |who, sql: String| {
        let pool = app.pool.clone();
        async move {
            let mut tx = scoped::begin(&pool, &who).await.unwrap();
            let result: Result<i64, sqlx::Error> =
                sqlx::query_scalar(&sql).fetch_one(&mut *tx).await;
            result
        }
    };
    // Allowed: staff read and add.
    assert_eq!(
        run(
            signed_in(staff, "admin"),
            "select count(*) from app.watched_words".into()
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        run(signed_in(staff, "admin"), "with x as (insert into app.watched_words (pattern, action, created_by) values ('scam', 'flag', auth.uid()) returning 1) select count(*) from x".into()).await.unwrap(),
        1
    );
    // Denied: members read nothing, add and remove nothing.
    assert_eq!(
        run(
            signed_in(writer, "member"),
            "select count(*) from app.watched_words".into()
        )
        .await
        .unwrap(),
        0
    );
    assert!(
        run(signed_in(writer, "member"), "with x as (insert into app.watched_words (pattern, action, created_by) values ('kind', 'block', auth.uid()) returning 1) select count(*) from x".into()).await.is_err()
    );
    assert_eq!(
        run(
            signed_in(writer, "member"),
            "with x as (delete from app.watched_words returning 1) select count(*) from x".into()
        )
        .await
        .unwrap(),
        0
    );
    // A member puts only their own writing up for review, and files no automatic report
    // directly.
    let refused = run(
        signed_in(stranger, "member"),
        format!("select 1::bigint from app.review_own({theirs}, null, true, 'x')"),
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
    assert!(
        run(signed_in(stranger, "member"), format!("with x as (insert into app.reports (reporter_id, target, post_id, reason) values (null, 'post', {theirs}, 'watched') returning 1) select count(*) from x")).await.is_err()
    );
    assert_eq!(
        run(
            signed_in(writer, "member"),
            format!("select 1::bigint from app.review_own({theirs}, null, false, 'x')")
        )
        .await
        .unwrap(),
        1
    );
}

#[tokio::test]
async fn sign_up_names_meet_the_watched_words_too() {
    let World { app, chief, .. } = world().await;
    assert_eq!(
        watch(&app, &chief, "scamking", false, "block").await.status,
        StatusCode::OK
    );
    assert_eq!(
        watch(&app, &chief, "darn", false, "censor").await.status,
        StatusCode::OK
    );
    let sign_up = |handle: &'static str, name: &'static str| {
        let app = &app;
        async move {
            let email = format!("{handle}@example.org");
            call(
                app,
                "auth/signup",
                &[
                    ("email", email.as_str()),
                    ("password", crate::identity::PASSWORD),
                    ("handle", handle),
                    ("display_name", name),
                ],
                "",
            )
            .await
        }
    };
    let refused = sign_up("newcomer", "The ScamKing").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert_eq!(
        crate::community::field_error(&refused, "display_name").as_deref(),
        Some("This contains “ScamKing”, which isn't allowed here. Please rephrase it.")
    );
    let refused = sign_up("scamking", "Someone").await;
    assert!(
        crate::community::field_error(&refused, "handle").is_some_and(|e| e.contains("scamking")),
        "{}",
        refused.body
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.users where email like 'newcomer%' or email like 'scamking%'"
        )
        .await,
        0
    );
    let masked = sign_up("plainsong", "Darn Good Gardener").await;
    assert_eq!(masked.status, StatusCode::OK, "{}", masked.body);
    assert_eq!(
        count(&app, "select count(*) from app.profiles where handle = 'plainsong' and display_name = '•••• Good Gardener'").await,
        1
    );
}

#[tokio::test]
async fn practitioner_details_meet_the_watched_words_too() {
    let World { app, chief, author } = world().await;
    assert_eq!(
        watch(&app, &chief, "miracle cure", false, "block")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        watch(&app, &chief, "guaranteed", false, "flag")
            .await
            .status,
        StatusCode::OK
    );
    let details = |credentials: &'static str, modalities: &'static str| {
        let (app, cookies) = (&app, author.cookies.clone());
        async move {
            call(
                app,
                "profiles/details-update",
                &[
                    ("interests", "sleep, breathwork"),
                    ("modalities", modalities),
                    ("credentials", credentials),
                    ("booking_url", ""),
                ],
                &cookies,
            )
            .await
        }
    };
    let refused = details("Certified coach", "Miracle Cure, reiki").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        crate::community::field_error(&refused, "modalities")
            .is_some_and(|e| e.contains("Miracle Cure")),
        "{}",
        refused.body
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.profiles where 'reiki' = any (modalities)"
        )
        .await,
        0
    );
    // Flagged: saved, and the profile goes to the queue.
    let saved = details("Guaranteed results, 10 years of practice", "reiki").await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(
        count(
            &app,
            "select count(*) from app.reports where target = 'member' and reason = 'watched' and status = 'open'"
        )
        .await,
        1
    );
}
