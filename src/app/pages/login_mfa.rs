//! The second step of signing in, for accounts with two-step sign-in: a code from the
//! authenticator app, or one of the recovery codes saved when it was set up.

use crate::{
    api::auth::LoginSecondFactor,
    app::{
        components::{
            form::{FormError, SubmitButton, action_error, field_error},
            form_page::{FormPage, TEXT_LINK},
            text_field::TextField,
        },
        pages::login::use_next,
        viewer::{encode_query_value, login_href},
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginMfaPage() -> impl IntoView {
    let next = use_next();
    let query = use_query_map();
    // A recovery code has letters, so it gets an ordinary keyboard rather than a number pad.
    let recovery = Memo::new(move |_| query.read().get("recovery").is_some_and(|v| v == "1"));
    let step = ServerAction::<LoginSecondFactor>::new();
    let error = action_error(step.value());
    let switch_href = move || {
        let next = encode_query_value(&next.get());
        if recovery.get() {
            format!("/login/mfa?next={next}")
        } else {
            format!("/login/mfa?recovery=1&next={next}")
        }
    };
    view! {
        <Title text="Two-step sign-in"/>
        <FormPage
            title="One more step"
            intro="Your account has two-step sign-in, so we'd like a code to be sure it's you."
            footer=Box::new(move || view! {
                <p>
                    "Trouble signing in? "
                    <a href=move || login_href(&next.get()) class=TEXT_LINK>"Start again"</a>
                </p>
            }.into_any())
        >
            <ActionForm action=step>
                <div class="space-y-5">
                    <FormError error fields=&["code"]/>
                    <input type="hidden" name="next" value=next/>
                    <Show
                        when=move || recovery.get()
                        fallback=move || view! {
                            <TextField
                                name="code"
                                label="Code from your authenticator app"
                                autocomplete="one-time-code"
                                inputmode="numeric"
                                hint="Six digits. Lost your phone? One of your recovery codes works here too."
                                required=true
                                error=field_error(error, "code")
                            />
                        }
                    >
                        <TextField
                            name="code"
                            label="Recovery code"
                            autocomplete="one-time-code"
                            hint="One of the codes you saved when you set up two-step sign-in, like abcde-fghjk. Each works once."
                            required=true
                            error=field_error(error, "code")
                        />
                    </Show>
                    <SubmitButton pending=step.pending() class="w-full" attr:data-testid="mfa-submit">
                        "Continue"
                    </SubmitButton>
                    <p class="text-center text-sm">
                        <a href=switch_href class=TEXT_LINK data-testid="mfa-switch">
                            {move || if recovery.get() {
                                "Use my authenticator app instead"
                            } else {
                                "Use a recovery code instead"
                            }}
                        </a>
                    </p>
                </div>
            </ActionForm>
        </FormPage>
    }
}
