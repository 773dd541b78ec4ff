//! `/report/thanks`: what a reporter sees once their report is in. After "someone may be at
//! risk" it leads with places to find help now, from the configured list.

use crate::{
    api::moderation::crisis_resources,
    app::components::{
        button::{ButtonLink, ButtonVariant},
        card::Card,
    },
    domain::identity::redirect::safe_redirect,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReportThanksPage() -> impl IntoView {
    let query = use_query_map();
    let at_risk = Memo::new(move |_| query.read().get("at_risk").is_some());
    let again = Memo::new(move |_| query.read().get("again").is_some());
    let back = Memo::new(move |_| safe_redirect(query.read().get("back").as_deref()));
    let resources = Resource::new_blocking(
        move || at_risk.get(),
        |at_risk| async move {
            if at_risk {
                crisis_resources().await.unwrap_or_default()
            } else {
                Vec::new()
            }
        },
    );
    view! {
        <Title text="Thank you for telling us"/>
        <div class="mx-auto max-w-xl space-y-6">
            <h1 class="text-3xl font-semibold tracking-tight">"Thank you for telling us"</h1>
            <p class="text-muted" data-testid="report-thanks">
                {move || if again.get() {
                    "You had already reported this, and the moderators have it. There is nothing more to do."
                } else {
                    "The moderators will look at it. You'll get a notification when they have."
                }}
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let resources = resources.await;
                    (!resources.is_empty()).then(|| view! {
                        <Card>
                            <h2 class="text-lg font-semibold">"If someone is in danger now"</h2>
                            <p class="mt-1 text-sm">"Call your local emergency number. These lines are free and confidential:"</p>
                            <ul class="mt-3 space-y-2" data-testid="crisis-resources">
                                {resources.into_iter().map(|r| view! {
                                    <li>
                                        <span class="block text-sm text-muted">{r.region}</span>
                                        <span class="font-medium">{r.name}</span>
                                        ": "
                                        <span>{r.contact}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </Card>
                    })
                })}
            </Suspense>
            <ButtonLink href=back.get_untracked() variant=ButtonVariant::Secondary attr:data-testid="report-back">"Back to where you were"</ButtonLink>
        </div>
    }
}
