//! Backups: made from a running community, proven by restoring them, restored into an
//! empty database that then serves the same pages; damage and non-empty targets refused.

use crate::{
    community::{admin, create_circle, join, member, page, post_page, write_post},
    helpers::{TestDatabase, spawn_app, spawn_app_on, spawn_app_with},
};
use reqwest::StatusCode;
use sqlx::{Connection, PgConnection};
use wellspring::server::backup::{make, manifest::Manifest, restore, verify};

fn scratch_folder() -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "wellspring-backups-{}",
        uuid::Uuid::new_v4().simple()
    ))
}

#[tokio::test]
async fn a_backup_is_proven_by_restoring_it_and_a_restored_site_serves_the_same_post() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    join(&app, &fern, "morning-pages").await;
    let post = write_post(
        &app,
        &fern,
        "morning-pages",
        "First light",
        "Pages at dawn.",
    )
    .await;
    // A picture in the store, to come back with the database.
    let store = app.state.media.store.clone();
    let key = object_store::path::Path::from("avatars/00000000-0000-0000-0000-00000000beef/64");
    store
        .put(&key, b"\xff\xd8\xff picture bytes".to_vec().into())
        .await
        .unwrap();

    let to = scratch_folder();
    let (folder, manifest) = make::backup(&app.database_url, store.clone(), &to, None)
        .await
        .expect("backed up");
    assert_eq!(Manifest::read(&folder).unwrap(), manifest);
    let posts = manifest
        .tables
        .iter()
        .find(|t| t.table == "app.posts")
        .expect("posts counted");
    assert_eq!(posts.rows, 1);
    assert!(
        manifest
            .tables
            .iter()
            .any(|t| t.table == "auth.users" && t.rows >= 2)
    );
    assert_eq!(manifest.media.len(), 1);
    assert!(manifest.migration > 30);

    // Proven: restored into a scratch database on the same server, every table as counted.
    let report = verify::verify(&folder, &app.database_url, None)
        .await
        .unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.tables, manifest.tables.len());

    // Restored into an empty database: a second site on it serves the same post.
    let target = TestDatabase::empty().await;
    let target_store = object_store::local::LocalFileSystem::new_with_prefix({
        let dir = crate::helpers::media_dir(&target.url);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
    .unwrap();
    let report = restore::restore(&folder, &target.url, &target_store, false, None)
        .await
        .expect("restored");
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    use object_store::ObjectStore as _;
    let back = target_store.get(&key).await.unwrap().bytes().await.unwrap();
    assert_eq!(&back[..], b"\xff\xd8\xff picture bytes");
    let url = target.url.clone();
    let restored = spawn_app_on(target, url, |_| {}).await;
    let (status, html) = page(&restored, &post_page("morning-pages", post), "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Pages at dawn."),
        "the restored site serves the post"
    );

    // A target that has tables is refused, and left as it was.
    let refused =
        restore::restore(&folder, &restored.database_url, &target_store, false, None).await;
    let message = refused
        .expect_err("a non-empty target is refused")
        .to_string();
    assert!(message.contains("already has"), "{message}");
    let (status, _) = page(&restored, &post_page("morning-pages", post), "").await;
    assert_eq!(status, StatusCode::OK);
    // Told to replace it, the restore drops what is there and loads the backup again.
    let replaced = restore::restore(&folder, &restored.database_url, &target_store, true, None)
        .await
        .expect("replaced");
    assert!(replaced.problems.is_empty(), "{:?}", replaced.problems);
    assert_eq!(replaced.tables, manifest.tables.len());
    let _ = std::fs::remove_dir_all(&to);
}

