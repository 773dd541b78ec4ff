//! Each table's row count and checksum, read in one transaction (the dump's snapshot when
//! making a backup, the restored database when proving one).

use super::manifest::TableFacts;
use sqlx::PgConnection;

/// Every ordinary table outside PostgreSQL's own schemas, in name order.
pub async fn tables(conn: &mut PgConnection) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "select n.nspname::text, c.relname::text
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
            and n.nspname not like 'pg\\_%'
          order by 1, 2",
    )
    .fetch_all(conn)
    .await
}

fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// Row count and checksum of every table, in the caller's open transaction. Row text is
/// rendered with fixed settings (UTC, full float precision) so the same rows give the same
/// checksum on any server; Row Level Security is switched off so a role that it would
/// filter gets an error instead of a quietly short count.
pub async fn read(conn: &mut PgConnection) -> sqlx::Result<Vec<TableFacts>> {
    sqlx::query(
        "select set_config('timezone', 'UTC', true), set_config('extra_float_digits', '1', true),
                set_config('row_security', 'off', true), set_config('jit', 'off', true)",
    )
    .execute(&mut *conn)
    .await?;
    let mut facts = Vec::new();
    for (schema, table) in tables(conn).await? {
        let name = format!("{}.{}", quoted(&schema), quoted(&table));
        let (rows, checksum): (i64, String) = sqlx::query_as(&format!(
            "select count(*), md5(coalesce(string_agg(h, '' order by h), ''))
               from (select md5(t::text) as h from only {name} t) rows"
        ))
        .fetch_one(&mut *conn)
        .await?;
        facts.push(TableFacts {
            table: format!("{schema}.{table}"),
            rows,
            checksum,
        });
    }
    Ok(facts)
}

/// The newest migration applied, or 0.
pub async fn migration(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("select coalesce(max(version), 0) from _sqlx_migrations where success")
        .fetch_one(conn)
        .await
}
