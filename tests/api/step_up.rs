//! A stolen session cookie, tried as an attacker would (issue 12, section 2): without a
//! recent proof it can neither move the account to another address, nor turn two-step
//! sign-in on or off, nor unlink a sign-in; codes cannot be guessed without limit; the old
//! address hears of a change and can undo it; turning two-step sign-in on ends other
//! sessions.

use crate::helpers::{TestApp, spawn_app};
use crate::identity::{Session, confirmed_member, current_code, mailed_token, post, sign_in};
use crate::identity_no_js::{location, page, post_without_js};
use reqwest::StatusCode;

const OWNER: &str = "juniper@example.org";

/// Makes this session's last proof older than the ten minutes sensitive changes need: the
/// position of someone holding a cookie copied from the owner's browser.
async fn go_stale(app: &TestApp, session: &Session) {
    let claims = session.access.split('.').nth(1).unwrap();
    let json = base64_decode(claims);
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let session_id: uuid::Uuid = value["session_id"].as_str().unwrap().parse().unwrap();
    sqlx::query("update auth.sessions set proven_at = now() - interval '11 minutes' where id = $1")
        .bind(session_id)
        .execute(&app.pool)
        .await
        .unwrap();
}

fn base64_decode(segment: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .unwrap()
}

async fn live_sessions(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar(
        "select count(*) from auth.sessions s join auth.users u on u.id = s.user_id
          where u.email = $1 and s.revoked_at is null",
    )
    .bind(email)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// Turns two-step sign-in on for `session` (fresh), returning the base32 secret.
async fn turn_on_two_step(app: &TestApp, session: &Session) -> (String, Session) {
    let enrolment = post(app, "account/mfa-enroll", &[], &session.cookies()).await;
    assert_eq!(enrolment.status, StatusCode::OK, "{}", enrolment.body);
    let secret = enrolment.json()["secret"].as_str().unwrap().to_owned();
    let verified = post(
        app,
        "account/mfa-verify",
        &[("code", &current_code(&secret))],
        &session.cookies(),
    )
    .await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
    let upgraded = Session {
        access: verified.set_cookie("ws_access").unwrap(),
        refresh: session.refresh.clone(),
    };
    (secret, upgraded)
}

#[tokio::test]
async fn a_stale_session_cannot_change_email_or_two_step_until_it_confirms_it_is_you() {
    let app = spawn_app().await;
    confirmed_member(&app, OWNER, "juniper").await;
    let stolen = sign_in(&app, OWNER).await;
    go_stale(&app, &stolen).await;

    let email = post(
        &app,
        "account/email",
        &[("new_email", "thief@example.net")],
        &stolen.cookies(),
    )
    .await;
    assert_eq!(email.status, StatusCode::FORBIDDEN, "{}", email.body);
    assert!(email.body.contains("ProofNeeded"), "{}", email.body);
    let on = post(&app, "account/mfa-enroll", &[], &stolen.cookies()).await;
    assert_eq!(on.status, StatusCode::FORBIDDEN, "{}", on.body);
    let factors: i64 = sqlx::query_scalar("select count(*) from auth.mfa_factors")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(factors, 0, "no factor was started");
    let mails: i64 =
        sqlx::query_scalar("select count(*) from app.outbox_emails where to_address = $1")
            .bind("thief@example.net")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(mails, 0, "nothing went to the thief's address");

    // A wrong password is no proof; the right one is.
    let wrong = post(
        &app,
        "account/confirm-it-is-you",
        &[("password", "not my password at all")],
        &stolen.cookies(),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
    let still = post(&app, "account/mfa-enroll", &[], &stolen.cookies()).await;
    assert_eq!(still.status, StatusCode::FORBIDDEN);
    let proven = post(
        &app,
        "account/confirm-it-is-you",
        &[("password", crate::identity::PASSWORD)],
        &stolen.cookies(),
    )
    .await;
    assert_eq!(proven.status, StatusCode::OK, "{}", proven.body);
    let now = post(&app, "account/mfa-enroll", &[], &stolen.cookies()).await;
    assert_eq!(now.status, StatusCode::OK, "{}", now.body);
}

#[tokio::test]
async fn confirming_works_without_javascript_and_comes_back_to_the_settings_page() {
    let app = spawn_app().await;
    confirmed_member(&app, OWNER, "juniper").await;
    let session = sign_in(&app, OWNER).await;
    go_stale(&app, &session).await;
    let refused = post_without_js(
        &app,
        "account/email",
        &[("new_email", "new-juniper@example.org")],
        &session.cookies(),
        "/settings/security",
    )
    .await;
    let back = location(&refused);
    let back = back.strip_prefix(&app.address).unwrap_or(&back).to_owned();
    assert!(back.starts_with("/settings/security"), "{back}");
    let shown = page(&app, &back, &session.cookies()).await;
    assert!(
        shown.body.contains("/settings/confirm?next="),
        "the refused form links to the proof page: {}",
        shown.body
    );
    let form = page(
        &app,
        "/settings/confirm?next=/settings/security",
        &session.cookies(),
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Confirm it"), "{}", form.body);
    let proven = post_without_js(
        &app,
        "account/confirm-it-is-you",
        &[
            ("password", crate::identity::PASSWORD),
            ("code", ""),
            ("next", "/settings/security"),
        ],
        &session.cookies(),
        "/settings/confirm?next=/settings/security",
    )
    .await;
    assert_eq!(location(&proven), "/settings/security");
    let changed = post_without_js(
        &app,
        "account/email",
        &[("new_email", "new-juniper@example.org")],
        &session.cookies(),
        "/settings/security",
    )
    .await;
    assert!(
        location(&changed).contains("done="),
        "{:?}",
        changed.headers
    );
}

#[tokio::test]
async fn the_old_address_is_told_of_a_change_and_can_cancel_it_signing_everyone_out() {
    let app = spawn_app().await;
    confirmed_member(&app, OWNER, "juniper").await;
    let thief = sign_in(&app, OWNER).await;
    let _owner = sign_in(&app, OWNER).await;
    // The thief has a fresh session (say they knew the password once) and moves the account.
    let asked = post(
        &app,
        "account/email",
        &[("new_email", "thief@example.net")],
        &thief.cookies(),
    )
    .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let confirm = mailed_token(&app, "thief@example.net", "/verify")
        .await
        .unwrap();
    let moved = post(
        &app,
        "auth/verify",
        &[("token", &confirm)],
        &thief.cookies(),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let email: String = sqlx::query_scalar("select email from auth.users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(email, "thief@example.net");

    // The notice reached the old address, with a cancel link that works after the change.
    let cancel = mailed_token(&app, OWNER, "/email-cancel")
        .await
        .expect("a notice to the old address");
    let undone = post(&app, "auth/email-cancel", &[("token", &cancel)], "").await;
    assert_eq!(undone.status, StatusCode::OK, "{}", undone.body);
    let email: String = sqlx::query_scalar("select email from auth.users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(email, OWNER, "the old address is back");
    assert_eq!(live_sessions(&app, OWNER).await, 0, "every session ended");
    // Used once.
    let again = post(&app, "auth/email-cancel", &[("token", &cancel)], "").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_sixth_code_in_the_window_is_refused_even_when_it_is_right() {
    let app = spawn_app().await;
    confirmed_member(&app, OWNER, "juniper").await;
    let session = sign_in(&app, OWNER).await;
    let (secret, session) = turn_on_two_step(&app, &session).await;
    for attempt in 1..=5 {
        let wrong = post(
            &app,
            "account/mfa-unenroll",
            &[("code", "000000")],
            &session.cookies(),
        )
        .await;
        assert_eq!(
            wrong.status,
            StatusCode::BAD_REQUEST,
            "attempt {attempt}: {}",
            wrong.body
        );
    }
    let right = post(
        &app,
        "account/mfa-unenroll",
        &[("code", &crate::identity::next_code(&secret))],
        &session.cookies(),
    )
    .await;
    assert_eq!(
        right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        right.body
    );
    assert!(right.headers.contains_key("retry-after"));
    assert!(right.body.contains("TooManyCodes"), "{}", right.body);
    let still_on: i64 =
        sqlx::query_scalar("select count(*) from auth.mfa_factors where status = 'verified'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(still_on, 1, "two-step sign-in stayed on");

    // The limit is the account's, wherever the code is tried: the sign-in step too.
    let first = post(
        &app,
        "auth/login",
        &[("email", OWNER), ("password", crate::identity::PASSWORD)],
        "",
    )
    .await;
    let ticket = first.set_cookie("ws_mfa").expect("a second-step ticket");
    let step = post(
        &app,
        "auth/login-mfa",
        &[("code", &current_code(&secret))],
        &format!("ws_mfa={ticket}"),
    )
    .await;
    assert_eq!(step.status, StatusCode::TOO_MANY_REQUESTS, "{}", step.body);
}

#[tokio::test]
async fn right_codes_do_not_count_against_the_limit() {
    let app = spawn_app().await;
    confirmed_member(&app, OWNER, "juniper").await;
    let session = sign_in(&app, OWNER).await;
    let (secret, session) = turn_on_two_step(&app, &session).await;
    // Five wrong, then a right one through "confirm it's you": accepted (five, not six).
    for _ in 0..4 {
        post(
            &app,
            "account/confirm-it-is-you",
            &[("password", ""), ("code", "000000")],
            &session.cookies(),
        )
        .await;
    }
    let right = post(
        &app,
        "account/confirm-it-is-you",
        &[
            ("password", ""),
            ("code", &crate::identity::next_code(&secret)),
        ],
        &session.cookies(),
    )
    .await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.body);
}

#[tokio::test]
async fn turning_two_step_on_ends_the_other_sessions() {
    let app = spawn_app().await;
    confirmed_member(&app, OWNER, "juniper").await;
    let _elsewhere = sign_in(&app, OWNER).await;
    let here = sign_in(&app, OWNER).await;
    assert_eq!(live_sessions(&app, OWNER).await, 2);
    turn_on_two_step(&app, &here).await;
    assert_eq!(
        live_sessions(&app, OWNER).await,
        1,
        "only the session that turned it on remains"
    );
    let reason: String =
        sqlx::query_scalar("select revoked_reason from auth.sessions where revoked_at is not null")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(reason, "two_step_turned_on");
}

#[tokio::test]
async fn new_recovery_codes_need_a_fresh_proof_and_retire_the_old_ones() {
    let app = spawn_app().await;
    confirmed_member(&app, OWNER, "juniper").await;
    let session = sign_in(&app, OWNER).await;
    let enrolment = post(&app, "account/mfa-enroll", &[], &session.cookies()).await;
    let secret = enrolment.json()["secret"].as_str().unwrap().to_owned();
    let verified = post(
        &app,
        "account/mfa-verify",
        &[("code", &current_code(&secret))],
        &session.cookies(),
    )
    .await;
    let old_codes: Vec<String> = serde_json::from_value(verified.json()).unwrap();
    let session = Session {
        access: verified.set_cookie("ws_access").unwrap(),
        refresh: session.refresh.clone(),
    };

    // A stolen, stale session cannot mint codes of its own.
    go_stale(&app, &session).await;
    let refused = post(&app, "account/recovery-codes", &[], &session.cookies()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("ProofNeeded"), "{}", refused.body);

    let proven = post(
        &app,
        "account/confirm-it-is-you",
        &[("password", crate::identity::PASSWORD)],
        &session.cookies(),
    )
    .await;
    assert_eq!(proven.status, StatusCode::OK, "{}", proven.body);
    let renewed = post(&app, "account/recovery-codes", &[], &session.cookies()).await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.body);
    let new_codes: Vec<String> = serde_json::from_value(renewed.json()).unwrap();
    assert_eq!(new_codes.len(), 10);
    assert!(new_codes.iter().all(|code| !old_codes.contains(code)));

    // At the sign-in step an old code no longer works and a new one does.
    let second_step = async |code: &str| {
        let first = post(
            &app,
            "auth/login",
            &[("email", OWNER), ("password", crate::identity::PASSWORD)],
            "",
        )
        .await;
        let ticket = first.set_cookie("ws_mfa").expect("a second-step ticket");
        post(
            &app,
            "auth/login-mfa",
            &[("code", code)],
            &format!("ws_mfa={ticket}"),
        )
        .await
        .status
    };
    assert_eq!(second_step(&old_codes[0]).await, StatusCode::BAD_REQUEST);
    assert_eq!(second_step(&new_codes[0]).await, StatusCode::OK);
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from auth.audit_log where event = 'recovery_codes_replaced'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn cancelling_a_change_retires_every_link_and_what_was_added_since() {
    let app = spawn_app().await;
    confirmed_member(&app, OWNER, "juniper").await;
    let thief = sign_in(&app, OWNER).await;
    // The thief moves the account to their address, then asks for a decoy change so a cancel
    // link (restoring their address) lands in their own inbox, and a reset link too.
    let moved = post(
        &app,
        "account/email",
        &[("new_email", "thief@example.net")],
        &thief.cookies(),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let confirm = mailed_token(&app, "thief@example.net", "/verify")
        .await
        .unwrap();
    post(
        &app,
        "auth/verify",
        &[("token", &confirm)],
        &thief.cookies(),
    )
    .await;
    let decoy = post(
        &app,
        "account/email",
        &[("new_email", "decoy@example.net")],
        &thief.cookies(),
    )
    .await;
    assert_eq!(decoy.status, StatusCode::OK, "{}", decoy.body);
    let thiefs_cancel = mailed_token(&app, "thief@example.net", "/email-cancel")
        .await
        .unwrap();
    post(&app, "auth/forgot", &[("email", "thief@example.net")], "").await;
    let thiefs_reset = mailed_token(&app, "thief@example.net", "/reset")
        .await
        .unwrap();
    // An authenticator app of the thief's.
    let enrolment = post(&app, "account/mfa-enroll", &[], &thief.cookies()).await;
    let secret = enrolment.json()["secret"].as_str().unwrap().to_owned();
    let on = post(
        &app,
        "account/mfa-verify",
        &[("code", &current_code(&secret))],
        &thief.cookies(),
    )
    .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    let notices: i64 = sqlx::query_scalar(
        "select count(*) from app.outbox_emails where subject like 'Two-step sign-in is now on%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        notices, 1,
        "the account's address hears that two-step sign-in was turned on"
    );

    // The owner cancels from the notice at their old address.
    let owners_cancel = mailed_token(&app, OWNER, "/email-cancel").await.unwrap();
    let undone = post(&app, "auth/email-cancel", &[("token", &owners_cancel)], "").await;
    assert_eq!(undone.status, StatusCode::OK, "{}", undone.body);

    // The thief's links no longer work, and their app is gone.
    let again = post(&app, "auth/email-cancel", &[("token", &thiefs_cancel)], "").await;
    assert_eq!(
        again.status,
        StatusCode::BAD_REQUEST,
        "the thief cannot cancel the cancel"
    );
    let reset = post(
        &app,
        "auth/reset",
        &[
            ("token", &thiefs_reset),
            ("password", "the thief's own passphrase"),
        ],
        "",
    )
    .await;
    assert_eq!(
        reset.status,
        StatusCode::BAD_REQUEST,
        "the reset link sent to the thief is dead"
    );
    let email: String = sqlx::query_scalar("select email from auth.users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(email, OWNER);
    let factors: i64 = sqlx::query_scalar("select count(*) from auth.mfa_factors")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        factors, 0,
        "the authenticator set up since the change is removed"
    );
}
