//! `/notifications`: what I was told about, newest first, unread ones marked. Each opens
//! where it happened (marking it read); one button marks them all read. Plain forms and
//! links, so it is complete without JavaScript.

use crate::{
    api::notifications::{MarkAllNotificationsRead, OpenNotification, list_notifications},
    app::components::{
        button::{ButtonVariant, button_classes},
        card::Card,
        digest_form::DigestForm,
        empty_state::EmptyState,
        error_panel::ErrorPanel,
        form::{FormError, action_error},
        sign_in_prompt::SignInPrompt,
        skeleton::Skeleton,
    },
    domain::{
        AppError,
        notification::{Notification, NotificationPage},
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let query = use_query_map();
    let before = Memo::new(move |_| query.read().get("before").unwrap_or_default());
    let page = Resource::new_blocking(move || before.get(), list_notifications);
    let open = ServerAction::<OpenNotification>::new();
    let read_all = ServerAction::<MarkAllNotificationsRead>::new();
    let open_error = action_error(open.value());
    let read_all_error = action_error(read_all.value());
    view! {
        <Title text="Notifications"/>
        <Suspense fallback=|| view! { <Card><Skeleton lines=5/></Card> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <NotificationList page open read_all/> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInPrompt next="/notifications"/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load your notifications" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
        <FormError error=open_error/>
        <FormError error=read_all_error/>
    }
}

#[component]
fn NotificationList(
    page: NotificationPage,
    open: ServerAction<OpenNotification>,
    read_all: ServerAction<MarkAllNotificationsRead>,
) -> impl IntoView {
    let unread = page.unread;
    let heading = match unread {
        0 => "Nothing new".to_owned(),
        1 => "1 unread".to_owned(),
        n => format!("{n} unread"),
    };
    let digest = page.digest;
    let older = page
        .next_cursor
        .map(|cursor| format!("/notifications?before={cursor}"));
    view! {
        <div class="mb-6 flex flex-wrap items-end justify-between gap-3">
            <div>
                <h1 class="text-3xl font-semibold tracking-tight">"Notifications"</h1>
                <p class="mt-1 text-sm text-muted" data-testid="notifications-unread">{heading}</p>
            </div>
            {(unread > 0).then(|| view! {
                <ActionForm action=read_all>
                    <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="notifications-read-all">
                        "Mark all as read"
                    </button>
                </ActionForm>
            })}
        </div>
        {if page.items.is_empty() {
            view! {
                <EmptyState
                    title="No notifications yet"
                    message="When someone replies to you, mentions you or reacts to what you wrote, you'll find it here. Only you can see this list."
                />
            }.into_any()
        } else {
            view! {
                <ul class="divide-y divide-line rounded-2xl border border-line bg-surface" data-testid="notifications">
                    {page.items.into_iter().map(|item| view! { <NotificationItem item open/> }).collect_view()}
                </ul>
            }.into_any()
        }}
        {older.map(|href| view! {
            <p class="mt-6 text-center">
                <a href=href class="text-sm font-medium text-accent-ink hover:underline" data-testid="notifications-older">"Older notifications →"</a>
            </p>
        })}
        <DigestForm current=digest/>
    }
}

#[component]
fn NotificationItem(item: Notification, open: ServerAction<OpenNotification>) -> impl IntoView {
    let sentence = item.sentence();
    let unread = item.unread;
    // A moderation notice names what it was about as it was (a removed post's title is gone
    // from the post) and the moderators' reason.
    let subject = item
        .moderation
        .as_ref()
        .map(|m| m.subject.clone())
        .filter(|s| !s.is_empty());
    let reason = item.moderation.as_ref().and_then(|m| m.reason.clone());
    let context = subject
        .or_else(|| item.post_title.clone())
        .map(|title| format!("“{title}”"))
        .or_else(|| item.circle_name.clone());
    view! {
        <li class="relative px-4 py-3" data-testid="notification" data-unread=unread.to_string()>
            <ActionForm action=open>
                <input type="hidden" name="id" value=item.id/>
                // The whole row is the button: it marks the notification read and goes where
                // it happened (the server works out where from the notification itself).
                <button type="submit" class="block w-full text-left focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus rounded-lg">
                    <span class="flex items-baseline gap-2">
                        {unread.then(|| view! {
                            <span class="inline-block h-2 w-2 shrink-0 rounded-full bg-accent" aria-hidden="true"></span>
                            <span class="sr-only">"Unread: "</span>
                        })}
                        <span class=if unread { "font-semibold" } else { "" } data-testid="notification-sentence">{sentence}</span>
                    </span>
                    {context.map(|context| view! { <span class="mt-0.5 block text-sm text-muted">{context}</span> })}
                    {reason.map(|reason| view! {
                        <span class="mt-1 block text-sm text-ink/80" data-testid="notification-reason">{format!("Reason: {reason}")}</span>
                    })}
                    {item.excerpt.clone().map(|excerpt| view! {
                        <span class="mt-1 block text-sm text-ink/80" data-testid="notification-excerpt">{excerpt}</span>
                    })}
                    <time class="mt-1 block text-xs text-muted" datetime=item.at.clone()>{item.at_label.clone()}</time>
                </button>
            </ActionForm>
        </li>
    }
}
