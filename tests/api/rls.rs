use crate::helpers::TestDatabase;
use serde_json::json;
use wellspring::server::db::scoped::{self, DbRole, RequestClaims};

const UNSECURED_TABLES: &str = r#"
    select n.nspname || '.' || c.relname
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname in ('auth', 'app') and c.relkind in ('r', 'p')
       and not (c.relrowsecurity and c.relforcerowsecurity)
     order by 1"#;

#[tokio::test]
async fn every_table_in_the_app_schemas_has_row_level_security_enabled_and_forced() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let unsecured: Vec<String> = sqlx::query_scalar(UNSECURED_TABLES)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(
        unsecured.is_empty(),
        "tables without enabled+forced RLS: {unsecured:?}"
    );

    // The check itself catches a table that forgets it.
    sqlx::query("create table app.forgotten (id int)")
        .execute(&pool)
        .await
        .unwrap();
    let unsecured: Vec<String> = sqlx::query_scalar(UNSECURED_TABLES)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(unsecured, vec!["app.forgotten".to_owned()]);
}

#[tokio::test]
async fn a_scoped_transaction_runs_as_the_request_role_with_its_claims() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let member = "7d7d5a52-8d8a-4c4e-9d1e-0a4b7c3e2f10";
    let who = RequestClaims {
        role: DbRole::Authenticated,
        claims: json!({ "sub": member, "role": "authenticated", "aal": "aal1" }),
    };
    let mut tx = scoped::begin(&pool, &who).await.unwrap();
    let (user, uid, role, aal): (String, Option<uuid::Uuid>, String, String) =
        sqlx::query_as("select current_user::text, auth.uid(), auth.role(), auth.jwt() ->> 'aal'")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(user, "authenticated");
    assert_eq!(uid.unwrap().to_string(), member);
    assert_eq!(role, "authenticated");
    assert_eq!(aal, "aal1");
    tx.commit().await.unwrap();

    // Transaction-local: the pooled connection is the owner again afterwards.
    let after: (String, Option<String>) = sqlx::query_as(
        "select current_user::text, nullif(current_setting('request.jwt.claims', true), '')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_ne!(after.0, "authenticated");
    assert_eq!(after.1, None);
}

#[tokio::test]
async fn a_visitor_has_no_uid_and_cannot_create_tables() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let mut tx = scoped::begin(&pool, &RequestClaims::anonymous())
        .await
        .unwrap();
    let (user, uid): (String, Option<uuid::Uuid>) =
        sqlx::query_as("select current_user::text, auth.uid()")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(user, "anon");
    assert!(uid.is_none());
    let created = sqlx::query("create table app.sneaky (id int)")
        .execute(&mut *tx)
        .await;
    assert!(created.is_err(), "anon must not create tables");
}

#[tokio::test]
async fn the_request_roles_cannot_log_in_or_bypass_rls() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let roles: Vec<(String, bool, bool, bool)> = sqlx::query_as(
        "select rolname::text, rolcanlogin, rolbypassrls, rolsuper from pg_roles where rolname in ('anon', 'authenticated', 'auth_admin') order by 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(roles.len(), 3);
    for (name, can_login, bypass, superuser) in roles {
        assert!(
            !can_login && !bypass && !superuser,
            "{name} must be NOLOGIN, without BYPASSRLS"
        );
    }
}

#[tokio::test]
async fn request_connections_cannot_escape_their_role() {
    let app = crate::helpers::spawn_app().await;
    let pool = &app.state.pool;

    let mut tx = scoped::begin(pool, &RequestClaims::anonymous())
        .await
        .unwrap();
    let (current, session): (String, String) =
        sqlx::query_as("select current_user::text, session_user::text")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(
        (current.as_str(), session.as_str()),
        ("anon", "authenticator")
    );
    let escalated = sqlx::query("set role postgres").execute(&mut *tx).await;
    assert!(escalated.is_err(), "a request must not become the owner");
    drop(tx);

    // Dropping the request role leaves a role with no privileges of its own.
    let mut tx = scoped::begin(pool, &RequestClaims::anonymous())
        .await
        .unwrap();
    sqlx::query("reset role").execute(&mut *tx).await.unwrap();
    let read = sqlx::query("select count(*) from _sqlx_migrations")
        .execute(&mut *tx)
        .await;
    assert!(
        read.is_err(),
        "authenticator itself must not read owner tables"
    );
    drop(tx);

    // The owner's pool is a different login altogether.
    let owner: String = sqlx::query_scalar("select session_user::text")
        .fetch_one(&app.state.owner_pool)
        .await
        .unwrap();
    assert_ne!(owner, "authenticator");
}

#[tokio::test]
async fn the_authenticator_may_log_in_but_holds_no_privileges_of_its_own() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let (login, inherit, bypass, superuser): (bool, bool, bool, bool) = sqlx::query_as(
        "select rolcanlogin, rolinherit, rolbypassrls, rolsuper from pg_roles where rolname = 'authenticator'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(login && !inherit && !bypass && !superuser);
    let member_of: Vec<String> = sqlx::query_scalar(
        "select r.rolname::text from pg_auth_members m
           join pg_roles r on r.oid = m.roleid
           join pg_roles a on a.oid = m.member
          where a.rolname = 'authenticator' order by 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        member_of,
        vec![
            "anon".to_owned(),
            "auth_admin".to_owned(),
            "authenticated".to_owned()
        ]
    );
}

#[tokio::test]
async fn request_transactions_run_without_jit() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let mut tx = scoped::begin(&pool, &RequestClaims::anonymous())
        .await
        .unwrap();
    let jit: String = sqlx::query_scalar("select current_setting('jit')")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(jit, "off");
}
