//! Moderation: members report; moderators read the queue and the log and act. Every staff
//! function asks for a session that passed two-step sign-in, and the database decides the
//! rest (which circles the caller moderates; nobody but an admin acts on an admin).

use crate::domain::{
    AppError,
    moderation::{CrisisResource, ModlogPage, QueuePage, ReportSubject, StaffNote},
};
use leptos::prelude::*;

/// What is being reported, from the form's `target` ("post", "comment", "member") and `id`
/// (a post's or reply's) or `handle`.
#[cfg(feature = "ssr")]
fn reported(
    target: &str,
    id: Option<i64>,
    handle: Option<&str>,
) -> Result<crate::server::services::moderation::reports::Reported, AppError> {
    use crate::{
        domain::{CommentId, PostId},
        server::services::moderation::reports::Reported,
    };
    match (target, id.filter(|id| *id > 0), handle.map(str::trim)) {
        ("post", Some(id), _) => Ok(Reported::Post(PostId(id))),
        ("comment", Some(id), _) => Ok(Reported::Comment(CommentId(id))),
        ("member", _, Some(handle)) if !handle.is_empty() => {
            Ok(Reported::Member(handle.to_owned()))
        }
        _ => Err(AppError::BadRequest(
            "That is not something that can be reported.".into(),
        )),
    }
}

/// What the report page shows of the thing being reported.
#[server(prefix = "/api", endpoint = "moderation/report-subject")]
pub async fn get_report_subject(
    target: String,
    id: Option<i64>,
    handle: Option<String>,
) -> Result<ReportSubject, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::moderation::reports};
    let ctx = request::context()?;
    let reported = with_status(reported(&target, id, handle.as_deref()))?;
    with_status(reports::subject(&ctx, &reported).await)
}

/// Files a report, then (from the form) goes to the thank-you page, which shows places to
/// find help at once after an at-risk report.
#[server(prefix = "/api", endpoint = "moderation/report")]
pub async fn file_report(
    target: String,
    id: Option<i64>,
    handle: Option<String>,
    reason: String,
    #[server(default)] details: String,
    back: Option<String>,
) -> Result<bool, AppError> {
    use crate::{
        domain::{identity::redirect::safe_redirect, moderation::ReportReason},
        server::{
            auth::request,
            http::errors::with_status,
            services::{moderation::reports, write_limits::WriteAction},
        },
    };
    let state = request::state()?;
    let ctx = request::context()?;
    let reported = with_status(reported(&target, id, handle.as_deref()))?;
    let Some(reason) = ReportReason::parse(reason.trim()) else {
        return with_status(Err(AppError::BadRequest(
            "Please choose what is wrong.".into(),
        )));
    };
    with_status(request::within_limit(WriteAction::Report).await)?;
    let receipt = with_status(
        reports::file(
            &ctx,
            &reported,
            reason,
            &details,
            &state.settings.moderation.crisis_resources,
        )
        .await,
    )?;
    let back = safe_redirect(back.as_deref());
    let mut thanks = form_urlencoded::Serializer::new(String::new());
    thanks.append_pair("back", &back);
    if reason == ReportReason::AtRisk {
        thanks.append_pair("at_risk", "1");
    }
    if !receipt.new {
        thanks.append_pair("again", "1");
    }
    super::circles::redirect_back_without_js(&format!("/report/thanks?{}", thanks.finish()));
    Ok(receipt.new)
}

/// The configured places to find help, shown after an at-risk report (and to anyone: they
/// are public numbers).
#[server(prefix = "/api", endpoint = "moderation/crisis-resources")]
pub async fn crisis_resources() -> Result<Vec<CrisisResource>, AppError> {
    use crate::server::auth::request;
    Ok(request::state()?
        .settings
        .moderation
        .crisis_resources
        .clone())
}

/// One page (from 1) of the review queue.
#[server(prefix = "/api", endpoint = "moderation/queue")]
pub async fn review_queue(page: Option<u32>) -> Result<QueuePage, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::moderation::queue};
    with_status(request::require_moderator())?;
    let ctx = request::context()?;
    with_status(queue::page(&ctx, page.unwrap_or(1)).await)
}

/// How many reported things wait in the caller's queue (the staff start page's line).
#[server(prefix = "/api", endpoint = "moderation/waiting")]
pub async fn review_waiting() -> Result<i64, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::moderation::queue};
    with_status(request::require_moderator())?;
    let ctx = request::context()?;
    with_status(queue::waiting(&ctx).await)
}

/// A moderator acts on a post (`comment` empty) or a reply, with a reason the author is told.
#[server(prefix = "/api", endpoint = "moderation/act")]
pub async fn moderate_content(
    post: i64,
    comment: Option<i64>,
    action: String,
    reason: String,
    back: Option<String>,
) -> Result<i64, AppError> {
    use crate::{
        domain::{CommentId, PostId, identity::redirect::safe_redirect, moderation::ContentAction},
        server::{auth::request, http::errors::with_status, services::moderation::actions},
    };
    with_status(request::require_moderator())?;
    let ctx = request::context()?;
    let Some(action) = ContentAction::parse(action.trim()) else {
        return with_status(Err(AppError::BadRequest(
            "That is not an action moderators take.".into(),
        )));
    };
    let log = with_status(
        actions::act(
            &ctx,
            PostId(post),
            comment.filter(|c| *c > 0).map(CommentId),
            action,
            &reason,
        )
        .await,
    )?;
    super::circles::redirect_back_without_js(&safe_redirect(back.as_deref()));
    Ok(log)
}

