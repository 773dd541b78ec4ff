//! Domain events: each community write records its event in the same transaction, a
//! rolled-back write records and announces nothing, anonymous content names no actor, and
//! only the service role can read them.

use crate::{
    helpers::TestDatabase,
    rls_community::{member, signed_in},
};
use sqlx::{PgPool, postgres::PgListener};
use std::time::Duration;
use uuid::Uuid;
use wellspring::server::{
    db::scoped::{self, RequestClaims},
    events,
};

/// Runs `sql` (binding `args` as bigint) as `who` and commits; returns the first column of
/// the first row when there is one.
async fn write(pool: &PgPool, who: &RequestClaims, sql: &str, args: &[i64]) -> Option<i64> {
    let mut tx = scoped::begin(pool, who).await.unwrap();
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for arg in args {
        query = query.bind(*arg);
    }
    let value = query.fetch_optional(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    value
}

/// Events after `after`, as (kind, circle, post, comment, subject, actor).
type Row = (
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<Uuid>,
    Option<Uuid>,
);

async fn events_after(pool: &PgPool, after: i64) -> Vec<Row> {
    let mut tx = scoped::begin(pool, &RequestClaims::auth_admin())
        .await
        .unwrap();
    let events = events::since(&mut tx, after, 1000).await.unwrap();
    tx.commit().await.unwrap();
    events
        .into_iter()
        .map(|e| {
            (
                e.kind,
                e.circle_id,
                e.post_id,
                e.comment_id,
                e.subject_user_id,
                e.actor_id,
            )
        })
        .collect()
}

async fn last_event(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select coalesce(max(id), 0) from app.events")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn every_community_write_records_its_event_in_the_same_transaction() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let (ada, bea, cy) = (
        member(&pool, "ada").await,
        member(&pool, "bea").await,
        member(&pool, "cyra").await,
    );
    let open: i64 = sqlx::query_scalar(
        "insert into app.circles (slug, name) values ('open-air', 'Open air') returning id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let closed: i64 = sqlx::query_scalar(
        "insert into app.circles (slug, name, visibility) values ('quiet-room', 'Quiet room', 'private')
         returning id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into app.circle_members (circle_id, user_id, role) values ($1, $2, 'moderator')",
    )
    .bind(closed)
    .bind(ada)
    .execute(&pool)
    .await
    .unwrap();
    let start = last_event(&pool).await;
    let (ada_c, bea_c, cy_c) = (
        signed_in(ada, "member"),
        signed_in(bea, "member"),
        signed_in(cy, "member"),
    );

    write(
        &pool,
        &ada_c,
        "insert into app.circle_members (circle_id, user_id) values ($1, auth.uid())",
        &[open],
    )
    .await;
    write(
        &pool,
        &bea_c,
        "insert into app.circle_members (circle_id, user_id) values ($1, auth.uid())",
        &[open],
    )
    .await;
    let post = write(
        &pool,
        &ada_c,
        "insert into app.posts (circle_id, author_id, title, body, body_html)
         values ($1, auth.uid(), 'Morning light', 'words', '<p>words</p>') returning id",
        &[open],
    )
    .await
    .unwrap();
    let comment = write(
        &pool,
        &bea_c,
        "insert into app.comments (post_id, author_id, body, body_html)
         values ($1, auth.uid(), 'kind words', '<p>kind words</p>') returning id",
        &[post],
    )
    .await
    .unwrap();
    write(
        &pool,
        &ada_c,
        "insert into app.post_reactions (post_id, user_id, kind) values ($1, auth.uid(), 'hug')",
        &[post],
    )
    .await;
    write(
        &pool,
        &ada_c,
        "delete from app.post_reactions where post_id = $1 and user_id = auth.uid()",
        &[post],
    )
    .await;
    write(&pool, &bea_c, "insert into app.comment_reactions (comment_id, user_id, kind) values ($1, auth.uid(), 'support')", &[comment]).await;
    write(
        &pool,
        &ada_c,
        "update app.posts set body = 'more words', edited_at = now() where id = $1",
        &[post],
    )
    .await;
    write(
        &pool,
        &bea_c,
        "update app.comments set body = 'kinder words', edited_at = now() where id = $1",
        &[comment],
    )
    .await;
    let staff = signed_in(cy, "admin");
    write(
        &pool,
        &staff,
        "select app.moderate('pin', $1, null, 'Keep it in view')",
        &[post],
    )
    .await;
    write(
        &pool,
        &staff,
        "select app.moderate('lock', $1, null, 'Quiet for now')",
        &[post],
    )
    .await;
    write(
        &pool,
        &bea_c,
        "update app.comments set deleted_at = now() where id = $1",
        &[comment],
    )
    .await;
    write(
        &pool,
        &ada_c,
        "update app.posts set deleted_at = now() where id = $1",
        &[post],
    )
    .await;
    write(&pool, &cy_c, "insert into app.circle_members (circle_id, user_id, status) values ($1, auth.uid(), 'pending')", &[closed]).await;
    write(
        &pool,
        &ada_c,
        "update app.circle_members set status = 'active' where circle_id = $1 and status = 'pending'",
        &[closed],
    )
    .await;
    write(
        &pool,
        &bea_c,
        "delete from app.circle_members where circle_id = $1 and user_id = auth.uid()",
        &[open],
    )
    .await;

    let (p, c) = (Some(post), Some(comment));
    let (o, q) = (Some(open), Some(closed));
    assert_eq!(
        events_after(&pool, start).await,
        vec![
            (
                "membership.joined".into(),
                o,
                None,
                None,
                Some(ada),
                Some(ada)
            ),
            (
                "membership.joined".into(),
                o,
                None,
                None,
                Some(bea),
                Some(bea)
            ),
            ("post.created".into(), o, p, None, None, Some(ada)),
            ("comment.created".into(), o, p, c, None, Some(bea)),
            // Ada is told of Bea's reply (migration 0018): an event about its recipient,
            // naming no actor.
            ("notification.created".into(), o, p, c, Some(ada), None),
            ("reaction.added".into(), o, p, None, None, Some(ada)),
            ("reaction.removed".into(), o, p, None, None, Some(ada)),
            ("reaction.added".into(), o, p, c, None, Some(bea)),
            ("post.edited".into(), o, p, None, None, Some(ada)),
            ("comment.edited".into(), o, p, c, None, Some(bea)),
            // Pinning and locking are moderation actions (migration 0023): the author is
            // told of each.
            ("post.pinned".into(), o, p, None, None, Some(cy)),
            ("notification.created".into(), o, p, None, Some(ada), None),
            ("post.locked".into(), o, p, None, None, Some(cy)),
            ("notification.created".into(), o, p, None, Some(ada), None),
            ("comment.deleted".into(), o, p, c, None, Some(bea)),
            ("post.deleted".into(), o, p, None, None, Some(ada)),
            (
                "join_request.created".into(),
                q,
                None,
                None,
                Some(cy),
                Some(cy)
            ),
            (
                "join_request.approved".into(),
                q,
                None,
                None,
                Some(cy),
                Some(ada)
            ),
            // Cy is told her request was approved, the moderator unnamed.
            ("notification.created".into(), q, None, None, Some(cy), None),
            (
                "membership.left".into(),
                o,
                None,
                None,
                Some(bea),
                Some(bea)
            ),
        ]
    );

    // Same transaction: the reaction row and its event were written by one transaction id
    // (that row is never updated afterwards, so its xmin is still the inserting one).
    let comment_same: bool = sqlx::query_scalar(
        "select e.xmin::text = r.xmin::text
           from app.events e, app.comment_reactions r
          where e.kind = 'reaction.added' and e.comment_id = r.comment_id and r.comment_id = $1",
    )
    .bind(comment)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        comment_same,
        "the reaction and its event share a transaction"
    );
}

