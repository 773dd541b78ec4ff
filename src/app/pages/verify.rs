//! Confirming an email address from a mailed link (`/verify?token=...`). Confirming takes a
//! button press rather than happening on page load, so mail scanners that open every link
//! cannot use it up.

use crate::{
    api::auth::ConfirmEmail,
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
pub fn VerifyPage() -> impl IntoView {
    let query = use_query_map();
    let token = Memo::new(move |_| query.read().get("token").unwrap_or_default());
    let confirm = ServerAction::<ConfirmEmail>::new();
    // Confirming a new address signs other devices out; the header may need to know.
    let error = action_error(confirm.value());
    let done = account_done("/verify");
    view! {
        <Title text="Confirm your email"/>
        <FormPage title="Confirm your email" intro="One tap and your address is confirmed.">
            <Show
                when=move || done.get().is_none()
                fallback=move || view! {
                    <div class="space-y-5">
                        <FormSuccess message=done/>
                        <div class="flex flex-wrap gap-3">
                            <ButtonLink href="/login">"Sign in"</ButtonLink>
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
                    <ActionForm action=confirm>
                        <div class="space-y-5">
                            <FormError error/>
                            <input type="hidden" name="token" value=token/>
                            <SubmitButton pending=confirm.pending() class="w-full" attr:data-testid="verify-submit">
                                "Confirm my email"
                            </SubmitButton>
                        </div>
                    </ActionForm>
                </Show>
            </Show>
        </FormPage>
    }
}
