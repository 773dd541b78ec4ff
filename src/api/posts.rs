//! Posts: write, read, edit and delete.

use crate::domain::{
    AppError, CommentId, PostId,
    community::{PostDetail, PostPageData},
};
use leptos::prelude::*;

/// Writes a post in a circle and opens it.
#[server(prefix = "/api", endpoint = "posts/create")]
pub async fn create_post(
    circle: String,
    title: String,
    body: String,
    content_warning: Option<String>,
    anonymous: Option<String>,
    /// The form's one-write key (`server::services::submissions`).
    submission: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        domain::community::NewPost,
        server::{
            auth::request,
            http::errors::with_status,
            services::{community::posts, submissions},
        },
    };
    let ctx = request::context()?;
    let state = request::state()?;
    let submission = with_status(submissions::parse(submission.as_deref()))?;
    with_status(
        request::within_limit(crate::server::services::write_limits::WriteAction::Post).await,
    )?;
    {
        let state = request::state()?;
        with_status(
            crate::server::services::flags::require(
                &state.pool,
                &state.settings.flags,
                crate::domain::feature_flag::FeatureFlag::Posting,
            )
            .await,
        )?;
    }
    let path = with_status(
        posts::create(
            &ctx,
            &circle,
            NewPost {
                title,
                body,
                content_warning: content_warning.unwrap_or_default(),
                anonymous: anonymous.is_some_and(|v| v != "false"),
            },
            submission,
            &state.settings.limits.new_members,
        )
        .await,
    )?;
    leptos_axum::redirect(&path);
    Ok(())
}

#[server(prefix = "/api", endpoint = "posts/get")]
pub async fn get_post(id: PostId) -> Result<PostDetail, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::posts};
    let ctx = request::context()?;
    let signed_in = ctx.signed_in();
    with_status(crate::as_caller!(ctx, |tx| posts::read(tx, signed_in, id).await).await)
}

/// A post's page: the post and one page of its replies (from `root` on a "continue this
/// thread" page; after reply `after` on the thread's later pages).
#[server(prefix = "/api", endpoint = "posts/page")]
pub async fn get_post_page(
    id: PostId,
    root: Option<CommentId>,
    #[server(default)] after: Option<CommentId>,
) -> Result<PostPageData, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::post_page};
    let ctx = request::context()?;
    let signed_in = ctx.signed_in();
    with_status(
        crate::as_caller!(ctx, |tx| post_page::read(tx, signed_in, id, root, after)
            .await)
        .await,
    )
}

/// The readable URL of a post, for `/p/<id>` links.
#[server(prefix = "/api", endpoint = "posts/path")]
pub async fn post_path(id: PostId) -> Result<String, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::posts};
    let ctx = request::context()?;
    with_status(crate::as_caller!(ctx, |tx| posts::path(tx, id).await).await)
}

#[server(prefix = "/api", endpoint = "posts/edit")]
pub async fn edit_post(
    id: PostId,
    title: String,
    body: String,
    content_warning: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::posts};
    let ctx = request::context()?;
    let path = with_status(
        posts::edit(
            &ctx,
            id,
            &title,
            &body,
            &content_warning.unwrap_or_default(),
            &request::state()?.settings.limits.new_members,
        )
        .await,
    )?;
    leptos_axum::redirect(&path);
    Ok(())
}

#[server(prefix = "/api", endpoint = "posts/delete")]
pub async fn delete_post(id: PostId) -> Result<(), AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::posts};
    let ctx = request::context()?;
    let path = with_status(posts::delete(&ctx, id).await)?;
    leptos_axum::redirect(&path);
    Ok(())
}

/// The author takes a picture off their post (an admin, any picture); back to the post.
#[server(prefix = "/api", endpoint = "posts/picture-remove")]
pub async fn remove_post_picture(post: PostId, picture: String) -> Result<(), AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::media};
    let ctx = request::context()?;
    let id = uuid::Uuid::parse_str(&picture).map_err(|_| AppError::NotFound);
    let id = with_status(id)?;
    if !with_status(media::remove(&ctx, id).await)? {
        return with_status(Err(AppError::NotFound));
    }
    let path = with_status(media::post_address(&ctx, post.get()).await)?.unwrap_or_default();
    leptos_axum::redirect(&format!("{path}?picture=removed#pictures"));
    Ok(())
}

/// A circle moderator pins or unpins, locks or unlocks a post: `flag` is "pinned" or
/// "locked", `on` is "true" or "false", and `reason` is logged and told to the author.
#[server(prefix = "/api", endpoint = "posts/moderate")]
pub async fn moderate_post(
    id: PostId,
    flag: String,
    on: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use crate::server::{
        auth::request,
        http::errors::with_status,
        services::community::posts::{self, PostFlag},
    };
    let ctx = request::context()?;
    let flag = match flag.as_str() {
        "pinned" => PostFlag::Pinned,
        "locked" => PostFlag::Locked,
        _ => {
            return with_status(Err(AppError::BadRequest(
                "Posts can be pinned or locked.".into(),
            )));
        }
    };
    let path = with_status(posts::set_flag(&ctx, id, flag, on == "true", &reason).await)?;
    super::circles::redirect_back_without_js(&path);
    Ok(())
}
