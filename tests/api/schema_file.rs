//! `migrations/schema.sql` is the schema the migrations produce, in one file, so a reviewer
//! reads today's tables, functions, grants and RLS policies in one place instead of across
//! thirteen migrations. This test fails when the file and the migrations disagree; to accept
//! a change, run it with `WELLSPRING_WRITE_SCHEMA=1` and review the diff of the file:
//!
//! ```sh
//! WELLSPRING_WRITE_SCHEMA=1 cargo test --features ssr --test api schema_file
//! ```
use crate::helpers::{TestDatabase, manifest_dir};
use std::process::Command;
use wellspring::server::db::embedded::postgres_tool;

/// The dump without what changes from run to run or says nothing about our schema: comments
/// (the tool's version, object headers), session settings, the `\restrict` guard lines newer
/// pg_dump releases write with a random key, and runs of blank lines.
pub fn normalise(dump: &str) -> String {
    let mut out = String::with_capacity(dump.len());
    let mut blank = true;
    for line in dump.lines() {
        let line = line.trim_end();
        let noise = line.starts_with("--")
            || line.starts_with("SET ")
            || line.starts_with("SELECT pg_catalog.set_config(")
            || line.starts_with("\\restrict")
            || line.starts_with("\\unrestrict");
        if noise {
            continue;
        }
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
        blank = false;
    }
    out.trim_end().to_owned() + "\n"
}

#[test]
fn normalising_drops_headers_settings_and_restrict_keys_but_keeps_statements() {
    let dump = "--\n-- PostgreSQL database dump\n--\n\\restrict AbC123\n\nSET statement_timeout = 0;\n\
                SELECT pg_catalog.set_config('search_path', '', false);\n\n\n\
                CREATE SCHEMA app;\n\n\n\nCREATE POLICY p ON app.posts USING (true);\n\\unrestrict AbC123\n";
    assert_eq!(
        normalise(dump),
        "CREATE SCHEMA app;\n\nCREATE POLICY p ON app.posts USING (true);\n"
    );
}

#[tokio::test]
async fn the_schema_file_is_what_the_migrations_produce() {
    let database = TestDatabase::migrated().await;
    let pg_dump = postgres_tool("pg_dump")
        .expect("pg_dump (PostgreSQL's client tools) is needed for the schema file test");
    let output = Command::new(pg_dump)
        .args([
            "--schema-only",
            "--no-owner",
            "--schema=auth",
            "--schema=app",
            "--dbname",
            &database.url,
        ])
        .output()
        .expect("running pg_dump");
    assert!(
        output.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let produced = normalise(&String::from_utf8(output.stdout).expect("UTF-8 dump"));
    assert!(
        produced.contains("CREATE POLICY") && produced.contains("ENABLE ROW LEVEL SECURITY"),
        "the dump holds the policies"
    );

    let path = manifest_dir().join("migrations/schema.sql");
    let header = "-- The schema migrations/ produces (auth and app): pg_dump output without comments,\n\
                  -- settings or owners.\n\
                  -- Generated: do not edit. tests/api/schema_file.rs checks it and says how to\n\
                  -- regenerate it.\n\n";
    if std::env::var_os("WELLSPRING_WRITE_SCHEMA").is_some() {
        std::fs::write(&path, format!("{header}{produced}")).expect("writing schema.sql");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let committed = normalise(&committed);
    if committed != produced {
        let first_difference = committed
            .lines()
            .zip(produced.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(produced.lines().count()));
        panic!(
            "migrations/schema.sql is not the schema the migrations produce (first difference at \
             normalised line {}: file has {:?}, migrations give {:?}).\nRegenerate it with \
             `WELLSPRING_WRITE_SCHEMA=1 cargo test --features ssr --test api schema_file` and \
             review the diff.",
            first_difference + 1,
            committed.lines().nth(first_difference),
            produced.lines().nth(first_difference),
        );
    }
}
