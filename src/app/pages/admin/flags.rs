//! `/admin/flags`: what admins can turn off at once (new accounts, posting, live updates),
//! each with its state and who changed it last. A flag set in the server's configuration is
//! shown as such and cannot be changed here.

use crate::{
    api::admin::{SetFeatureFlag, feature_flags},
    app::components::{
        button::{ButtonVariant, button_classes},
        card::Card,
        error_panel::ErrorPanel,
        form::{FormError, action_error},
        sign_in_prompt::SignInPrompt,
        skeleton::Skeleton,
    },
    domain::{AppError, feature_flag::FlagState},
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

#[component]
pub fn FeatureFlagsPage() -> impl IntoView {
    let flags = Resource::new_blocking(|| (), |()| feature_flags());
    let refused = action_error(ServerAction::<SetFeatureFlag>::new().value());
    view! {
        <Title text="Feature flags (admins)"/>
        <h1 class="text-3xl font-semibold tracking-tight">"Feature flags"</h1>
        <p class="mt-2 text-muted">"Turn a part of Wellspring off at once, without a deploy: a spam wave of new accounts, a flood of posts, live updates misbehaving. Members are told kindly what is paused. Every change is in the audit log."</p>
        <FormError error=refused/>
        <Suspense fallback=|| view! { <Card><Skeleton lines=3/></Card> }>
            {move || Suspend::new(async move {
                match flags.await {
                    Ok(flags) => view! {
                        <ul class="mt-6 divide-y divide-line rounded-2xl border border-line bg-surface" data-testid="flags">
                            {flags.into_iter().map(|state| view! { <FlagRow state/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInPrompt next="/admin/flags"/> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ErrorPanel title="This page is for admins" message="Only admins can change feature flags."/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load the flags" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FlagRow(state: FlagState) -> impl IntoView {
    let key = state.flag.key();
    view! {
        <li class="flex flex-wrap items-center justify-between gap-3 px-4 py-3" data-testid="flag" data-flag=key data-enabled=state.enabled.to_string()>
            <div>
                <p class="font-medium">{state.flag.label()}</p>
                <p class="text-sm text-muted">
                    {if state.enabled { "On" } else { "Off: " }}
                    {(!state.enabled).then(|| state.flag.paused_sentence())}
                    {(!state.changed.is_empty()).then(|| format!(" · changed by {}", state.changed))}
                </p>
            </div>
            {if state.overridden {
                view! { <p class="text-sm text-muted">"Set in the server's configuration"</p> }.into_any()
            } else {
                view! {
                    <form method="post" action=SetFeatureFlag::url()>
                        <input type="hidden" name="flag" value=key/>
                        <input type="hidden" name="enabled" value=(!state.enabled).to_string()/>
                        <button type="submit" class=button_classes(if state.enabled { ButtonVariant::Secondary } else { ButtonVariant::Primary }, "") data-testid="flag-toggle">
                            {if state.enabled { "Turn off" } else { "Turn on" }}
                        </button>
                    </form>
                }.into_any()
            }}
        </li>
    }
}
