//! The community benchmark's baseline (`bench/community.sh`): plain axum handlers that call
//! the same community services as Wellspring's pages — the same SQL, in the same `anon`
//! transaction through the same `authenticator` pool built from the same settings — and
//! write the result with `format!` string templates instead of Leptos. No middleware, no
//! hydration data, no layout beyond a list.
//!
//! ```text
//! cargo build --release --features ssr --example bare_community
//! DATABASE_URL=postgres://… target/release/examples/bare_community --addr 127.0.0.1:3101
//! ```
//!
//! Paths mirror the pages: `/?feed=latest`, `/c/<slug>`, `/c/<slug>/p/<id>`, `/search?q=`,
//! and `/healthz`.

use axum::{
    Router,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use leptos::config::LeptosOptions;
use std::{collections::HashMap, error::Error, fmt::Write, net::SocketAddr, sync::Arc};
use wellspring::{
    domain::{
        AppError,
        community::{
            CirclePage, CirclePageData, CommentThread, FeedKind, FeedPage, PostDetail,
            PostPageData, PostSummary, SearchResults, slug::post_id_from_segment,
        },
    },
    server::{
        auth::revocation::Revocations,
        config::Settings,
        db::Database,
        http::visitor_pages::VisitorPages,
        services::{
            community::{circle_page, feeds, post_page, search},
            context::ServiceContext,
            identity::AuthKeys,
        },
        state::AppState,
        telemetry::metrics::Metrics,
    },
};

type BoxError = Box<dyn Error + Send + Sync>;

const USAGE: &str = "usage: bare_community --addr <ip:port>   (database from DATABASE_URL / WELLSPRING__DATABASE__*)";

fn parse_addr() -> Result<SocketAddr, BoxError> {
    let mut addr = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.split_once('=') {
            Some(("--addr", value)) => addr = Some(value.to_owned()),
            _ if arg == "--addr" => addr = args.next(),
            _ if arg == "-h" || arg == "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(format!("unknown argument {arg:?}\n{USAGE}").into()),
        }
    }
    let addr = addr.ok_or_else(|| format!("--addr is required\n{USAGE}"))?;
    addr.parse()
        .map_err(|e| BoxError::from(format!("--addr: {e}")))
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let addr = parse_addr()?;
    // Built as `Application::build` builds it, minus migrations and the mail drainer.
    let settings = Settings::load(std::path::Path::new("config"))?;
    let keys = AuthKeys::from_settings(&settings.auth)?;
    let database = Database::open(&settings.database).await?;
    let media = Arc::new(wellspring::server::media::Media::new(
        settings.media.clone(),
        b"baseline: no pictures are signed",
    )?);
    let route_gates = Arc::new(wellspring::server::http::route_groups::RouteGates::new(
        &settings.server,
    ));
    let state = AppState {
        media,
        leptos_options: LeptosOptions::builder().output_name("wellspring").build(),
        pool: database.request_pool.clone(),
        owner_pool: database.owner_pool.clone(),
        settings: Arc::new(settings),
        metrics: Arc::new(Metrics::default()),
        keys: Arc::new(keys),
        // The baseline renders every request: no page cache.
        visitor_pages: Arc::new(VisitorPages::new(std::time::Duration::ZERO)),
        revocations: Arc::new(Revocations::new(900)),
        hashing: Arc::new(wellspring::server::auth::password::Hashing::new(
            0,
            std::time::Duration::from_secs(3),
        )),
        read_only_paths: &[],
        dashboards: Arc::default(),
        realtime: None,
        database: Arc::default(),
        route_gates,
        draining: Arc::default(),
    };

    let app = Router::new()
        .route("/", get(home))
        .route("/c/{slug}", get(circle))
        .route("/c/{slug}/p/{post}", get(post))
        .route("/search", get(search_page))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(state);

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("binding {addr}: {e}"))?;
    eprintln!(
        "bare_community listening on http://{}",
        listener.local_addr()?
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    database.close().await?;
    Ok(())
}

// ------------------------------------------------------------------ handlers

type Params = Query<HashMap<String, String>>;

async fn home(State(state): State<AppState>, Query(q): Params) -> Response {
    let kind = q
        .get("feed")
        .and_then(|k| FeedKind::parse(k))
        .unwrap_or(FeedKind::Latest);
    let cursor = q.get("after").map_or("", String::as_str);
    let ctx = ServiceContext::from_state(&state, None);
    match wellspring::as_caller!(ctx, |tx| feeds::site_feed(tx, false, kind, cursor).await).await {
        Ok(page) => html(&page_shell(kind.label(), &feed_html(&page, "/?after="))),
        Err(error) => failure(&error),
    }
}

