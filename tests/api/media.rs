//! Pictures through HTTP, against both stores: the local folder and an S3-compatible server
//! (moto's, started by scripts/test.sh; `WELLSPRING_TEST_S3_ENDPOINT`). Every test here runs
//! once per store through the same function, so the two code paths cannot drift apart.

use crate::community::{Member, member, page};
use crate::helpers::{TestApp, spawn_app_with};
use reqwest::{StatusCode, header};
use wellspring::server::config::{S3Settings, Settings};

/// Which store a test runs against.
#[derive(Clone, Copy, Debug)]
enum Store {
    Local,
    S3,
}

/// A running app on `store`; for S3, a bucket of its own, so "nothing was stored" can be
/// checked by listing it.
async fn app_on(store: Store, customise: impl FnOnce(&mut Settings)) -> TestApp {
    let bucket = match store {
        Store::Local => None,
        Store::S3 => Some(s3_bucket().await),
    };
    spawn_app_with(move |settings| {
        if let Some((endpoint, bucket)) = bucket {
            settings.media.s3 = Some(S3Settings {
                bucket,
                endpoint: Some(endpoint),
                region: "us-east-1".into(),
                access_key_id: "testing".into(),
                secret_access_key: "testing".to_owned().into(),
                allow_http: true,
            });
        }
        customise(settings);
    })
    .await
}

/// Creates a fresh bucket on the test S3 server and returns (endpoint, bucket).
pub(crate) async fn s3_bucket() -> (String, String) {
    let endpoint = std::env::var("WELLSPRING_TEST_S3_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "WELLSPRING_TEST_S3_ENDPOINT is not set: the S3 half of the media tests needs an \
             S3-compatible server. `make test` starts one; by hand: \
             eval \"$(scripts/s3-test-server.sh start)\""
        )
    });
    let bucket = format!("wellspring-{}", uuid::Uuid::new_v4().simple());
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("the test S3 server answers");
    assert!(
        created.status().is_success(),
        "creating a bucket: {}",
        created.status()
    );
    (endpoint, bucket)
}

/// Every key in the app's store.
async fn stored_keys(app: &TestApp) -> Vec<String> {
    use futures_util::StreamExt;
    let mut keys: Vec<String> = app
        .state
        .media
        .store
        .list(None)
        .map(|meta| meta.expect("listing").location.to_string())
        .collect()
        .await;
    keys.sort();
    keys
}

