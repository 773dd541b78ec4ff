//! Keeping an account safe: password, email address, two-step sign-in and signed-in devices.
//! Rendered on the server (`SsrMode::Async`) so everything but setting up two-step sign-in
//! works without JavaScript.

use super::SettingsHeader;
use crate::{
    api::account::{
        ChangeEmail, ChangePassword, DisableTotp, FinishTotpEnrollment, RevokeSessions,
        StartTotpEnrollment, get_viewer, list_sessions,
    },
    app::{
        components::{
            alert::{Alert, AlertTone},
            button::{Button, ButtonVariant},
            card::Card,
            error_panel::ErrorPanel,
            form::{
                FormError, FormSuccess, SubmitButton, action_error, action_output, field_error,
            },
            form_page::TEXT_LINK,
            sign_in_prompt::SignInPrompt,
            skeleton::Skeleton,
            text_field::TextField,
        },
        pages::signup::PASSWORD_HINT,
        viewer::refresh_viewer_after,
    },
    domain::{AppError, RecoveryCodes, SessionSummary, TotpEnrollment, Viewer},
};
use leptos::{form::ActionForm, html, prelude::*};
use leptos_meta::Title;

const PATH: &str = "/settings/security";

#[component]
pub fn SecuritySettingsPage() -> impl IntoView {
    let viewer = Resource::new_blocking(|| (), |()| get_viewer());
    view! {
        <Title text="Security"/>
        <SettingsHeader title="Security" current=PATH/>
        <Suspense fallback=|| view! { <Card><Skeleton lines=6/></Card> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(viewer)) => view! { <SecuritySections viewer/> }.into_any(),
                    Ok(None) | Err(AppError::Unauthorized) => {
                        view! { <SignInPrompt next=PATH/> }.into_any()
                    }
                    Err(error) => {
                        view! { <ErrorPanel title="We couldn't load your settings" message=error.to_string()/> }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn SecuritySections(viewer: Viewer) -> impl IntoView {
    let change_password = ServerAction::<ChangePassword>::new();
    let revoke = ServerAction::<RevokeSessions>::new();
    // Changing the password signs other devices out, so both refresh the list.
    let sessions = Resource::new_blocking(
        move || (revoke.version().get(), change_password.version().get()),
        |_| list_sessions(),
    );
    // Kept here rather than refetched: turning two-step sign-in on or off updates it.
    let mfa_on = RwSignal::new(viewer.has_mfa);
    let needs_mfa = move || viewer.role.is_staff() && !mfa_on.get();
    let role = viewer.role.as_str();
    view! {
        <div class="max-w-2xl space-y-8">
            <Show when=needs_mfa>
                <div data-testid="staff-mfa-notice">
                    <Alert tone=AlertTone::Warning title="Please turn on two-step sign-in">
                        {format!(
                            "As a {role}, you can see reports and members' private details, so your \
                             account needs a second step to sign in. "
                        )}
                        <a href="#two-step" class=TEXT_LINK>"Set it up below"</a>
                        "; it takes about a minute."
                    </Alert>
                </div>
            </Show>
            <PasswordSection action=change_password/>
            <EmailSection email=viewer.email email_confirmed=viewer.email_confirmed/>
            <TwoStepSection mfa_on/>
            <DevicesSection sessions revoke/>
        </div>
    }
}

/// A titled part of the page, linked from elsewhere by its id.
#[component]
fn Section(
    id: &'static str,
    #[prop(into)] title: String,
    #[prop(into)] intro: String,
    children: Children,
) -> impl IntoView {
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <Card>
            <section id=id aria-labelledby=labelled_by class="space-y-5">
                <div>
                    <h2 id=heading_id class="text-xl font-semibold">{title}</h2>
                    <p class="mt-1 text-sm text-muted">{intro}</p>
                </div>
                {children()}
            </section>
        </Card>
    }
}

#[component]
fn PasswordSection(action: ServerAction<ChangePassword>) -> impl IntoView {
    let error = action_error(action.value());
    let done = action_output(action.value());
    // Clear the typed passwords once the change is saved.
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if done.with(Option::is_some)
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });
    view! {
        <Section
            id="password"
            title="Password"
            intro="Changing your password signs out your other devices, just in case."
        >
            <ActionForm action node_ref=form>
                <div class="space-y-5">
                    <FormError error fields=&["current_password", "new_password"]/>
                    <FormSuccess message=done/>
                    <TextField
                        name="current_password"
                        label="Current password"
                        input_type="password"
                        autocomplete="current-password"
                        required=true
                        error=field_error(error, "current_password")
                    />
                    <TextField
                        name="new_password"
                        label="New password"
                        input_type="password"
                        autocomplete="new-password"
                        hint=PASSWORD_HINT
                        required=true
                        error=field_error(error, "new_password")
                    />
                    <SubmitButton pending=action.pending() attr:data-testid="password-submit">
                        "Change password"
                    </SubmitButton>
                </div>
            </ActionForm>
        </Section>
    }
}

