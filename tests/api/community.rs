//! The community core through HTTP, as members' browsers use it: circles, posts, comments,
//! reactions, bookmarks, feeds, search and profiles; who may see what (private circles,
//! sealed anonymous authors); what members' text may contain once served.

use crate::helpers::{TestApp, spawn_app};
use crate::identity::{PASSWORD, Reply, bare_client, mailed_token};
use reqwest::{StatusCode, header};
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// Members and calls
// ---------------------------------------------------------------------------------------

/// A signed-in member: their handle, display name and session cookies.
pub(crate) struct Member {
    pub(crate) handle: String,
    pub(crate) name: String,
    pub(crate) cookies: String,
}

/// Calls a server function as the browser does: a same-origin form post.
pub(crate) async fn call(
    app: &TestApp,
    endpoint: &str,
    form: &[(&str, &str)],
    cookies: &str,
) -> Reply {
    let mut request = bare_client()
        .post(format!("{}/api/{endpoint}", app.address))
        .header(header::ORIGIN, app.address.as_str())
        .form(form);
    if !cookies.is_empty() {
        request = request.header(header::COOKIE, cookies);
    }
    let response = request.send().await.unwrap();
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// A page as the member (or, with no cookies, a visitor) would load it.
pub(crate) async fn page(app: &TestApp, path: &str, cookies: &str) -> (StatusCode, String) {
    let mut request = bare_client().get(format!("{}{path}", app.address));
    if !cookies.is_empty() {
        request = request.header(header::COOKIE, cookies);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// Signs up, confirms by the mailed link and signs in.
pub(crate) async fn member(app: &TestApp, handle: &str, name: &str) -> Member {
    let email = format!("{handle}@example.org");
    let reply = call(
        app,
        "auth/signup",
        &[
            ("email", &email),
            ("password", PASSWORD),
            ("handle", handle),
            ("display_name", name),
        ],
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "sign-up: {}", reply.body);
    let token = mailed_token(app, &email, "/verify").await.unwrap();
    let reply = call(
        app,
        "auth/verify",
        &[("token", &token)],
        &reply.confirm_cookie(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "verify: {}", reply.body);
    sign_in(app, handle, name).await
}

/// Signs the member in again (a new session, with their current role in its token).
pub(crate) async fn sign_in(app: &TestApp, handle: &str, name: &str) -> Member {
    let email = format!("{handle}@example.org");
    let reply = call(
        app,
        "auth/login",
        &[("email", &email), ("password", PASSWORD)],
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "sign-in: {}", reply.body);
    let cookies = format!(
        "ws_access={}; ws_refresh={}",
        reply.set_cookie("ws_access").unwrap(),
        reply.set_cookie("ws_refresh").unwrap()
    );
    Member {
        handle: handle.to_owned(),
        name: name.to_owned(),
        cookies,
    }
}

/// A member made a site admin, signed in again so their token carries `app_role=admin`, with
/// two-step sign-in on (staff powers need a session that passed it).
pub(crate) async fn admin(app: &TestApp, handle: &str, name: &str) -> Member {
    member(app, handle, name).await;
    sqlx::query("update auth.users set role = 'admin' where email = $1")
        .bind(format!("{handle}@example.org"))
        .execute(&app.pool)
        .await
        .unwrap();
    with_second_factor(app, sign_in(app, handle, name).await).await
}

/// The member's browser after turning two-step sign-in on (its session is then aal2).
pub(crate) async fn with_second_factor(app: &TestApp, who: Member) -> Member {
    let cookies = crate::identity::second_factor_on(app, &who.cookies).await;
    Member { cookies, ..who }
}

/// Locks a post as site staff would (there is no endpoint for it yet; the guard trigger
/// refuses the change to anyone else, the owner included).
async fn lock(app: &TestApp, post: i64) {
    // As the owner with an admin's claims: members' sessions no longer update `locked`
    // themselves (moderation goes through `app.moderate`), and the guard trigger still asks
    // the claims who is locking.
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("select set_config('request.jwt.claims', $1, true)")
        .bind(serde_json::json!({ "sub": uuid::Uuid::nil(), "role": "authenticated", "app_role": "admin" }).to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let locked = sqlx::query("update app.posts set locked = true where id = $1")
        .bind(post)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(locked.rows_affected(), 1);
    tx.commit().await.unwrap();
}

pub(crate) async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

pub(crate) fn json(reply: &Reply) -> Value {
    serde_json::from_str(&reply.body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", reply.status, reply.body))
}

/// The message for `field` when the reply is a validation error (`AppError::Invalid`).
pub(crate) fn field_error(reply: &Reply, field: &str) -> Option<String> {
    json(reply)["Invalid"].as_array()?.iter().find_map(|pair| {
        (pair[0] == field).then(|| pair[1].as_str().unwrap_or_default().to_owned())
    })
}

pub(crate) async fn create_circle(
    app: &TestApp,
    admin: &Member,
    slug: &str,
    visibility: &str,
    support: bool,
) {
    let mut form = vec![
        ("slug", slug),
        ("name", slug),
        ("description", "A gentle place."),
        ("visibility", visibility),
    ];
    if support {
        form.push(("is_support", "on"));
    }
    let reply = call(app, "circles/create", &form, &admin.cookies).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "create circle: {}",
        reply.body
    );
}

pub(crate) async fn join(app: &TestApp, who: &Member, slug: &str) -> Reply {
    call(app, "circles/join", &[("slug", slug)], &who.cookies).await
}

/// The id of the post a `posts/create` reply opened (its redirect location).
pub(crate) fn created_post_id(reply: &Reply) -> i64 {
    assert_eq!(reply.status, StatusCode::OK, "create post: {}", reply.body);
    let location = reply
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no location in {:?}", reply.headers));
    let segment = location.split("/p/").nth(1).unwrap();
    segment.split('-').next().unwrap().parse().unwrap()
}

pub(crate) async fn write_post(
    app: &TestApp,
    who: &Member,
    circle: &str,
    title: &str,
    body: &str,
) -> i64 {
    let reply = call(
        app,
        "posts/create",
        &[("circle", circle), ("title", title), ("body", body)],
        &who.cookies,
    )
    .await;
    created_post_id(&reply)
}

async fn get_post(app: &TestApp, cookies: &str, id: i64) -> Reply {
    call(app, "posts/get", &[("id", &id.to_string())], cookies).await
}

/// The post's page path as its circle's slug and id (the title part is decoration).
pub(crate) fn post_page(circle: &str, id: i64) -> String {
    format!("/c/{circle}/p/{id}")
}

async fn react(app: &TestApp, cookies: &str, post: i64, kind: &str) -> Reply {
    call(
        app,
        "reactions/toggle",
        &[
            ("target", "post"),
            ("id", &post.to_string()),
            ("kind", kind),
        ],
        cookies,
    )
    .await
}

/// The opening tags in `html` (lower-cased, without the brackets). Escaped text such as
/// `&lt;script&gt;` is not a tag and is harmless, so it is not listed.
fn tags(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        if after.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let end = after.find('>').unwrap_or(after.len());
            found.push(after[..end].to_lowercase());
            rest = &after[end..];
        } else {
            rest = after;
        }
    }
    found
}

/// No markup in `html` would run the test's payloads: no script tag carrying them, no
/// javascript: URL and no event handler in any tag.
#[track_caller]
fn assert_inert(html: &str, what: &str) {
    if let Some(at) = html.to_lowercase().find("<script>alert") {
        let around: String = html[at.saturating_sub(300)..].chars().take(600).collect();
        panic!("{what}: a script tag was served: …{around}…");
    }
    for tag in tags(html) {
        assert!(
            !tag.contains("javascript:") && !tag.contains("alert("),
            "{what}: live markup <{tag}>"
        );
    }
}

fn feed_ids(feed: &Value) -> Vec<i64> {
    feed["posts"]
        .as_array()
        .unwrap_or_else(|| panic!("no posts in {feed}"))
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Circles, posts, comments, reactions, bookmarks
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_admin_creates_a_circle_that_members_join_and_a_member_cannot_create_one() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;

    let denied = call(
        &app,
        "circles/create",
        &[
            ("slug", "by-member"),
            ("name", "By a member"),
            ("description", ""),
            ("visibility", "public"),
        ],
        &fern.cookies,
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.body);
    assert_eq!(count(&app, "select count(*) from app.circles").await, 0);

    let reply = call(
        &app,
        "circles/create",
        &[
            ("slug", "morning-pages"),
            ("name", "Morning pages"),
            ("description", "Write three pages, every morning."),
            ("visibility", "public"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.headers.get(header::LOCATION).unwrap(),
        "/c/morning-pages"
    );
    // The creator is its first moderator.
    let (role, status): (String, String) = sqlx::query_as(
        "select m.role, m.status from app.circle_members m join app.circles c on c.id = m.circle_id
          where c.slug = 'morning-pages'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((role.as_str(), status.as_str()), ("moderator", "active"));

    let joined = join(&app, &fern, "morning-pages").await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    assert_eq!(json(&joined), "member");
    let circle = json(
        &call(
            &app,
            "circles/get",
            &[("slug", "morning-pages")],
            &fern.cookies,
        )
        .await,
    );
    assert_eq!(circle["circle"]["member_count"], 2);
    assert_eq!(circle["circle"]["membership"], "member");
    assert_eq!(circle["can_post"], true);
    // Joining twice changes nothing.
    join(&app, &fern, "morning-pages").await;
    assert_eq!(
        count(&app, "select count(*) from app.circle_members").await,
        2
    );
}

#[tokio::test]
async fn bad_community_input_gets_a_400_naming_the_field_and_changes_nothing() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    let post = write_post(&app, &chief, "morning-pages", "First light", "Hello.").await;
    let before = |app: &TestApp| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, Vec<i64>>(
                "select array[(select count(*) from app.circles), (select count(*) from app.posts),
                              (select count(*) from app.comments), (select count(*) from app.post_revisions)]",
            )
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let unchanged = before(&app).await;

    let long_name = "n".repeat(61);
    let circle_cases: [(&str, &str, &str, &str); 5] = [
        ("<script>alert(1)</script>", "Scripted", "public", "slug"),
        ("Morning Pages", "Morning pages", "public", "slug"),
        ("evening-pages", "", "public", "name"),
        ("evening-pages", &long_name, "public", "name"),
        ("evening-pages", "Evening pages", "secret", "visibility"),
    ];
    for (slug, name, visibility, field) in circle_cases {
        let reply = call(
            &app,
            "circles/create",
            &[
                ("slug", slug),
                ("name", name),
                ("description", ""),
                ("visibility", visibility),
            ],
            &chief.cookies,
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{field}: {}",
            reply.body
        );
        assert!(
            field_error(&reply, field).is_some(),
            "{field}: {}",
            reply.body
        );
    }
    // A slug already in use is named too.
    let taken = call(
        &app,
        "circles/create",
        &[
            ("slug", "morning-pages"),
            ("name", "Again"),
            ("description", ""),
            ("visibility", "public"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert!(field_error(&taken, "slug").is_some(), "{}", taken.body);

    let long_title = "t".repeat(201);
    let long_body = "b".repeat(20_001);
    let long_warning = "w".repeat(121);
    let post_cases: [(&str, &str, &str, &str); 6] = [
        ("", "Some words.", "", "title"),
        (&long_title, "Some words.", "", "title"),
        ("Hidden\u{202E}txt", "Some words.", "", "title"),
        ("A title", "   \n  ", "", "body"),
        ("A title", &long_body, "", "body"),
        ("A title", "Some words.", &long_warning, "content_warning"),
    ];
    for (title, body, warning, field) in post_cases {
        let reply = call(
            &app,
            "posts/create",
            &[
                ("circle", "morning-pages"),
                ("title", title),
                ("body", body),
                ("content_warning", warning),
            ],
            &chief.cookies,
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{field}: {}",
            reply.body
        );
        assert!(
            field_error(&reply, field).is_some(),
            "{field}: {}",
            reply.body
        );
    }
    // Editing with bad input is refused the same way.
    let reply = call(
        &app,
        "posts/edit",
        &[
            ("id", &post.to_string()),
            ("title", ""),
            ("body", "Still here."),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(field_error(&reply, "title").is_some(), "{}", reply.body);

    let long_comment = "c".repeat(10_001);
    for body in ["", " \n ", long_comment.as_str()] {
        let reply = call(
            &app,
            "comments/create",
            &[("post_id", &post.to_string()), ("body", body)],
            &chief.cookies,
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
        assert!(field_error(&reply, "body").is_some(), "{}", reply.body);
    }

    // An unknown circle is not found (the same answer a private circle gives outsiders).
    let reply = call(
        &app,
        "posts/create",
        &[
            ("circle", "no-such-circle"),
            ("title", "A title"),
            ("body", "Some words."),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);

    // A malformed page cursor is a kind 400, wherever it is given.
    for (endpoint, form) in [
        ("feeds/site", vec![("kind", "latest"), ("cursor", "abc")]),
        // Well-formed but absurd: a time past what PostgreSQL's intervals hold.
        (
            "feeds/site",
            vec![("kind", "latest"), ("cursor", "9223372036854775807.5")],
        ),
        (
            "feeds/site",
            vec![("kind", "top"), ("cursor", "-9223372036854775807.5")],
        ),
        (
            "feeds/circle",
            vec![("slug", "morning-pages"), ("cursor", "abc")],
        ),
        ("bookmarks/list", vec![("cursor", "abc")]),
        (
            "profiles/get",
            vec![("handle", "chiefly"), ("cursor", "1;drop table app.posts")],
        ),
    ] {
        let reply = call(&app, endpoint, &form, &chief.cookies).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{endpoint}: {}",
            reply.body
        );
        assert!(
            json(&reply)["BadRequest"]
                .as_str()
                .is_some_and(|m| m.contains("page link")),
            "{endpoint}: {}",
            reply.body
        );
    }
    assert_eq!(before(&app).await, unchanged);
    let title: String = sqlx::query_scalar("select title from app.posts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(title, "First light");
}

#[tokio::test]
async fn members_post_comment_and_reply_in_a_circle_they_have_joined() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    let moss = member(&app, "mossbank", "Moss Bank").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;
    join(&app, &moss, "morning-pages").await;

    let post = write_post(
        &app,
        &fern,
        "morning-pages",
        "  First light  ",
        "Three pages before coffee.",
    )
    .await;
    let detail = json(&get_post(&app, &moss.cookies, post).await);
    assert_eq!(detail["summary"]["title"], "First light", "trimmed");
    assert_eq!(detail["summary"]["author"]["handle"], "fernleaf");
    assert_eq!(detail["can_comment"], true);
    assert_eq!(detail["viewer_is_author"], false);
    assert_eq!(detail["body_source"], "", "only the author gets the source");

    let top = call(
        &app,
        "comments/create",
        &[("post_id", &post.to_string()), ("body", "Same here.")],
        &moss.cookies,
    )
    .await;
    assert_eq!(top.status, StatusCode::OK, "{}", top.body);
    let top_path = json(&top).as_str().unwrap().to_owned();
    assert!(
        top_path.starts_with(&format!("/c/morning-pages/p/{post}-first-light#comment-")),
        "{top_path}"
    );
    let top_id = top_path.rsplit('-').next().unwrap().to_owned();
    let reply = call(
        &app,
        "comments/create",
        &[
            ("post_id", &post.to_string()),
            ("parent_id", &top_id),
            ("body", "Glad to hear it."),
        ],
        &fern.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let thread = json(
        &call(
            &app,
            "comments/thread",
            &[("post_id", &post.to_string())],
            "",
        )
        .await,
    );
    let comments = thread["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 2, "{thread}");
    assert_eq!(comments[0]["depth"], 0);
    assert_eq!(comments[0]["author"]["handle"], "mossbank");
    assert_eq!(comments[1]["depth"], 1);
    assert_eq!(comments[1]["parent_id"].to_string(), top_id);
    assert_eq!(comments[1]["author"]["handle"], "fernleaf");
    // The page reads the post and the same thread in one call; an unknown root fails only
    // the thread, so the post still shows.
    let whole = json(&call(&app, "posts/page", &[("id", &post.to_string())], "").await);
    assert_eq!(whole["post"]["summary"]["id"], post, "{whole}");
    assert_eq!(
        whole["thread"]["Ok"]["comments"], thread["comments"],
        "{whole}"
    );
    let rooted = json(
        &call(
            &app,
            "posts/page",
            &[("id", &post.to_string()), ("root", "999999999")],
            "",
        )
        .await,
    );
    assert_eq!(rooted["post"]["summary"]["id"], post, "{rooted}");
    assert_eq!(rooted["thread"]["Err"], "NotFound", "{rooted}");
    let comment_count = json(&get_post(&app, "", post).await)["summary"]["comment_count"].clone();
    assert_eq!(comment_count, 2);

    // A reply to a comment on another post is refused.
    let other = write_post(&app, &fern, "morning-pages", "Second light", "More.").await;
    let stray = call(
        &app,
        "comments/create",
        &[
            ("post_id", &other.to_string()),
            ("parent_id", &top_id),
            ("body", "Wrong thread."),
        ],
        &fern.cookies,
    )
    .await;
    assert_eq!(stray.status, StatusCode::BAD_REQUEST, "{}", stray.body);
    assert_eq!(count(&app, "select count(*) from app.comments").await, 2);
}

#[tokio::test]
async fn reacting_twice_takes_the_reaction_back_and_only_members_react() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    let visitor = member(&app, "passerby", "Passer By").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;
    let post = write_post(&app, &chief, "morning-pages", "First light", "Hello.").await;
    let first = react(&app, &fern.cookies, post, "support").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let counts = json(&first);
    assert_eq!(counts["support"], 1);
    assert_eq!(counts["mine"], serde_json::json!(["support"]));
    let hug = json(&react(&app, &fern.cookies, post, "hug").await);
    assert_eq!(hug["support"], 1);
    assert_eq!(hug["hug"], 1);

    let second = json(&react(&app, &fern.cookies, post, "support").await);
    assert_eq!(second["support"], 0);
    assert_eq!(second["mine"], serde_json::json!(["hug"]));
    assert_eq!(
        count(
            &app,
            "select count(*) from app.post_reactions where kind = 'support'"
        )
        .await,
        0
    );
    let totals: (i32, i32) =
        sqlx::query_as("select support_count, hug_count from app.posts where id = $1")
            .bind(post)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(totals, (0, 1));

    // Someone who hasn't joined is asked to, and nothing is recorded.
    let refused = react(&app, &visitor.cookies, post, "support").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("join"), "{}", refused.body);
    let unknown = react(&app, &fern.cookies, post, "downvote").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
    assert_eq!(
        count(&app, "select count(*) from app.post_reactions").await,
        1
    );
}

#[tokio::test]
async fn members_bookmark_posts_and_list_only_their_own() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    let moss = member(&app, "mossbank", "Moss Bank").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    let post = write_post(&app, &chief, "morning-pages", "First light", "Hello.").await;
    let id = post.to_string();

    let saved = call(&app, "bookmarks/toggle", &[("post_id", &id)], &fern.cookies).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(json(&saved), true);
    let list = json(&call(&app, "bookmarks/list", &[("cursor", "")], &fern.cookies).await);
    assert_eq!(feed_ids(&list), vec![post]);
    assert_eq!(
        json(&get_post(&app, &fern.cookies, post).await)["bookmarked"],
        true
    );
    // Someone else's list stays theirs.
    let theirs = json(&call(&app, "bookmarks/list", &[("cursor", "")], &moss.cookies).await);
    assert!(feed_ids(&theirs).is_empty(), "{theirs}");
    // Visitors have no list.
    let visitor = call(&app, "bookmarks/list", &[("cursor", "")], "").await;
    assert_eq!(visitor.status, StatusCode::UNAUTHORIZED);

    let unsaved = call(&app, "bookmarks/toggle", &[("post_id", &id)], &fern.cookies).await;
    assert_eq!(json(&unsaved), false);
    let list = json(&call(&app, "bookmarks/list", &[("cursor", "")], &fern.cookies).await);
    assert!(feed_ids(&list).is_empty(), "{list}");
    assert_eq!(count(&app, "select count(*) from app.bookmarks").await, 0);

    // A post one cannot read cannot be saved: it does not exist for them.
    create_circle(&app, &chief, "inner-room", "private", false).await;
    let hidden = write_post(&app, &chief, "inner-room", "Inside", "Quiet words.").await;
    let refused = call(
        &app,
        "bookmarks/toggle",
        &[("post_id", &hidden.to_string())],
        &fern.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    assert_eq!(count(&app, "select count(*) from app.bookmarks").await, 0);
}

#[tokio::test]
async fn a_member_cannot_edit_another_members_post_even_calling_the_endpoint_directly() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    let moss = member(&app, "mossbank", "Moss Bank").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;
    join(&app, &moss, "morning-pages").await;
    let post = write_post(&app, &fern, "morning-pages", "First light", "My words.").await;
    let id = post.to_string();

    for who in [&moss, &chief] {
        let reply = call(
            &app,
            "posts/edit",
            &[
                ("id", &id),
                ("title", "Hijacked"),
                ("body", "Not my words."),
            ],
            &who.cookies,
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{}: {}",
            who.handle,
            reply.body
        );
        let deleted = call(&app, "posts/delete", &[("id", &id)], &who.cookies).await;
        assert_eq!(
            deleted.status,
            StatusCode::FORBIDDEN,
            "{}: {}",
            who.handle,
            deleted.body
        );
    }
    let (title, body, deleted): (String, String, bool) =
        sqlx::query_as("select title, body, deleted_at is not null from app.posts where id = $1")
            .bind(post)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (title.as_str(), body.as_str(), deleted),
        ("First light", "My words.", false)
    );
    assert_eq!(
        count(&app, "select count(*) from app.post_revisions").await,
        0
    );

    // The author may, and the old version is kept.
    let reply = call(
        &app,
        "posts/edit",
        &[
            ("id", &id),
            ("title", "First light, again"),
            ("body", "Better words."),
        ],
        &fern.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let detail = json(&get_post(&app, &moss.cookies, post).await);
    assert_eq!(detail["summary"]["title"], "First light, again");
    assert_eq!(detail["edited"], true);
    let kept: String = sqlx::query_scalar("select body from app.post_revisions")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(kept, "My words.");
}

#[tokio::test]
async fn only_the_author_edits_or_deletes_a_comment_and_a_deleted_post_leaves_the_feeds() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    let moss = member(&app, "mossbank", "Moss Bank").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;
    join(&app, &moss, "morning-pages").await;
    let post = write_post(&app, &fern, "morning-pages", "First light", "My words.").await;
    let made = call(
        &app,
        "comments/create",
        &[("post_id", &post.to_string()), ("body", "Lovely.")],
        &moss.cookies,
    )
    .await;
    let comment = json(&made)
        .as_str()
        .unwrap()
        .rsplit('-')
        .next()
        .unwrap()
        .to_owned();

    for who in [&fern, &chief] {
        let edit = call(
            &app,
            "comments/edit",
            &[("id", &comment), ("body", "Not what I said.")],
            &who.cookies,
        )
        .await;
        assert_eq!(
            edit.status,
            StatusCode::FORBIDDEN,
            "{}: {}",
            who.handle,
            edit.body
        );
        let delete = call(&app, "comments/delete", &[("id", &comment)], &who.cookies).await;
        assert_eq!(
            delete.status,
            StatusCode::FORBIDDEN,
            "{}: {}",
            who.handle,
            delete.body
        );
    }
    let body: String = sqlx::query_scalar("select body from app.comments")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(body, "Lovely.");
    let edit = call(
        &app,
        "comments/edit",
        &[("id", &comment), ("body", "Lovely indeed.")],
        &moss.cookies,
    )
    .await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
    let thread = json(
        &call(
            &app,
            "comments/thread",
            &[("post_id", &post.to_string())],
            "",
        )
        .await,
    );
    assert_eq!(thread["comments"][0]["edited"], true);
    assert!(
        thread["comments"][0]["body_html"]
            .as_str()
            .unwrap()
            .contains("Lovely indeed."),
        "{thread}"
    );

    // The author deletes the post: it leaves the feeds and the circle's count; the page says so.
    let deleted = call(
        &app,
        "posts/delete",
        &[("id", &post.to_string())],
        &fern.cookies,
    )
    .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let feed = json(
        &call(
            &app,
            "feeds/circle",
            &[("slug", "morning-pages"), ("cursor", "")],
            "",
        )
        .await,
    );
    assert!(feed_ids(&feed).is_empty(), "{feed}");
    let circle = json(&call(&app, "circles/get", &[("slug", "morning-pages")], "").await);
    assert_eq!(circle["circle"]["post_count"], 0);
    let detail = json(&get_post(&app, &moss.cookies, post).await);
    assert_eq!(detail["deleted"], true);
    assert_eq!(detail["body_html"], "");
    let (_, html) = page(&app, &post_page("morning-pages", post), "").await;
    assert!(html.contains("data-testid=\"post-deleted\""));
    assert!(!html.contains("My words."));
    // And takes no new comments.
    let late = call(
        &app,
        "comments/create",
        &[("post_id", &post.to_string()), ("body", "Hello?")],
        &moss.cookies,
    )
    .await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST, "{}", late.body);
}

#[tokio::test]
async fn a_content_warning_keeps_the_post_out_of_feed_excerpts() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "heavy-days", "public", true).await;
    let reply = call(
        &app,
        "posts/create",
        &[
            ("circle", "heavy-days"),
            ("title", "A hard anniversary"),
            ("body", "Grief arrives in waves this week."),
            ("content_warning", "grief"),
        ],
        &chief.cookies,
    )
    .await;
    let post = created_post_id(&reply);
    let feed = json(
        &call(
            &app,
            "feeds/circle",
            &[("slug", "heavy-days"), ("cursor", "")],
            "",
        )
        .await,
    );
    assert_eq!(feed["posts"][0]["id"], post);
    assert_eq!(feed["posts"][0]["content_warning"], "grief");
    assert_eq!(feed["posts"][0]["excerpt"], "");
    let found = call(&app, "search", &[("q", "waves")], "").await;
    assert!(!found.body.contains("Grief arrives"), "{}", found.body);
    let (_, html) = page(&app, "/c/heavy-days", "").await;
    assert!(
        !html.contains("Grief arrives"),
        "the circle page shows the warned text"
    );
    // The post page holds it behind the warning.
    let (_, html) = page(&app, &post_page("heavy-days", post), "").await;
    assert!(html.contains("data-testid=\"content-warning\""));
}

#[tokio::test]
async fn posting_in_a_circle_one_has_not_joined_is_refused_with_a_kind_message() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    let reply = call(
        &app,
        "posts/create",
        &[
            ("circle", "morning-pages"),
            ("title", "Hello"),
            ("body", "Hi all."),
        ],
        &fern.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(
        json(&reply)["BadRequest"],
        "Please join morning-pages before posting in it."
    );
    // A visitor is asked to sign in.
    let visitor = call(
        &app,
        "posts/create",
        &[
            ("circle", "morning-pages"),
            ("title", "Hello"),
            ("body", "Hi all."),
        ],
        "",
    )
    .await;
    assert_eq!(visitor.status, StatusCode::UNAUTHORIZED);
    assert_eq!(count(&app, "select count(*) from app.posts").await, 0);

    // Anonymous posts outside a support circle are refused even to members.
    join(&app, &fern, "morning-pages").await;
    let reply = call(
        &app,
        "posts/create",
        &[
            ("circle", "morning-pages"),
            ("title", "Hello"),
            ("body", "Hi all."),
            ("anonymous", "on"),
        ],
        &fern.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(field_error(&reply, "anonymous").is_some(), "{}", reply.body);
    assert_eq!(count(&app, "select count(*) from app.posts").await, 0);
}

#[tokio::test]
async fn commenting_on_a_locked_post_is_refused() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;
    let post = write_post(&app, &chief, "morning-pages", "Closed now", "Thanks all.").await;
    lock(&app, post).await;
    let detail = json(&get_post(&app, &fern.cookies, post).await);
    assert_eq!(detail["can_comment"], false);
    let reply = call(
        &app,
        "comments/create",
        &[("post_id", &post.to_string()), ("body", "One more thing.")],
        &fern.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.body.contains("locked"), "{}", reply.body);
    assert_eq!(count(&app, "select count(*) from app.comments").await, 0);
}

#[tokio::test]
async fn circle_moderators_pin_and_lock_posts_and_members_cannot() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;
    let post = write_post(&app, &fern, "morning-pages", "Pin me", "Please.").await;
    let id = post.to_string();

    // The author is not a moderator: refused, nothing changes.
    let refused = call(
        &app,
        "posts/moderate",
        &[
            ("id", &id),
            ("flag", "pinned"),
            ("on", "true"),
            ("reason", "Worth keeping in view"),
        ],
        &fern.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(
        count(
            &app,
            "select count(*) from app.posts where pinned or locked"
        )
        .await,
        0
    );

    // The circle's creator moderates it: pin, then lock.
    for flag in ["pinned", "locked"] {
        let done = call(
            &app,
            "posts/moderate",
            &[
                ("id", &id),
                ("flag", flag),
                ("on", "true"),
                ("reason", "Worth keeping in view"),
            ],
            &chief.cookies,
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    }
    let detail = json(&get_post(&app, &fern.cookies, post).await);
    assert_eq!(detail["summary"]["pinned"], true);
    assert_eq!(detail["summary"]["locked"], true);
    assert_eq!(detail["can_comment"], false);
    let feed = json(
        &call(
            &app,
            "feeds/circle",
            &[("slug", "morning-pages"), ("cursor", "")],
            &fern.cookies,
        )
        .await,
    );
    assert_eq!(feed["pinned"][0]["id"], post);

    // Unknown flags are a kind 400.
    let odd = call(
        &app,
        "posts/moderate",
        &[("id", &id), ("flag", "featured"), ("on", "true")],
        &chief.cookies,
    )
    .await;
    assert_eq!(odd.status, StatusCode::BAD_REQUEST, "{}", odd.body);
}

#[tokio::test]
async fn a_posts_edit_history_is_shown_to_circle_moderators_and_nobody_else() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    let reed = member(&app, "reedbank", "Reed Bank").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;
    join(&app, &reed, "morning-pages").await;
    let post = write_post(
        &app,
        &fern,
        "morning-pages",
        "First draft",
        "Original words.",
    )
    .await;
    let edited = call(
        &app,
        "posts/edit",
        &[
            ("id", &post.to_string()),
            ("title", "Second draft"),
            ("body", "Better words."),
        ],
        &fern.cookies,
    )
    .await;
    assert!(
        edited.status.is_success() || edited.status.is_redirection(),
        "{}",
        edited.body
    );

    let as_moderator = json(&get_post(&app, &chief.cookies, post).await);
    assert_eq!(as_moderator["summary"]["title"], "Second draft");
    assert_eq!(as_moderator["revisions"][0]["title"], "First draft");
    assert_eq!(as_moderator["revisions"][0]["body"], "Original words.");
    for who in [&fern, &reed] {
        let seen = json(&get_post(&app, &who.cookies, post).await);
        assert_eq!(
            seen["revisions"],
            serde_json::json!([]),
            "only moderators see history"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Who sees what
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn private_circle_posts_are_invisible_to_non_members_in_feeds_search_profiles_and_links() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let outsider = member(&app, "outsider", "Out Sider").await;
    let asker = member(&app, "askerly", "Ask Early").await;
    create_circle(&app, &chief, "inner-room", "private", false).await;
    let title = "Lanternfish gathering";
    let secret = write_post(
        &app,
        &chief,
        "inner-room",
        title,
        "Lanternfish glow softly.",
    )
    .await;
    let pending = join(&app, &asker, "inner-room").await;
    assert_eq!(json(&pending), "pending");

    // The author sees it everywhere (so the checks below are not vacuous).
    let feed = json(
        &call(
            &app,
            "feeds/site",
            &[("kind", "latest"), ("cursor", "")],
            &chief.cookies,
        )
        .await,
    );
    assert_eq!(feed_ids(&feed), vec![secret]);
    let found = json(&call(&app, "search", &[("q", "lanternfish")], &chief.cookies).await);
    assert_eq!(found["posts"].as_array().unwrap().len(), 1, "{found}");
    let (_, html) = page(&app, &post_page("inner-room", secret), &chief.cookies).await;
    assert!(html.contains(title));
    // A reaction puts it in the "top this week" feed, a comment in the thread.
    let reacted = react(&app, &chief.cookies, secret, "support").await;
    assert_eq!(reacted.status, StatusCode::OK, "{}", reacted.body);
    let commented = call(
        &app,
        "comments/create",
        &[
            ("post_id", &secret.to_string()),
            ("body", "Lanternfish whisper back."),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(commented.status, StatusCode::OK, "{}", commented.body);
    let top = json(
        &call(
            &app,
            "feeds/site",
            &[("kind", "top"), ("cursor", "")],
            &chief.cookies,
        )
        .await,
    );
    assert_eq!(feed_ids(&top), vec![secret]);

    for (who, cookies) in [
        ("a visitor", ""),
        ("a signed-in outsider", outsider.cookies.as_str()),
        ("a pending member", asker.cookies.as_str()),
    ] {
        for kind in ["latest", "active", "top"] {
            let feed = json(
                &call(
                    &app,
                    "feeds/site",
                    &[("kind", kind), ("cursor", "")],
                    cookies,
                )
                .await,
            );
            assert!(feed_ids(&feed).is_empty(), "{who}, {kind}: {feed}");
        }
        let thread = call(
            &app,
            "comments/thread",
            &[("post_id", &secret.to_string())],
            cookies,
        )
        .await;
        assert!(
            !thread.body.contains("Lanternfish whisper"),
            "{who}: {}",
            thread.body
        );
        let circle_feed = call(
            &app,
            "feeds/circle",
            &[("slug", "inner-room"), ("cursor", "")],
            cookies,
        )
        .await;
        assert!(
            !circle_feed.body.contains(title),
            "{who}: {}",
            circle_feed.body
        );
        let found = call(&app, "search", &[("q", "lanternfish")], cookies).await;
        assert_eq!(found.status, StatusCode::OK);
        assert!(
            json(&found)["posts"].as_array().unwrap().is_empty(),
            "{who}: {}",
            found.body
        );
        assert!(!found.body.contains(title), "{who}");

        let profile = call(
            &app,
            "profiles/get",
            &[("handle", "chiefly"), ("cursor", "")],
            cookies,
        )
        .await;
        assert_eq!(profile.status, StatusCode::OK, "{}", profile.body);
        assert!(
            json(&profile)["posts"].as_array().unwrap().is_empty(),
            "{who}: {}",
            profile.body
        );
        let (status, html) = page(&app, "/u/chiefly", cookies).await;
        assert_eq!(status, StatusCode::OK, "{who}: {html}");
        assert!(
            html.contains("Chief Keeper"),
            "{who}: the profile itself shows"
        );
        assert!(
            !html.contains(title),
            "{who}: profile lists the private post"
        );

        let direct = get_post(&app, cookies, secret).await;
        assert_eq!(
            direct.status,
            StatusCode::NOT_FOUND,
            "{who}: {}",
            direct.body
        );
        assert!(!direct.body.contains(title));
        let (_, html) = page(&app, &post_page("inner-room", secret), cookies).await;
        assert!(
            html.contains("We couldn&#x27;t find that post")
                || html.contains("We couldn't find that post"),
            "{who}: {html}"
        );
        assert!(
            !html.contains(title),
            "{who}: the post page leaks the title"
        );
        assert!(
            !html.contains("Lanternfish glow"),
            "{who}: the post page leaks the body"
        );
        let path = call(&app, "posts/path", &[("id", &secret.to_string())], cookies).await;
        assert_eq!(path.status, StatusCode::NOT_FOUND, "{who}");
        let whole = call(&app, "posts/page", &[("id", &secret.to_string())], cookies).await;
        assert_eq!(whole.status, StatusCode::NOT_FOUND, "{who}: {}", whole.body);
        assert!(
            !whole.body.contains(title),
            "{who}: posts/page leaks the title"
        );
        // The circle itself can be found (to ask to join), but not read.
        let found = call(&app, "search", &[("q", "inner")], cookies).await;
        assert_eq!(found.status, StatusCode::OK, "{who}: {}", found.body);
        let found = json(&found);
        assert_eq!(found["circles"][0]["slug"], "inner-room", "{who}: {found}");
        assert_eq!(found["circles"][0]["can_read"], false, "{who}");
        assert!(found["posts"].as_array().unwrap().is_empty(), "{who}");
        let whole = call(
            &app,
            "circles/page",
            &[("slug", "inner-room"), ("cursor", "")],
            cookies,
        )
        .await;
        assert_eq!(whole.status, StatusCode::OK, "{who}: {}", whole.body);
        assert!(
            !whole.body.contains(title),
            "{who}: circles/page lists the post"
        );
        let whole = json(&whole);
        assert_eq!(whole["info"]["circle"]["can_read"], false, "{who}");
        assert_eq!(
            whole["feed"]["Ok"]["posts"],
            Value::Array(vec![]),
            "{who}: {whole}"
        );
        let (status, html) = page(&app, "/c/inner-room", cookies).await;
        assert_eq!(status, StatusCode::OK, "{who}");
        assert!(
            !html.contains(title),
            "{who}: the circle page lists the post"
        );
    }
}

#[tokio::test]
async fn a_private_circle_lets_a_member_in_only_when_its_moderator_approves() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let asker = member(&app, "askerly", "Ask Early").await;
    let bystander = member(&app, "bystander", "By Stander").await;
    create_circle(&app, &chief, "inner-room", "private", false).await;
    let secret = write_post(&app, &chief, "inner-room", "Inside voices", "Quiet words.").await;
    assert_eq!(json(&join(&app, &asker, "inner-room").await), "pending");
    assert_eq!(json(&join(&app, &bystander, "inner-room").await), "pending");
    assert_eq!(
        get_post(&app, &asker.cookies, secret).await.status,
        StatusCode::NOT_FOUND
    );

    // The moderator sees the requests; nobody else does.
    let circle = json(
        &call(
            &app,
            "circles/get",
            &[("slug", "inner-room")],
            &chief.cookies,
        )
        .await,
    );
    let requests = circle["pending_requests"].as_array().unwrap();
    assert_eq!(requests.len(), 2, "{circle}");
    let asker_id = requests.iter().find(|r| r["handle"] == "askerly").unwrap()["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let seen = json(
        &call(
            &app,
            "circles/get",
            &[("slug", "inner-room")],
            &bystander.cookies,
        )
        .await,
    );
    assert_eq!(seen["pending_requests"], serde_json::json!([]));
    assert_eq!(seen["circle"]["membership"], "pending");

    // A fellow asker cannot let anyone in.
    let form = [
        ("slug", "inner-room"),
        ("user_id", asker_id.as_str()),
        ("approve", "true"),
    ];
    let refused = call(&app, "circles/answer-request", &form, &bystander.cookies).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    assert_eq!(
        get_post(&app, &asker.cookies, secret).await.status,
        StatusCode::NOT_FOUND
    );

    let approved = call(&app, "circles/answer-request", &form, &chief.cookies).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    let detail = get_post(&app, &asker.cookies, secret).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
    assert_eq!(json(&detail)["can_comment"], true);
    let circle = json(
        &call(
            &app,
            "circles/get",
            &[("slug", "inner-room")],
            &asker.cookies,
        )
        .await,
    );
    assert_eq!(circle["circle"]["membership"], "member");
    assert_eq!(circle["circle"]["member_count"], 2);
    // Answering the same request again finds nothing to answer.
    let again = call(&app, "circles/answer-request", &form, &chief.cookies).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn anonymous_authorship_is_revealed_to_the_circles_moderators_and_nobody_else() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let writer = member(&app, "wrenhollow", "Wren Hollowmere").await;
    let reader = member(&app, "readerly", "Ree Dearly").await;
    let keeper = member(&app, "keeperly", "Kee Perly").await;
    create_circle(&app, &chief, "heavy-days", "members", true).await;
    for who in [&writer, &reader, &keeper] {
        join(&app, who, "heavy-days").await;
    }
    // A plain member made the circle's moderator (not site staff).
    sqlx::query(
        "update app.circle_members set role = 'moderator'
          where user_id = (select user_id from app.profiles where handle = 'keeperly')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // A moderator's powers need a session that passed a second factor.
    let keeper = with_second_factor(&app, keeper).await;

    let title = "Tidewater evenings";
    let reply = call(
        &app,
        "posts/create",
        &[
            ("circle", "heavy-days"),
            ("title", title),
            ("body", "Evenings feel long since the move."),
            ("anonymous", "on"),
        ],
        &writer.cookies,
    )
    .await;
    let post = created_post_id(&reply);
    let stored: (Option<uuid::Uuid>, bool) =
        sqlx::query_as("select author_id, is_anonymous from app.posts where id = $1")
            .bind(post)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, (None, true));

    let reveals = |text: &str| text.contains(&writer.handle) || text.contains(&writer.name);
    // A reaction, so the post is in "top this week" too.
    let reacted = react(&app, &reader.cookies, post, "hug").await;
    assert_eq!(reacted.status, StatusCode::OK, "{}", reacted.body);
    let as_reader = reader.cookies.as_str();

    let (status, html) = page(&app, &post_page("heavy-days", post), as_reader).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(title), "the reader does see the post");
    assert!(html.contains("Anonymous member"));
    assert!(!reveals(&html), "post page reveals the author");

    let detail = get_post(&app, as_reader, post).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(!reveals(&detail.body), "posts/get: {}", detail.body);
    let detail = json(&detail);
    assert_eq!(detail["summary"]["author"], Value::Null);
    assert_eq!(detail["summary"]["is_anonymous"], true);
    assert_eq!(detail["sealed_author"], Value::Null);
    assert_eq!(detail["viewer_is_author"], false);
    let whole = call(&app, "posts/page", &[("id", &post.to_string())], as_reader).await;
    assert_eq!(whole.status, StatusCode::OK, "{}", whole.body);
    assert!(whole.body.contains(title));
    assert!(!reveals(&whole.body), "posts/page: {}", whole.body);

    for (endpoint, form) in [
        ("feeds/site", vec![("kind", "latest"), ("cursor", "")]),
        ("feeds/site", vec![("kind", "home"), ("cursor", "")]),
        ("feeds/site", vec![("kind", "active"), ("cursor", "")]),
        ("feeds/site", vec![("kind", "top"), ("cursor", "")]),
        ("feeds/circle", vec![("slug", "heavy-days"), ("cursor", "")]),
        ("search", vec![("q", "tidewater")]),
        ("search", vec![("q", "evenings move")]),
    ] {
        let reply = call(&app, endpoint, &form, as_reader).await;
        assert_eq!(reply.status, StatusCode::OK, "{endpoint}: {}", reply.body);
        assert!(
            reply.body.contains(title),
            "{endpoint} lists the post: {}",
            reply.body
        );
        assert!(
            !reveals(&reply.body),
            "{endpoint} reveals the author: {}",
            reply.body
        );
    }
    // The author's own profile does not list it.
    let profile = call(
        &app,
        "profiles/get",
        &[("handle", "wrenhollow"), ("cursor", "")],
        as_reader,
    )
    .await;
    assert!(!profile.body.contains(title), "{}", profile.body);
    let (_, html) = page(&app, "/u/wrenhollow", as_reader).await;
    assert!(
        !html.contains(title),
        "profile page lists the anonymous post"
    );
    // Nor does a circle moderator's view of the feeds.
    let feed = call(
        &app,
        "feeds/circle",
        &[("slug", "heavy-days"), ("cursor", "")],
        &keeper.cookies,
    )
    .await;
    assert!(!reveals(&feed.body), "{}", feed.body);

    // The circle's moderator, and site staff, see who wrote it.
    for who in [&keeper, &chief] {
        let detail = json(&get_post(&app, &who.cookies, post).await);
        assert_eq!(
            detail["sealed_author"]["handle"], "wrenhollow",
            "{}",
            who.handle
        );
        assert_eq!(detail["summary"]["author"], Value::Null);
        let whole = json(
            &call(
                &app,
                "posts/page",
                &[("id", &post.to_string())],
                &who.cookies,
            )
            .await,
        );
        assert_eq!(
            whole["post"]["sealed_author"]["handle"], "wrenhollow",
            "{}",
            who.handle
        );
    }
    let (_, html) = page(&app, &post_page("heavy-days", post), &keeper.cookies).await;
    assert!(html.contains("data-testid=\"sealed-author\""));
    // The author recognises their own post, and may edit it without unsealing it.
    let own = json(&get_post(&app, &writer.cookies, post).await);
    assert_eq!(own["viewer_is_author"], true);
    assert_eq!(own["sealed_author"], Value::Null);
    let edited = call(
        &app,
        "posts/edit",
        &[
            ("id", &post.to_string()),
            ("title", title),
            ("body", "Evenings feel shorter now."),
        ],
        &writer.cookies,
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    let stored: (Option<uuid::Uuid>, bool) =
        sqlx::query_as("select author_id, is_anonymous from app.posts where id = $1")
            .bind(post)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, (None, true));
    let (_, html) = page(&app, &post_page("heavy-days", post), as_reader).await;
    assert!(html.contains("Evenings feel shorter now."));
    assert!(!reveals(&html), "the edited post page reveals the author");
    // Another member cannot edit it, even knowing its id.
    let hijack = call(
        &app,
        "posts/edit",
        &[
            ("id", &post.to_string()),
            ("title", title),
            ("body", "Mine now."),
        ],
        as_reader,
    )
    .await;
    assert_eq!(hijack.status, StatusCode::FORBIDDEN, "{}", hijack.body);
}

// ---------------------------------------------------------------------------------------
// What members' text may contain once served
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn mentions_of_existing_handles_become_profile_links_and_unknown_ones_stay_text() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    member(&app, "fernleaf", "Fern Leaf").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    let post = write_post(
        &app,
        &chief,
        "morning-pages",
        "Thank you",
        "Thanks @fernleaf and @nobodyhere for the walk.",
    )
    .await;
    let html: String = sqlx::query_scalar("select body_html from app.posts where id = $1")
        .bind(post)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(html.contains("href=\"/u/fernleaf\""), "{html}");
    assert!(!html.contains("/u/nobodyhere"), "{html}");
    assert!(html.contains("@nobodyhere"), "{html}");
    let served = json(&get_post(&app, "", post).await);
    assert_eq!(served["body_html"], html);
    let (_, page_html) = page(&app, &post_page("morning-pages", post), "").await;
    assert!(page_html.contains("href=\"/u/fernleaf\""));
    assert!(!page_html.contains("href=\"/u/nobodyhere\""));
}

#[tokio::test]
async fn scripts_and_javascript_links_in_a_post_are_never_served() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let reader = member(&app, "readerly", "Ree Dearly").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    // A title that tries to end the page's <title> element and start a script.
    let title = "</title><script>alert(2)</script> Evening";
    let body = "<script>alert(1)</script>\n\n[x](javascript:alert(1)) and <a href=\"JaVaScRiPt:alert(3)\">y</a>\n\n<img src=x onerror=alert(4)>";
    let post = write_post(&app, &chief, "morning-pages", title, body).await;
    // Stored as written, rendered safe.
    let (source, html): (String, String) =
        sqlx::query_as("select body, body_html from app.posts where id = $1")
            .bind(post)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(source, body);
    assert_inert(&html, "stored body_html");

    for cookies in ["", reader.cookies.as_str()] {
        let (status, page_html) = page(&app, &post_page("morning-pages", post), cookies).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page_html.contains("Evening"), "the post is shown");
        assert_inert(&page_html, "post page");
        let served = get_post(&app, cookies, post).await;
        assert_eq!(served.status, StatusCode::OK);
        // JSON is data, not markup; the one field a page inserts as HTML is body_html.
        assert_inert(
            json(&served)["body_html"].as_str().unwrap(),
            "posts/get body_html",
        );
    }
    // The feed's excerpt is plain text that the page escapes.
    let (_, circle_html) = page(&app, "/c/morning-pages", "").await;
    assert!(circle_html.contains("Evening"), "the post is listed");
    assert_inert(&circle_html, "circle page");
}

// ---------------------------------------------------------------------------------------
// Paging and indexing
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn keyset_pages_hold_twenty_posts_then_the_rest_without_overlap() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    let mut written = Vec::new();
    for n in 1..=25 {
        written.push(
            write_post(
                &app,
                &chief,
                "morning-pages",
                &format!("Page {n}"),
                "Words.",
            )
            .await,
        );
    }
    let newest_first: Vec<i64> = written.iter().rev().copied().collect();

    for (endpoint, first_form) in [
        ("feeds/circle", ("slug", "morning-pages")),
        ("feeds/site", ("kind", "latest")),
        ("feeds/author", ("handle", "chiefly")),
    ] {
        let first = json(&call(&app, endpoint, &[first_form, ("cursor", "")], "").await);
        let first_ids = feed_ids(&first);
        assert_eq!(first_ids.len(), 20, "{endpoint}");
        let cursor = first["next_cursor"]
            .as_str()
            .unwrap_or_else(|| panic!("{endpoint}: no next cursor"))
            .to_owned();
        let second = json(&call(&app, endpoint, &[first_form, ("cursor", &cursor)], "").await);
        let second_ids = feed_ids(&second);
        assert_eq!(second_ids.len(), 5, "{endpoint}");
        assert_eq!(second["next_cursor"], Value::Null, "{endpoint}");
        assert!(
            second_ids.iter().all(|id| !first_ids.contains(id)),
            "{endpoint}: pages overlap"
        );
        let all: Vec<i64> = first_ids.into_iter().chain(second_ids).collect();
        assert_eq!(
            all, newest_first,
            "{endpoint}: newest first, every post once"
        );
    }

    // The circle's page reads the same pages in its one call; a malformed cursor fails only
    // the posts, with the kind message, and the circle still shows.
    let first = json(
        &call(
            &app,
            "circles/page",
            &[("slug", "morning-pages"), ("cursor", "")],
            "",
        )
        .await,
    );
    assert_eq!(first["info"]["circle"]["slug"], "morning-pages", "{first}");
    assert_eq!(feed_ids(&first["feed"]["Ok"]), newest_first[..20].to_vec());
    let bad = json(
        &call(
            &app,
            "circles/page",
            &[("slug", "morning-pages"), ("cursor", "not-a-cursor")],
            "",
        )
        .await,
    );
    assert_eq!(bad["info"]["circle"]["slug"], "morning-pages", "{bad}");
    assert!(bad["feed"]["Err"]["BadRequest"].is_string(), "{bad}");

    // The profile's page reads the first page of the author's posts in its one call, and the
    // author feed goes on from its cursor.
    let first = json(&profile_page(&app, "chiefly", "", "").await);
    assert_eq!(first["profile"]["handle"], "chiefly", "{first}");
    assert_eq!(feed_ids(&first["feed"]["Ok"]), newest_first[..20].to_vec());
    let cursor = first["feed"]["Ok"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let rest = json(
        &call(
            &app,
            "feeds/author",
            &[("handle", "chiefly"), ("cursor", &cursor)],
            "",
        )
        .await,
    );
    assert_eq!(feed_ids(&rest), newest_first[20..].to_vec());
    let rest = json(&profile_page(&app, "chiefly", &cursor, "").await);
    assert_eq!(feed_ids(&rest["feed"]["Ok"]), newest_first[20..].to_vec());
}

#[tokio::test]
async fn support_circle_pages_ask_search_engines_not_to_index_them() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "heavy-days", "public", true).await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    let post = write_post(&app, &chief, "heavy-days", "Hard week", "Words.").await;

    let (status, html) = page(&app, "/c/heavy-days", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<meta name=\"robots\" content=\"noindex"),
        "{html}"
    );
    let (_, html) = page(&app, &post_page("heavy-days", post), "").await;
    assert!(
        html.contains("<meta name=\"robots\" content=\"noindex"),
        "post page"
    );
    let (_, html) = page(&app, "/c/morning-pages", "").await;
    assert!(!html.contains("noindex"), "an ordinary circle is indexable");
}

#[tokio::test]
async fn only_admins_give_the_verified_badge_from_the_profile_page_and_it_is_audited() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let healer = member(&app, "reedhealer", "Reed Healer").await;
    let other = member(&app, "otherly", "Other Ly").await;
    let details = call(
        &app,
        "profiles/details-update",
        &[
            ("interests", "breathwork"),
            ("modalities", "Breathwork, Yoga therapy"),
            ("credentials", "Certified yoga therapist"),
            ("booking_url", "https://example.org/book"),
        ],
        &healer.cookies,
    )
    .await;
    assert_eq!(details.status, StatusCode::OK, "{}", details.body);

    // Members see no control, and calling the endpoint anyway changes nothing.
    let (_, html) = page(&app, "/u/reedhealer", &other.cookies).await;
    assert!(!html.contains("data-testid=\"verify-practitioner\""));
    for who in [&other, &healer] {
        let refused = call(
            &app,
            "admin/verify-practitioner",
            &[("handle", "reedhealer"), ("verified", "true")],
            &who.cookies,
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    }
    let verified = || {
        count(
            &app,
            "select count(*) from app.profiles where handle = 'reedhealer' and is_verified",
        )
    };
    assert_eq!(verified().await, 0);

    // The admin sees the control on the profile, and a plain form post (no JavaScript)
    // sets the badge and comes back to the profile.
    let (_, html) = page(&app, "/u/reedhealer", &chief.cookies).await;
    assert!(
        html.contains("data-testid=\"verify-practitioner\""),
        "{html}"
    );
    assert!(html.contains("Mark as a verified practitioner"));
    let response = bare_client()
        .post(format!("{}/api/admin/verify-practitioner", app.address))
        .header(header::ORIGIN, app.address.as_str())
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, chief.cookies.as_str())
        .form(&[("handle", "reedhealer"), ("verified", "true")])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(
        response.headers()[header::LOCATION].to_str().unwrap(),
        "/u/reedhealer"
    );
    assert_eq!(verified().await, 1);
    let (status, html) = page(&app, "/u/reedhealer", &other.cookies).await;
    let main = html.find("<main").map_or(html.as_str(), |at| &html[at..]);
    assert!(
        html.contains("data-testid=\"verified-badge\""),
        "{status}: {}",
        &main[..main.len().min(3000)]
    );
    let (_, html) = page(&app, "/u/reedhealer", &chief.cookies).await;
    assert!(html.contains("Remove the verified badge"));
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.audit_log
              where detail->>'practitioner_verified' = 'true'
                and subject = (select user_id from app.profiles where handle = 'reedhealer')"
        )
        .await,
        1
    );

    // An unknown handle is a kind 404 and changes nothing.
    let unknown = call(
        &app,
        "admin/verify-practitioner",
        &[("handle", "nobody-here"), ("verified", "true")],
        &chief.cookies,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    assert_eq!(verified().await, 1);
}

