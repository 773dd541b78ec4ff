//! The settings pages without JavaScript: every form is a plain post answered by a redirect
//! back to its page, two-step sign-in can be set up, confirmed and turned off that way, the
//! recovery codes are shown once to the device that turned it on (never in an address), and
//! a page says what worked from an allow-list of flags, never echoing the address.

use crate::{
    helpers::TestApp,
    identity::{PASSWORD, Reply, Session, bare_client, confirmed_member, post, sign_in},
};
use reqwest::{StatusCode, header};
use wellspring::server::auth::totp;

/// Posts a form as a browser without JavaScript does: accepting HTML, from the page.
pub async fn post_without_js(
    app: &TestApp,
    endpoint: &str,
    form: &[(&str, &str)],
    cookies: &str,
    from_page: &str,
) -> Reply {
    let mut request = bare_client()
        .post(format!("{}/api/{endpoint}", app.address))
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, format!("{}{from_page}", app.address))
        .form(form);
    if !cookies.is_empty() {
        request = request.header(header::COOKIE, cookies);
    }
    let response = request.send().await.unwrap();
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// Where a redirect sends the browser.
pub fn location(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    reply.headers[header::LOCATION].to_str().unwrap().to_owned()
}

/// A page as a signed-in browser gets it.
pub async fn page(app: &TestApp, path: &str, cookies: &str) -> Reply {
    let response = bare_client()
        .get(format!("{}{path}", app.address))
        .header(header::COOKIE, cookies)
        .send()
        .await
        .unwrap();
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// The text between `start` and the next `end`, after the first `marker`.
fn between<'a>(body: &'a str, marker: &str, end: &str) -> Option<&'a str> {
    let rest = &body[body.find(marker)? + marker.len()..];
    rest.get(..rest.find(end)?)
}