#[tokio::test]
async fn a_damaged_backup_or_a_wrong_manifest_fails_verification() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "evening", "public", false).await;
    let to = scratch_folder();
    let (folder, manifest) =
        make::backup(&app.database_url, app.state.media.store.clone(), &to, None)
            .await
            .unwrap();

    // A manifest that promises a row the dump does not hold.
    let mut wrong = manifest.clone();
    let circles = wrong
        .tables
        .iter_mut()
        .find(|t| t.table == "app.circles")
        .unwrap();
    circles.rows += 1;
    wrong.write(&folder).unwrap();
    let report = verify::verify(&folder, &app.database_url, None)
        .await
        .unwrap();
    assert_eq!(
        report.problems,
        vec!["app.circles: 1 rows, the manifest says 2".to_owned()]
    );

    // A flipped byte in the dump is caught before anything is restored.
    manifest.write(&folder).unwrap();
    let dump = folder.join(&manifest.database.path);
    let mut bytes = std::fs::read(&dump).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&dump, &bytes).unwrap();
    let report = verify::verify(&folder, &app.database_url, None)
        .await
        .unwrap();
    assert_eq!(
        report.problems,
        vec!["database.dump: its SHA-256 differs".to_owned()]
    );
    let target = TestDatabase::empty().await;
    let store = object_store::memory::InMemory::new();
    let refused = restore::restore(&folder, &target.url, &store, false, None).await;
    assert!(refused.unwrap_err().to_string().contains("damaged"));
    let mut conn = PgConnection::connect(&target.url).await.unwrap();
    let tables: i64 = sqlx::query_scalar(
        "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(tables, 0, "nothing was restored from a damaged backup");
    let _ = std::fs::remove_dir_all(&to);
}

#[tokio::test]
async fn a_sealed_backup_shows_nothing_without_its_key_and_restores_with_it() {
    use wellspring::server::backup::seal::BackupKey;
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "quiet-hours", "public", false).await;
    let key = BackupKey::from_base64("c2VjcmV0LWtleS1mb3ItdGVzdHMtMzItYnl0ZXMhISE=").unwrap();
    let to = scratch_folder();
    let (folder, manifest) = make::backup(
        &app.database_url,
        app.state.media.store.clone(),
        &to,
        Some(&key),
    )
    .await
    .unwrap();
    assert!(manifest.sealed);
    assert_eq!(manifest.database.path, "database.dump.sealed");
    assert!(
        !folder.join("database.dump").exists(),
        "no plain copy is kept"
    );
    let sealed = std::fs::read(folder.join(&manifest.database.path)).unwrap();
    for plain in [&b"quiet-hours"[..], b"chiefly@example.org", b"CREATE TABLE"] {
        assert!(
            !sealed.windows(plain.len()).any(|w| w == plain),
            "{} shows in the sealed dump",
            String::from_utf8_lossy(plain)
        );
    }
    let without = verify::verify(&folder, &app.database_url, None).await;
    assert!(without.unwrap_err().to_string().contains("sealed"));
    let wrong = BackupKey::from_base64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap();
    assert!(
        verify::verify(&folder, &app.database_url, Some(&wrong))
            .await
            .is_err()
    );
    let report = verify::verify(&folder, &app.database_url, Some(&key))
        .await
        .unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let target = TestDatabase::empty().await;
    let store = object_store::memory::InMemory::new();
    let report = restore::restore(&folder, &target.url, &store, false, Some(&key))
        .await
        .unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let _ = std::fs::remove_dir_all(&to);
}

