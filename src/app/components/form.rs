//! What ties a form to its server action: the message beside each field, the general error
//! above the fields, the confirmation the server sends back, and a submit button that rests
//! while the request is on its way.
//!
//! Without JavaScript the same forms post to `/api/...`; a refused post comes back in the
//! page's address, and `ServerAction` reads it from there, so errors show either way.

use super::{
    alert::{Alert, AlertTone},
    button::{Button, ButtonVariant},
};
use crate::domain::AppError;
use leptos::prelude::*;

/// The error of the action's latest run, if it failed.
pub fn action_error<T>(
    result: MappedSignal<Option<Result<T, AppError>>>,
) -> Signal<Option<AppError>>
where
    T: Send + Sync + 'static,
{
    Signal::derive(move || {
        result.with(|result| match result {
            Some(Err(error)) => Some(error.clone()),
            _ => None,
        })
    })
}

/// What the action's latest run returned, if it succeeded.
pub fn action_output<T>(result: MappedSignal<Option<Result<T, AppError>>>) -> Signal<Option<T>>
where
    T: Clone + Send + Sync + 'static,
{
    Signal::derive(move || result.with(|result| result.as_ref().and_then(|r| r.clone().ok())))
}

/// The confirmation an account page shows once its form went through: the post comes back
/// with `?done=<flag>` (see `AccountNotice`), and the words for that flag show when they
/// belong on `page`. (Pages render on the server only, so an action's own value never holds
/// a success here.) A post refused on its way back (`__err` in the address) is never a
/// success.
pub fn account_done(page: &'static str) -> Signal<Option<String>> {
    let query = leptos_router::hooks::use_query_map();
    Signal::derive(move || {
        query.with(|query| {
            if query.get_str("__err").is_some() {
                return None;
            }
            query
                .get_str(crate::domain::AccountNotice::QUERY_KEY)
                .and_then(crate::domain::AccountNotice::parse)
                .filter(|notice| notice.page() == page)
                .map(|notice| notice.message().to_owned())
        })
    })
}

/// The message to show under the field `name`, when the server refused its value.
pub fn field_error(error: Signal<Option<AppError>>, name: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|error| error.as_ref().and_then(|e| e.field(name))))
}

/// The general error above a form. Field messages show beside their fields; any message for
/// a field this form does not show (listed in `fields`) is spelled out here instead, so
/// nothing is lost.
#[component]
pub fn FormError(
    #[prop(into)] error: Signal<Option<AppError>>,
    /// The fields the form shows inline messages for.
    #[prop(optional)]
    fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        error.get().map(|error| {
            let unshown: Vec<String> = match &error {
                AppError::Invalid(errors) => errors
                    .iter()
                    .filter(|(field, _)| !fields.contains(field))
                    .map(|(_, message)| message.to_owned())
                    .collect(),
                _ => Vec::new(),
            };
            let summary = if unshown.is_empty() {
                Some(error.to_string())
            } else {
                None
            };
            // A sensitive change without a recent proof: the way to give one, coming back here.
            let confirm_link = matches!(error, AppError::ProofNeeded).then(|| {
                let here = leptos_router::hooks::use_location();
                let next = format!("{}{}", here.pathname.get_untracked(), here.hash.get_untracked());
                let href = format!("/settings/confirm?next={}", crate::app::viewer::encode_query_value(&next));
                view! {
                    <p class="mt-2">
                        <a href=href class="font-medium underline" data-testid="confirm-it-is-you-link">
                            "Confirm it's you"
                        </a>
                    </p>
                }
            });
            view! {
                <div data-testid="form-error">
                    <Alert tone=AlertTone::Danger>
                        {summary}
                        {confirm_link}
                        {(!unshown.is_empty()).then(|| view! {
                            <ul class="space-y-1">
                                {unshown.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                            </ul>
                        })}
                    </Alert>
                </div>
            }
        })
    }
}

/// A confirmation from the server, shown once the action succeeds.
#[component]
pub fn FormSuccess(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|message| {
            view! {
                <div data-testid="form-success">
                    <Alert tone=AlertTone::Success>
                        {message}
                    </Alert>
                </div>
            }
        })
    }
}

/// The button that sends a form, resting (disabled) while the request is in flight so a
/// double tap sends it once.
#[component]
pub fn SubmitButton(
    #[prop(optional)] variant: ButtonVariant,
    #[prop(optional, into)] pending: Signal<bool>,
    #[prop(optional, into)] class: String,
    children: Children,
) -> impl IntoView {
    view! {
        <Button button_type="submit" variant=variant class=class disabled=pending>
            {children()}
        </Button>
    }
}

/// The hidden one-write key of a form that creates something (a post, a reply): drawn fresh
/// each time the form is drawn, so sending the same form twice writes once
/// (`server::services::submissions`).
#[component]
pub fn SubmissionKey() -> impl IntoView {
    view! { <input type="hidden" name="submission" value=fresh_submission_key()/> }
}

/// A random key in the form of a UUID (version 4): on the server from the `uuid` crate, in
/// the browser (an island drawing a form) from `crypto.getRandomValues`, which unlike
/// `randomUUID` also works on plain-HTTP addresses.
pub fn fresh_submission_key() -> String {
    #[cfg(feature = "ssr")]
    {
        uuid::Uuid::new_v4().to_string()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let mut bytes = [0_u8; 16];
        #[cfg(feature = "hydrate")]
        if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
            let _ = crypto.get_random_values_with_u8_array(&mut bytes);
        }
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }
}
