//! Row Level Security on pictures (migration 0034), run as the request roles: for each
//! policy an allowed case and a denied one. Fixtures are written as the owner.

use crate::helpers::TestDatabase;
use crate::rls_community::{
    anonymous_post, as_author_exec, as_member, assert_refused, circle, comment, count, member,
    membership, post, run, signed_in, sqlstate,
};
use sqlx::PgPool;
use uuid::Uuid;
use wellspring::server::db::scoped::RequestClaims;

/// A picture row, written as the owner; attached to a post or reply when given.
async fn picture(
    pool: &PgPool,
    owner: Uuid,
    bucket: &str,
    post: Option<i64>,
    reply: Option<i64>,
) -> Uuid {
    sqlx::query_scalar(
        "insert into app.media_objects (bucket, owner_id, content_type, width, height, bytes, sizes, post_id, comment_id)
         values ($1, $2, 'image/jpeg', 10, 10, 100, '{480}', $3, $4) returning id",
    )
    .bind(bucket)
    .bind(owner)
    .bind(post)
    .bind(reply)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn sees(pool: &PgPool, who: &RequestClaims, id: Uuid) -> bool {
    count(
        pool,
        who,
        &format!("select count(*) from app.media_objects where id = '{id}'"),
    )
    .await
        == 1
}

fn visitor() -> RequestClaims {
    RequestClaims::anonymous()
}

#[tokio::test]
async fn avatars_are_public_private_pictures_are_their_owners_and_admins_see_all() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let ana = member(&pool, "ana").await;
    let ben = member(&pool, "ben").await;
    let boss = member(&pool, "boss").await;
    sqlx::query("update auth.users set role = 'admin' where id = $1")
        .bind(boss)
        .execute(&pool)
        .await
        .unwrap();
    let avatar = picture(&pool, ana, "avatars", None, None).await;
    let private = picture(&pool, ana, "private", None, None).await;
    let unattached = picture(&pool, ana, "post-media", None, None).await;

    assert!(
        sees(&pool, &visitor(), avatar).await,
        "visitors see avatars"
    );
    assert!(sees(&pool, &as_member(ben), avatar).await);
    assert!(sees(&pool, &as_member(ana), private).await, "the owner");
    assert!(
        !sees(&pool, &as_member(ben), private).await,
        "another member"
    );
    assert!(!sees(&pool, &visitor(), private).await, "a visitor");
    assert!(sees(&pool, &as_member(ana), unattached).await);
    assert!(
        !sees(&pool, &as_member(ben), unattached).await,
        "unsent upload"
    );
    assert!(
        sees(&pool, &signed_in(boss, "admin"), private).await,
        "admin"
    );
    assert!(
        sees(&pool, &signed_in(boss, "admin"), unattached).await,
        "admin"
    );
}