#[tokio::test]
async fn the_commands_back_up_prove_and_restore_and_write_each_to_the_audit_log() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "tea-garden", "public", false).await;
    let to = scratch_folder();
    let media = to.join("media-store");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_wellspring"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("WELLSPRING__MEDIA__LOCAL_DIR", &media)
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the wellspring binary runs")
    };
    let made = run(&["backup", "--to", to.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&made.stdout);
    assert!(
        made.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(said.contains("Backed up"), "{said}");
    let folder = std::fs::read_dir(&to)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("wellspring-"))
        })
        .expect("a backup folder");
    let proven = run(&["verify-backup", folder.to_str().unwrap()]);
    assert!(
        proven.status.success(),
        "{}",
        String::from_utf8_lossy(&proven.stderr)
    );

    // Without --yes and with nobody to answer, nothing is restored.
    let target = TestDatabase::empty().await;
    let unconfirmed = run(&["restore", folder.to_str().unwrap(), "--into", &target.url]);
    assert!(!unconfirmed.status.success());
    assert!(String::from_utf8_lossy(&unconfirmed.stderr).contains("not confirmed"));
    let restored = run(&[
        "restore",
        folder.to_str().unwrap(),
        "--into",
        &target.url,
        "--yes",
    ]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );

    let events: Vec<String> = sqlx::query_scalar(
        "select event from auth.audit_log where event like 'backup%' order by at, id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(events, ["backup_made", "backup_verified"]);
    let mut conn = PgConnection::connect(&target.url).await.unwrap();
    let restored_event: String =
        sqlx::query_scalar("select event from auth.audit_log where event = 'backup_restored'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(restored_event, "backup_restored");
    let _ = std::fs::remove_dir_all(&to);
}

#[tokio::test]
async fn the_job_queue_makes_a_scheduled_backup_and_prunes_the_old_ones_by_the_retention_rule() {
    let dir = scratch_folder();
    // Three finished backups from 2020 on three days, one unfinished from 2020, and a
    // folder that is not a backup at all.
    for (name, finished) in [
        ("wellspring-20200101T000000.000Z", true),
        ("wellspring-20200102T000000.000Z", true),
        ("wellspring-20200103T000000.000Z", true),
        ("wellspring-20200103T120000.000Z", false),
    ] {
        let folder = dir.join(name);
        std::fs::create_dir_all(&folder).unwrap();
        if finished {
            std::fs::write(folder.join("manifest.json"), "{}").unwrap();
        }
    }
    std::fs::create_dir_all(dir.join("notes")).unwrap();
    let backups = dir.clone();
    let app = spawn_app_with(move |settings| {
        settings.backup.every_hours = 24;
        settings.backup.dir = backups;
        settings.backup.keep_daily = 2;
        settings.backup.keep_weekly = 0;
    })
    .await;

    // The first tick claims this period at once; the job runs within the worker's poll.
    app.wait_until(
        "select exists (select 1 from auth.audit_log
          where event = 'backup_made' and detail->>'scheduled' = 'true')",
        "a scheduled backup recorded in the audit log",
    )
    .await;
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // Kept: the new backup and the newest old one (two days); the rest gone; "notes" untouched.
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(names[0], "notes");
    assert_eq!(names[1], "wellspring-20200103T000000.000Z");
    let newest = dir.join(&names[2]);
    let manifest = Manifest::read(&newest).expect("the scheduled backup is complete");
    assert!(manifest.tables.iter().any(|t| t.table == "app.posts"));
    assert!(manifest.migration > 30);
    let detail: serde_json::Value = sqlx::query_scalar(
        "select detail from auth.audit_log where event = 'backup_made' order by at desc limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        detail["removed"].as_array().map(Vec::len),
        Some(3),
        "{detail}"
    );

    // And /metrics says when, for the "backup older than 26 hours" alert.
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let line = metrics
        .lines()
        .find(|l| l.starts_with("wellspring_backup_last_success_timestamp_seconds"))
        .expect("the last backup's time is exported");
    let at: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((now - at).abs() < 120.0, "{line}");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn no_backup_is_exported_as_never_and_no_backup_is_made_unless_scheduled() {
    let app = spawn_app().await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("wellspring_backup_last_success_timestamp_seconds 0"),
        "{metrics}"
    );
    let made: i64 =
        sqlx::query_scalar("select count(*) from auth.audit_log where event = 'backup_made'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(made, 0);
}

#[tokio::test]
async fn a_backup_goes_to_an_s3_bucket_and_is_proven_and_restored_from_there() {
    let app = spawn_app().await;
    let chief = admin(&app, "offsite", "Offsite Keeper").await;
    create_circle(&app, &chief, "far-garden", "public", false).await;
    let (endpoint, pictures) = crate::media::s3_bucket().await;
    let (_, backups) = crate::media::s3_bucket().await;
    let http = reqwest::Client::new();
    // One picture in the media bucket, put there the way the store keeps them.
    let picture_key = "avatars/00000000-0000-0000-0000-000000000001/64";
    let put = http
        .put(format!("{endpoint}/{pictures}/{picture_key}"))
        .body("not really a picture")
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{}", put.status());
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_wellspring"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("WELLSPRING__MEDIA__S3__BUCKET", &pictures)
            .env("WELLSPRING__MEDIA__S3__ENDPOINT", &endpoint)
            .env("WELLSPRING__MEDIA__S3__ACCESS_KEY_ID", "testing")
            .env("WELLSPRING__MEDIA__S3__SECRET_ACCESS_KEY", "testing")
            .env("WELLSPRING__MEDIA__S3__ALLOW_HTTP", "true")
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("the wellspring binary runs")
    };

    let made = run(&["backup", "--to", &format!("s3://{backups}/nightly/")]);
    let said = String::from_utf8_lossy(&made.stdout).into_owned();
    assert!(
        made.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let address = said
        .split_whitespace()
        .find(|word| word.starts_with("s3://"))
        .map(|word| word.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()))
        .expect("the backup's address is printed")
        .to_owned();
    assert!(
        address.starts_with(&format!("s3://{backups}/nightly/wellspring-")),
        "{address}"
    );
    assert!(address.ends_with('Z'), "{address}");
    // In the bucket: the dump, the picture and the manifest, under the backup's folder.
    let listing = http
        .get(format!("{endpoint}/{backups}?list-type=2"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let folder = address.trim_start_matches(&format!("s3://{backups}/"));
    for file in [
        "database.dump",
        "manifest.json",
        &format!("media/{picture_key}"),
    ] {
        assert!(
            listing.contains(&format!("<Key>{folder}/{file}</Key>")),
            "{file} is not in the bucket: {listing}"
        );
    }

    let proven = run(&["verify-backup", &address]);
    assert!(
        proven.status.success(),
        "{}{}",
        String::from_utf8_lossy(&proven.stdout),
        String::from_utf8_lossy(&proven.stderr)
    );
    assert!(
        String::from_utf8_lossy(&proven.stdout)
            .contains("restores to exactly what its manifest says")
    );

    let target = TestDatabase::empty().await;
    let restored = run(&["restore", &address, "--into", &target.url, "--yes"]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let mut conn = PgConnection::connect(&target.url).await.unwrap();
    let circle: String =
        sqlx::query_scalar("select name from app.circles where slug = 'far-garden'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(circle, "far-garden");

    // A folder with no backup in it, and a dump damaged in the bucket, are refused plainly.
    let nothing = run(&[
        "verify-backup",
        &format!("s3://{backups}/nightly/wellspring-20200101T000000.000Z"),
    ]);
    assert!(!nothing.status.success());
    assert!(
        String::from_utf8_lossy(&nothing.stderr).contains("has no manifest"),
        "{}",
        String::from_utf8_lossy(&nothing.stderr)
    );
    // Damaged in the bucket, through the same signed S3 API the binary uses.
    let media = wellspring::server::config::MediaSettings {
        s3: Some(wellspring::server::config::S3Settings {
            bucket: pictures.clone(),
            endpoint: Some(endpoint.clone()),
            region: "us-east-1".into(),
            access_key_id: "testing".into(),
            secret_access_key: "testing".to_owned().into(),
            allow_http: true,
        }),
        ..Default::default()
    };
    let remote = wellspring::server::backup::offsite::open(&backups, &media).unwrap();
    remote
        .put(
            &format!("{folder}/database.dump").as_str().into(),
            b"damaged".to_vec().into(),
        )
        .await
        .expect("the dump is replaced in the bucket");
    let refused = run(&["verify-backup", &address]);
    assert!(!refused.status.success(), "a damaged dump was accepted");
    assert!(
        String::from_utf8_lossy(&refused.stdout)
            .contains("database.dump: 7 bytes, the manifest says"),
        "{}",
        String::from_utf8_lossy(&refused.stdout)
    );

    let folders: Vec<String> = sqlx::query_scalar(
        "select detail->>'folder' from auth.audit_log where event = 'backup_made'",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(folders, [address]);
}