/// A JPEG of `width` × `height` (left half red, right half blue) with a phone's EXIF block:
/// orientation 6 (turn 90° clockwise) and a GPS latitude of 52° 22' 12.34" N.
pub(crate) fn photo_with_gps(width: u32, height: u32) -> Vec<u8> {
    use image::{ImageEncoder, Rgb, RgbImage, codecs::jpeg::JpegEncoder};
    let pixels = RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            Rgb([200, 30, 30])
        } else {
            Rgb([30, 30, 200])
        }
    });
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 90)
        .write_image(
            pixels.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    let mut tiff: Vec<u8> = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend([2, 0]);
    tiff.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend([0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
    tiff.extend([0, 0, 0, 0]);
    tiff.extend([2, 0]);
    tiff.extend([1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend([2, 0, 5, 0, 3, 0, 0, 0, 68, 0, 0, 0]);
    tiff.extend([0, 0, 0, 0]);
    for (numerator, denominator) in [(52u32, 1u32), (22, 1), (1234, 100)] {
        tiff.extend(numerator.to_le_bytes());
        tiff.extend(denominator.to_le_bytes());
    }
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(segment.len() + 2).unwrap().to_be_bytes());
    out.extend(segment);
    out.extend(&jpeg[2..]);
    out
}

/// The GPS latitude's first rational (52/1) as the EXIF block stores it.
const GPS_MARK: [u8; 8] = [52, 0, 0, 0, 1, 0, 0, 0];

struct Upload {
    status: StatusCode,
    location: String,
    body: String,
}

/// Posts `bytes` as the `avatar` field the way a browser's form does (`plain`: asking for
/// HTML) or a script does, claiming `file_name` and `content_type`, as `who`.
async fn upload(
    app: &TestApp,
    who: &Member,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
    plain: bool,
) -> Upload {
    let boundary = "wellspring-test-boundary-7f3a";
    let mut body = Vec::new();
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = crate::identity::bare_client()
        .post(format!("{}/uploads/avatar", app.address))
        .header(header::ORIGIN, app.address.as_str())
        .header(header::COOKIE, who.cookies.as_str())
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(
            header::ACCEPT,
            if plain {
                "text/html,*/*"
            } else {
                "application/json"
            },
        )
        .body(body)
        .send()
        .await
        .unwrap();
    Upload {
        status: response.status(),
        location: response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        body: response.text().await.unwrap(),
    }
}

async fn avatar_id(app: &TestApp, handle: &str) -> Option<uuid::Uuid> {
    sqlx::query_scalar("select avatar_id from app.profiles where handle = $1")
        .bind(handle)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn sweep(app: &TestApp) -> wellspring::server::media::deletions::Swept {
    let mut tx = wellspring::server::db::scoped::begin(
        &app.state.pool,
        &wellspring::server::db::scoped::RequestClaims::auth_admin(),
    )
    .await
    .unwrap();
    let swept =
        wellspring::server::media::deletions::sweep(&mut tx, app.state.media.store.as_ref())
            .await
            .unwrap();
    tx.commit().await.unwrap();
    swept
}

// ---------------------------------------------------------------------------------------
// A profile picture, end to end
// ---------------------------------------------------------------------------------------

async fn a_profile_picture_is_stripped_upright_served_safely_and_replaced_cleanly(store: Store) {
    let app = app_on(store, |_| {}).await;
    let ana = member(&app, "ana", "Ana Lima").await;
    // Claimed as a PNG called "../../etc/passwd.png": neither is believed.
    let sent = upload(
        &app,
        &ana,
        "../../etc/passwd.png",
        "image/png",
        &photo_with_gps(60, 40),
        true,
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location, "/settings/profile?avatar=saved#picture");
    let id = avatar_id(&app, "ana").await.expect("a profile picture");
    assert_eq!(
        stored_keys(&app).await,
        vec![
            format!("avatars/{id}/128"),
            format!("avatars/{id}/256"),
            format!("avatars/{id}/64"),
        ],
        "server-made keys only"
    );

    // The settings page says so; the profile and a visitor see the picture.
    let (_, settings) = page(&app, "/settings/profile?avatar=saved", &ana.cookies).await;
    assert!(settings.contains("Your new profile picture is saved."));
    let (status, profile) = page(&app, "/u/ana", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        profile.contains(&format!("src=\"/media/avatars/{id}/128\"")),
        "{profile}"
    );

    let served = reqwest::get(format!("{}/media/avatars/{id}/256", app.address))
        .await
        .unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    let headers = served.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        policy.contains("sandbox") && policy.contains("default-src 'none'"),
        "{policy}"
    );
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("inline; filename=\"wellspring-")
    );
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    let bytes = served.bytes().await.unwrap();
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "EXIF served");
    assert!(!bytes.windows(8).any(|w| w == GPS_MARK), "GPS served");
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (256, 256));
    // Upright: orientation 6 turned the red-left/blue-right photo so red is on top.
    let rgb = decoded.to_rgb8();
    assert!(
        rgb.get_pixel(128, 20).0[0] > 150,
        "top is red: {:?}",
        rgb.get_pixel(128, 20)
    );
    assert!(rgb.get_pixel(128, 235).0[2] > 150, "bottom is blue");

    // A second look costs nothing; a range is a range.
    let again = app
        .get_with_header(&format!("/media/avatars/{id}/256"), "if-none-match", &etag)
        .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let part = app
        .get_with_header(&format!("/media/avatars/{id}/256"), "range", "bytes=0-9")
        .await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()[header::CONTENT_RANGE].to_str().unwrap(),
        format!("bytes 0-9/{}", bytes.len())
    );
    assert_eq!(part.bytes().await.unwrap().as_ref(), &bytes[..10]);
    // A size that is not kept, a made-up id and a made-up bucket are all simply not found.
    for path in [
        format!("/media/avatars/{id}/512"),
        format!("/media/avatars/{}/64", uuid::Uuid::new_v4()),
        format!("/media/secrets/{id}/64"),
        "/media/avatars/..%2F..%2Fetc/64".to_owned(),
    ] {
        assert_eq!(
            app.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }

    // A new picture replaces the old one, whose bytes the sweep deletes.
    let sent = upload(
        &app,
        &ana,
        "me.jpg",
        "image/jpeg",
        &photo_with_gps(30, 30),
        false,
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let new_id = avatar_id(&app, "ana").await.unwrap();
    assert_ne!(new_id, id);
    assert!(
        sent.body.contains(&format!("/media/avatars/{new_id}/256")),
        "{}",
        sent.body
    );
    assert_eq!(sweep(&app).await.deleted, 1);
    assert_eq!(stored_keys(&app).await.len(), 3);
    assert_eq!(
        app.get(&format!("/media/avatars/{id}/256")).await.status(),
        StatusCode::NOT_FOUND
    );

    // Removing it shows the initials again; deleting the account leaves nothing stored.
    let removed = crate::community::call(&app, "account/avatar-remove", &[], &ana.cookies).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert_eq!(avatar_id(&app, "ana").await, None);
    let (_, profile) = page(&app, "/u/ana", "").await;
    assert!(
        profile.contains("<span aria-hidden=\"true\" class=\"avatar "),
        "initials shown"
    );
    let sent = upload(
        &app,
        &ana,
        "me.jpg",
        "image/jpeg",
        &photo_with_gps(30, 30),
        false,
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK);
    sweep(&app).await;
    assert_eq!(stored_keys(&app).await.len(), 3);
    sqlx::query("delete from auth.users where email = 'ana@example.org'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(sweep(&app).await.deleted, 1);
    assert!(
        stored_keys(&app).await.is_empty(),
        "the account's pictures are gone"
    );
}

#[tokio::test]
async fn a_profile_picture_end_to_end_on_the_local_store() {
    a_profile_picture_is_stripped_upright_served_safely_and_replaced_cleanly(Store::Local).await;
}

#[tokio::test]
async fn a_profile_picture_end_to_end_on_s3() {
    a_profile_picture_is_stripped_upright_served_safely_and_replaced_cleanly(Store::S3).await;
}

// ---------------------------------------------------------------------------------------
// Bad input: refused in words, nothing stored
// ---------------------------------------------------------------------------------------

/// A PNG header claiming `width` × `height` (with a valid checksum) and no pixel data.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend(width.to_be_bytes());
    png.extend(height.to_be_bytes());
    png.extend([8, 2, 0, 0, 0]);
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in &png[12..] {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    png.extend((!crc).to_be_bytes());
    png.extend(b"\0\0\0\0IEND\xae\x42\x60\x82");
    png
}

async fn bad_input_is_refused_and_nothing_is_stored(store: Store) {
    let app = app_on(store, |settings| {
        settings.media.avatar_max_bytes = 1024 * 1024
    })
    .await;
    let ana = member(&app, "ana", "Ana Lima").await;
    let photo = photo_with_gps(40, 40);
    let mut polyglot_html =
        b"<!doctype html><html><script>alert(document.cookie)</script>".to_vec();
    polyglot_html.extend(&photo);
    let whole = photo_with_gps(64, 64);
    // What, the file's claimed name and type, its bytes, the status and words expected.
    type Case<'a> = (&'a str, &'a str, &'a str, Vec<u8>, StatusCode, &'a str);
    let cases: Vec<Case> = vec![
        (
            "oversize",
            "big.jpg",
            "image/jpeg",
            {
                let mut big = photo.clone();
                big.resize(1024 * 1024 + 1, 0);
                big
            },
            StatusCode::PAYLOAD_TOO_LARGE,
            "too large (the limit is 1 MB)",
        ),
        (
            "wrong magic bytes",
            "holiday.jpg",
            "image/jpeg",
            b"GIF8not really an image at all".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "isn't a picture we can take",
        ),
        (
            "HTML first, then a JPEG",
            "x.jpg",
            "image/jpeg",
            polyglot_html,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "isn't a picture we can take",
        ),
        (
            "SVG with a script",
            "logo.svg",
            "image/svg+xml",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "isn't a picture we can take",
        ),
        (
            "pixel flood",
            "flood.png",
            "image/png",
            png_header(30_000, 30_000),
            StatusCode::BAD_REQUEST,
            "too many pixels",
        ),
        (
            "truncated",
            "cut.jpg",
            "image/jpeg",
            whole[..whole.len() / 3].to_vec(),
            StatusCode::BAD_REQUEST,
            "damaged or cut short",
        ),
        (
            "zero bytes",
            "empty.jpg",
            "image/jpeg",
            Vec::new(),
            StatusCode::BAD_REQUEST,
            "That file is empty",
        ),
    ];
    for (what, name, claimed, bytes, status, words) in cases {
        let sent = upload(&app, &ana, name, claimed, &bytes, false).await;
        assert_eq!(sent.status, status, "{what}: {}", sent.body);
        assert!(sent.body.contains(words), "{what}: {}", sent.body);
        // A plain form gets the same refusal as a code for the settings page.
        let plain = upload(&app, &ana, name, claimed, &bytes, true).await;
        assert_eq!(plain.status, StatusCode::SEE_OTHER, "{what}");
        assert!(
            plain
                .location
                .starts_with("/settings/profile?avatar_error="),
            "{what}: {}",
            plain.location
        );
    }
    let (_, settings) = page(
        &app,
        "/settings/profile?avatar_error=too-many-pixels",
        &ana.cookies,
    )
    .await;
    assert!(
        settings.contains("That picture has too many pixels"),
        "the page says why"
    );
    let (_, settings) = page(
        &app,
        "/settings/profile?avatar_error=%3Cscript%3E",
        &ana.cookies,
    )
    .await;
    assert!(
        !settings.contains("<script>"),
        "an unknown code shows nothing"
    );
    assert!(stored_keys(&app).await.is_empty(), "nothing stored");
    let rows: i64 = sqlx::query_scalar("select count(*) from app.media_objects")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(rows, 0, "nothing recorded");

    // A JPEG with HTML after its pixels is re-encoded: what is served carries no script.
    let mut trailing_html = photo.clone();
    trailing_html.extend(b"<html><script>alert(document.cookie)</script></html>");
    let sent = upload(&app, &ana, "x.jpg", "image/jpeg", &trailing_html, false).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let id = avatar_id(&app, "ana").await.unwrap();
    let served = app
        .get(&format!("/media/avatars/{id}/256"))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(!served.windows(7).any(|w| w == b"<script"));
}

#[tokio::test]
async fn bad_input_is_refused_on_the_local_store() {
    bad_input_is_refused_and_nothing_is_stored(Store::Local).await;
}

#[tokio::test]
async fn bad_input_is_refused_on_s3() {
    bad_input_is_refused_and_nothing_is_stored(Store::S3).await;
}

// ---------------------------------------------------------------------------------------
// Who may upload, and how much
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn visitors_and_switched_off_uploads_are_refused_and_the_hourly_count_holds() {
    let app = app_on(Store::Local, |settings| settings.media.uploads_per_hour = 2).await;
    let ana = member(&app, "ana", "Ana Lima").await;
    let visitor = Member {
        handle: String::new(),
        name: String::new(),
        cookies: String::new(),
    };
    let sent = upload(
        &app,
        &visitor,
        "a.jpg",
        "image/jpeg",
        &photo_with_gps(20, 20),
        true,
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert!(sent.location.starts_with("/login"), "{}", sent.location);
    let sent = upload(
        &app,
        &visitor,
        "a.jpg",
        "image/jpeg",
        &photo_with_gps(20, 20),
        false,
    )
    .await;
    assert_eq!(sent.status, StatusCode::UNAUTHORIZED);

    for _ in 0..2 {
        let sent = upload(
            &app,
            &ana,
            "a.jpg",
            "image/jpeg",
            &photo_with_gps(20, 20),
            false,
        )
        .await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    }
    let sent = upload(
        &app,
        &ana,
        "a.jpg",
        "image/jpeg",
        &photo_with_gps(20, 20),
        false,
    )
    .await;
    assert_eq!(sent.status, StatusCode::TOO_MANY_REQUESTS, "{}", sent.body);

    let off = app_on(Store::Local, |settings| {
        settings.media.uploads_enabled = false
    })
    .await;
    let ben = member(&off, "ben", "Ben").await;
    let sent = upload(
        &off,
        &ben,
        "a.jpg",
        "image/jpeg",
        &photo_with_gps(20, 20),
        false,
    )
    .await;
    assert_eq!(sent.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(sent.body.contains("turned off"), "{}", sent.body);
    assert!(stored_keys(&off).await.is_empty());
}

#[tokio::test]
async fn an_upload_from_another_site_is_refused() {
    let app = app_on(Store::Local, |_| {}).await;
    let ana = member(&app, "ana", "Ana Lima").await;
    let response = crate::identity::bare_client()
        .post(format!("{}/uploads/avatar", app.address))
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, ana.cookies.as_str())
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
        .body("--x--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(stored_keys(&app).await.is_empty());
}

// ---------------------------------------------------------------------------------------
// Post pictures and private pictures: who may read them
// ---------------------------------------------------------------------------------------

/// Stores a picture's one size directly and records it as the owner.
async fn stored_picture(app: &TestApp, owner: &str, bucket: &str, post: Option<i64>) -> uuid::Uuid {
    let id = uuid::Uuid::new_v4();
    let bytes = photo_with_gps(8, 8);
    app.state
        .media
        .store
        .put(
            &object_store::path::Path::from(format!("{bucket}/{id}/480")),
            bytes.into(),
        )
        .await
        .unwrap();
    sqlx::query(
        "insert into app.media_objects (id, bucket, owner_id, content_type, width, height, bytes, sizes, post_id)
         select $1, $2, user_id, 'image/jpeg', 8, 8, 100, '{480}', $4 from app.profiles where handle = $3",
    )
    .bind(id)
    .bind(bucket)
    .bind(owner)
    .bind(post)
    .execute(&app.pool)
    .await
    .unwrap();
    id
}

async fn status_of(app: &TestApp, path: &str, cookies: &str) -> StatusCode {
    let mut request = crate::identity::bare_client().get(format!("{}{path}", app.address));
    if !cookies.is_empty() {
        request = request.header(header::COOKIE, cookies);
    }
    request.send().await.unwrap().status()
}

async fn post_and_private_pictures_are_served_only_to_their_readers(store: Store) {
    let app = app_on(store, |_| {}).await;
    let ana = member(&app, "ana", "Ana").await;
    let ben = member(&app, "ben", "Ben").await;
    let circle: i64 = sqlx::query_scalar(
        "insert into app.circles (slug, name, visibility) values ('inner', 'Inner', 'private') returning id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into app.circle_members (circle_id, user_id, role, status)
         select $1, user_id, 'member', 'active' from app.profiles where handle = 'ana'",
    )
    .bind(circle)
    .execute(&app.pool)
    .await
    .unwrap();
    let post: i64 = sqlx::query_scalar(
        "insert into app.posts (circle_id, author_id, title, body, body_html)
         select $1, user_id, 'Inside', 'words', '<p>words</p>' from app.profiles where handle = 'ana'
         returning id",
    )
    .bind(circle)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let in_post = stored_picture(&app, "ana", "post-media", Some(post)).await;
    let path = format!("/media/post-media/{in_post}/480");
    assert_eq!(status_of(&app, &path, &ana.cookies).await, StatusCode::OK);
    assert_eq!(
        status_of(&app, &path, &ben.cookies).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(status_of(&app, &path, "").await, StatusCode::NOT_FOUND);

    let private = stored_picture(&app, "ana", "private", None).await;
    let bare = format!("/media/private/{private}/480");
    assert_eq!(
        status_of(&app, &bare, &ana.cookies).await,
        StatusCode::FORBIDDEN
    );
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let signer = &app.state.media.signer;
    let bucket = wellspring::domain::media::Bucket::Private;
    let signed = format!("{bare}?{}", signer.query(bucket, private, 480, now + 60));
    assert_eq!(status_of(&app, &signed, "").await, StatusCode::OK);
    let expired = format!("{bare}?{}", signer.query(bucket, private, 480, now - 1));
    assert_eq!(status_of(&app, &expired, "").await, StatusCode::FORBIDDEN);
    let tampered = signed.replace(
        &format!("expires={}", now + 60),
        &format!("expires={}", now + 6000),
    );
    assert_eq!(status_of(&app, &tampered, "").await, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn post_and_private_pictures_on_the_local_store() {
    post_and_private_pictures_are_served_only_to_their_readers(Store::Local).await;
}

#[tokio::test]
async fn post_and_private_pictures_on_s3() {
    post_and_private_pictures_are_served_only_to_their_readers(Store::S3).await;
}

/// An upload that lands in the store while the database refuses to record it is deleted
/// again: nothing half-done stays behind.
#[tokio::test]
async fn a_failed_record_leaves_nothing_stored() {
    let app = app_on(Store::Local, |_| {}).await;
    let ana = member(&app, "ana", "Ana Lima").await;
    sqlx::query(
        "insert into app.sanctions (member_id, kind, reason, starts_at, ends_at)
         select user_id, 'silence', 'cooling off', now(), now() + interval '1 day'
           from app.profiles where handle = 'ana'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // The access token still says nothing of the sanction; the database refuses the row.
    let sent = upload(
        &app,
        &ana,
        "a.jpg",
        "image/jpeg",
        &photo_with_gps(20, 20),
        false,
    )
    .await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN, "{}", sent.body);
    assert!(sent.body.contains("silenced"), "{}", sent.body);
    assert!(
        stored_keys(&app).await.is_empty(),
        "stored bytes were deleted again"
    );
}

// ---------------------------------------------------------------------------------------
// Pictures in posts
// ---------------------------------------------------------------------------------------

/// Posts a picture with its description to post `post`, as `who`.
async fn add_picture(
    app: &TestApp,
    who: &Member,
    post: i64,
    alt: Option<&str>,
    bytes: &[u8],
    plain: bool,
) -> Upload {
    add_picture_to(app, who, &format!("post={post}"), alt, bytes, plain).await
}

/// Posts a picture with its description to `target` (`post=<id>` or `comment=<id>`).
async fn add_picture_to(
    app: &TestApp,
    who: &Member,
    target: &str,
    alt: Option<&str>,
    bytes: &[u8],
    plain: bool,
) -> Upload {
    let boundary = "wellspring-test-boundary-9c1d";
    let mut body = Vec::new();
    if let Some(alt) = alt {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n{alt}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"picture\"; filename=\"lake.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = crate::identity::bare_client()
        .post(format!("{}/uploads/post-media?{target}", app.address))
        .header(header::ORIGIN, app.address.as_str())
        .header(header::COOKIE, who.cookies.as_str())
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(
            header::ACCEPT,
            if plain {
                "text/html,*/*"
            } else {
                "application/json"
            },
        )
        .body(body)
        .send()
        .await
        .unwrap();
    Upload {
        status: response.status(),
        location: response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        body: response.text().await.unwrap(),
    }
}

async fn pictures_of(app: &TestApp, post: i64) -> Vec<(uuid::Uuid, String)> {
    sqlx::query_as("select id, alt from app.media_objects where post_id = $1 order by created_at")
        .bind(post)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

async fn a_post_holds_up_to_four_described_pictures_from_its_author(store: Store) {
    let app = app_on(store, |_| {}).await;
    let ana = member(&app, "ana", "Ana").await;
    let ben = member(&app, "ben", "Ben").await;
    sqlx::query(
        "insert into app.circles (slug, name, visibility) values ('open', 'Open', 'public')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    for who in [&ana, &ben] {
        let joined = crate::community::join(&app, who, "open").await;
        assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    }
    let post = crate::community::write_post(&app, &ana, "open", "Lake walk", "Fog at dawn.").await;
    let photo = photo_with_gps(120, 80);

    // Words first: a picture without a description is refused, kindly.
    let sent = add_picture(&app, &ana, post, None, &photo, false).await;
    assert_eq!(sent.status, StatusCode::BAD_REQUEST);
    assert!(sent.body.contains("describe the picture"), "{}", sent.body);
    let sent = add_picture(&app, &ana, post, Some("   "), &photo, true).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert!(
        sent.location
            .contains("picture_error=no-description#pictures"),
        "{}",
        sent.location
    );
    let (_, page_html) = page(&app, &sent.location.replace("#pictures", ""), &ana.cookies).await;
    assert!(page_html.contains("Please describe the picture in a few words"));

    // Only the author adds pictures.
    let sent = add_picture(&app, &ben, post, Some("not mine"), &photo, false).await;
    assert_eq!(sent.status, StatusCode::FORBIDDEN, "{}", sent.body);

    let alt = "Mist over the \"lake\" <b>at dawn</b>";
    let sent = add_picture(&app, &ana, post, Some(alt), &photo, true).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert!(
        sent.location.ends_with("?picture=added#pictures"),
        "{}",
        sent.location
    );
    let (status, visitor_view) = page(&app, &crate::community::post_page("open", post), "").await;
    assert_eq!(status, StatusCode::OK);
    let (id, stored_alt) = pictures_of(&app, post).await.remove(0);
    assert_eq!(stored_alt, alt);
    assert!(
        visitor_view.contains("data-testid=\"post-picture\""),
        "{visitor_view}"
    );
    assert!(visitor_view.contains(&format!(
        "/media/post-media/{id}/480 480w, /media/post-media/{id}/1024 1024w, /media/post-media/{id}/2048 2048w"
    )));
    // 120 × 80 turned upright by its orientation: 80 wide, 120 high.
    assert!(visitor_view.contains("width=\"80\"") && visitor_view.contains("height=\"120\""));
    assert!(visitor_view.contains("loading=\"lazy\""));
    assert!(
        !visitor_view.contains("<b>at dawn</b>"),
        "the description is text, never markup"
    );
    let served = app.get(&format!("/media/post-media/{id}/480")).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(
        served.headers()[header::CACHE_CONTROL],
        "private, max-age=31536000, immutable"
    );

    for n in 2..=4 {
        let sent = add_picture(&app, &ana, post, Some(&format!("view {n}")), &photo, false).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    }
    let before = stored_keys(&app).await;
    let sent = add_picture(&app, &ana, post, Some("a fifth"), &photo, false).await;
    assert_eq!(sent.status, StatusCode::BAD_REQUEST);
    assert!(sent.body.contains("up to 4 pictures"), "{}", sent.body);
    assert_eq!(
        stored_keys(&app).await,
        before,
        "the fifth left nothing stored"
    );

    // The author takes one off; then deletes the post, which takes the rest.
    let removed = crate::community::call(
        &app,
        "posts/picture-remove",
        &[("post", &post.to_string()), ("picture", &id.to_string())],
        &ana.cookies,
    )
    .await;
    assert!(
        removed.status.is_success() || removed.status == StatusCode::FOUND,
        "{}",
        removed.body
    );
    assert_eq!(pictures_of(&app, post).await.len(), 3);
    let stranger = crate::community::call(
        &app,
        "posts/picture-remove",
        &[
            ("post", &post.to_string()),
            ("picture", &pictures_of(&app, post).await[0].0.to_string()),
        ],
        &ben.cookies,
    )
    .await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND, "{}", stranger.body);
    assert_eq!(sweep(&app).await.deleted, 1);
    assert_eq!(stored_keys(&app).await.len(), 9);
    let deleted = crate::community::call(
        &app,
        "posts/delete",
        &[("id", &post.to_string())],
        &ana.cookies,
    )
    .await;
    assert!(deleted.status.is_success(), "{}", deleted.body);
    assert_eq!(sweep(&app).await.deleted, 3);
    assert!(stored_keys(&app).await.is_empty());
}

#[tokio::test]
async fn post_pictures_on_the_local_store() {
    a_post_holds_up_to_four_described_pictures_from_its_author(Store::Local).await;
}

#[tokio::test]
async fn post_pictures_on_s3() {
    a_post_holds_up_to_four_described_pictures_from_its_author(Store::S3).await;
}

// ---------------------------------------------------------------------------------------
// The admins' uploads list
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn admins_see_every_upload_with_its_uploader_and_remove_any() {
    let app = app_on(Store::Local, |_| {}).await;
    let ana = member(&app, "ana", "Ana").await;
    let boss = crate::community::admin(&app, "boss", "Boss").await;
    let sent = upload(
        &app,
        &ana,
        "a.jpg",
        "image/jpeg",
        &photo_with_gps(20, 20),
        false,
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK);
    let id = avatar_id(&app, "ana").await.unwrap();

    let refused = crate::community::call(&app, "admin/uploads", &[], &ana.cookies).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let listed = crate::community::call(&app, "admin/uploads", &[], &boss.cookies).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let page_json = crate::community::json(&listed);
    assert_eq!(page_json["rows"][0]["id"], id.to_string());
    assert_eq!(page_json["rows"][0]["uploader"], "@ana");
    assert_eq!(page_json["rows"][0]["bucket"], "avatars");
    let (status, html) = page(&app, "/admin/uploads", &boss.cookies).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("/media/avatars/{id}/64")), "{html}");

    let by_member = crate::community::call(
        &app,
        "admin/upload-remove",
        &[("id", &id.to_string())],
        &ana.cookies,
    )
    .await;
    assert_eq!(by_member.status, StatusCode::FORBIDDEN);
    let removed = crate::community::call(
        &app,
        "admin/upload-remove",
        &[("id", &id.to_string())],
        &boss.cookies,
    )
    .await;
    assert!(removed.status.is_success(), "{}", removed.body);
    assert_eq!(
        avatar_id(&app, "ana").await,
        None,
        "the profile lets go of it"
    );
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from auth.audit_log where event = 'upload_removed' and detail->>'media_id' = $1",
    )
    .bind(id.to_string())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    assert_eq!(sweep(&app).await.deleted, 1);
    assert!(stored_keys(&app).await.is_empty());
}

/// Issue 15's new-member caps reach pictures: a member in their first days adds a few a day.
#[tokio::test]
async fn a_new_member_adds_a_few_pictures_a_day() {
    let app = app_on(Store::Local, |settings| {
        settings.limits.new_members.days = 3;
        settings.limits.new_members.pictures_per_day = 1;
    })
    .await;
    let ana = member(&app, "ana", "Ana").await;
    let sent = upload(
        &app,
        &ana,
        "a.jpg",
        "image/jpeg",
        &photo_with_gps(20, 20),
        false,
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let sent = upload(
        &app,
        &ana,
        "a.jpg",
        "image/jpeg",
        &photo_with_gps(20, 20),
        false,
    )
    .await;
    assert_eq!(sent.status, StatusCode::TOO_MANY_REQUESTS, "{}", sent.body);
    assert!(
        sent.body
            .contains("In your first 3 days here, you can add up to 1 picture a day"),
        "{}",
        sent.body
    );
    // An account older than the first days is not capped.
    sqlx::query("update auth.users set created_at = now() - interval '4 days' where email = 'ana@example.org'")
        .execute(&app.pool)
        .await
        .unwrap();
    let sent = upload(
        &app,
        &ana,
        "a.jpg",
        "image/jpeg",
        &photo_with_gps(20, 20),
        false,
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
}

/// A post picture never attached within a day (an upload abandoned with its unsent post) is
/// swept with its bytes; a fresh one and an attached one stay.
#[tokio::test]
async fn pictures_never_attached_within_a_day_are_swept() {
    let app = app_on(Store::Local, |_| {}).await;
    member(&app, "ana", "Ana").await;
    let abandoned = stored_picture(&app, "ana", "post-media", None).await;
    let fresh = stored_picture(&app, "ana", "post-media", None).await;
    sqlx::query(
        "update app.media_objects set created_at = now() - interval '25 hours' where id = $1",
    )
    .bind(abandoned)
    .execute(&app.pool)
    .await
    .unwrap();
    let swept = sweep(&app).await;
    assert_eq!((swept.orphans, swept.deleted), (1, 1));
    assert_eq!(
        stored_keys(&app).await,
        vec![format!("post-media/{fresh}/480")]
    );
}

/// The header shows the member's picture from their access token (no database read): a new
/// picture comes with a new token, so the very next page shows it; removing it, the initials.
#[tokio::test]
async fn the_header_shows_the_new_picture_at_once() {
    let app = app_on(Store::Local, |_| {}).await;
    let ana = member(&app, "ana", "Ana Lima").await;
    let boundary = "b";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").into_bytes();
    body.extend(photo_with_gps(30, 30));
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = crate::identity::bare_client()
        .post(format!("{}/uploads/avatar", app.address))
        .header(header::ORIGIN, app.address.as_str())
        .header(header::COOKIE, ana.cookies.as_str())
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::ACCEPT, "text/html")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let access = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix("ws_access=")
                .and_then(|v| v.split(';').next())
        })
        .expect("a new access token")
        .to_owned();
    let id = avatar_id(&app, "ana").await.unwrap();
    let refresh = ana
        .cookies
        .split("; ")
        .find(|c| c.starts_with("ws_refresh="))
        .unwrap();
    let cookies = format!("ws_access={access}; {refresh}");
    let (_, home) = page(&app, "/", &cookies).await;
    let header_html = home
        .split("aria-label=\"Account\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        header_html[..header_html.len().min(1500)]
            .contains(&format!("src=\"/media/avatars/{id}/64\"")),
        "{header_html}"
    );
    // With the token from before the upload, the header still shows the initials.
    let (_, stale) = page(&app, "/", &ana.cookies).await;
    let stale_header = stale
        .split("aria-label=\"Account\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        stale_header[..stale_header.len().min(1500)].contains(">AL</span>"),
        "{stale_header}"
    );
}

#[tokio::test]
async fn a_reply_holds_pictures_from_its_author_and_loses_them_with_it() {
    let app = app_on(Store::Local, |_| {}).await;
    let ana = member(&app, "ana", "Ana").await;
    let ben = member(&app, "ben", "Ben").await;
    sqlx::query(
        "insert into app.circles (slug, name, visibility) values ('open', 'Open', 'public')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    for who in [&ana, &ben] {
        crate::community::join(&app, who, "open").await;
    }
    let post = crate::community::write_post(&app, &ana, "open", "Garden", "Spring is here.").await;
    let reply = crate::moderation::reply_to(&app, &ben, post, "Mine too!").await;
    let photo = photo_with_gps(60, 40);
    let target = format!("comment={reply}");

    let sent = add_picture_to(&app, &ana, &target, Some("not mine"), &photo, false).await;
    assert_eq!(
        sent.status,
        StatusCode::FORBIDDEN,
        "only the reply's author: {}",
        sent.body
    );
    let sent = add_picture_to(
        &app,
        &ben,
        &target,
        Some("Tulips by the fence"),
        &photo,
        true,
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert!(
        sent.location
            .ends_with(&format!("?picture=added#comment-{reply}")),
        "{}",
        sent.location
    );
    let (_, thread) = page(&app, &crate::community::post_page("open", post), "").await;
    assert!(
        thread.contains("alt=\"Tulips by the fence\""),
        "a visitor sees it in the reply"
    );
    let (_, own) = page(
        &app,
        &crate::community::post_page("open", post),
        &ben.cookies,
    )
    .await;
    assert!(
        own.contains("data-testid=\"reply-picture-open\""),
        "its author may add more"
    );
    for n in 2..=4 {
        let sent = add_picture_to(
            &app,
            &ben,
            &target,
            Some(&format!("view {n}")),
            &photo,
            false,
        )
        .await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    }
    let sent = add_picture_to(&app, &ben, &target, Some("a fifth"), &photo, false).await;
    assert_eq!(sent.status, StatusCode::BAD_REQUEST);
    assert!(
        sent.body.contains("A reply can hold up to 4 pictures"),
        "{}",
        sent.body
    );

    let deleted = crate::community::call(
        &app,
        "comments/delete",
        &[("id", &reply.to_string())],
        &ben.cookies,
    )
    .await;
    assert!(deleted.status.is_success(), "{}", deleted.body);
    assert_eq!(sweep(&app).await.deleted, 4);
    assert!(stored_keys(&app).await.is_empty());
}
