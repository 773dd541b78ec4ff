//! `/dev/mailbox`: the outbox as a web page, so a developer can open confirmation and
//! sign-in links without a mail server. Registered only when `APP_ENV=development`; the
//! route does not exist in staging or production. Even then it answers only the machine
//! itself (a loopback client): a checkout started on a server without `APP_ENV` must not
//! hand sign-in links to the internet. Plain HTML: the CSP allows no inline styles.

use crate::server::http::html::escape;
use crate::server::{
    db::scoped::{self, RequestClaims},
    mail::outbox,
    state::AppState,
};
use axum::{
    Extension,
    extract::State,
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use time::format_description::well_known::Rfc3339;

/// Turns `http(s)://...` words of an already-escaped body into links.
fn link_urls(escaped: &str) -> String {
    escaped
        .split(' ')
        .map(|word| {
            let trimmed = word.trim_end();
            if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
                word.replace(trimmed, &format!("<a href=\"{trimmed}\">{trimmed}</a>"))
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub async fn mailbox(
    State(state): State<AppState>,
    client: Option<Extension<crate::server::http::client_ip::ClientIp>>,
) -> Response {
    if !client.is_some_and(|Extension(ip)| ip.0.is_loopback()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let result = async {
        let mut tx = scoped::begin(&state.pool, &RequestClaims::auth_admin()).await?;
        let mails = outbox::recent(&mut tx, 50).await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(mails)
    }
    .await;
    let mails = match result {
        Ok(mails) => mails,
        Err(error) => {
            tracing::warn!(?error, "mailbox unavailable");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "The database is unavailable.",
            )
                .into_response();
        }
    };
    let mut body = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Development mailbox</title><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\"></head>\
         <body>\
         <h1>Development mailbox</h1><p>Mail Wellspring has queued, newest first. This page exists only in development.</p>",
    );
    if mails.is_empty() {
        body.push_str("<p>No mail yet.</p>");
    }
    for mail in mails {
        let lines: Vec<String> = mail
            .body_text
            .lines()
            .map(|line| link_urls(&escape(line)))
            .collect();
        body.push_str(&format!(
            "<article data-testid=\"mail\">\
             <h2>{}</h2><p>To <span data-testid=\"mail-to\">{}</span> · {} · {}</p><pre>{}</pre></article>",
            escape(&mail.subject),
            escape(&mail.to_address),
            mail.created_at.format(&Rfc3339).unwrap_or_default(),
            if mail.sent_at.is_some() { "sent" } else { "queued" },
            lines.join("\n"),
        ));
    }
    body.push_str("</body></html>");
    ([(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_text_cannot_inject_markup() {
        let escaped = link_urls(&escape("<script>alert(1)</script> http://x/?a=\"b\""));
        assert!(!escaped.contains("<script>"));
        assert!(escaped.contains("&lt;script&gt;"));
        assert!(!escaped.contains("\"b\""));
    }
}
