//! Moderation through HTTP, as members' and moderators' browsers use it: reports, the review
//! queue, actions with reasons (allowed and refused by role and by circle), the
//! one-transaction guarantee, notices to authors and reporters, and both moderation logs.

use crate::community::{
    Member, admin, call, count, create_circle, join, json, member, page, post_page, sign_in,
    with_second_factor, write_post,
};
use crate::helpers::{TestApp, spawn_app};
use crate::rls_community::signed_in;
use reqwest::StatusCode;
use uuid::Uuid;
use wellspring::server::db::scoped;

pub(crate) async fn user_id(app: &TestApp, handle: &str) -> Uuid {
    sqlx::query_scalar("select user_id from app.profiles where handle = $1")
        .bind(handle)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A site moderator (role `moderator`) with two-step sign-in on.
pub(crate) async fn site_moderator(app: &TestApp, handle: &str) -> Member {
    let who = member(app, handle, "Site Keeper").await;
    sqlx::query("update auth.users set role = 'moderator' where id = $1")
        .bind(user_id(app, handle).await)
        .execute(&app.pool)
        .await
        .unwrap();
    // Signed in again so the token carries the role, then with a second factor.
    with_second_factor(app, sign_in(app, handle, &who.name).await).await
}

/// A member made moderator of one circle, with two-step sign-in on.
pub(crate) async fn circle_moderator(app: &TestApp, handle: &str, circle: &str) -> Member {
    let who = member(app, handle, "Circle Keeper").await;
    join(app, &who, circle).await;
    sqlx::query(
        "update app.circle_members set role = 'moderator'
          where user_id = $1 and circle_id = (select id from app.circles where slug = $2)",
    )
    .bind(user_id(app, handle).await)
    .bind(circle)
    .execute(&app.pool)
    .await
    .unwrap();
    with_second_factor(app, who).await
}

pub(crate) async fn report(
    app: &TestApp,
    who: &Member,
    target: &str,
    id: &str,
    reason: &str,
) -> crate::identity::Reply {
    let field = if target == "member" { "handle" } else { "id" };
    call(
        app,
        "moderation/report",
        &[
            ("target", target),
            (field, id),
            ("reason", reason),
            ("details", "Please look"),
        ],
        &who.cookies,
    )
    .await
}

async fn act(
    app: &TestApp,
    who: &Member,
    post: i64,
    comment: Option<i64>,
    action: &str,
    reason: &str,
) -> crate::identity::Reply {
    let post = post.to_string();
    let comment = comment.map(|c| c.to_string()).unwrap_or_default();
    let mut form = vec![
        ("post", post.as_str()),
        ("action", action),
        ("reason", reason),
    ];
    if !comment.is_empty() {
        form.push(("comment", comment.as_str()));
    }
    call(app, "moderation/act", &form, &who.cookies).await
}

pub(crate) async fn reply_to(app: &TestApp, who: &Member, post: i64, body: &str) -> i64 {
    let reply = call(
        app,
        "comments/create",
        &[("post_id", &post.to_string()), ("body", body)],
        &who.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "reply: {}", reply.body);
    sqlx::query_scalar("select max(id) from app.comments where post_id = $1")
        .bind(post)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A small world: an admin's public circle, an author's post in it, a reporter.
struct World {
    app: TestApp,
    chief: Member,
    author: Member,
    reporter: Member,
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
        "Buy cheap pills",
        "Visit my shop for miracle cures.",
    )
    .await;
    let reporter = member(&app, "watchful", "Wren Watch").await;
    World {
        app,
        chief,
        author,
        reporter,
        post,
    }
}

#[tokio::test]
async fn a_report_reaches_the_queue_and_a_removal_tells_the_author_and_the_reporter() {
    let World {
        app,
        chief,
        author,
        reporter,
        post,
    } = world().await;
    let keeper = site_moderator(&app, "keeperly").await;

    // Reporting twice records one report.
    let first = report(&app, &reporter, "post", &post.to_string(), "spam").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(json(&first), true);
    let second = report(&app, &reporter, "post", &post.to_string(), "spam").await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert_eq!(json(&second), false);
    assert_eq!(count(&app, "select count(*) from app.reports").await, 1);

    // The queue shows it, with the words and the reporter's reason.
    let queue = call(&app, "moderation/queue", &[], &keeper.cookies).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    let queue = json(&queue);
    assert_eq!(queue["open_targets"], 1);
    let item = &queue["items"][0];
    assert_eq!(item["target_key"], format!("post:{post}"));
    assert_eq!(item["reporters"], 1);
    assert_eq!(item["title"], "Buy cheap pills");
    assert!(item["text"].as_str().unwrap().contains("miracle cures"));
    assert_eq!(item["reports"][0]["reason"], "spam");
    assert!(
        (item["score"].as_f64().unwrap() - 0.5).abs() < 1e-9,
        "{item}"
    );

    // Removed with a reason: gone for members, kept for staff, logged once.
    let removed = act(
        &app,
        &keeper,
        post,
        None,
        "remove",
        "Advertising is not allowed here",
    )
    .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    let (deleted, removed_at, body): (bool, bool, String) = sqlx::query_as(
        "select deleted_at is not null, removed_at is not null, body from app.posts where id = $1",
    )
    .bind(post)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(deleted && removed_at, "the post is marked removed");
    assert_eq!(body, "");
    let kept: String = sqlx::query_scalar("select body from app.removed_texts where post_id = $1")
        .bind(post)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(kept.contains("miracle cures"));
    let (_, html) = page(&app, &post_page("gardens", post), &author.cookies).await;
    assert!(
        html.contains("This post was removed by the moderators"),
        "{html}"
    );
    assert!(!html.contains("miracle cures"));
    assert_eq!(
        count(
            &app,
            "select count(*) from app.reports where status = 'acted'"
        )
        .await,
        1
    );
    let (action, reason, actor): (String, String, Uuid) =
        sqlx::query_as("select action, reason, actor_id from app.moderation_log")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(action, "remove_post");
    assert_eq!(reason, "Advertising is not allowed here");
    assert_eq!(actor, user_id(&app, "keeperly").await);

    // The author is told what and why; the reporter that it was acted on.
    let told = json(
        &call(
            &app,
            "notifications/list",
            &[("cursor", "")],
            &author.cookies,
        )
        .await,
    );
    let notice = told["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "moderation")
        .unwrap_or_else(|| panic!("no moderation notice in {told}"));
    assert_eq!(
        notice["moderation"]["reason"],
        "Advertising is not allowed here"
    );
    assert_eq!(notice["moderation"]["subject"], "Buy cheap pills");
    assert_eq!(notice["actor"], serde_json::Value::Null);
    let told = json(
        &call(
            &app,
            "notifications/list",
            &[("cursor", "")],
            &reporter.cookies,
        )
        .await,
    );
    assert_eq!(told["items"][0]["kind"], "report_outcome");
    assert_eq!(told["items"][0]["moderation"]["action"], "acted");
    assert_eq!(
        told["items"][0]["moderation"]["reason"],
        serde_json::Value::Null
    );

    // The public log says what and why, never who; the staff log says who.
    let public = call(&app, "moderation/log", &[], "").await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    let public = json(&public);
    let entry = &public["entries"][0];
    assert_eq!(entry["action"], "remove_post");
    assert_eq!(entry["reason"], "Advertising is not allowed here");
    assert_eq!(entry["moderator"], serde_json::Value::Null);
    assert_eq!(entry["subject"], serde_json::Value::Null);
    let (_, html) = page(&app, "/modlog", "").await;
    assert!(html.contains("Advertising is not allowed here"), "{html}");
    assert!(!html.contains("Site Keeper") && !html.contains("keeperly"));
    let staff = json(&call(&app, "moderation/staff-log", &[], &chief.cookies).await);
    assert!(
        staff["entries"][0]["moderator"]
            .as_str()
            .unwrap()
            .contains("@keeperly")
    );
    // Still removed: the staff line offers to restore it.
    assert_eq!(
        staff["entries"][0]["restorable"],
        serde_json::json!([post, null])
    );
    let searched = json(
        &call(
            &app,
            "moderation/staff-log",
            &[("q", "advertising")],
            &chief.cookies,
        )
        .await,
    );
    assert_eq!(searched["entries"].as_array().unwrap().len(), 1);
    let missed = json(
        &call(
            &app,
            "moderation/staff-log",
            &[("q", "kindness")],
            &chief.cookies,
        )
        .await,
    );
    assert_eq!(missed["entries"].as_array().unwrap().len(), 0);
    // Members cannot read the staff log, even with two-step sign-in on.
    let curious = with_second_factor(&app, member(&app, "curious", "Curious Cat").await).await;
    let refused = call(&app, "moderation/staff-log", &[], &curious.cookies).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    // Restored: the words are back and the restore is logged.
    let restored = act(
        &app,
        &keeper,
        post,
        None,
        "restore",
        "Reviewed again: a misunderstanding",
    )
    .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    let body: String = sqlx::query_scalar(
        "select body from app.posts where id = $1 and deleted_at is null and removed_at is null",
    )
    .bind(post)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(body.contains("miracle cures"));
    assert_eq!(
        count(&app, "select count(*) from app.removed_texts").await,
        0
    );
    assert_eq!(
        count(&app, "select count(*) from app.moderation_log").await,
        2
    );
    assert_eq!(
        count(
            &app,
            "select post_count::int8 from app.circles where slug = 'gardens'"
        )
        .await,
        1,
        "a restored post counts again"
    );
}

#[tokio::test]
async fn only_the_circles_moderators_act_and_only_admins_act_on_admins() {
    let World {
        app,
        chief,
        author,
        reporter,
        post,
    } = world().await;
    create_circle(&app, &chief, "rivers", "public", false).await;
    let other_keeper = circle_moderator(&app, "riverkeep", "rivers").await;
    let own_keeper = circle_moderator(&app, "gardenkeep", "gardens").await;
    let site_keeper = site_moderator(&app, "keeperly").await;
    let with_factor = with_second_factor(&app, reporter).await;

    // A member (password only): told about two-step sign-in. With it: still refused.
    let refused = act(&app, &author, post, None, "remove", "I want it gone").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("two-step"), "{}", refused.body);
    let refused = act(&app, &with_factor, post, None, "remove", "I want it gone").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    // Another circle's moderator: refused.
    let refused = act(&app, &other_keeper, post, None, "lock", "Not my circle").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let queue = call(&app, "moderation/queue", &[], &with_factor.cookies).await;
    assert_eq!(queue.status, StatusCode::FORBIDDEN, "{}", queue.body);
    assert_eq!(
        count(&app, "select count(*) from app.moderation_log").await,
        0
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.posts where locked or deleted_at is not null"
        )
        .await,
        0
    );

    // This circle's moderator: pin, lock, and each is logged.
    for action in ["pin", "lock"] {
        let done = act(
            &app,
            &own_keeper,
            post,
            None,
            action,
            "Keeping this in view",
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{action}: {}", done.body);
    }
    assert_eq!(
        count(
            &app,
            "select count(*) from app.posts where pinned and locked"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.moderation_log where action in ('pin', 'lock')"
        )
        .await,
        2
    );
    // Pinning twice is a clear error and changes nothing.
    let twice = act(&app, &own_keeper, post, None, "pin", "Again").await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST, "{}", twice.body);
    assert!(twice.body.contains("already pinned"), "{}", twice.body);

    // An admin's post: a moderator may not touch it; an admin may.
    join(&app, &chief, "gardens").await;
    let admins = write_post(&app, &chief, "gardens", "House rules", "Be kind.").await;
    let refused = act(
        &app,
        &site_keeper,
        admins,
        None,
        "remove",
        "Testing the rule",
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let second_admin = admin(&app, "otherchief", "Other Chief").await;
    let done = act(
        &app,
        &second_admin,
        admins,
        None,
        "hide",
        "Testing the rule",
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
}

#[tokio::test]
async fn bad_decisions_are_refused_in_words_and_change_nothing() {
    let World {
        app,
        chief,
        author,
        post,
        ..
    } = world().await;
    let reply = reply_to(&app, &author, post, "A reply that stays").await;
    // An answer under it keeps its place in the thread once it is removed.
    call(
        &app,
        "comments/create",
        &[
            ("post_id", &post.to_string()),
            ("parent_id", &reply.to_string()),
            ("body", "An answer"),
        ],
        &author.cookies,
    )
    .await;
    for (action, reason, comment, needle) in [
        ("remove", "", None, "reason"),
        ("remove", "  x ", None, "reason"),
        ("ban", "For testing", None, "not an action"),
        (
            "restore",
            "Nothing to restore",
            None,
            "Only content moderators removed",
        ),
        ("lock", "Replies are not locked", Some(reply), "post is"),
        ("unpin", "Not pinned", None, "already unpinned"),
    ] {
        let refused = act(&app, &chief, post, comment, action, reason).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{action}: {}",
            refused.body
        );
        assert!(refused.body.contains(needle), "{action}: {}", refused.body);
    }
    let long = "x".repeat(501);
    let refused = act(&app, &chief, post, None, "remove", &long).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let missing = act(&app, &chief, 999_999, None, "remove", "Not there").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.body);
    let wrong_post = act(&app, &chief, 999_999, Some(reply), "remove", "Not there").await;
    assert_eq!(
        wrong_post.status,
        StatusCode::NOT_FOUND,
        "{}",
        wrong_post.body
    );
    assert_eq!(
        count(&app, "select count(*) from app.moderation_log").await,
        0
    );

    // A reply removed once cannot be removed again; the second try changes nothing.
    let done = act(&app, &chief, post, Some(reply), "remove", "Unkind words").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let again = act(&app, &chief, post, Some(reply), "remove", "Unkind words").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
    assert!(again.body.contains("already removed"), "{}", again.body);
    assert_eq!(
        count(&app, "select count(*) from app.moderation_log").await,
        1
    );
    let (_, html) = page(&app, &post_page("gardens", post), "").await;
    assert!(
        html.contains("This reply was removed by the moderators"),
        "{html}"
    );
    assert!(!html.contains("A reply that stays"));

    // Reports: an unknown reason, "something else" without words, one's own post.
    let refused = report(&app, &author, "post", &post.to_string(), "because").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let refused = call(
        &app,
        "moderation/report",
        &[
            ("target", "post"),
            ("id", &post.to_string()),
            ("reason", "other"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let refused = report(&app, &author, "post", &post.to_string(), "spam").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("can't be reported"),
        "{}",
        refused.body
    );
    let refused = report(&app, &author, "post", "999999", "spam").await;
    assert_ne!(refused.status, StatusCode::OK, "{}", refused.body);
    assert_eq!(count(&app, "select count(*) from app.reports").await, 0);
}

/// Guard → change → log row → notices run in one transaction: a failure at the log row
/// (injected here with a trigger) leaves the post as it was, and no notice or report
/// settled.
#[tokio::test]
async fn a_failure_after_the_change_leaves_no_change_and_no_log_row() {
    let World {
        app,
        chief,
        reporter,
        post,
        ..
    } = world().await;
    report(&app, &reporter, "post", &post.to_string(), "spam").await;
    sqlx::raw_sql(
        "create function app.fail_log() returns trigger language plpgsql as
           $$ begin raise exception 'injected failure'; end $$;
         create trigger fail_log before insert on app.moderation_log
           for each row execute function app.fail_log();",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let failed = act(
        &app,
        &chief,
        post,
        None,
        "remove",
        "Advertising is not allowed",
    )
    .await;
    assert_eq!(
        failed.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        failed.body
    );
    assert_eq!(count(&app, "select count(*) from app.posts where deleted_at is null and removed_at is null and body <> ''").await, 1);
    assert_eq!(
        count(&app, "select count(*) from app.removed_texts").await,
        0
    );
    assert_eq!(
        count(&app, "select count(*) from app.moderation_log").await,
        0
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.reports where status = 'open'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.notifications where kind in ('moderation', 'report_outcome')"
        )
        .await,
        0
    );
    sqlx::raw_sql("drop trigger fail_log on app.moderation_log; drop function app.fail_log();")
        .execute(&app.pool)
        .await
        .unwrap();
    let done = act(
        &app,
        &chief,
        post,
        None,
        "remove",
        "Advertising is not allowed",
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
}

#[tokio::test]
async fn dismissals_weigh_against_a_reporters_accuracy_and_at_risk_reports_go_first() {
    let World {
        app,
        chief,
        author,
        reporter,
        post,
    } = world().await;
    let careful = member(&app, "careful", "Careful Reader").await;
    let second = write_post(
        &app,
        &author,
        "gardens",
        "Sleep tips",
        "Dim the lights early.",
    )
    .await;
    let third = write_post(
        &app,
        &author,
        "gardens",
        "Morning walk",
        "Ten minutes outside.",
    )
    .await;

    // The reporter's report of `second` is dismissed: their weight falls to 1/3.
    report(
        &app,
        &reporter,
        "post",
        &second.to_string(),
        "misinformation",
    )
    .await;
    let dismissed = call(
        &app,
        "moderation/settle",
        &[
            ("target_key", &format!("post:{second}")),
            ("outcome", "dismissed"),
            ("reason", "Sound advice"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(dismissed.status, StatusCode::OK, "{}", dismissed.body);
    let told = json(
        &call(
            &app,
            "notifications/list",
            &[("cursor", "")],
            &reporter.cookies,
        )
        .await,
    );
    assert_eq!(told["items"][0]["moderation"]["action"], "dismissed");
    // Settling again: nothing open any more.
    let again = call(
        &app,
        "moderation/settle",
        &[
            ("target_key", &format!("post:{second}")),
            ("outcome", "ignored"),
            ("reason", "Again"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);

    // One report each on two posts: the careful newcomer's (1/2) outweighs the dismissed
    // reporter's (1/3); an at-risk report comes before both.
    report(&app, &reporter, "post", &post.to_string(), "spam").await;
    report(&app, &careful, "post", &third.to_string(), "off_topic").await;
    let at_risk = report(&app, &careful, "post", &second.to_string(), "at_risk").await;
    assert_eq!(at_risk.status, StatusCode::OK, "{}", at_risk.body);
    let queue = json(&call(&app, "moderation/queue", &[], &chief.cookies).await);
    let order: Vec<&str> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["target_key"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        vec![
            format!("post:{second}"),
            format!("post:{third}"),
            format!("post:{post}")
        ]
    );
    assert_eq!(queue["items"][0]["at_risk"], true);
    let weight = queue["items"][2]["score"].as_f64().unwrap();
    assert!((weight - 1.0 / 3.0).abs() < 0.001, "{weight}");

    // The at-risk report is staff's outreach: a circle moderator does not see it, and a
    // removal of the post does not settle it.
    let keeper = circle_moderator(&app, "gardenkeep", "gardens").await;
    let theirs = json(&call(&app, "moderation/queue", &[], &keeper.cookies).await);
    let keys: Vec<&str> = theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["target_key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        vec![format!("post:{third}"), format!("post:{post}")],
        "{theirs}"
    );
    let hidden = act(
        &app,
        &chief,
        second,
        None,
        "hide",
        "Checking in with the author",
    )
    .await;
    assert_eq!(hidden.status, StatusCode::OK, "{}", hidden.body);
    assert_eq!(
        count(
            &app,
            &format!(
                "select count(*) from app.posts where id = {second} and removed_at is not null"
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.reports where reason = 'at_risk' and status = 'open'"
        )
        .await,
        1
    );

    // The thank-you page after an at-risk report shows where to find help.
    let (status, html) = page(&app, "/report/thanks?at_risk=1&back=/", &careful.cookies).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"crisis-resources\""), "{html}");
    assert!(html.contains("988"));
}

/// The moderation log and the audit log refuse UPDATE and DELETE even to the database
/// owner the migrations run as, so no role the app uses can rewrite history.
#[tokio::test]
async fn the_moderation_and_audit_logs_are_append_only_for_every_role() {
    let World {
        app, chief, post, ..
    } = world().await;
    act(&app, &chief, post, None, "lock", "Quiet for a while").await;
    for sql in [
        "update app.moderation_log set reason = 'rewritten'",
        "delete from app.moderation_log",
        "truncate app.moderation_log",
        "update auth.audit_log set event = 'rewritten'",
        "delete from auth.audit_log",
        "truncate auth.audit_log",
    ] {
        let refused = sqlx::query(sql).execute(&app.pool).await;
        assert!(refused.is_err(), "{sql} was allowed");
    }
    assert_eq!(
        count(
            &app,
            "select count(*) from app.moderation_log where reason = 'Quiet for a while'"
        )
        .await,
        1
    );
}

/// Row Level Security on the new tables, allowed and denied, whatever the app asks.
#[tokio::test]
async fn reports_removed_texts_and_the_log_are_read_only_by_those_concerned() {
    let World {
        app,
        chief,
        author,
        reporter,
        post,
    } = world().await;
    report(&app, &reporter, "post", &post.to_string(), "spam").await;
    act(&app, &chief, post, None, "remove", "Advertising").await;
    let pool = app.state.pool.clone();
    let (author_id, reporter_id, chief_id) = (
        user_id(&app, &author.handle).await,
        user_id(&app, &reporter.handle).await,
        user_id(&app, &chief.handle).await,
    );
    let read = |who: Uuid, role: &'static str, sql: &'static str| {
        let pool = pool.clone();
        async move {
            let mut tx = scoped::begin(&pool, &signed_in(who, role)).await.unwrap();
            let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut *tx).await.unwrap();
            tx.rollback().await.unwrap();
            n
        }
    };
    // Reports: the reporter and staff; not the reported author.
    assert_eq!(
        read(reporter_id, "member", "select count(*) from app.reports").await,
        1
    );
    assert_eq!(
        read(author_id, "member", "select count(*) from app.reports").await,
        0
    );
    assert_eq!(
        read(chief_id, "admin", "select count(*) from app.reports").await,
        1
    );
    // Removed words: staff only.
    assert_eq!(
        read(
            author_id,
            "member",
            "select count(*) from app.removed_texts"
        )
        .await,
        0
    );
    assert_eq!(
        read(chief_id, "admin", "select count(*) from app.removed_texts").await,
        1
    );
    // The full log: staff only.
    assert_eq!(
        read(
            reporter_id,
            "member",
            "select count(*) from app.moderation_log"
        )
        .await,
        0
    );
    assert_eq!(
        read(chief_id, "admin", "select count(*) from app.moderation_log").await,
        1
    );
    // A member cannot file a report in someone else's name, nor write the log.
    let mut tx = scoped::begin(&pool, &signed_in(reporter_id, "member"))
        .await
        .unwrap();
    let forged = sqlx::query(
        "insert into app.reports (reporter_id, target, member_id, reason) values ($1, 'member', $2, 'spam')",
    )
    .bind(author_id)
    .bind(chief_id)
    .execute(&mut *tx)
    .await;
    assert!(forged.is_err(), "a report in another member's name");
    drop(tx);
    let mut tx = scoped::begin(&pool, &signed_in(reporter_id, "member"))
        .await
        .unwrap();
    let forged =
        sqlx::query("insert into app.moderation_log (action, reason) values ('lock', 'forged')")
            .execute(&mut *tx)
            .await;
    assert!(forged.is_err(), "a member wrote the log");
    drop(tx);
    // Nor settle reports or act by calling the functions directly.
    let mut tx = scoped::begin(&pool, &signed_in(reporter_id, "member"))
        .await
        .unwrap();
    let acted = sqlx::query("select app.moderate('restore', $1, null, 'I want it back')")
        .bind(post)
        .execute(&mut *tx)
        .await;
    assert!(acted.is_err(), "a member acted");
    drop(tx);
    let mut tx = scoped::begin(&pool, &signed_in(reporter_id, "member"))
        .await
        .unwrap();
    let settled = sqlx::query("select app.settle_reports($1, 'dismissed', 'Nothing wrong')")
        .bind(format!("post:{post}"))
        .execute(&mut *tx)
        .await;
    assert!(settled.is_err(), "a member settled reports");
    drop(tx);

    // Another circle's moderator reads none of it.
    create_circle(&app, &chief, "rivers", "public", false).await;
    let elsewhere = circle_moderator(&app, "riverkeep", "rivers").await;
    let elsewhere_id = user_id(&app, &elsewhere.handle).await;
    for sql in [
        "select count(*) from app.reports",
        "select count(*) from app.removed_texts",
        "select count(*) from app.moderation_log",
    ] {
        assert_eq!(read(elsewhere_id, "member", sql).await, 0, "{sql}");
    }
}

/// A circle moderator never handles what they wrote: they do not see its reports (nor who
/// filed them), and cannot act on it or settle them; site staff can.
#[tokio::test]
async fn moderators_do_not_handle_their_own_posts() {
    let World {
        app,
        chief,
        reporter,
        ..
    } = world().await;
    let keeper = circle_moderator(&app, "gardenkeep", "gardens").await;
    let own = write_post(
        &app,
        &keeper,
        "gardens",
        "My own words",
        "Written by the keeper.",
    )
    .await;
    let filed = report(&app, &reporter, "post", &own.to_string(), "harassment").await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    let queue = json(&call(&app, "moderation/queue", &[], &keeper.cookies).await);
    assert_eq!(queue["open_targets"], 0, "{queue}");
    let refused = act(&app, &keeper, own, None, "lock", "Closing my own thread").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let refused = call(
        &app,
        "moderation/settle",
        &[
            ("target_key", &format!("post:{own}")),
            ("outcome", "dismissed"),
            ("reason", "It is fine"),
        ],
        &keeper.cookies,
    )
    .await;
    assert_ne!(refused.status, StatusCode::OK, "{}", refused.body);
    assert_eq!(
        count(
            &app,
            "select count(*) from app.reports where status = 'open'"
        )
        .await,
        1
    );
    // Site staff see it and decide; the dismissal stays out of the public log.
    let queue = json(&call(&app, "moderation/queue", &[], &chief.cookies).await);
    assert_eq!(queue["open_targets"], 1);
    let dismissed = call(
        &app,
        "moderation/settle",
        &[
            ("target_key", &format!("post:{own}")),
            ("outcome", "dismissed"),
            ("reason", "Robust, not harassment"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(dismissed.status, StatusCode::OK, "{}", dismissed.body);
    let public = json(&call(&app, "moderation/log", &[], "").await);
    assert_eq!(public["entries"].as_array().unwrap().len(), 0, "{public}");
    let staff = json(&call(&app, "moderation/staff-log", &[], &chief.cookies).await);
    assert_eq!(staff["entries"][0]["action"], "dismiss_reports", "{staff}");
    // Not even the line in the circle's staff log tells the keeper their post was reported.
    let theirs = json(&call(&app, "moderation/staff-log", &[], &keeper.cookies).await);
    assert_eq!(theirs["entries"].as_array().unwrap().len(), 0, "{theirs}");
}

#[tokio::test]
async fn members_and_replies_can_be_reported_and_the_report_page_shows_what() {
    let World {
        app,
        author,
        reporter,
        post,
        ..
    } = world().await;
    let reply = reply_to(&app, &author, post, "Unkind words here").await;
    let filed = report(&app, &reporter, "comment", &reply.to_string(), "harassment").await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    let filed = report(&app, &reporter, "member", "@fernleaf", "spam").await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    assert_eq!(
        count(
            &app,
            "select count(*) from app.reports where circle_id is not null and target = 'comment'"
        )
        .await,
        1
    );
    let (status, html) = page(
        &app,
        &format!("/report?target=comment&id={reply}"),
        &reporter.cookies,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Unkind words here"), "{html}");
    assert!(html.contains("Someone may be at risk"));
    // Without a `back`, the form returns to where the reply lives.
    assert!(html.contains(&format!("#comment-{reply}\"")), "{html}");
    // Visitors are asked to sign in first.
    let (_, html) = page(&app, &format!("/report?target=post&id={post}"), "").await;
    assert!(html.contains("sign-in-prompt"), "{html}");
}

/// Staff notes: site staff read and add them on a member's profile; members and circle
/// moderators never see them, and the database refuses them too.
#[tokio::test]
async fn staff_notes_are_for_site_staff_only() {
    let World {
        app,
        chief,
        author,
        reporter,
        ..
    } = world().await;
    let keeper = circle_moderator(&app, "gardenkeep", "gardens").await;
    let added = call(
        &app,
        "moderation/add-note",
        &[
            ("handle", "@fernleaf"),
            ("body", "Warned about selling remedies."),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let notes = json(
        &call(
            &app,
            "moderation/notes",
            &[("handle", "fernleaf")],
            &chief.cookies,
        )
        .await,
    );
    assert_eq!(notes[0]["body"], "Warned about selling remedies.");
    assert!(notes[0]["author"].as_str().unwrap().contains("@chiefly"));
    let (_, html) = page(&app, "/u/fernleaf", &chief.cookies).await;
    assert!(html.contains("Warned about selling remedies."), "{html}");

    // Members (the noted member included) and a circle's moderator: nothing shown, refused.
    for who in [&author, &reporter, &keeper] {
        let notes = call(
            &app,
            "moderation/notes",
            &[("handle", "fernleaf")],
            &who.cookies,
        )
        .await;
        assert_eq!(json(&notes), serde_json::Value::Null, "{}", notes.body);
        let (_, html) = page(&app, "/u/fernleaf", &who.cookies).await;
        assert!(!html.contains("Warned about selling remedies."));
        let refused = call(
            &app,
            "moderation/add-note",
            &[("handle", "fernleaf"), ("body", "Sneaky")],
            &who.cookies,
        )
        .await;
        assert_ne!(refused.status, StatusCode::OK, "{}", refused.body);
    }
    let empty = call(
        &app,
        "moderation/add-note",
        &[("handle", "fernleaf"), ("body", "  ")],
        &chief.cookies,
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST, "{}", empty.body);
    assert_eq!(count(&app, "select count(*) from app.staff_notes").await, 1);

    // The database itself: a member's session reads none and writes none.
    let pool = app.state.pool.clone();
    let member = user_id(&app, &reporter.handle).await;
    let mut tx = scoped::begin(&pool, &signed_in(member, "member"))
        .await
        .unwrap();
    let seen: i64 = sqlx::query_scalar("select count(*) from app.staff_notes")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(seen, 0);
    let written = sqlx::query(
        "insert into app.staff_notes (member_id, author_id, body) values ($1, $1, 'forged')",
    )
    .bind(member)
    .execute(&mut *tx)
    .await;
    assert!(written.is_err());
}

/// Without JavaScript, a refused decision comes back to its page with the reason in words:
/// the post page's "Moderate" form, the review queue, and the staff log's "restore".
#[tokio::test]
async fn refused_plain_form_decisions_say_why_on_their_page() {
    use crate::identity_no_js::{location, post_without_js};
    let World {
        app,
        chief,
        post,
        reporter,
        ..
    } = world().await;
    let id = post.to_string();
    let post_page = post_page("gardens", post);
    let refusals = [
        // (from page, endpoint, form, the words it must show)
        (
            post_page.as_str(),
            "moderation/act",
            vec![
                ("post", id.as_str()),
                ("action", "unpin"),
                ("reason", "Not pinned yet"),
            ],
            "already unpinned",
        ),
        (
            "/admin/queue",
            "moderation/settle",
            vec![
                ("target_key", "post:999999"),
                ("outcome", "dismissed"),
                ("reason", "Gone already"),
            ],
            "no open reports",
        ),
        (
            "/admin/modlog",
            "moderation/act",
            vec![
                ("post", id.as_str()),
                ("action", "restore"),
                ("reason", "Bring it back"),
            ],
            "Only content moderators removed",
        ),
    ];
    report(&app, &reporter, "post", &id, "spam").await;
    for (from, endpoint, form, words) in refusals {
        let refused = post_without_js(&app, endpoint, &form, &chief.cookies, from).await;
        let back = location(&refused);
        assert!(back.contains("__err="), "{endpoint} from {from}: {back}");
        let (_, html) = page(&app, back.trim_start_matches(&app.address), &chief.cookies).await;
        assert!(
            html.contains(words),
            "{endpoint} from {from} does not say {words:?}"
        );
    }
    assert_eq!(
        count(&app, "select count(*) from app.moderation_log").await,
        0
    );
}