#[component]
fn EmailSection(email: String, email_confirmed: bool) -> impl IntoView {
    let action = ServerAction::<ChangeEmail>::new();
    let error = action_error(action.value());
    let done = action_output(action.value());
    view! {
        <Section
            id="email"
            title="Email address"
            intro="We send sign-in links and important account news here, and nothing else."
        >
            <p class="text-sm">
                "Currently "
                <span class="font-medium" data-testid="current-email">{email}</span>
                {(!email_confirmed).then(|| view! {
                    <span class="ml-2 rounded-full border border-warning-line bg-warning-soft px-2 py-0.5 text-xs font-medium text-warning-ink">
                        "not confirmed yet"
                    </span>
                })}
            </p>
            <ActionForm action>
                <div class="space-y-5">
                    <FormError error fields=&["new_email"]/>
                    <FormSuccess message=done/>
                    <TextField
                        name="new_email"
                        label="New email address"
                        input_type="email"
                        autocomplete="email"
                        hint="We'll send a link there; your address changes when you open it."
                        required=true
                        error=field_error(error, "new_email")
                    />
                    <SubmitButton pending=action.pending() attr:data-testid="email-submit">
                        "Send confirmation link"
                    </SubmitButton>
                </div>
            </ActionForm>
        </Section>
    }
}