#[tokio::test]
async fn post_pictures_follow_their_post() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let ana = member(&pool, "ana").await;
    let ben = member(&pool, "ben").await;
    let cleo = member(&pool, "cleo").await;
    let open = circle(&pool, "open", "public", false).await;
    let closed = circle(&pool, "closed", "private", false).await;
    membership(&pool, open, ana, "member", "active").await;
    membership(&pool, closed, ana, "member", "active").await;
    membership(&pool, closed, cleo, "member", "active").await;
    let public_post = post(&pool, open, ana, "Sunrise").await;
    let private_post = post(&pool, closed, ana, "Inside").await;
    let private_reply = comment(&pool, private_post, ana, None, 0).await;
    let in_public = picture(&pool, ana, "post-media", Some(public_post), None).await;
    let in_private = picture(&pool, ana, "post-media", Some(private_post), None).await;
    let in_reply = picture(&pool, ana, "post-media", None, Some(private_reply)).await;

    assert!(sees(&pool, &visitor(), in_public).await, "public post");
    assert!(
        sees(&pool, &as_member(cleo), in_private).await,
        "circle member"
    );
    assert!(
        sees(&pool, &as_member(cleo), in_reply).await,
        "circle member"
    );
    assert!(
        !sees(&pool, &as_member(ben), in_private).await,
        "not a member"
    );
    assert!(
        !sees(&pool, &as_member(ben), in_reply).await,
        "not a member"
    );
    assert!(!sees(&pool, &visitor(), in_private).await, "visitor");

    // The author deletes the post: its pictures go with it, their keys queued for the sweep.
    as_author_exec(
        &pool,
        ana,
        &format!("update app.posts set deleted_at = now() where id = {public_post}"),
    )
    .await;
    let queued: i64 =
        sqlx::query_scalar("select count(*) from app.media_deletions where media_id = $1")
            .bind(in_public)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(queued, 1);
    let left: i64 = sqlx::query_scalar("select count(*) from app.media_objects where id = $1")
        .bind(in_public)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn members_upload_describe_and_remove_only_their_own_pictures() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let ana = member(&pool, "ana").await;
    let ben = member(&pool, "ben").await;
    let boss = member(&pool, "boss").await;
    sqlx::query("update auth.users set role = 'admin' where id = $1")
        .bind(boss)
        .execute(&pool)
        .await
        .unwrap();
    let insert = |owner: Uuid| {
        format!(
            "insert into app.media_objects (bucket, owner_id, content_type, width, height, bytes, sizes)
             values ('avatars', '{owner}', 'image/jpeg', 10, 10, 100, '{{64}}')"
        )
    };
    assert_eq!(run(&pool, &as_member(ana), &insert(ana)).await.unwrap(), 1);
    assert_refused(
        run(&pool, &as_member(ana), &insert(ben)).await,
        "uploading as someone else",
    );
    assert_refused(
        run(&pool, &visitor(), &insert(ana)).await,
        "a visitor uploading",
    );
    // Attaching is not a column members write directly.
    let open = circle(&pool, "open", "public", false).await;
    let bens_post = post(&pool, open, ben, "Ben's").await;
    assert_refused(
        run(
            &pool,
            &as_member(ana),
            &format!(
                "insert into app.media_objects (bucket, owner_id, content_type, width, height, bytes, sizes, post_id)
                 values ('post-media', '{ana}', 'image/jpeg', 10, 10, 100, '{{480}}', {bens_post})"
            ),
        )
        .await,
        "attaching to another's post",
    );
    // Their own post takes up to four, then the database says why not.
    let anas_post = post(&pool, open, ana, "Ana's").await;
    let attach = format!(
        "insert into app.media_objects (bucket, owner_id, content_type, width, height, bytes, sizes, post_id, alt)
         values ('post-media', '{ana}', 'image/jpeg', 10, 10, 100, '{{480}}', {anas_post}, 'a view')"
    );
    for _ in 0..4 {
        assert_eq!(run(&pool, &as_member(ana), &attach).await.unwrap(), 1);
    }
    let fifth = run(&pool, &as_member(ana), &attach).await.unwrap_err();
    assert_eq!(sqlstate(&fifth).as_deref(), Some("WS400"), "{fifth}");
    // Never to an anonymous post, even the member's own: a picture can say who took it.
    let hidden = anonymous_post(&pool, open, Some(ana)).await;
    assert_refused(
        run(
            &pool,
            &as_member(ana),
            &attach.replace(&anas_post.to_string(), &hidden.to_string()),
        )
        .await,
        "a picture on an anonymous post",
    );

    let mine = picture(&pool, ana, "post-media", None, None).await;
    let describe =
        format!("update app.media_objects set alt = 'A lake at dawn' where id = '{mine}'");
    assert_eq!(run(&pool, &as_member(ana), &describe).await.unwrap(), 1);
    assert_eq!(run(&pool, &as_member(ben), &describe).await.unwrap(), 0);
    assert_refused(
        run(
            &pool,
            &as_member(ana),
            &format!("update app.media_objects set post_id = {bens_post} where id = '{mine}'"),
        )
        .await,
        "moving a picture onto a post by update",
    );

    let remove = |id: Uuid| format!("delete from app.media_objects where id = '{id}'");
    assert_eq!(run(&pool, &as_member(ben), &remove(mine)).await.unwrap(), 0);
    assert_eq!(run(&pool, &as_member(ana), &remove(mine)).await.unwrap(), 1);
    let bens = picture(&pool, ben, "avatars", None, None).await;
    assert_eq!(
        run(&pool, &signed_in(boss, "admin"), &remove(bens))
            .await
            .unwrap(),
        1,
        "an admin removes any picture"
    );

    // The deletion queue is the sweep's alone.
    assert_refused(
        run(&pool, &as_member(ana), "delete from app.media_deletions").await,
        "a member emptying the deletion queue",
    );
    let queued: i64 = sqlx::query_scalar("select count(*) from app.media_deletions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(queued, 2, "both removals queued their keys");
}

