//! Signing out on purpose, from a page of its own (the header has the same button).
//! The server ends the session, clears its cookies and sends the browser home.

use crate::{
    api::auth::Logout,
    app::components::{
        form::{FormError, SubmitButton, action_error},
        form_page::{FormPage, TEXT_LINK},
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

#[component]
pub fn LogoutPage() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let error = action_error(logout.value());
    view! {
        <Title text="Sign out"/>
        <FormPage
            title="Sign out"
            intro="Thank you for spending time here. Signing out ends your session on this device only."
            footer=Box::new(|| view! {
                <p>
                    "Signed in somewhere you no longer use? "
                    <a href="/settings/security" class=TEXT_LINK>"See your devices"</a>
                </p>
            }.into_any())
        >
            <ActionForm action=logout>
                <div class="space-y-5">
                    <FormError error/>
                    <SubmitButton pending=logout.pending() class="w-full" attr:data-testid="signout">
                        "Sign out"
                    </SubmitButton>
                </div>
            </ActionForm>
        </FormPage>
    }
}
