//! Anonymous replies in support circles through HTTP: who sees which author in the thread,
//! the page and its server functions; the author keeps their reply; other circles refuse.

use crate::community::{
    Member, admin, call, count, create_circle, created_post_id, field_error, join, json, member,
    page, post_page, write_post,
};
use crate::helpers::{TestApp, spawn_app};
use crate::identity::Reply;
use reqwest::StatusCode;
use serde_json::Value;

/// Writes an anonymous post in `circle` as `who`; its id.
async fn anonymous_post(app: &TestApp, who: &Member, circle: &str, title: &str) -> i64 {
    let reply = call(
        app,
        "posts/create",
        &[
            ("circle", circle),
            ("title", title),
            ("body", "Evenings feel long since the move."),
            ("anonymous", "on"),
        ],
        &who.cookies,
    )
    .await;
    created_post_id(&reply)
}

/// Replies on `post` (under `parent`, if any), anonymously when `anonymous`.
async fn reply(
    app: &TestApp,
    who: &Member,
    post: i64,
    parent: Option<i64>,
    body: &str,
    anonymous: bool,
) -> Reply {
    let (post, parent) = (post.to_string(), parent.map(|p| p.to_string()));
    let mut form = vec![("post_id", post.as_str()), ("body", body)];
    if let Some(parent) = parent.as_deref() {
        form.push(("parent_id", parent));
    }
    if anonymous {
        form.push(("anonymous", "true"));
    }
    call(app, "comments/create", &form, &who.cookies).await
}

/// The new comment's id from a `comments/create` reply (the path's anchor).
fn created_comment_id(reply: &Reply) -> i64 {
    assert_eq!(reply.status, StatusCode::OK, "comment: {}", reply.body);
    let path = json(reply).as_str().unwrap_or_default().to_owned();
    path.rsplit("#comment-").next().unwrap().parse().unwrap()
}

async fn thread(app: &TestApp, cookies: &str, post: i64) -> Value {
    let reply = call(
        app,
        "comments/thread",
        &[("post_id", &post.to_string())],
        cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    json(&reply)
}

fn comment(thread: &Value, id: i64) -> Value {
    thread["comments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no comment {id} in {thread}"))
}

async fn user_id(app: &TestApp, who: &Member) -> String {
    sqlx::query_scalar("select user_id::text from app.profiles where handle = $1")
        .bind(&who.handle)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The opening tag of the element whose `id` is `id`.
fn tag_with_id<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    Some(&html[start..=end])
}

