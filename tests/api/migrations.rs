use crate::helpers::TestDatabase;
use sqlx::PgPool;
use wellspring::server::db::migrate;

/// Everything our migrations own, in a comparable form.
async fn schema_snapshot(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        r#"
        select 'schema ' || n.nspname || ' ' || coalesce(n.nspacl::text, '')
          from pg_namespace n where n.nspname in ('auth', 'app')
        union all
        select 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_arguments(p.oid) || ') '
               || md5(p.prosrc) || ' ' || coalesce(p.proacl::text, '') || ' ' || coalesce(array_to_string(p.proconfig, ','), '')
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname in ('auth', 'app')
        union all
        select 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || c.relrowsecurity || c.relforcerowsecurity
               || ' ' || coalesce(c.relacl::text, '')
          from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname in ('auth', 'app')
        union all
        select 'policy ' || schemaname || '.' || tablename || '.' || policyname || ' ' || cmd || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, '')
          from pg_policies where schemaname in ('auth', 'app')
        union all
        select 'default-acl ' || coalesce(n.nspname, '') || ' ' || d.defaclobjtype::text || ' ' || d.defaclacl::text
          from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace
        order by 1
        "#,
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn migrations_up_down_up_leave_the_same_schema() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let migrated = schema_snapshot(&pool).await;
    assert!(
        migrated
            .iter()
            .any(|l| l.starts_with("function auth.uid()")),
        "{migrated:#?}"
    );

    migrate::down(&pool, Some(0)).await.unwrap();
    assert!(
        schema_snapshot(&pool).await.is_empty(),
        "down removes everything it created"
    );
    assert!(!migrate::is_current(&pool).await.unwrap());

    migrate::up(&pool).await.unwrap();
    assert_eq!(schema_snapshot(&pool).await, migrated);
    assert!(migrate::is_current(&pool).await.unwrap());
}

#[tokio::test]
async fn status_lists_every_migration_and_whether_it_is_applied() {
    let database = TestDatabase::empty().await;
    let pool = database.pool().await;
    let before = migrate::status(&pool).await.unwrap();
    assert!(!before.is_empty());
    assert!(before.iter().all(|m| !m.applied));
    migrate::up(&pool).await.unwrap();
    assert!(
        migrate::status(&pool)
            .await
            .unwrap()
            .iter()
            .all(|m| m.applied)
    );
}

#[tokio::test]
async fn a_failing_migration_stops_start_up() {
    let database = TestDatabase::empty().await;
    // Something already occupies what the first migration creates.
    let pool = database.pool().await;
    sqlx::query("create schema auth")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let mut settings =
        wellspring::server::config::Settings::load(&crate::helpers::manifest_dir().join("config"))
            .unwrap();
    settings.database.url = Some(database.url.clone().into());
    settings.seed.demo_on_empty = false;
    let built =
        wellspring::server::startup::Application::build(settings, crate::helpers::leptos_options())
            .await;
    let error = built.err().expect("start-up must fail");
    assert!(
        format!("{error:#}").contains("applying database migrations"),
        "{error:#}"
    );
}