// ---------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------

async fn profile_page(app: &TestApp, handle: &str, cursor: &str, cookies: &str) -> Reply {
    call(
        app,
        "profiles/page",
        &[("handle", handle), ("cursor", cursor)],
        cookies,
    )
    .await
}

/// A circle's moderator lets `who` in, through the endpoint a moderator's page uses.
async fn approve(app: &TestApp, moderator: &Member, slug: &str, who: &Member) {
    let user_id: String =
        sqlx::query_scalar("select user_id::text from app.profiles where handle = $1")
            .bind(&who.handle)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let reply = call(
        app,
        "circles/answer-request",
        &[("slug", slug), ("user_id", &user_id), ("approve", "true")],
        &moderator.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "approve: {}", reply.body);
}

#[tokio::test]
async fn the_profile_page_lists_private_circle_posts_only_to_members_and_never_anonymous_ones() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let writer = member(&app, "wrenhollow", "Wren Hollowmere").await;
    let insider = member(&app, "insiderly", "In Sider").await;
    let outsider = member(&app, "outsider", "Out Sider").await;
    let asker = member(&app, "askerly", "Ask Early").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    create_circle(&app, &chief, "inner-room", "private", false).await;
    create_circle(&app, &chief, "heavy-days", "members", true).await;
    join(&app, &writer, "morning-pages").await;
    join(&app, &writer, "heavy-days").await;
    for who in [&writer, &insider, &asker] {
        assert_eq!(json(&join(&app, who, "inner-room").await), "pending");
    }
    approve(&app, &chief, "inner-room", &writer).await;
    approve(&app, &chief, "inner-room", &insider).await;

    let open_title = "Open meadow walk";
    let secret_title = "Lanternfish gathering";
    let anonymous_title = "Tidewater evenings";
    let open = write_post(&app, &writer, "morning-pages", open_title, "Grass and sky.").await;
    let secret = write_post(&app, &writer, "inner-room", secret_title, "They glow.").await;
    let anonymous = created_post_id(
        &call(
            &app,
            "posts/create",
            &[
                ("circle", "heavy-days"),
                ("title", anonymous_title),
                ("body", "Evenings feel long."),
                ("anonymous", "on"),
            ],
            &writer.cookies,
        )
        .await,
    );
    // Members of the support circle do read the anonymous post (so its absence below is
    // the profile's doing, not the circle's).
    assert_eq!(
        get_post(&app, &writer.cookies, anonymous).await.status,
        StatusCode::OK
    );

    for (who, cookies, expected) in [
        ("a visitor", "", vec![open]),
        (
            "a signed-in outsider",
            outsider.cookies.as_str(),
            vec![open],
        ),
        ("a pending member", asker.cookies.as_str(), vec![open]),
        (
            "a fellow member",
            insider.cookies.as_str(),
            vec![secret, open],
        ),
        ("the author", writer.cookies.as_str(), vec![secret, open]),
        ("site staff", chief.cookies.as_str(), vec![secret, open]),
    ] {
        let reply = profile_page(&app, "wrenhollow", "", cookies).await;
        assert_eq!(reply.status, StatusCode::OK, "{who}: {}", reply.body);
        assert!(
            !reply.body.contains(anonymous_title),
            "{who}: profiles/page lists the anonymous post: {}",
            reply.body
        );
        let whole = json(&reply);
        assert_eq!(whole["profile"]["handle"], "wrenhollow", "{who}: {whole}");
        assert_eq!(whole["profile"]["display_name"], "Wren Hollowmere", "{who}");
        assert_eq!(feed_ids(&whole["feed"]["Ok"]), expected, "{who}: {whole}");
        assert_eq!(whole["feed"]["Ok"]["next_cursor"], Value::Null, "{who}");
        if !expected.contains(&secret) {
            assert!(
                !reply.body.contains(secret_title),
                "{who}: profiles/page leaks the private post"
            );
        }
        // The older endpoints read the same rows.
        let posts = json(
            &call(
                &app,
                "feeds/author",
                &[("handle", "wrenhollow"), ("cursor", "")],
                cookies,
            )
            .await,
        );
        assert_eq!(feed_ids(&posts), expected, "{who}: feeds/author");
        let flat = json(
            &call(
                &app,
                "profiles/get",
                &[("handle", "wrenhollow"), ("cursor", "")],
                cookies,
            )
            .await,
        );
        assert_eq!(flat["handle"], "wrenhollow", "{who}: {flat}");
        assert_eq!(feed_ids(&flat), expected, "{who}: profiles/get");

        let (status, html) = page(&app, "/u/wrenhollow", cookies).await;
        assert_eq!(status, StatusCode::OK, "{who}");
        assert!(html.contains("Wren Hollowmere"), "{who}: the profile shows");
        assert!(html.contains(open_title), "{who}: the public post shows");
        assert_eq!(
            html.contains(secret_title),
            expected.contains(&secret),
            "{who}: the private post on the page"
        );
        assert!(
            !html.contains(anonymous_title),
            "{who}: the page lists the anonymous post"
        );
    }
}

