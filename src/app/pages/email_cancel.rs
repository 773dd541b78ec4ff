//! Cancelling a change of email from the notice mailed to the old address
//! (`/email-cancel?token=...`). Like confirming, it takes a button press, so mail scanners
//! that open every link cannot use it.

use crate::{
    api::auth::CancelEmailChange,
    app::components::{
        button::{ButtonLink, ButtonVariant},
        form::{FormError, FormSuccess, SubmitButton, account_done, action_error},
        form_page::FormPage,
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn EmailCancelPage() -> impl IntoView {
    let query = use_query_map();
    let token = Memo::new(move |_| query.read().get("token").unwrap_or_default());
    let cancel = ServerAction::<CancelEmailChange>::new();
    // Cancelling signs this device out too; the header must know.
    let error = action_error(cancel.value());
    let done = account_done("/email-cancel");
    view! {
        <Title text="Cancel the email change"/>
        <FormPage
            title="Cancel the email change"
            intro="If you didn't ask to change your Wellspring email, cancel it here: your account keeps this address and every device is signed out."
        >
            <Show
                when=move || done.get().is_none()
                fallback=move || view! {
                    <div class="space-y-5">
                        <FormSuccess message=done/>
                        <div class="flex flex-wrap gap-3">
                            <ButtonLink href="/forgot">"Choose a new password"</ButtonLink>
                            <ButtonLink href="/" variant=ButtonVariant::Secondary>"Go to the home page"</ButtonLink>
                        </div>
                    </div>
                }
            >
                <Show
                    when=move || !token.get().is_empty()
                    fallback=|| view! {
                        <p class="text-muted">
                            "This page needs the whole link from your email. Please open it again, or copy "
                            "the full address into your browser."
                        </p>
                    }
                >
                    <ActionForm action=cancel>
                        <div class="space-y-5">
                            <FormError error/>
                            <input type="hidden" name="token" value=token/>
                            <SubmitButton pending=cancel.pending() class="w-full" attr:data-testid="email-cancel-submit">
                                "Cancel the change and sign out everywhere"
                            </SubmitButton>
                        </div>
                    </ActionForm>
                </Show>
            </Show>
        </FormPage>
    }
}
