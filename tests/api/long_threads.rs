//! Threads longer than one page: every reply is reachable by following links (the way a
//! reader without JavaScript does), none is shown twice, and replies that answer a reply on
//! an earlier page still appear.

use crate::helpers::{TestApp, spawn_app};
use reqwest::StatusCode;
use std::collections::{BTreeSet, HashSet, VecDeque};
use wellspring::server::services::community::comments::REPLIES_PER_PAGE;

/// A public circle with one post; returns the post's id.
async fn post_in_public_circle(app: &TestApp) -> i64 {
    let circle: i64 = sqlx::query_scalar(
        "insert into app.circles (slug, name) values ('long-talks', 'Long talks') returning id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query_scalar(
        "insert into app.posts (circle_id, title, body, body_html)
         values ($1, 'A long conversation', 'words', '<p>words</p>') returning id",
    )
    .bind(circle)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// `count` top-level replies in one statement; returns their ids in order.
async fn replies(app: &TestApp, post: i64, count: i32) -> Vec<i64> {
    sqlx::query_scalar(
        "insert into app.comments (post_id, body, body_html)
         select $1, 'reply ' || g, '<p>reply ' || g || '</p>' from generate_series(1, $2) g
         returning id",
    )
    .bind(post)
    .bind(count)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn reply_to(app: &TestApp, post: i64, parent: i64, depth: i32) -> i64 {
    sqlx::query_scalar(
        "insert into app.comments (post_id, parent_id, depth, body, body_html)
         values ($1, $2, $3, 'an answer', '<p>an answer</p>') returning id",
    )
    .bind(post)
    .bind(parent)
    .bind(depth)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// Every comment id shown on the pages reachable from `start` through "more replies" and
/// "continue this thread" links; how many were shown on the post's own pages (not the
/// continue-this-thread pages, which repeat their root); and how many pages were read.
async fn walk(app: &TestApp, start: &str) -> (BTreeSet<i64>, usize, usize) {
    let mut queue = VecDeque::from([start.to_owned()]);
    let mut seen_pages = HashSet::new();
    let mut shown = BTreeSet::new();
    let mut main_page_mentions = 0;
    while let Some(path) = queue.pop_front() {
        if !seen_pages.insert(path.clone()) {
            continue;
        }
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let html = response.text().await.unwrap();
        for piece in html.split(" id=\"comment-").skip(1) {
            let id: i64 = piece.split('"').next().unwrap().parse().unwrap();
            shown.insert(id);
            if !path.contains("/thread/") {
                main_page_mentions += 1;
            }
        }
        for piece in html.split("href=\"").skip(1) {
            let href = piece.split('"').next().unwrap().replace("&amp;", "&");
            // Links to the post itself are left out: the start is that page already.
            let follows = href.starts_with("/c/long-talks/p/")
                && (href.contains("?after=") || href.contains("/thread/"))
                && !href.contains('#')
                && !href.contains("reply=");
            if follows {
                queue.push_back(href);
            }
        }
        assert!(seen_pages.len() < 40, "the walk should end: {seen_pages:?}");
    }
    (shown, main_page_mentions, seen_pages.len())
}

#[tokio::test]
async fn every_reply_of_a_fifteen_hundred_reply_thread_is_reachable_without_javascript() {
    let app = spawn_app().await;
    let post = post_in_public_circle(&app).await;
    let mut all: Vec<i64> = replies(&app, post, 1_400).await;
    // A chain far below the render cap, started early and continued late, so its deep
    // replies land on a later page than their parents.
    let mut parent = all[10];
    for depth in 1..=60 {
        parent = reply_to(&app, post, parent, depth).await;
        all.push(parent);
    }
    all.extend(replies(&app, post, 40).await);
    // Replies on the last page that answer replies on the first.
    all.push(reply_to(&app, post, all[0], 1).await);
    assert!(all.len() > 1_500 && i64::try_from(all.len()).unwrap() > REPLIES_PER_PAGE);

    let start = format!("/c/long-talks/p/{post}");
    let first = app
        .client
        .get(format!("{}{start}", app.address))
        .send()
        .await
        .unwrap();
    let first = first.text().await.unwrap();
    assert!(
        first.contains("data-testid=\"more-replies\""),
        "the first page offers more"
    );
    assert!(!first.contains("data-testid=\"earlier-replies\""));

    let (shown, main_mentions, pages) = walk(&app, &start).await;
    let expected: BTreeSet<i64> = all.iter().copied().collect();
    let missing: Vec<&i64> = expected.difference(&shown).take(10).collect();
    assert!(missing.is_empty(), "unreachable replies, e.g. {missing:?}");
    assert!(
        pages >= 3,
        "two pages of the post and continued threads: {pages}"
    );
    // The plain pages show each reply above the render cap once, on one page only.
    let above_cap = all.len() - 60 + 5;
    assert_eq!(main_mentions, above_cap, "no reply repeated across pages");
}

#[tokio::test]
async fn a_later_page_starts_after_the_last_reply_of_the_one_before() {
    let app = spawn_app().await;
    let post = post_in_public_circle(&app).await;
    let ids = replies(&app, post, i32::try_from(REPLIES_PER_PAGE).unwrap() + 3).await;
    let last_on_first = ids[usize::try_from(REPLIES_PER_PAGE).unwrap() - 1];
    let path = format!("/c/long-talks/p/{post}?after={last_on_first}");
    let html = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let shown: Vec<i64> = html
        .split(" id=\"comment-")
        .skip(1)
        .map(|p| p.split('"').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(shown, ids[ids.len() - 3..].to_vec());
    assert!(html.contains("data-testid=\"earlier-replies\""));
    assert!(
        !html.contains("data-testid=\"more-replies\""),
        "nothing after the last page"
    );
}