#[tokio::test]
async fn members_and_visitors_never_learn_who_replied_anonymously_and_moderators_do() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let writer = member(&app, "wrenhollow", "Wren Hollowmere").await;
    let friend = member(&app, "fablewick", "Fable Wickham").await;
    let reader = member(&app, "readerly", "Ree Dearly").await;
    let keeper = member(&app, "keeperly", "Kee Perly").await;
    // Public, so visitors read it too.
    create_circle(&app, &chief, "heavy-days", "public", true).await;
    for who in [&writer, &friend, &reader, &keeper] {
        join(&app, who, "heavy-days").await;
    }
    sqlx::query(
        "update app.circle_members set role = 'moderator'
          where user_id = (select user_id from app.profiles where handle = 'keeperly')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // A moderator's powers need a session that passed a second factor.
    let keeper = crate::community::with_second_factor(&app, keeper).await;
    let post = anonymous_post(&app, &writer, "heavy-days", "Tidewater evenings").await;

    let asked = created_comment_id(
        &reply(
            &app,
            &reader,
            post,
            None,
            "What helps in the evenings?",
            false,
        )
        .await,
    );
    let by_poster = created_comment_id(
        &reply(
            &app,
            &writer,
            post,
            Some(asked),
            "Walking by the river, thank you @readerly.",
            true,
        )
        .await,
    );
    let by_friend = created_comment_id(
        &reply(&app, &friend, post, None, "Same here, most nights.", true).await,
    );
    let stored: Vec<(i64, Option<uuid::Uuid>, bool)> = sqlx::query_as(
        "select id, author_id, is_anonymous from app.comments where id = any($1) order by id",
    )
    .bind(vec![by_poster, by_friend])
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        stored,
        vec![(by_poster, None, true), (by_friend, None, true)]
    );
    assert_eq!(
        count(&app, "select count(*) from app.anonymous_comment_authors").await,
        2
    );

    let (writer_id, friend_id) = (user_id(&app, &writer).await, user_id(&app, &friend).await);
    let reveals = |text: &str| {
        [
            writer.handle.as_str(),
            writer.name.as_str(),
            writer_id.as_str(),
            friend.handle.as_str(),
            friend.name.as_str(),
            friend_id.as_str(),
        ]
        .iter()
        .any(|secret| text.contains(secret))
    };

    for (who, cookies) in [("member", reader.cookies.as_str()), ("visitor", "")] {
        let seen = thread(&app, cookies, post).await;
        for (id, by_op) in [(by_poster, true), (by_friend, false)] {
            let c = comment(&seen, id);
            assert_eq!(c["author"], Value::Null, "{who}: {c}");
            assert_eq!(c["sealed_author"], Value::Null, "{who}: {c}");
            assert_eq!(c["is_anonymous"], true, "{who}: {c}");
            assert_eq!(c["by_original_poster"], by_op, "{who}: {c}");
            assert_eq!(c["viewer_is_author"], false, "{who}: {c}");
            assert_eq!(c["body_source"], "", "{who}: {c}");
            assert!(!reveals(&c.to_string()), "{who}: comments/thread: {c}");
        }
        let whole = call(&app, "posts/page", &[("id", &post.to_string())], cookies).await;
        assert_eq!(whole.status, StatusCode::OK, "{}", whole.body);
        assert!(whole.body.contains("Walking by the river"), "{who}");
        assert!(!reveals(&whole.body), "{who}: posts/page: {}", whole.body);
        let (status, html) = page(&app, &post_page("heavy-days", post), cookies).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Walking by the river"), "{who}");
        assert!(
            html.contains("Anonymous member · original poster"),
            "{who}: the poster's reply is marked"
        );
        assert!(
            !reveals(&html),
            "{who}: the post page reveals an anonymous author"
        );
        assert!(!html.contains("comment-sealed-author"), "{who}");
    }
    // The mention in the anonymous reply points at the person mentioned, not at its author.
    let seen = thread(&app, &reader.cookies, post).await;
    let html = comment(&seen, by_poster)["body_html"].to_string();
    assert!(html.contains("/u/readerly"), "{html}");

    // The circle's moderator and site staff see who wrote each; the original poster mark
    // stays on the reply.
    for who in [&keeper, &chief] {
        let seen = thread(&app, &who.cookies, post).await;
        let c = comment(&seen, by_poster);
        assert_eq!(c["sealed_author"]["handle"], "wrenhollow", "{}", who.handle);
        assert_eq!(c["author"], Value::Null, "{}", who.handle);
        assert_eq!(
            comment(&seen, by_friend)["sealed_author"]["handle"],
            "fablewick"
        );
        let whole = json(
            &call(
                &app,
                "posts/page",
                &[("id", &post.to_string())],
                &who.cookies,
            )
            .await,
        );
        let c = comment(&whole["thread"]["Ok"], by_poster);
        assert_eq!(c["sealed_author"]["handle"], "wrenhollow", "{}", who.handle);
    }
    let (_, html) = page(&app, &post_page("heavy-days", post), &keeper.cookies).await;
    assert!(html.contains("Replied anonymously by @wrenhollow (visible to moderators only)"));
    // Every look behind the seal is in the audit log: who looked, at which replies.
    let looks: Vec<(String, serde_json::Value)> = sqlx::query_as(
        "select p.handle, a.detail from auth.audit_log a
           join app.profiles p on p.user_id = a.actor
          where a.event = 'sealed_author_viewed'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for who in ["keeperly", "chiefly"] {
        assert!(
            looks.iter().any(|(handle, detail)| handle == who
                && detail["comment_ids"]
                    .as_array()
                    .is_some_and(|ids| ids.contains(&by_poster.into()))),
            "{who}'s look is recorded: {looks:?}"
        );
    }
    assert!(
        looks
            .iter()
            .all(|(handle, _)| handle == "keeperly" || handle == "chiefly"),
        "only moderators looked: {looks:?}"
    );

    // Each author recognises only their own anonymous reply, and sees its source to edit.
    let own = thread(&app, &writer.cookies, post).await;
    let c = comment(&own, by_poster);
    assert_eq!(c["viewer_is_author"], true, "{c}");
    assert_eq!(c["sealed_author"], Value::Null, "{c}");
    assert_eq!(
        c["body_source"],
        "Walking by the river, thank you @readerly."
    );
    assert_eq!(comment(&own, by_friend)["viewer_is_author"], false);
    assert_eq!(comment(&own, by_friend)["body_source"], "");
}

