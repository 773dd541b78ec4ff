//! Row Level Security on identity tables, run as the request roles: for each policy an
//! allowed case and a denied one.

use crate::helpers::TestDatabase;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;
use wellspring::server::db::scoped::{self, DbRole, RequestClaims};

async fn member(pool: &PgPool, handle: &str) -> Uuid {
    let id: Uuid = sqlx::query_scalar(
        "insert into auth.users (email, password_hash, email_confirmed_at)
         values ($1, 'x', now()) returning id",
    )
    .bind(format!("{handle}@example.org"))
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("insert into app.profiles (user_id, handle, display_name) values ($1, $2, $2)")
        .bind(id)
        .bind(handle)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("insert into auth.sessions (user_id, user_agent) values ($1, 'test')")
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("insert into auth.mfa_factors (user_id, secret_ciphertext) values ($1, '\\x00')")
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    id
}

fn as_member(id: Uuid) -> RequestClaims {
    RequestClaims {
        role: DbRole::Authenticated,
        claims: json!({ "sub": id, "role": "authenticated", "aal": "aal1" }),
    }
}

async fn rows(pool: &PgPool, who: &RequestClaims, sql: &str) -> Result<i64, sqlx::Error> {
    let mut tx = scoped::begin(pool, who).await?;
    let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut *tx).await?;
    tx.rollback().await?;
    Ok(n)
}

async fn exec(pool: &PgPool, who: &RequestClaims, sql: &str, id: Uuid) -> Result<u64, sqlx::Error> {
    let mut tx = scoped::begin(pool, who).await?;
    let done = sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

#[tokio::test]
async fn members_read_only_their_own_account_and_sessions() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let a = member(&pool, "alder").await;
    let b = member(&pool, "birch").await;
    let who = as_member(a);
    // Allowed: their own.
    assert_eq!(
        rows(&pool, &who, "select count(*) from auth.users")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        rows(&pool, &who, "select count(*) from auth.sessions")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        rows(&pool, &who, "select count(*) from auth.mfa_factors")
            .await
            .unwrap(),
        1
    );
    // Denied: B's rows are invisible, even asked for by id.
    let sql = format!("select count(*) from auth.sessions where user_id = '{b}'");
    assert_eq!(rows(&pool, &who, &sql).await.unwrap(), 0);
    let sql = format!("select count(*) from auth.users where id = '{b}'");
    assert_eq!(rows(&pool, &who, &sql).await.unwrap(), 0);
}

#[tokio::test]
async fn nobody_reads_mfa_secrets_or_password_hashes_through_a_request() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let a = member(&pool, "cedar").await;
    let who = as_member(a);
    for sql in [
        "select count(secret_ciphertext) from auth.mfa_factors",
        "select count(password_hash) from auth.users",
        "select count(*) from auth.refresh_tokens",
        "select count(*) from auth.recovery_codes",
        "select count(*) from auth.one_time_tokens",
        "select count(*) from app.outbox_emails",
    ] {
        let error = rows(&pool, &who, sql).await.unwrap_err();
        assert!(
            error.to_string().contains("permission denied"),
            "{sql}: {error}"
        );
    }
    // Allowed: that a factor exists, and its status.
    assert_eq!(
        rows(&pool, &who, "select count(status) from auth.mfa_factors")
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn members_cannot_change_any_role_their_own_included() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let a = member(&pool, "daisy").await;
    let b = member(&pool, "elder").await;
    for target in [a, b] {
        let error = exec(
            &pool,
            &as_member(a),
            "update auth.users set role = 'admin' where id = $1",
            target,
        )
        .await
        .unwrap_err();
        assert!(error.to_string().contains("permission denied"), "{error}");
    }
    let roles: Vec<String> = sqlx::query_scalar("select role from auth.users")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(roles, vec!["member", "member"]);
}

#[tokio::test]
async fn members_revoke_and_edit_only_their_own_rows() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let a = member(&pool, "fennel").await;
    let b = member(&pool, "ginger").await;
    let who = as_member(a);
    let revoke = "update auth.sessions set revoked_at = now() where user_id = $1";
    assert_eq!(
        exec(&pool, &who, revoke, a).await.unwrap(),
        1,
        "own session: allowed"
    );
    assert_eq!(
        exec(&pool, &who, revoke, b).await.unwrap(),
        0,
        "B's session: denied"
    );
    // Ended stays ended: the member cannot bring a revoked session back.
    let unrevoke = "update auth.sessions set revoked_at = null where user_id = $1";
    assert_eq!(
        exec(&pool, &who, unrevoke, a).await.unwrap(),
        0,
        "un-revoking own session: denied"
    );
    let live: i64 = sqlx::query_scalar(
        "select count(*) from auth.sessions where user_id = $1 and revoked_at is null",
    )
    .bind(a)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(live, 0);
    let rename = "update app.profiles set display_name = 'Changed' where user_id = $1";
    assert_eq!(
        exec(&pool, &who, rename, a).await.unwrap(),
        1,
        "own profile: allowed"
    );
    assert_eq!(
        exec(&pool, &who, rename, b).await.unwrap(),
        0,
        "B's profile: denied"
    );
    // A profile cannot be handed to someone else.
    let error = exec(
        &pool,
        &who,
        "update app.profiles set user_id = $1 where user_id = auth.uid()",
        b,
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("permission denied"), "{error}");
}