#[tokio::test]
async fn an_unknown_handle_is_a_kind_404_and_a_bad_cursor_fails_only_the_profiles_posts() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    let post = write_post(&app, &chief, "morning-pages", "First light", "Words.").await;

    let unknown = profile_page(&app, "nobody-here", "", "").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    assert_eq!(json(&unknown), "NotFound");
    let (status, html) = page(&app, "/u/nobody-here", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        html.contains("We couldn&#x27;t find that member")
            || html.contains("We couldn't find that member"),
        "{html}"
    );

    let bad = profile_page(&app, "chiefly", "not-a-cursor", "").await;
    assert_eq!(bad.status, StatusCode::OK, "{}", bad.body);
    let bad = json(&bad);
    assert_eq!(bad["profile"]["display_name"], "Chief Keeper", "{bad}");
    assert!(bad["feed"]["Err"]["BadRequest"].is_string(), "{bad}");
    let (status, html) = page(&app, "/u/chiefly?after=not-a-cursor", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Chief Keeper"), "the profile still shows");
    assert!(
        html.contains("We couldn&#x27;t load the posts")
            || html.contains("We couldn't load the posts"),
        "{html}"
    );
    // The same handle with a good cursor lists the post.
    let good = json(&profile_page(&app, "chiefly", "", "").await);
    assert_eq!(feed_ids(&good["feed"]["Ok"]), vec![post]);
}

