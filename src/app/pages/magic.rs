//! Signing in by email link. `/magic` (and `/magic-request`) asks for a link; `/magic?token=...`
//! is where the link leads, and signs in at the press of a button so mail scanners that
//! open every link cannot use it up.

use crate::{
    api::auth::{RedeemMagicLink, RequestMagicLink},
    app::components::{
        form::{FormError, FormSuccess, SubmitButton, account_done, action_error, field_error},
        form_page::{FormPage, TEXT_LINK},
        text_field::TextField,
    },
    domain::AppError,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MagicPage() -> impl IntoView {
    let query = use_query_map();
    let token = Memo::new(move |_| query.read().get("token").unwrap_or_default());
    view! {
        <Show when=move || !token.get().is_empty() fallback=|| view! { <MagicRequestPage/> }>
            <RedeemMagicLinkForm token=token.get()/>
        </Show>
    }
}

/// The form that mails a sign-in link.
#[component]
pub fn MagicRequestPage() -> impl IntoView {
    let request = ServerAction::<RequestMagicLink>::new();
    let error = action_error(request.value());
    let sent = account_done("/magic");
    view! {
        <Title text="Email me a sign-in link"/>
        <FormPage
            title="Sign in by email"
            intro="No password needed: we'll email you a link that signs you in. It works once, within the hour."
            footer=Box::new(|| view! {
                <p>"Prefer your password? " <a href="/login" class=TEXT_LINK>"Sign in"</a></p>
            }.into_any())
        >
            <Show
                when=move || sent.get().is_none()
                fallback=move || view! { <FormSuccess message=sent/> }
            >
                <ActionForm action=request>
                    <div class="space-y-5">
                        <FormError error fields=&["email"]/>
                        <TextField
                            name="email"
                            label="Email"
                            input_type="email"
                            autocomplete="email"
                            required=true
                            error=field_error(error, "email")
                        />
                        <SubmitButton pending=request.pending() class="w-full" attr:data-testid="magic-request-submit">
                            "Email me a link"
                        </SubmitButton>
                    </div>
                </ActionForm>
            </Show>
        </FormPage>
    }
}

/// Where the mailed link leads. On success the server signs in and sends the browser on.
#[component]
fn RedeemMagicLinkForm(token: String) -> impl IntoView {
    let redeem = ServerAction::<RedeemMagicLink>::new();
    let error = action_error(redeem.value());
    let link_used_up = move || matches!(error.get(), Some(AppError::TokenInvalid));
    view! {
        <Title text="Sign in"/>
        <FormPage title="Welcome back" intro="Your sign-in link is ready. Press the button to come in.">
            <ActionForm action=redeem>
                <div class="space-y-5">
                    <FormError error/>
                    <Show when=link_used_up>
                        <p class="text-sm">
                            <a href="/magic" class=TEXT_LINK>"Send me a new link"</a>
                        </p>
                    </Show>
                    <input type="hidden" name="token" value=token/>
                    <SubmitButton pending=redeem.pending() class="w-full" attr:data-testid="magic-submit">
                        "Sign in to Wellspring"
                    </SubmitButton>
                </div>
            </ActionForm>
        </FormPage>
    }
}
