//! `/admin`: where staff start. What is waiting in the review queue, and the way to each
//! staff page. Staff without two-step sign-in are told to turn it on first (the server
//! refuses every staff read and action without it).

use crate::{
    api::moderation::review_queue,
    app::components::{
        button::{ButtonLink, ButtonVariant},
        card::Card,
        error_panel::ErrorPanel,
        sign_in_prompt::SignInPrompt,
        skeleton::Skeleton,
    },
    domain::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    let queue = Resource::new_blocking(|| (), |()| review_queue(Some(1)));
    view! {
        <Title text="Staff"/>
        <h1 class="text-3xl font-semibold tracking-tight">"Staff"</h1>
        <p class="mt-2 mb-6 text-muted">"Keeping Wellspring kind and safe."</p>
        <Suspense fallback=|| view! { <Card><Skeleton lines=3/></Card> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(queue) => {
                        let waiting = match queue.open_targets {
                            0 => "Nothing is waiting for review.".to_owned(),
                            1 => "1 reported thing is waiting for review.".to_owned(),
                            n => format!("{n} reported things are waiting for review."),
                        };
                        view! {
                            <div class="grid gap-4 sm:grid-cols-2">
                                <Card>
                                    <h2 class="text-lg font-semibold">"Review queue"</h2>
                                    <p class="mt-1 text-sm text-muted" data-testid="dashboard-waiting">{waiting}</p>
                                    <ButtonLink href="/admin/queue" class="mt-4">"Open the queue"</ButtonLink>
                                </Card>
                                <Card>
                                    <h2 class="text-lg font-semibold">"Members"</h2>
                                    <p class="mt-1 text-sm text-muted">"Find a member; warn, silence, suspend, ban or purge; roles and devices (admins). Site staff only."</p>
                                    <ButtonLink href="/admin/members" variant=ButtonVariant::Secondary class="mt-4">"Members"</ButtonLink>
                                </Card>
                                <Card>
                                    <h2 class="text-lg font-semibold">"Watched words"</h2>
                                    <p class="mt-1 text-sm text-muted">"Words that are blocked, masked, flagged or held for approval. Site staff only."</p>
                                    <ButtonLink href="/admin/words" variant=ButtonVariant::Secondary class="mt-4">"Watched words"</ButtonLink>
                                </Card>
                                <Card>
                                    <h2 class="text-lg font-semibold">"Audit log"</h2>
                                    <p class="mt-1 text-sm text-muted">"Sign-ins, role changes and account changes, with CSV export. Admins only."</p>
                                    <ButtonLink href="/admin/audit" variant=ButtonVariant::Secondary class="mt-4">"Audit log"</ButtonLink>
                                </Card>
                                <Card>
                                    <h2 class="text-lg font-semibold">"Feature flags"</h2>
                                    <p class="mt-1 text-sm text-muted">"Pause new accounts, posting or live updates at once. Admins only."</p>
                                    <ButtonLink href="/admin/flags" variant=ButtonVariant::Secondary class="mt-4">"Feature flags"</ButtonLink>
                                </Card>
                                <Card>
                                    <h2 class="text-lg font-semibold">"Moderation log"</h2>
                                    <p class="mt-1 text-sm text-muted">"Every action, its reason and who took it. Members see it without names."</p>
                                    <div class="mt-4 flex flex-wrap gap-2">
                                        <ButtonLink href="/admin/modlog" variant=ButtonVariant::Secondary>"Staff log"</ButtonLink>
                                        <ButtonLink href="/modlog" variant=ButtonVariant::Quiet>"Public log"</ButtonLink>
                                    </div>
                                </Card>
                            </div>
                        }.into_any()
                    }
                    Err(AppError::Unauthorized) => view! { <SignInPrompt next="/admin"/> }.into_any(),
                    Err(AppError::Forbidden) => view! {
                        <ErrorPanel title="This page is for staff" message="Only moderators and admins can open the staff pages."/>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel title="Staff pages need one more step" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
