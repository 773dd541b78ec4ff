//! Two-step sign-in (TOTP) on the security page: off → set up (secret, then a first code) →
//! recovery codes → on, and off again with a code.
//!
//! The server renders where the member stands (`get_two_step`), so every step is a plain
//! form post without JavaScript: starting shows the secret on the page the redirect lands
//! on, confirming shows the recovery codes kept for this device, once. With JavaScript the
//! actions' results move the section along in place, without a reload.

use super::{notice::confirmation, security::Section};
use crate::{
    api::account::{
        DisableTotp, FinishTotpEnrollment, RegenerateRecoveryCodes, StartTotpEnrollment,
    },
    app::components::{
        alert::{Alert, AlertTone},
        button::{ButtonVariant, button_classes},
        form::{FormError, FormSuccess, SubmitButton, action_error, action_output, field_error},
        form_page::TEXT_LINK,
        skeleton::Skeleton,
        text_field::TextField,
    },
    domain::{AppError, RecoveryCodes, SettingsNotice, TotpEnrollment, TwoStep},
};
use leptos::{ev, form::ActionForm, prelude::*};

/// `state` is the page's one read of `get_two_step`; `mfa_on` is shared with the page (its
/// staff notice); `notice` is the page's `?done=` flag.
#[component]
pub fn TwoStepSection(
    state: Resource<Result<Option<TwoStep>, AppError>>,
    mfa_on: RwSignal<bool>,
    notice: Memo<Option<SettingsNotice>>,
) -> impl IntoView {
    view! {
        <Section
            id="two-step"
            title="Two-step sign-in"
            intro="Besides your password, ask for a code from an authenticator app on your phone. Someone who learns your password still can't get in."
        >
            <Suspense fallback=|| view! { <Skeleton lines=3/> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(from_server) => {
                            let from_server = from_server.unwrap_or(TwoStep::Off);
                            view! { <TwoStepFlow from_server mfa_on notice/> }.into_any()
                        }
                        Err(error) => view! {
                            <Alert tone=AlertTone::Danger>{error.to_string()}</Alert>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </Section>
    }
}

#[component]
fn TwoStepFlow(
    from_server: TwoStep,
    mfa_on: RwSignal<bool>,
    notice: Memo<Option<SettingsNotice>>,
) -> impl IntoView {
    let start = ServerAction::<StartTotpEnrollment>::new();
    let finish = ServerAction::<FinishTotpEnrollment>::new();
    let disable = ServerAction::<DisableTotp>::new();
    let regenerate = ServerAction::<RegenerateRecoveryCodes>::new();
    // What the server rendered: a set-up in progress, or codes kept for this device.
    let (pending, kept_codes) = match from_server {
        TwoStep::SettingUp(enrollment) => (Some(enrollment), None),
        TwoStep::JustTurnedOn(codes) => (None, Some(codes)),
        TwoStep::Off | TwoStep::On => (None, None),
    };
    let pending = RwSignal::new(pending);
    let kept_codes = RwSignal::new(kept_codes);
    // Memos, so a refused code re-renders only its message, not the form the member typed in.
    let enrollment: Memo<Option<TotpEnrollment>> = Memo::new(move |_| {
        start
            .value()
            .with(|v| v.as_ref().and_then(|r| r.clone().ok()))
            .or_else(|| pending.get())
    });
    let recovery_codes: Memo<Option<RecoveryCodes>> = Memo::new(move |_| {
        finish
            .value()
            .with(|v| v.as_ref().and_then(|r| r.clone().ok()))
            .or_else(|| {
                regenerate
                    .value()
                    .with(|v| v.as_ref().and_then(|r| r.clone().ok()))
            })
            .filter(|codes| !codes.0.is_empty())
            .or_else(|| kept_codes.get())
    });
    let forget_steps = move || {
        start.value().set(None);
        finish.value().set(None);
        regenerate.value().set(None);
        pending.set(None);
        kept_codes.set(None);
    };
    Effect::new(move |_| {
        if recovery_codes.with(Option::is_some) {
            mfa_on.set(true);
        }
    });
    Effect::new(move |_| {
        if disable.value().with(|v| matches!(v, Some(Ok(_)))) {
            mfa_on.set(false);
            forget_steps();
        }
    });
    let turned_off = confirmation(
        action_output(disable.value()),
        notice,
        SettingsNotice::TwoStepOff,
    );
    view! {
        <FormSuccess message=turned_off/>
        {move || {
            if let Some(codes) = recovery_codes.get() {
                view! { <RecoveryCodesPanel codes on_stored=Callback::new(move |()| forget_steps())/> }.into_any()
            } else if mfa_on.get() {
                view! {
                    <DisableTotpForm action=disable/>
                    <RegenerateCodesForm action=regenerate/>
                }
                .into_any()
            } else if let Some(enrollment) = enrollment.get() {
                view! { <FinishEnrollmentForm enrollment action=finish/> }.into_any()
            } else {
                view! { <StartEnrollmentForm action=start/> }.into_any()
            }
        }}
    }
}

#[component]
fn StartEnrollmentForm(action: ServerAction<StartTotpEnrollment>) -> impl IntoView {
    let error = action_error(action.value());
    view! {
        <p class="text-sm">
            "Status: "
            <strong data-testid="mfa-status">"off"</strong>
        </p>
        <ActionForm action>
            <div class="space-y-4">
                <FormError error/>
                <SubmitButton pending=action.pending() attr:data-testid="totp-start">
                    "Set up two-step sign-in"
                </SubmitButton>
            </div>
        </ActionForm>
    }
}

#[component]
fn FinishEnrollmentForm(
    enrollment: TotpEnrollment,
    action: ServerAction<FinishTotpEnrollment>,
) -> impl IntoView {
    let error = action_error(action.value());
    let grouped = group_in_fours(&enrollment.secret);
    view! {
        <ol class="list-decimal space-y-4 pl-5 text-sm">
            <li>
                "Open your authenticator app (for example Aegis, 2FAS, Google Authenticator or a "
                "password manager) and add an account. Type in this key:"
                <p class="mt-2">
                    <code
                        class="inline-block rounded-lg bg-surface-raised px-3 py-2 font-mono text-base tracking-wider text-ink select-all"
                        data-testid="totp-secret"
                        data-secret=enrollment.secret.clone()
                    >
                        {grouped}
                    </code>
                </p>
                <p class="mt-2 text-muted">
                    "On this phone? "
                    <a href=enrollment.uri.clone() class=TEXT_LINK data-testid="totp-uri-link">"Open it in your authenticator app"</a>
                    ". Or copy this address into an app that imports one:"
                </p>
                <p class="mt-1 break-all font-mono text-xs text-muted" data-testid="totp-uri">{enrollment.uri}</p>
            </li>
            <li>"Enter the 6-digit code the app shows, to check it's set up right."</li>
        </ol>
        <ActionForm action>
            <div class="space-y-4">
                <FormError error fields=&["code"]/>
                <TextField
                    name="code"
                    label="6-digit code from the app"
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    required=true
                    error=field_error(error, "code")
                />
                <SubmitButton pending=action.pending() attr:data-testid="totp-verify">
                    "Turn on two-step sign-in"
                </SubmitButton>
            </div>
        </ActionForm>
    }
}

#[component]
fn RecoveryCodesPanel(codes: RecoveryCodes, on_stored: Callback<()>) -> impl IntoView {
    // A form that reloads the page without JavaScript (the codes are gone by then); with
    // JavaScript the click only closes the panel.
    let stored = move |event: ev::MouseEvent| {
        event.prevent_default();
        on_stored.run(());
    };
    view! {
        <Alert tone=AlertTone::Success title="Two-step sign-in is on">
            "Next time you sign in, we'll ask for a code from your app."
        </Alert>
        <div class="space-y-3">
            <h3 class="font-semibold">"Your recovery codes"</h3>
            <p class="text-sm text-muted">
                "If you lose your phone, each of these codes lets you in once. Keep them somewhere "
                "safe, like a password manager or a printed page at home. We'll only show them this once."
            </p>
            <ol class="grid grid-cols-2 gap-2 rounded-xl bg-surface-raised p-4 font-mono text-sm sm:grid-cols-3" data-testid="recovery-codes">
                {codes.0.into_iter().map(|code| view! { <li>{code}</li> }).collect_view()}
            </ol>
            <form method="get" action="/settings/security#two-step">
                <button
                    type="submit"
                    class=button_classes(ButtonVariant::Secondary, "")
                    data-testid="codes-stored"
                    on:click=stored
                >
                    "I've stored them safely"
                </button>
            </form>
        </div>
    }
}

#[component]
fn DisableTotpForm(action: ServerAction<DisableTotp>) -> impl IntoView {
    let error = action_error(action.value());
    view! {
        <p class="text-sm">
            "Status: "
            <strong data-testid="mfa-status">"on"</strong>
            ". When you sign in, we ask for a code from your authenticator app."
        </p>
        <ActionForm action>
            <div class="space-y-4">
                <FormError error fields=&["code"]/>
                <TextField
                    name="code"
                    label="Code from your app, or a recovery code"
                    autocomplete="one-time-code"
                    hint="To turn two-step sign-in off, please confirm it's you."
                    required=true
                    error=field_error(error, "code")
                />
                <SubmitButton pending=action.pending() variant=ButtonVariant::Secondary attr:data-testid="totp-disable">
                    "Turn off two-step sign-in"
                </SubmitButton>
            </div>
        </ActionForm>
    }
}

/// New recovery codes; the old ones stop working. Asks for a recent proof on the server.
#[component]
fn RegenerateCodesForm(action: ServerAction<RegenerateRecoveryCodes>) -> impl IntoView {
    let error = action_error(action.value());
    view! {
        <ActionForm action>
            <div class="space-y-3 border-t border-line pt-4">
                <p class="text-sm text-muted">
                    "Used some recovery codes, or worried someone saw them? Get ten new ones; the old ones stop working."
                </p>
                <FormError error/>
                <SubmitButton pending=action.pending() variant=ButtonVariant::Secondary attr:data-testid="recovery-codes-regenerate">
                    "Get new recovery codes"
                </SubmitButton>
            </div>
        </ActionForm>
    }
}

/// `ABCDEFGHIJKL` as `ABCD EFGH IJKL`, easier to copy by eye.
fn group_in_fours(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_grouped_in_fours() {
        assert_eq!(group_in_fours("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert_eq!(group_in_fours(""), "");
    }
}