/// The TOTP secret the page shows while setting up.
fn shown_secret(body: &str) -> Option<String> {
    between(body, r#"data-secret=""#, "\"").map(str::to_owned)
}

/// The recovery codes the page shows, in order.
fn shown_codes(body: &str) -> Vec<String> {
    between(body, r#"data-testid="recovery-codes""#, "</ol>")
        .map(|list| {
            list.split("<li>")
                .skip(1)
                .filter_map(|item| item.split('<').next())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn code_now(secret_b32: &str, steps_ahead: u64) -> String {
    let secret = totp::base32_decode(secret_b32).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    totp::code_at(&secret, totp::step_at(now) + steps_ahead)
}

/// A signed-in member; the session's cookies.
async fn member(app: &TestApp, email: &str, handle: &str) -> Session {
    confirmed_member(app, email, handle).await;
    sign_in(app, email).await
}

#[tokio::test]
async fn two_step_sign_in_is_set_up_confirmed_and_turned_off_with_plain_forms() {
    let app = crate::helpers::spawn_app().await;
    let laptop = member(&app, "heron@example.org", "heron").await;
    let phone = sign_in(&app, "heron@example.org").await;
    let security = "/settings/security";

    // Start: back to the page, which now shows the secret and the confirm form.
    let started =
        post_without_js(&app, "account/mfa-enroll", &[], &phone.cookies(), security).await;
    assert_eq!(location(&started), "/settings/security#two-step");
    let shown = page(&app, security, &phone.cookies()).await;
    assert_eq!(shown.status, StatusCode::OK);
    let secret = shown_secret(&shown.body).expect("the secret is on the page");
    assert!(
        shown.body.contains("otpauth://totp/"),
        "the otpauth address too"
    );
    assert!(shown.body.contains(r#"data-testid="totp-verify""#));
    assert_eq!(shown.headers[header::CACHE_CONTROL], "no-store");
    // A reload keeps the member's place: the same secret, not a new one.
    let again = page(&app, security, &phone.cookies()).await;
    assert_eq!(shown_secret(&again.body), Some(secret.clone()));

    // A wrong code comes back to the page with its message, the set-up still there.
    let refused = post_without_js(
        &app,
        "account/mfa-verify",
        &[("code", "000000")],
        &phone.cookies(),
        security,
    )
    .await;
    let back = location(&refused);
    assert!(back.contains("__err="), "{back}");
    let with_error = page(
        &app,
        back.trim_start_matches(&app.address),
        &phone.cookies(),
    )
    .await;
    assert!(
        with_error.body.contains("That code didn"),
        "the field's message shows"
    );
    assert_eq!(shown_secret(&with_error.body), Some(secret.clone()));

    // The right code: a redirect with no codes in the address or the response.
    let confirmed = post_without_js(
        &app,
        "account/mfa-verify",
        &[("code", &code_now(&secret, 0))],
        &phone.cookies(),
        security,
    )
    .await;
    assert_eq!(location(&confirmed), "/settings/security#two-step");
    assert_eq!(
        confirmed.body.trim(),
        "[]",
        "codes never ride on the redirect"
    );
    let phone = Session {
        access: confirmed
            .set_cookie("ws_access")
            .expect("an aal2 access token"),
        refresh: phone.refresh,
    };

    // Another device of the same member never sees them: turning two-step sign-in on signed
    // it out, since it never showed a second factor.
    // The other device's access token is refused once the revocation has reached this
    // instance (it travels as an event, so allow it a moment).
    let mut elsewhere = page(&app, security, &laptop.cookies()).await;
    for _ in 0..50 {
        if !elsewhere.body.contains(r#"data-testid="mfa-status""#) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        elsewhere = page(&app, security, &laptop.cookies()).await;
    }
    assert!(shown_codes(&elsewhere.body).is_empty());
    assert!(
        !elsewhere.body.contains(r#"data-testid="mfa-status""#),
        "the other device is signed out"
    );

    // This device sees them once.
    let revealed = page(&app, security, &phone.cookies()).await;
    assert_eq!(revealed.headers[header::CACHE_CONTROL], "no-store");
    let codes = shown_codes(&revealed.body);
    assert_eq!(codes.len(), 10, "{}", revealed.body);
    let reloaded = page(&app, security, &phone.cookies()).await;
    assert!(shown_codes(&reloaded.body).is_empty(), "shown only once");
    assert!(reloaded.body.contains(r#"data-testid="mfa-status">on"#));
    let kept: i64 = sqlx::query_scalar("select count(*) from auth.recovery_code_reveals")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(kept, 0, "nothing is kept once shown");

    // The codes shown are the account's: one signs in at the second step.
    let first = post(
        &app,
        "auth/login",
        &[("email", "heron@example.org"), ("password", PASSWORD)],
        "",
    )
    .await;
    let ticket = first.set_cookie("ws_mfa").expect("second-step ticket");
    let second = post(
        &app,
        "auth/login-mfa",
        &[("code", &codes[0])],
        &format!("ws_mfa={ticket}"),
    )
    .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);

    // Off again, with the app's next code, and the page says so.
    let off = post_without_js(
        &app,
        "account/mfa-unenroll",
        &[("code", &code_now(&secret, 1))],
        &phone.cookies(),
        security,
    )
    .await;
    let back = location(&off);
    assert_eq!(back, "/settings/security?done=two-step-off#two-step");
    let after = page(&app, &back, &phone.cookies()).await;
    assert!(after.body.contains("Two-step sign-in is off."));
    assert!(after.body.contains(r#"data-testid="mfa-status">off"#));
}

#[tokio::test]
async fn kept_recovery_codes_expire_unseen() {
    let app = crate::helpers::spawn_app().await;
    let session = member(&app, "ibis@example.org", "ibis").await;
    let security = "/settings/security";
    post_without_js(
        &app,
        "account/mfa-enroll",
        &[],
        &session.cookies(),
        security,
    )
    .await;
    let secret = shown_secret(&page(&app, security, &session.cookies()).await.body).unwrap();
    let confirmed = post_without_js(
        &app,
        "account/mfa-verify",
        &[("code", &code_now(&secret, 0))],
        &session.cookies(),
        security,
    )
    .await;
    let session = Session {
        access: confirmed.set_cookie("ws_access").unwrap(),
        refresh: session.refresh,
    };
    // Ten minutes pass unseen.
    sqlx::query("update auth.recovery_code_reveals set expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let late = page(&app, security, &session.cookies()).await;
    assert!(shown_codes(&late.body).is_empty());
    let reveals: i64 = sqlx::query_scalar("select count(*) from auth.recovery_code_reveals")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(reveals, 0, "an expired reveal is removed when looked for");
}

/// A settings form: its endpoint, its fields, the page it is on, where it returns and what
/// that page then says.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str, &'a str, &'a str);

#[tokio::test]
async fn plain_form_posts_return_to_their_page_with_a_confirmation() {
    let app = crate::helpers::spawn_app().await;
    let session = member(&app, "otter@example.org", "otter").await;
    let _other_device = sign_in(&app, "otter@example.org").await;
    let security = "/settings/security";
    let cases: [Case; 4] = [
        (
            "account/profile-update",
            vec![
                ("display_name", "Otter Brook"),
                ("bio", ""),
                ("pronouns", ""),
            ],
            "/settings/profile",
            "/settings/profile?done=profile#profile",
            "Your profile is saved.",
        ),
        (
            "account/sessions-revoke",
            vec![("which", "others")],
            security,
            "/settings/security?done=devices#devices",
            "Those devices are signed out.",
        ),
        (
            "account/email",
            vec![("new_email", "otter.brook@example.org")],
            security,
            "/settings/security?done=email#email",
            "Your email changes when you open it.",
        ),
        (
            "account/password",
            vec![
                ("current_password", PASSWORD),
                ("new_password", "a slow tide under the moon"),
            ],
            security,
            "/settings/security?done=password#password",
            "Your password is changed",
        ),
    ];
    for (endpoint, form, from, expected, message) in cases {
        let reply = post_without_js(&app, endpoint, &form, &session.cookies(), from).await;
        assert_eq!(location(&reply), expected, "{endpoint}");
        let shown = page(&app, expected, &session.cookies()).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.body.contains(message), "{endpoint}: {message}");
        // Without the flag, the page says nothing of it.
        let plain = page(&app, from, &session.cookies()).await;
        assert!(!plain.body.contains(message), "{endpoint} without ?done=");
    }
    // The same call with JavaScript answers in place, without a redirect.
    let with_js = post(
        &app,
        "account/profile-update",
        &[("display_name", "Otter"), ("bio", ""), ("pronouns", "")],
        &session.cookies(),
    )
    .await;
    assert_eq!(with_js.status, StatusCode::OK);
    assert!(with_js.headers.get(header::LOCATION).is_none());
}

/// The signed-out account pages (sign-up, "forgot", "email me a link") are answered with
/// their page and a `?done=` flag, so a plain post (and, with islands, every post) is told it
/// worked; the flag of one page says nothing on another.
#[tokio::test]
async fn signed_out_account_forms_come_back_saying_they_worked() {
    let app = crate::helpers::spawn_app().await;
    let cases: [Case; 3] = [
        (
            "auth/signup",
            vec![
                ("email", "heron@example.org"),
                ("password", PASSWORD),
                ("handle", "heron"),
                ("display_name", "Heron"),
            ],
            "/signup",
            "/signup?done=joined",
            "sent a confirmation link to your email address",
        ),
        (
            "auth/forgot",
            vec![("email", "nobody-here@example.org")],
            "/forgot",
            "/forgot?done=reset-sent",
            "a message is on its way",
        ),
        (
            "auth/magic-link",
            vec![("email", "heron@example.org")],
            "/magic",
            "/magic?done=link-sent",
            "a message is on its way",
        ),
    ];
    for (endpoint, form, from, expected, message) in cases {
        let reply = post_without_js(&app, endpoint, &form, "", from).await;
        assert_eq!(location(&reply), expected, "{endpoint}");
        let shown = page(&app, expected, "").await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(
            shown.body.contains(message),
            "{endpoint}: {message} in {}",
            shown.body
        );
        let plain = page(&app, from, "").await;
        assert!(!plain.body.contains(message), "{endpoint} without ?done=");
    }
    // A flag belongs to its own page only, and a refused post is never a success.
    let elsewhere = page(&app, "/forgot?done=joined", "").await;
    assert!(!elsewhere.body.contains("confirmation link"));
    let refused = page(&app, "/signup?done=joined&__err=x", "").await;
    assert!(!refused.body.contains("confirmation link"));
}

#[tokio::test]
async fn only_known_flags_show_and_nothing_from_the_address_is_echoed() {
    let app = crate::helpers::spawn_app().await;
    let session = member(&app, "vole@example.org", "vole").await;
    for path in [
        "/settings/security?done=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/settings/security?done=Your+account+was+deleted",
        "/settings/security?done=profile",
    ] {
        let shown = page(&app, path, &session.cookies()).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(
            !shown.body.contains("form-success"),
            "{path} showed a confirmation"
        );
        assert!(
            !shown.body.contains("<script>alert"),
            "{path} echoed the address"
        );
        assert!(
            !shown.body.contains("was deleted"),
            "{path} echoed the address"
        );
    }
    // A later refused post comes back to the same address with its error: no success shows.
    let shown = page(
        &app,
        "/settings/security?done=password&__path=%2Fapi%2Faccount%2Fpassword&__err=e30",
        &session.cookies(),
    )
    .await;
    assert!(!shown.body.contains("Your password is changed"));
}