async fn circle(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Params,
) -> Response {
    let cursor = q.get("after").map_or("", String::as_str);
    // The same one transaction the page reads in (the circle, then its posts).
    let ctx = ServiceContext::from_state(&state, None);
    match wellspring::as_caller!(ctx, |tx| circle_page::read(tx, false, &slug, cursor).await).await
    {
        Ok(CirclePageData {
            info,
            feed: Ok(feed),
            ..
        }) => {
            let mut body = circle_header(&info);
            body.push_str(&feed_html(&feed, &format!("/c/{}?after=", esc(&slug))));
            html(&page_shell(&info.circle.name, &body))
        }
        Ok(CirclePageData {
            feed: Err(error), ..
        })
        | Err(error) => failure(&error),
    }
}

async fn post(
    State(state): State<AppState>,
    Path((_slug, segment)): Path<(String, String)>,
) -> Response {
    let Some(id) = post_id_from_segment(&segment) else {
        return failure(&AppError::NotFound);
    };
    // The same one transaction the page reads in (the post, then its thread).
    let ctx = ServiceContext::from_state(&state, None);
    match wellspring::as_caller!(ctx, |tx| post_page::read(tx, false, id, None, None).await).await {
        Ok(PostPageData {
            post: detail,
            thread: Ok(thread),
            ..
        }) => {
            let body = post_html(&detail, &thread);
            html(&page_shell(&detail.summary.title, &body))
        }
        Ok(PostPageData {
            thread: Err(error), ..
        })
        | Err(error) => failure(&error),
    }
}

async fn search_page(State(state): State<AppState>, Query(q): Params) -> Response {
    let query = q.get("q").map_or("", String::as_str);
    match search::search(&ServiceContext::from_state(&state, None), query).await {
        Ok(results) => html(&page_shell("Search", &search_html(&results))),
        Err(error) => failure(&error),
    }
}

fn html(body: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body.to_owned(),
    )
        .into_response()
}

fn failure(error: &AppError) -> Response {
    let status = match error {
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::BadRequest(_) | AppError::Invalid(_) => StatusCode::BAD_REQUEST,
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (
        status,
        html(&page_shell(
            "Error",
            &format!("<p>{}</p>", esc(&error.to_string())),
        )),
    )
        .into_response()
}

// ------------------------------------------------------------------ string templates

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page_shell(title: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <title>{title} · Wellspring</title></head><body>\
         <header><a href=\"/\">Wellspring</a> <a href=\"/circles\">Circles</a> \
         <form action=\"/search\"><input name=\"q\" type=\"search\"/></form> <a href=\"/login\">Sign in</a></header>\
         <main>{main}</main><footer>Wellspring</footer></body></html>",
        title = esc(title),
    )
}

fn summary_html(out: &mut String, post: &PostSummary) {
    let author = match (&post.author, post.is_anonymous) {
        (Some(a), _) => format!(
            "<a href=\"/u/{h}\">{n}</a>{v}",
            h = esc(&a.handle),
            n = esc(&a.display_name),
            v = if a.is_verified { " ✓" } else { "" }
        ),
        (None, true) => "Anonymous member".to_owned(),
        (None, false) => "Former member".to_owned(),
    };
    let warning = post.content_warning.as_deref().map_or(String::new(), |w| {
        format!("<p class=\"cw\">Content warning: {}</p>", esc(w))
    });
    let _ = write!(
        out,
        "<article><h3><a href=\"{path}\">{title}</a></h3>\
         <p class=\"meta\"><a href=\"/c/{slug}\">{circle}</a> · {author} · \
         <time datetime=\"{at}\">{label}</time>{pinned}{locked}</p>{warning}<p>{excerpt}</p>\
         <p class=\"counts\">{comments} comments · {reactions} reactions</p></article>",
        path = esc(&post.path()),
        title = esc(&post.title),
        slug = esc(&post.circle_slug),
        circle = esc(&post.circle_name),
        at = esc(&post.created_at),
        label = esc(&post.created_label),
        pinned = if post.pinned { " · pinned" } else { "" },
        locked = if post.locked { " · locked" } else { "" },
        excerpt = esc(&post.excerpt),
        comments = post.comment_count,
        reactions = post.reaction_total,
    );
}