#[tokio::test]
async fn a_rolled_back_write_records_and_announces_nothing() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let ada = member(&pool, "ada").await;
    let circle: i64 = sqlx::query_scalar(
        "insert into app.circles (slug, name) values ('open-air', 'Open air') returning id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("insert into app.circle_members (circle_id, user_id) values ($1, $2)")
        .bind(circle)
        .bind(ada)
        .execute(&pool)
        .await
        .unwrap();
    let start = last_event(&pool).await;
    let mut listener = PgListener::connect_with(&pool).await.unwrap();
    listener.listen(events::CHANNEL).await.unwrap();

    let insert = "insert into app.posts (circle_id, author_id, title, body, body_html)
                  values ($1, auth.uid(), 'Second thoughts', 'words', '<p>words</p>') returning id";
    let mut tx = scoped::begin(&pool, &signed_in(ada, "member"))
        .await
        .unwrap();
    sqlx::query_scalar::<_, i64>(insert)
        .bind(circle)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let kept = write(&pool, &signed_in(ada, "member"), insert, &[circle])
        .await
        .unwrap();

    let notice = tokio::time::timeout(Duration::from_secs(5), listener.recv())
        .await
        .expect("the committed write is announced")
        .unwrap();
    let events = events_after(&pool, start).await;
    assert_eq!(events.len(), 1, "only the committed write: {events:?}");
    assert_eq!(events[0].2, Some(kept));
    let id: i64 = sqlx::query_scalar("select id from app.events where post_id = $1")
        .bind(kept)
        .fetch_one(&pool)
        .await
        .unwrap();
    let announced: serde_json::Value = serde_json::from_str(notice.payload()).unwrap();
    assert_eq!(announced["id"], id, "the first notice is the committed one");
    assert_eq!(announced["kind"], "post.created");
    assert_eq!(announced["post"], kept);
    assert!(
        announced.get("actor").is_none(),
        "an announcement never names who acted: {announced}"
    );
    assert!(
        tokio::time::timeout(Duration::from_millis(300), listener.recv())
            .await
            .is_err(),
        "nothing else was announced"
    );
}