#[tokio::test]
async fn a_profile_picture_is_one_of_the_members_own_avatars() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let ana = member(&pool, "ana").await;
    let ben = member(&pool, "ben").await;
    let anas = picture(&pool, ana, "avatars", None, None).await;
    let anas_private = picture(&pool, ana, "private", None, None).await;
    let bens = picture(&pool, ben, "avatars", None, None).await;
    let set = |id: Uuid, user: Uuid| {
        format!("update app.profiles set avatar_id = '{id}' where user_id = '{user}'")
    };
    assert_eq!(
        run(&pool, &as_member(ana), &set(anas, ana)).await.unwrap(),
        1
    );
    assert_refused(
        run(&pool, &as_member(ana), &set(bens, ana)).await,
        "someone else's picture",
    );
    assert_refused(
        run(&pool, &as_member(ana), &set(anas_private, ana)).await,
        "a private picture",
    );
    assert_eq!(
        run(&pool, &as_member(ben), &set(bens, ana)).await.unwrap(),
        0,
        "another member's profile"
    );

    // Deleting the account deletes its pictures and queues their keys.
    sqlx::query("delete from auth.users where id = $1")
        .bind(ana)
        .execute(&pool)
        .await
        .unwrap();
    let queued: Vec<Uuid> =
        sqlx::query_scalar("select media_id from app.media_deletions order by media_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let mut expected = vec![anas, anas_private];
    expected.sort();
    assert_eq!(queued, expected);
}

#[tokio::test]
async fn a_silenced_member_cannot_upload() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let ana = member(&pool, "ana").await;
    sqlx::query(
        "insert into app.sanctions (member_id, kind, reason, starts_at, ends_at)
         values ($1, 'silence', 'cooling off', now(), now() + interval '1 day')",
    )
    .bind(ana)
    .execute(&pool)
    .await
    .unwrap();
    let refused = run(
        &pool,
        &as_member(ana),
        &format!(
            "insert into app.media_objects (bucket, owner_id, content_type, width, height, bytes, sizes)
             values ('avatars', '{ana}', 'image/jpeg', 10, 10, 100, '{{64}}')"
        ),
    )
    .await
    .unwrap_err();
    assert_eq!(sqlstate(&refused).as_deref(), Some("WS403"));
}

#[tokio::test]
async fn a_reply_takes_pictures_from_its_named_author_only() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let ana = member(&pool, "ana").await;
    let ben = member(&pool, "ben").await;
    let open = circle(&pool, "open", "public", true).await;
    let topic = post(&pool, open, ana, "Topic").await;
    let anas_reply = comment(&pool, topic, ana, None, 0).await;
    let bens_reply = comment(&pool, topic, ben, None, 0).await;
    let attach = |owner: Uuid, reply: i64| {
        format!(
            "insert into app.media_objects (bucket, owner_id, content_type, width, height, bytes, sizes, comment_id, alt)
             values ('post-media', '{owner}', 'image/jpeg', 10, 10, 100, '{{480}}', {reply}, 'a view')"
        )
    };
    assert_eq!(
        run(&pool, &as_member(ana), &attach(ana, anas_reply))
            .await
            .unwrap(),
        1
    );
    assert_refused(
        run(&pool, &as_member(ana), &attach(ana, bens_reply)).await,
        "a picture on another member's reply",
    );
    let anonymous: i64 = sqlx::query_scalar(
        "insert into app.comments (post_id, author_id, is_anonymous, body, body_html, depth)
         values ($1, null, true, 'quietly', '<p>quietly</p>', 0) returning id",
    )
    .bind(topic)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_refused(
        run(&pool, &as_member(ana), &attach(ana, anonymous)).await,
        "a picture on an anonymous reply",
    );
    for _ in 0..3 {
        run(&pool, &as_member(ana), &attach(ana, anas_reply))
            .await
            .unwrap();
    }
    let fifth = run(&pool, &as_member(ana), &attach(ana, anas_reply))
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&fifth).as_deref(), Some("WS400"), "{fifth}");
}