/// Pages rendered on a multi-threaded runtime under concurrent load, as in production: a
/// render's futures can move between threads, so anything that must stay on one thread (a
/// `SendWrapper` in a local action, once) fails here and not in the single-request tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn feed_pages_render_under_concurrent_load_on_many_threads() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    for n in 1..=25 {
        write_post(
            &app,
            &chief,
            "morning-pages",
            &format!("Page {n}"),
            "Words.",
        )
        .await;
    }
    let paths = ["/?feed=latest", "/c/morning-pages", "/u/chiefly"];
    let mut requests = tokio::task::JoinSet::new();
    for round in 0..40 {
        let url = format!("{}{}", app.address, paths[round % paths.len()]);
        requests.spawn(async move {
            let response = bare_client().get(&url).send().await;
            let status = response.as_ref().map(|r| r.status()).ok();
            (
                url,
                status,
                response.map(|_| ()).err().map(|e| e.to_string()),
            )
        });
    }
    while let Some(outcome) = requests.join_next().await {
        let (url, status, error) = outcome.unwrap();
        assert_eq!(status, Some(StatusCode::OK), "{url}: {error:?}");
    }
}

/// Pages keep rendering while other apps start in the same process, as the test binary
/// does all the time. Leptos lists an app's routes by rendering it once with resource loading
/// switched off by a process-wide flag; a page whose resource first polled inside that window
/// waited forever, and the request ended in the 30-second timeout's empty 503.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn profile_pages_render_while_other_apps_start_in_the_same_process() {
    let app = crate::helpers::spawn_app_with(|settings| {
        // A hang shows as a 503 after this long, not the default 30 s.
        settings.server.request_timeout_secs = 10;
    })
    .await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    write_post(&app, &chief, "morning-pages", "First light", "Words.").await;

    let url = format!("{}/u/chiefly", app.address);
    let mut readers = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let url = url.clone();
        readers.spawn(async move {
            let mut failures = Vec::new();
            for _ in 0..30 {
                match bare_client().get(&url).send().await {
                    Ok(response) if response.status() == StatusCode::OK => {}
                    Ok(response) => failures.push(response.status().to_string()),
                    Err(error) => failures.push(error.to_string()),
                }
            }
            failures
        });
    }
    let mut starts = tokio::task::JoinSet::new();
    for _ in 0..8 {
        starts.spawn(async {
            let other = crate::helpers::spawn_app().await;
            other.get("/healthz").await.status()
        });
    }
    while let Some(started) = starts.join_next().await {
        assert_eq!(started.unwrap(), StatusCode::OK);
    }
    let mut failures = Vec::new();
    while let Some(outcome) = readers.join_next().await {
        failures.extend(outcome.unwrap());
    }
    assert!(failures.is_empty(), "profile pages failed: {failures:?}");
}