/// Two-step sign-in (TOTP): off → set up (secret, then a first code) → recovery codes → on.
#[component]
fn TwoStepSection(mfa_on: RwSignal<bool>) -> impl IntoView {
    let start = ServerAction::<StartTotpEnrollment>::new();
    let finish = ServerAction::<FinishTotpEnrollment>::new();
    let disable = ServerAction::<DisableTotp>::new();
    // Memos, so a refused code re-renders only its message, not the form the member typed in.
    let enrollment: Memo<Option<TotpEnrollment>> = Memo::new(move |_| {
        start
            .value()
            .with(|v| v.as_ref().and_then(|r| r.clone().ok()))
    });
    let recovery_codes: Memo<Option<RecoveryCodes>> = Memo::new(move |_| {
        finish
            .value()
            .with(|v| v.as_ref().and_then(|r| r.clone().ok()))
    });
    Effect::new(move |_| {
        if recovery_codes.with(Option::is_some) {
            mfa_on.set(true);
        }
    });
    Effect::new(move |_| {
        if disable.value().with(|v| matches!(v, Some(Ok(_)))) {
            mfa_on.set(false);
            start.value().set(None);
            finish.value().set(None);
        }
    });
    let stored = move || {
        start.value().set(None);
        finish.value().set(None);
    };
    let disabled_message = action_output(disable.value());
    view! {
        <Section
            id="two-step"
            title="Two-step sign-in"
            intro="Besides your password, ask for a code from an authenticator app on your phone. Someone who learns your password still can't get in."
        >
            <FormSuccess message=disabled_message/>
            {move || {
                if let Some(codes) = recovery_codes.get() {
                    view! { <RecoveryCodesPanel codes on_stored=Callback::new(move |()| stored())/> }.into_any()
                } else if mfa_on.get() {
                    view! { <DisableTotpForm action=disable/> }.into_any()
                } else if let Some(enrollment) = enrollment.get() {
                    view! { <FinishEnrollmentForm enrollment action=finish/> }.into_any()
                } else {
                    view! { <StartEnrollmentForm action=start/> }.into_any()
                }
            }}
        </Section>
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
            <Button on_click=on_stored variant=ButtonVariant::Secondary>
                "I've stored them safely"
            </Button>
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

#[component]
fn DevicesSection(
    sessions: Resource<Result<Vec<SessionSummary>, AppError>>,
    revoke: ServerAction<RevokeSessions>,
) -> impl IntoView {
    // Signing out everywhere (or this device) ends this session too.
    refresh_viewer_after(revoke.value());
    let error = action_error(revoke.value());
    let done = action_output(revoke.value());
    view! {
        <Section
            id="devices"
            title="Devices"
            intro="Where you're signed in now. If you don't recognise one, sign it out and change your password."
        >
            <FormError error/>
            <FormSuccess message=done/>
            <Transition fallback=|| view! { <Skeleton lines=3/> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! {
                            <ul class="divide-y divide-line" data-testid="sessions">
                                {list
                                    .into_iter()
                                    .map(|session| view! { <SessionRow session revoke/> })
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
            <div class="flex flex-wrap gap-3 border-t border-line pt-5">
                <ActionForm action=revoke>
                    <input type="hidden" name="which" value="others"/>
                    <SubmitButton pending=revoke.pending() variant=ButtonVariant::Secondary attr:data-testid="revoke-others">
                        "Sign out all other devices"
                    </SubmitButton>
                </ActionForm>
                <ActionForm action=revoke>
                    <input type="hidden" name="which" value="all"/>
                    <SubmitButton pending=revoke.pending() variant=ButtonVariant::Secondary attr:data-testid="revoke-all">
                        "Sign out everywhere"
                    </SubmitButton>
                </ActionForm>
            </div>
        </Section>
    }
}

#[component]
fn SessionRow(session: SessionSummary, revoke: ServerAction<RevokeSessions>) -> impl IntoView {
    let last_seen = readable_time(&session.last_seen_at);
    let device = session.device.clone();
    view! {
        <li class="flex flex-wrap items-center justify-between gap-3 py-4" data-testid="session-row">
            <div class="min-w-0">
                <p class="font-medium">
                    {session.device}
                    {session.current.then(|| view! {
                        <span
                            class="ml-2 rounded-full bg-accent-soft px-2 py-0.5 text-xs font-semibold text-accent-ink"
                            data-testid="this-device"
                        >
                            "This device"
                        </span>
                    })}
                </p>
                <p class="text-sm text-muted">
                    {(!session.ip.is_empty()).then(|| format!("{} · ", session.ip))}
                    "Last active "
                    <time datetime=session.last_seen_at>{last_seen}</time>
                </p>
            </div>
            {(!session.current).then(|| view! {
                <ActionForm action=revoke>
                    <input type="hidden" name="which" value=session.id/>
                    <SubmitButton
                        pending=revoke.pending()
                        variant=ButtonVariant::Quiet
                        attr:data-testid="revoke-session"
                    >
                        "Sign out"
                        <span class="sr-only">{format!(" {device}")}</span>
                    </SubmitButton>
                </ActionForm>
            })}
        </li>
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

/// An RFC 3339 UTC time as `2025-03-01 14:05 UTC`: the same on server and browser, so the
/// page hydrates cleanly whatever the reader's time zone.
fn readable_time(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(date), Some(time)) if rfc3339.ends_with('Z') => format!("{date} {time} UTC"),
        (Some(date), Some(time)) => format!("{date} {time}"),
        _ => rfc3339.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_grouped_in_fours() {
        assert_eq!(group_in_fours("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert_eq!(group_in_fours(""), "");
    }

    #[test]
    fn times_read_as_date_and_minute() {
        assert_eq!(
            readable_time("2025-03-01T14:05:09.123Z"),
            "2025-03-01 14:05 UTC"
        );
        assert_eq!(
            readable_time("2025-03-01T14:05:09+02:00"),
            "2025-03-01 14:05"
        );
        assert_eq!(readable_time("soon"), "soon");
    }
}