#[tokio::test]
async fn the_author_edits_and_deletes_their_anonymous_reply_and_nobody_else_can() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let writer = member(&app, "wrenhollow", "Wren Hollowmere").await;
    let reader = member(&app, "readerly", "Ree Dearly").await;
    create_circle(&app, &chief, "heavy-days", "members", true).await;
    join(&app, &writer, "heavy-days").await;
    join(&app, &reader, "heavy-days").await;
    let post = anonymous_post(&app, &writer, "heavy-days", "Tidewater evenings").await;
    let mine = created_comment_id(&reply(&app, &writer, post, None, "Thank you all.", true).await);
    let id = mine.to_string();
    let stored = |app: &TestApp| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_as::<_, (String, Option<uuid::Uuid>, bool, bool)>(
                "select body, author_id, is_anonymous, deleted_at is not null from app.comments where id = $1",
            )
            .bind(mine)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };

    // Another member cannot edit or delete it, even calling the endpoints directly.
    let hijack = call(
        &app,
        "comments/edit",
        &[("id", &id), ("body", "Mine now.")],
        &reader.cookies,
    )
    .await;
    assert_eq!(hijack.status, StatusCode::FORBIDDEN, "{}", hijack.body);
    let removal = call(&app, "comments/delete", &[("id", &id)], &reader.cookies).await;
    assert_eq!(removal.status, StatusCode::FORBIDDEN, "{}", removal.body);
    assert_eq!(
        stored(&app).await,
        ("Thank you all.".into(), None, true, false)
    );

    // The author edits it: still anonymous, the old text kept in the history.
    let edited = call(
        &app,
        "comments/edit",
        &[("id", &id), ("body", "Thank you all, truly.")],
        &writer.cookies,
    )
    .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(
        stored(&app).await,
        ("Thank you all, truly.".into(), None, true, false)
    );
    assert_eq!(
        count(
            &app,
            &format!("select count(*) from app.comment_revisions where comment_id = {mine}")
        )
        .await,
        1
    );
    let seen = thread(&app, &reader.cookies, post).await;
    assert_eq!(comment(&seen, mine)["edited"], true);
    assert!(!seen.to_string().contains("wrenhollow"), "{seen}");

    // And deletes it; the post's reply count follows.
    let comment_count = format!("select comment_count::bigint from app.posts where id = {post}");
    assert_eq!(count(&app, &comment_count).await, 1);
    let deleted = call(&app, "comments/delete", &[("id", &id)], &writer.cookies).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(stored(&app).await, (String::new(), None, true, true));
    assert_eq!(count(&app, &comment_count).await, 0);
}

#[tokio::test]
async fn an_anonymous_reply_outside_a_support_circle_is_refused_with_a_field_error_and_writes_nothing()
 {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    let moss = member(&app, "mossbank", "Moss Bank").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;
    join(&app, &moss, "morning-pages").await;
    let post = write_post(&app, &fern, "morning-pages", "First light", "Pages.").await;

    let refused = reply(&app, &moss, post, None, "Quietly, me too.", true).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let message = field_error(&refused, "anonymous").unwrap_or_default();
    assert!(message.contains("support circles"), "{}", refused.body);
    assert_eq!(count(&app, "select count(*) from app.comments").await, 0);
    assert_eq!(
        count(&app, "select count(*) from app.anonymous_comment_authors").await,
        0
    );
    assert_eq!(
        count(
            &app,
            &format!("select comment_count::bigint from app.posts where id = {post}")
        )
        .await,
        0
    );
    // Its page offers no such choice.
    let (_, html) = page(&app, &post_page("morning-pages", post), &moss.cookies).await;
    assert!(html.contains("data-testid=\"comment-body\""));
    assert!(!html.contains("reply-anonymously"));
}

#[tokio::test]
async fn reply_anonymously_starts_ticked_only_on_the_viewers_own_anonymous_post() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let writer = member(&app, "wrenhollow", "Wren Hollowmere").await;
    let reader = member(&app, "readerly", "Ree Dearly").await;
    create_circle(&app, &chief, "heavy-days", "members", true).await;
    join(&app, &writer, "heavy-days").await;
    join(&app, &reader, "heavy-days").await;
    let anonymous = anonymous_post(&app, &writer, "heavy-days", "Tidewater evenings").await;
    let signed = write_post(&app, &writer, "heavy-days", "Signed", "Words.").await;
    let first = created_comment_id(&reply(&app, &reader, anonymous, None, "Hello.", false).await);

    let ticked = |html: &str, id: &str| {
        let tag = tag_with_id(html, id).unwrap_or_else(|| panic!("no #{id}"));
        tag.contains(" checked")
    };
    // A comment's reply form is rendered only when asked for (`?reply=<id>`).
    let with_form = format!("{}?reply={first}", post_page("heavy-days", anonymous));
    let (_, html) = page(&app, &post_page("heavy-days", anonymous), &writer.cookies).await;
    assert!(ticked(&html, "new-comment-anonymous"), "own anonymous post");
    assert!(
        tag_with_id(&html, &format!("reply-{first}")).is_none(),
        "no reply form until one is asked for"
    );
    assert!(html.contains(&format!("?reply={first}#comment-{first}")));
    let (_, html) = page(&app, &with_form, &writer.cookies).await;
    assert!(ticked(&html, &format!("reply-{first}-anonymous")));
    let (_, html) = page(&app, &post_page("heavy-days", anonymous), &reader.cookies).await;
    assert!(
        !ticked(&html, "new-comment-anonymous"),
        "someone else's post"
    );
    let (_, html) = page(&app, &with_form, &reader.cookies).await;
    assert!(!ticked(&html, &format!("reply-{first}-anonymous")));
    let (_, html) = page(&app, &post_page("heavy-days", signed), &writer.cookies).await;
    assert!(!ticked(&html, "new-comment-anonymous"), "own signed post");
}