#[tokio::test]
async fn visitors_see_public_profiles_and_nothing_private() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    member(&pool, "hazel").await;
    let anon = RequestClaims::anonymous();
    // Allowed: public profile fields.
    assert_eq!(
        rows(&pool, &anon, "select count(handle) from app.profiles")
            .await
            .unwrap(),
        1
    );
    // Denied: accounts (emails, roles), sessions, factors, the audit trail.
    for sql in [
        "select count(email) from auth.users",
        "select count(*) from auth.sessions",
        "select count(*) from auth.mfa_factors",
        "select count(*) from auth.audit_log",
    ] {
        let error = rows(&pool, &anon, sql).await.unwrap_err();
        assert!(
            error.to_string().contains("permission denied"),
            "{sql}: {error}"
        );
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only_and_unreadable_by_members() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let a = member(&pool, "iris").await;
    let b = member(&pool, "juniper").await;
    let service = RequestClaims::auth_admin();
    for who in [a, b] {
        let mut tx = scoped::begin(&pool, &service).await.unwrap();
        sqlx::query(
            "insert into auth.audit_log (actor, subject, event) values ($1, $1, 'sign_in')",
        )
        .bind(who)
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    // Members' requests do not read it, not even their own rows (it records IPs, devices and
    // attempts, some of them an attacker's); the service does.
    let error = rows(&pool, &as_member(a), "select count(*) from auth.audit_log")
        .await
        .unwrap_err();
    assert!(error.to_string().contains("permission denied"), "{error}");
    assert_eq!(
        rows(&pool, &service, "select count(*) from auth.audit_log")
            .await
            .unwrap(),
        2
    );
    // Not even the service, nor the owner, may rewrite history.
    let error = exec(
        &pool,
        &service,
        "delete from auth.audit_log where actor = $1",
        a,
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("permission denied"), "{error}");
    let error = sqlx::query("update auth.audit_log set event = 'nothing'")
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("append-only"), "{error}");
    // A member cannot write audit rows at all.
    let error = exec(
        &pool,
        &as_member(a),
        "insert into auth.audit_log (actor, event) values ($1, 'forged')",
        a,
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("permission denied"), "{error}");
}

async fn linked_sign_in(pool: &PgPool, user: Uuid, subject: &str) -> Uuid {
    sqlx::query_scalar(
        "insert into auth.identities (user_id, provider, subject, email)
         values ($1, 'github', $2, 'x@example.org') returning id",
    )
    .bind(user)
    .bind(subject)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn members_unlink_only_their_own_sign_ins() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let a = member(&pool, "kestrel").await;
    let b = member(&pool, "linnet").await;
    let own = linked_sign_in(&pool, a, "gh-a").await;
    let theirs = linked_sign_in(&pool, b, "gh-b").await;
    let unlink = "delete from auth.identities where id = $1";
    // Denied: B's, even named by id.
    assert_eq!(exec(&pool, &as_member(a), unlink, theirs).await.unwrap(), 0);
    // Allowed: their own.
    assert_eq!(exec(&pool, &as_member(a), unlink, own).await.unwrap(), 1);
    let left: Vec<Uuid> = sqlx::query_scalar("select id from auth.identities")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(left, [theirs]);
    // Visitors cannot unlink anything.
    let error = exec(&pool, &RequestClaims::anonymous(), unlink, theirs)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("permission denied"), "{error}");
}

#[tokio::test]
async fn recovery_codes_kept_for_one_view_are_the_identity_services_alone() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let a = member(&pool, "merlin").await;
    let session: Uuid = sqlx::query_scalar("select id from auth.sessions where user_id = $1")
        .bind(a)
        .fetch_one(&pool)
        .await
        .unwrap();
    // Allowed: the service keeps and takes them.
    let service = RequestClaims::auth_admin();
    assert_eq!(
        exec(
            &pool,
            &service,
            "insert into auth.recovery_code_reveals (session_id, user_id, sealed_codes, expires_at)
             select id, user_id, '\\x00', now() + interval '10 minutes' from auth.sessions where id = $1",
            session,
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        rows(
            &pool,
            &service,
            "select count(*) from auth.recovery_code_reveals"
        )
        .await
        .unwrap(),
        1
    );
    // Denied: not even their own member reads or removes them through a request.
    for who in [as_member(a), RequestClaims::anonymous()] {
        let error = rows(
            &pool,
            &who,
            "select count(*) from auth.recovery_code_reveals",
        )
        .await
        .unwrap_err();
        assert!(error.to_string().contains("permission denied"), "{error}");
        let error = exec(
            &pool,
            &who,
            "delete from auth.recovery_code_reveals where session_id = $1",
            session,
        )
        .await
        .unwrap_err();
        assert!(error.to_string().contains("permission denied"), "{error}");
    }
    // When the session ends (here the member signs it out through their own policy), the
    // codes waiting for it are gone.
    assert_eq!(
        exec(
            &pool,
            &as_member(a),
            "update auth.sessions set revoked_at = now() where id = $1",
            session,
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        rows(
            &pool,
            &service,
            "select count(*) from auth.recovery_code_reveals"
        )
        .await
        .unwrap(),
        0,
        "codes of an ended session are deleted"
    );
}
