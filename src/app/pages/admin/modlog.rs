//! `/admin/modlog`: the moderation log as staff read it — who acted, on what, and why —
//! searchable by reason, subject or moderator, and by action. Circle moderators see their
//! circles' lines only (Row Level Security).

use crate::{
    api::moderation::{ModerateContent, staff_modlog},
    app::{
        components::form::{FormError, action_error},
        components::{
            button::{ButtonVariant, button_classes},
            card::Card,
            error_panel::ErrorPanel,
            sign_in_prompt::SignInPrompt,
            skeleton::Skeleton,
        },
        pages::modlog::ModlogList,
        viewer::encode_query_value,
    },
    domain::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffModlogPage() -> impl IntoView {
    let query = use_query_map();
    let before = Memo::new(move |_| {
        query
            .read()
            .get("before")
            .and_then(|b| b.parse::<i64>().ok())
    });
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = Resource::new_blocking(
        move || (before.get(), search.get()),
        |(before, q)| staff_modlog(before, q, String::new()),
    );
    // A refused "restore" comes back with its error in the address.
    let restore = ServerAction::<ModerateContent>::new();
    let refused = action_error(restore.value());
    view! {
        <Title text="Moderation log (staff)"/>
        <h1 class="text-3xl font-semibold tracking-tight">"Moderation log"</h1>
        <p class="mt-2 text-muted">"Staff view: who acted, on what, and why. Members see this log without names at "
            <a href="/modlog" class="link">"/modlog"</a>"."</p>
        <form method="get" action="/admin/modlog" class="my-6 flex gap-2" role="search">
            <label for="modlog-search" class="sr-only">"Search the log"</label>
            <input id="modlog-search" type="search" name="q" value=move || search.get() class="field"
                placeholder="Reason, subject or moderator's handle" data-testid="modlog-search"/>
            <button type="submit" class=button_classes(ButtonVariant::Secondary, "")>"Search"</button>
        </form>
        <FormError error=refused/>
        <Suspense fallback=|| view! { <Card><Skeleton lines=5/></Card> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let base = match search.get() {
                            q if q.is_empty() => "/admin/modlog".to_owned(),
                            q => format!("/admin/modlog?q={}", encode_query_value(&q)),
                        };
                        view! { <ModlogList page base/> }.into_any()
                    }
                    Err(AppError::Unauthorized) => view! { <SignInPrompt next="/admin/modlog"/> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ErrorPanel title="This page is for moderators" message="Only moderators and admins can read the full log. The public one is at /modlog."/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load the log" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