/// A moderator of both circles moves a post to another circle (named by its slug or name),
/// with a reason the author is told. Without JavaScript the browser is sent to the post's new
/// address.
#[server(prefix = "/api", endpoint = "moderation/move")]
pub async fn move_post(post: i64, circle: String, reason: String) -> Result<String, AppError> {
    use crate::{
        domain::PostId,
        server::{auth::request, http::errors::with_status, services::moderation::actions},
    };
    with_status(request::require_moderator())?;
    let ctx = request::context()?;
    let path = with_status(actions::move_post(&ctx, PostId(post), &circle, &reason).await)?;
    super::circles::redirect_back_without_js(&path);
    Ok(path)
}

/// A moderator closes a target's reports without acting on it: `dismissed` or `ignored`.
#[server(prefix = "/api", endpoint = "moderation/settle")]
pub async fn settle_reports(
    target_key: String,
    outcome: String,
    reason: String,
    back: Option<String>,
) -> Result<i64, AppError> {
    use crate::{
        domain::{identity::redirect::safe_redirect, moderation::Settlement},
        server::{auth::request, http::errors::with_status, services::moderation::actions},
    };
    with_status(request::require_moderator())?;
    let ctx = request::context()?;
    let Some(outcome) = Settlement::parse(outcome.trim()) else {
        return with_status(Err(AppError::BadRequest(
            "Reports are dismissed or set aside.".into(),
        )));
    };
    let log = with_status(actions::settle(&ctx, target_key.trim(), outcome, &reason).await)?;
    super::circles::redirect_back_without_js(&safe_redirect(back.as_deref()));
    Ok(log)
}

/// The public moderation log: what was done and why, never by whom.
#[server(prefix = "/api", endpoint = "moderation/log")]
pub async fn public_modlog(before: Option<i64>) -> Result<ModlogPage, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::moderation::modlog};
    let ctx = request::context()?;
    with_status(modlog::public(&ctx, before).await)
}

/// The staff moderation log: who acted, on what, and why; searchable.
#[server(prefix = "/api", endpoint = "moderation/staff-log")]
pub async fn staff_modlog(
    before: Option<i64>,
    #[server(default)] q: String,
    #[server(default)] action: String,
) -> Result<ModlogPage, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::moderation::modlog};
    with_status(request::require_moderator())?;
    let ctx = request::context()?;
    with_status(modlog::staff(&ctx, before, &q, &action).await)
}

/// Staff notes about a member (by handle): `None` for anyone who is not site staff with
/// two-step sign-in, so the profile page shows members nothing.
#[server(prefix = "/api", endpoint = "moderation/notes")]
pub async fn staff_notes(handle: String) -> Result<Option<Vec<StaffNote>>, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::moderation::notes};
    let ctx = request::context()?;
    with_status(notes::for_member(&ctx, &handle).await)
}

/// A site staff member adds a note about a member, then (from the form) goes back to the
/// member's profile.
#[server(prefix = "/api", endpoint = "moderation/add-note")]
pub async fn add_staff_note(handle: String, body: String) -> Result<(), AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::moderation::notes};
    with_status(request::require_staff())?;
    let ctx = request::context()?;
    with_status(notes::add(&ctx, &handle, &body).await)?;
    let handle = super::admin::handle_in_path(&handle);
    super::circles::redirect_back_without_js(&format!("/u/{handle}#staff-notes"));
    Ok(())
}

/// A moderator approves or rejects writing held by a watched word.
#[server(prefix = "/api", endpoint = "moderation/held")]
pub async fn decide_held(
    target_key: String,
    decision: String,
    reason: String,
) -> Result<i64, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::moderation::actions};
    with_status(request::require_moderator())?;
    let ctx = request::context()?;
    let approve = match decision.trim() {
        "approve" => true,
        "reject" => false,
        _ => {
            return with_status(Err(AppError::BadRequest(
                "Held writing is approved or rejected.".into(),
            )));
        }
    };
    let id = with_status(actions::decide_held(&ctx, target_key.trim(), approve, &reason).await)?;
    super::circles::redirect_back_without_js("/admin/queue");
    Ok(id)
}

/// The watched words, for site staff.
#[server(prefix = "/api", endpoint = "moderation/words")]
pub async fn watched_words() -> Result<Vec<crate::domain::moderation::WatchedWord>, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::moderation::watched};
    with_status(request::require_staff())?;
    let ctx = request::context()?;
    with_status(watched::list(&ctx).await)
}

/// Site staff add a watched word or pattern.
#[server(prefix = "/api", endpoint = "moderation/words-add")]
pub async fn add_watched_word(
    pattern: String,
    #[server(default)] is_regex: String,
    action: String,
) -> Result<(), AppError> {
    use crate::{
        domain::moderation::WatchedAction,
        server::{auth::request, http::errors::with_status, services::moderation::watched},
    };
    with_status(request::require_staff())?;
    let ctx = request::context()?;
    let Some(action) = WatchedAction::parse(action.trim()) else {
        return with_status(Err(AppError::BadRequest(
            "Choose block, censor, flag or hold.".into(),
        )));
    };
    with_status(watched::add(&ctx, &pattern, is_regex == "yes", action).await)?;
    super::circles::redirect_back_without_js("/admin/words");
    Ok(())
}

/// Site staff remove a watched word.
#[server(prefix = "/api", endpoint = "moderation/words-remove")]
pub async fn remove_watched_word(id: i64) -> Result<(), AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::moderation::watched};
    with_status(request::require_staff())?;
    let ctx = request::context()?;
    with_status(watched::remove(&ctx, id).await)?;
    super::circles::redirect_back_without_js("/admin/words");
    Ok(())
}