fn feed_html(page: &FeedPage, older_prefix: &str) -> String {
    let mut out = String::with_capacity(16 * 1024);
    for post in page.pinned.iter().chain(&page.posts) {
        summary_html(&mut out, post);
    }
    if let Some(cursor) = &page.next_cursor {
        let _ = write!(
            out,
            "<a href=\"{older_prefix}{}\">Older posts</a>",
            esc(cursor)
        );
    }
    out
}

fn circle_header(info: &CirclePage) -> String {
    let c = &info.circle;
    format!(
        "<section><h1>{name}</h1><p>{description}</p><p>{visibility} · {members} members · {posts} posts</p>\
         <a href=\"/login?next=/c/{slug}\">Join</a></section>",
        name = esc(&c.name),
        description = esc(&c.description),
        visibility = esc(c.visibility.label()),
        members = c.member_count,
        posts = c.post_count,
        slug = esc(&c.slug),
    )
}

fn post_html(detail: &PostDetail, thread: &CommentThread) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let s = &detail.summary;
    let author = s
        .author
        .as_ref()
        .map_or("Anonymous member".to_owned(), |a| esc(&a.display_name));
    let r = &detail.reactions;
    let _ = write!(
        out,
        "<article><h1>{title}</h1><p class=\"meta\"><a href=\"/c/{slug}\">{circle}</a> · {author} · \
         <time datetime=\"{at}\">{label}</time>{edited}</p><div class=\"prose\">{body}</div>\
         <p>support {support} · grateful {grateful} · insightful {insightful} · hug {hug}</p></article>\
         <section><h2>{count} replies</h2>",
        title = esc(&s.title),
        slug = esc(&s.circle_slug),
        circle = esc(&s.circle_name),
        at = esc(&s.created_at),
        label = esc(&s.created_label),
        edited = if detail.edited { " · edited" } else { "" },
        // Sanitised HTML, rendered on write (server::markdown), as the page inserts it.
        body = detail.body_html,
        support = r.support,
        grateful = r.grateful,
        insightful = r.insightful,
        hug = r.hug,
        count = thread.comments.len(),
    );
    for c in &thread.comments {
        let author = c.author.as_ref().map_or("Former member".to_owned(), |a| {
            format!(
                "<a href=\"/u/{}\">{}</a>",
                esc(&a.handle),
                esc(&a.display_name)
            )
        });
        let body = if c.deleted {
            "<p>[deleted]</p>"
        } else {
            c.body_html.as_str()
        };
        let more = if c.hidden_replies > 0 {
            format!(
                "<a href=\"{}/thread/{}\">Continue this thread ({} more)</a>",
                esc(&s.path()),
                c.id,
                c.hidden_replies
            )
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "<div class=\"comment\" id=\"comment-{id}\" style=\"--depth:{depth}\"><p class=\"meta\">{author} · \
             <time datetime=\"{at}\">{label}</time>{edited}</p>{body}\
             <p>support {support} · grateful {grateful} · insightful {insightful} · hug {hug}</p>{more}</div>",
            id = c.id,
            depth = c.depth,
            at = esc(&c.created_at),
            label = esc(&c.created_label),
            edited = if c.edited { " · edited" } else { "" },
            support = c.reactions.support,
            grateful = c.reactions.grateful,
            insightful = c.reactions.insightful,
            hug = c.reactions.hug,
        );
    }
    out.push_str("</section>");
    out
}

fn search_html(results: &SearchResults) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "<h1>Results for “{}”</h1><section><h2>Posts</h2>",
        esc(&results.query)
    );
    for hit in &results.posts {
        summary_html(&mut out, &hit.post);
        // Escaped by the service, with only <mark> added.
        let _ = write!(out, "<p class=\"snippet\">{}</p>", hit.snippet_html);
    }
    out.push_str("</section><section><h2>Circles</h2>");
    for c in &results.circles {
        let _ = write!(
            out,
            "<p><a href=\"/c/{}\">{}</a> · {} members</p>",
            esc(&c.slug),
            esc(&c.name),
            c.member_count
        );
    }
    out.push_str("</section><section><h2>Members</h2>");
    for m in &results.members {
        let _ = write!(
            out,
            "<p><a href=\"/u/{}\">{}</a> @{}</p>",
            esc(&m.handle),
            esc(&m.display_name),
            esc(&m.handle)
        );
    }
    out.push_str("</section>");
    out
}
