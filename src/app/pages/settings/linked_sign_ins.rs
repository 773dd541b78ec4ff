//! The provider sign-ins (Google, GitHub) linked to the member's account, each with a way
//! to unlink it. The server refuses to unlink the member's only way in, and says why.

use super::{
    notice::confirmation,
    security::{Section, readable_time},
};
use crate::{
    api::account::{UnlinkSignIn, list_linked_sign_ins},
    app::components::{
        alert::{Alert, AlertTone},
        button::ButtonVariant,
        form::{FormError, FormSuccess, SubmitButton, action_error, action_output},
        skeleton::Skeleton,
    },
    domain::{AppError, LinkedSignIn, SettingsNotice, Viewer},
};
use leptos::{form::ActionForm, prelude::*};

/// The section's action and list, made by the page outside its `Suspense` (see
/// `SecuritySettingsPage`): a blocking resource made inside children the server may render
/// twice can hold the response forever.
#[derive(Clone, Copy)]
pub struct LinkedSignIns {
    unlink: ServerAction<UnlinkSignIn>,
    sign_ins: Resource<Result<Vec<LinkedSignIn>, AppError>>,
}

impl LinkedSignIns {
    /// Asks for the list only once `viewer` says a member is signed in.
    pub fn new(viewer: Resource<Result<Option<Viewer>, AppError>>) -> Self {
        let unlink = ServerAction::<UnlinkSignIn>::new();
        let sign_ins = Resource::new_blocking(
            move || unlink.version().get(),
            move |_| async move {
                match viewer.await {
                    Ok(Some(_)) => list_linked_sign_ins().await,
                    Ok(None) => Ok(Vec::new()),
                    Err(error) => Err(error),
                }
            },
        );
        Self { unlink, sign_ins }
    }
}

#[component]
pub fn LinkedSignInsSection(
    linked: LinkedSignIns,
    notice: Memo<Option<SettingsNotice>>,
) -> impl IntoView {
    let LinkedSignIns { unlink, sign_ins } = linked;
    let error = action_error(unlink.value());
    let done = confirmation(
        action_output(unlink.value()),
        notice,
        SettingsNotice::SignInUnlinked,
    );
    view! {
        <Section
            id="sign-ins"
            title="Linked sign-ins"
            intro="Accounts elsewhere that can sign you in here. Unlink one you no longer use."
        >
            <FormError error/>
            <FormSuccess message=done/>
            <Transition fallback=|| view! { <Skeleton lines=2/> }>
                {move || Suspend::new(async move {
                    match sign_ins.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="text-sm text-muted" data-testid="no-sign-ins">
                                "No Google or GitHub account is linked to yours."
                            </p>
                        }
                        .into_any(),
                        Ok(list) => view! {
                            <ul class="divide-y divide-line" data-testid="sign-ins">
                                {list
                                    .into_iter()
                                    .map(|sign_in| view! { <SignInRow sign_in unlink/> })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <Alert tone=AlertTone::Danger>{error.to_string()}</Alert>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </Section>
    }
}

#[component]
fn SignInRow(sign_in: LinkedSignIn, unlink: ServerAction<UnlinkSignIn>) -> impl IntoView {
    let provider = sign_in.provider_name().to_owned();
    let linked = readable_time(&sign_in.linked_at);
    let label = format!(" {provider} ({})", sign_in.email);
    view! {
        <li class="flex flex-wrap items-center justify-between gap-3 py-4" data-testid="sign-in-row">
            <div class="min-w-0">
                <p class="font-medium">{provider}</p>
                <p class="text-sm text-muted">
                    <span class="break-all">{sign_in.email}</span>
                    " · Linked "
                    <time datetime=sign_in.linked_at>{linked}</time>
                </p>
            </div>
            <ActionForm action=unlink>
                <input type="hidden" name="id" value=sign_in.id/>
                <SubmitButton
                    pending=unlink.pending()
                    variant=ButtonVariant::Quiet
                    attr:data-testid="unlink-sign-in"
                >
                    "Unlink"
                    <span class="sr-only">{label}</span>
                </SubmitButton>
            </ActionForm>
        </li>
    }
}