#[tokio::test]
async fn anonymous_posts_and_replies_record_no_actor() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let ada = member(&pool, "ada").await;
    let circle: i64 = sqlx::query_scalar(
        "insert into app.circles (slug, name, is_support) values ('held-gently', 'Held gently', true)
         returning id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("insert into app.circle_members (circle_id, user_id) values ($1, $2)")
        .bind(circle)
        .bind(ada)
        .execute(&pool)
        .await
        .unwrap();
    let start = last_event(&pool).await;
    let who = signed_in(ada, "member");
    let post = write(
        &pool,
        &who,
        "insert into app.posts (circle_id, is_anonymous, title, body, body_html)
         values ($1, true, 'Heavy week', 'words', '<p>words</p>') returning id",
        &[circle],
    )
    .await
    .unwrap();
    write(
        &pool,
        &who,
        "insert into app.comments (post_id, is_anonymous, body, body_html)
         values ($1, true, 'me again', '<p>me again</p>') returning id",
        &[post],
    )
    .await;
    let actors: Vec<Option<Uuid>> = events_after(&pool, start)
        .await
        .into_iter()
        .map(|e| e.5)
        .collect();
    assert_eq!(actors, vec![None, None]);
}

#[tokio::test]
async fn only_the_service_role_reads_events() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let ada = member(&pool, "ada").await;
    sqlx::query("insert into app.circles (slug, name) values ('open-air', 'Open air')")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into app.circle_members (circle_id, user_id) select id, $1 from app.circles",
    )
    .bind(ada)
    .execute(&pool)
    .await
    .unwrap();
    for who in [
        RequestClaims::anonymous(),
        signed_in(ada, "member"),
        signed_in(ada, "admin"),
    ] {
        let mut tx = scoped::begin(&pool, &who).await.unwrap();
        let read = sqlx::query_scalar::<_, i64>("select count(*) from app.events")
            .fetch_one(&mut *tx)
            .await;
        assert!(read.is_err(), "{:?} read events", who.role);
        tx.rollback().await.unwrap();
        let mut tx = scoped::begin(&pool, &who).await.unwrap();
        let forged = sqlx::query("insert into app.events (kind) values ('post.created')")
            .execute(&mut *tx)
            .await;
        assert!(forged.is_err(), "{:?} forged an event", who.role);
        tx.rollback().await.unwrap();
    }
    let mut tx = scoped::begin(&pool, &RequestClaims::auth_admin())
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("select count(*) from app.events")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 1, "the service reads the membership event");
}
