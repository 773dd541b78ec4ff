//! Keeping an account safe: password, email address, two-step sign-in, linked sign-ins and
//! signed-in devices. Rendered on the server (`SsrMode::Async`), so every form works as a
//! plain post without JavaScript, and says it worked after the redirect (`?done=`).

use super::{
    SettingsHeader,
    linked_sign_ins::{LinkedSignIns, LinkedSignInsSection},
    notice::{confirmation, use_settings_notice},
    two_step::TwoStepSection,
};
use crate::{
    api::account::{
        ChangeEmail, ChangePassword, RevokeSessions, get_two_step, get_viewer, list_sessions,
    },
    app::{
        components::{
            alert::{Alert, AlertTone},
            button::ButtonVariant,
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
    },
    domain::{AppError, SessionSummary, SettingsNotice, TwoStep, Viewer},
};
use leptos::{form::ActionForm, html, prelude::*};
use leptos_meta::Title;

const PATH: &str = "/settings/security";

#[component]
pub fn SecuritySettingsPage() -> impl IntoView {
    let viewer = Resource::new_blocking(|| (), |()| get_viewer());
    // Created here, not in the sections: Leptos may run a `Suspense`'s children twice while
    // rendering on the server, and reading kept recovery codes removes them, so the page
    // must read them exactly once.
    let two_step = Resource::new_blocking(|| (), |()| get_two_step());
    // Every resource of the page is made here, outside the `Suspense`, for the same reason
    // and one more: a blocking resource made in children that the server renders twice
    // belongs to a render that is thrown away, and the response waits for it forever (a
    // page that intermittently never answered under load). The actions its list follows
    // come with it.
    let change_password = ServerAction::<ChangePassword>::new();
    let revoke = ServerAction::<RevokeSessions>::new();
    // Changing the password signs other devices out, so both refresh the list.
    // Asked only of a member: a visitor gets the sign-in prompt, with no 401 from lists
    // they could never read.
    let sessions = Resource::new_blocking(
        move || (revoke.version().get(), change_password.version().get()),
        move |_| async move {
            match viewer.await {
                Ok(Some(_)) => list_sessions().await,
                Ok(None) => Ok(Vec::new()),
                Err(error) => Err(error),
            }
        },
    );
    let linked = LinkedSignIns::new(viewer);
    view! {
        <Title text="Security"/>
        <SettingsHeader title="Security" current=PATH/>
        <Suspense fallback=|| view! { <Card><Skeleton lines=6/></Card> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(viewer)) => view! {
                        <SecuritySections viewer two_step change_password revoke sessions linked/>
                    }
                    .into_any(),
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
fn SecuritySections(
    viewer: Viewer,
    two_step: Resource<Result<Option<TwoStep>, AppError>>,
    change_password: ServerAction<ChangePassword>,
    revoke: ServerAction<RevokeSessions>,
    sessions: Resource<Result<Vec<SessionSummary>, AppError>>,
    linked: LinkedSignIns,
) -> impl IntoView {
    // Kept here rather than refetched: turning two-step sign-in on or off updates it.
    let mfa_on = RwSignal::new(viewer.has_mfa);
    let notice = use_settings_notice();
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
            <PasswordSection action=change_password notice/>
            <EmailSection email=viewer.email email_confirmed=viewer.email_confirmed notice/>
            <TwoStepSection state=two_step mfa_on notice/>
            <LinkedSignInsSection linked notice/>
            <DevicesSection sessions revoke notice/>
        </div>
    }
}

/// A titled part of the page, linked from elsewhere by its id.
#[component]
pub(super) fn Section(
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
fn PasswordSection(
    action: ServerAction<ChangePassword>,
    notice: Memo<Option<SettingsNotice>>,
) -> impl IntoView {
    let error = action_error(action.value());
    let changed = action_output(action.value());
    let done = confirmation(changed, notice, SettingsNotice::PasswordChanged);
    // Clear the typed passwords once the change is saved.
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if changed.with(Option::is_some)
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
fn EmailSection(
    email: String,
    email_confirmed: bool,
    notice: Memo<Option<SettingsNotice>>,
) -> impl IntoView {
    let action = ServerAction::<ChangeEmail>::new();
    let error = action_error(action.value());
    let done = confirmation(
        action_output(action.value()),
        notice,
        SettingsNotice::EmailLinkSent,
    );
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

#[component]
fn DevicesSection(
    sessions: Resource<Result<Vec<SessionSummary>, AppError>>,
    revoke: ServerAction<RevokeSessions>,
    notice: Memo<Option<SettingsNotice>>,
) -> impl IntoView {
    // Signing out everywhere (or this device) ends this session too.
    let error = action_error(revoke.value());
    let done = confirmation(
        action_output(revoke.value()),
        notice,
        SettingsNotice::DevicesSignedOut,
    );
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

/// An RFC 3339 UTC time as `2025-03-01 14:05 UTC`: the same on server and browser, so the
/// page hydrates cleanly whatever the reader's time zone.
pub(super) fn readable_time(rfc3339: &str) -> String {
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
