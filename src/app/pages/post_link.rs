//! `/p/<id>`: a short link to a post, sent on to its readable address.

use crate::{
    api::posts::post_path,
    app::components::{card::Card, error_panel::ErrorPanel, skeleton::Skeleton},
    domain::community::slug::post_id_from_segment,
};
use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_params_map};

#[component]
pub fn PostLinkPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| post_id_from_segment(&s))
    });
    let path = Resource::new_blocking(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => post_path(id).await,
                None => Err(crate::domain::AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Card><Skeleton lines=2/></Card> }>
            {move || Suspend::new(async move {
                match path.await {
                    Ok(path) => view! { <Redirect path/> }.into_any(),
                    Err(_) => view! {
                        <ErrorPanel title="We couldn't find that post" message="It may have been removed, or it's in a circle you're not a member of."/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
