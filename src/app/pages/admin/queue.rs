//! `/admin/queue`: the review queue. Open reports grouped by what they are about — at-risk
//! reports first (outreach), then by weight (each reporter counts by their past accuracy),
//! then oldest first — with the reported words, who wrote them, and every reporter's reason.
//! Each decision is a plain form with a reason: remove or hide it (the author is told why,
//! the reporters that it was acted on), leave it up (dismiss: it counts against the
//! reporters' accuracy), or set it aside (ignore: counts for nobody).

use crate::{
    api::moderation::{DecideHeld, ModerateContent, SettleReports, review_queue},
    app::components::{
        button::{ButtonVariant, button_classes},
        card::Card,
        empty_state::EmptyState,
        error_panel::ErrorPanel,
        form::{FormError, action_error},
        sign_in_prompt::SignInPrompt,
        skeleton::Skeleton,
    },
    domain::{
        AppError,
        moderation::{QueueItem, QueuePage, ReportTarget},
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReviewQueuePage() -> impl IntoView {
    let query = use_query_map();
    let page_number = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
    });
    let page = Resource::new_blocking(move || page_number.get(), |n| review_queue(Some(n)));
    // A refused decision comes back with its error in the address: say why above the queue.
    let act = ServerAction::<ModerateContent>::new();
    let settle = ServerAction::<SettleReports>::new();
    let held = ServerAction::<DecideHeld>::new();
    let (act_refused, settle_refused, held_refused) = (
        action_error(act.value()),
        action_error(settle.value()),
        action_error(held.value()),
    );
    let refused = Signal::derive(move || {
        act_refused
            .get()
            .or_else(|| settle_refused.get())
            .or_else(|| held_refused.get())
    });
    view! {
        <Title text="Review queue"/>
        <h1 class="text-3xl font-semibold tracking-tight">"Review queue"</h1>
        <FormError error=refused/>
        <Suspense fallback=|| view! { <Card class="mt-6"><Skeleton lines=6/></Card> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <QueueList page number=page_number.get()/> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInPrompt next="/admin/queue"/> }.into_any(),
                    Err(AppError::Forbidden) => view! {
                        <ErrorPanel title="This page is for moderators" message="Only a circle's moderators and site staff can read its reports."/>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load the queue" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueList(page: QueuePage, number: u32) -> impl IntoView {
    let summary = match page.open_targets {
        0 => "Nothing waiting.".to_owned(),
        1 => "1 thing reported.".to_owned(),
        n => format!("{n} things reported."),
    };
    let shown = page.items.len() as i64;
    let more = i64::from(number) * crate::domain::moderation::QUEUE_PAGE_SIZE < page.open_targets
        && shown > 0;
    view! {
        <p class="mt-1 mb-6 text-sm text-muted" data-testid="queue-summary">{summary}</p>
        {if page.items.is_empty() {
            view! { <EmptyState title="The queue is clear" message="New reports appear here as members send them."/> }.into_any()
        } else {
            view! {
                <ol class="space-y-4" data-testid="queue">
                    {page.items.into_iter().map(|item| view! { <QueueCard item/> }).collect_view()}
                </ol>
            }.into_any()
        }}
        {more.then(|| view! {
            <p class="mt-6 text-center">
                <a href=format!("/admin/queue?page={}", number + 1) class="text-sm font-medium text-accent-ink hover:underline">"More reports →"</a>
            </p>
        })}
    }
}

#[component]
fn QueueCard(item: QueueItem) -> impl IntoView {
    let kind = match item.target {
        ReportTarget::Post => "Post",
        ReportTarget::Comment => "Reply",
        ReportTarget::Member => "Member",
    };
    let href = item.href();
    let reporters = match item.reporters {
        1 => "1 reporter".to_owned(),
        n => format!("{n} reporters"),
    };
    let key = item.target_key.clone();
    let field = |prefix: &str| format!("{prefix}-{}", key.replace(':', "-"));
    let (act_field, settle_field) = (field("act-reason"), field("settle-reason"));
    let can_act = item.target != ReportTarget::Member && !item.gone;
    view! {
        <li class="rounded-2xl border border-line bg-surface p-5" data-testid="queue-item" data-target=item.target_key.clone()>
            <p class="flex flex-wrap items-center gap-2 text-sm text-muted">
                {item.at_risk.then(|| view! { <span class="badge" data-testid="queue-at-risk">"Someone may be at risk: reach out"</span> })}
                <span>{kind}</span>
                {item.circle_name.clone().map(|name| view! { <span>{format!("in {name}")}</span> })}
                <span aria-hidden="true">"·"</span>
                <span data-testid="queue-reporters">{reporters}</span>
                <span aria-hidden="true">"·"</span>
                <span title="The sum of each reporter's past accuracy">{format!("weight {:.2}", item.score)}</span>
                <span aria-hidden="true">"·"</span>
                <span>{format!("since {}", item.oldest_label)}</span>
                {item.gone.then(|| view! { <span class="badge-quiet">"Already removed or deleted"</span> })}
            </p>
            <p class="mt-2 font-semibold" data-testid="queue-title">
                {match href {
                    Some(href) => view! { <a href=href class="link">{item.title.clone()}</a> }.into_any(),
                    None => view! { <span>{item.title.clone()}</span> }.into_any(),
                }}
            </p>
            <p class="text-sm text-muted">{format!("By {}", item.author)}</p>
            {(!item.text.is_empty()).then(|| view! {
                <blockquote class="mt-2 border-l-2 border-line pl-3 text-sm whitespace-pre-wrap" data-testid="queue-text">{item.text.clone()}</blockquote>
            })}
            <ul class="mt-3 space-y-1 text-sm">
                {item.reports.into_iter().map(|note| view! {
                    <li data-testid="queue-report">
                        <span class="font-medium">{note.reason.label()}</span>
                        {format!(" — {} · {}", note.reporter, note.at_label)}
                        {(!note.details.is_empty()).then(|| view! { <span class="block text-muted">{format!("“{}”", note.details)}</span> })}
                    </li>
                }).collect_view()}
            </ul>
            // A reported member is decided on their staff page (warn, silence, suspend, ban);
            // their reports are settled by it.
            {(item.target == ReportTarget::Member)
                .then(|| item.author.strip_prefix('@').map(|handle| format!("/admin/members/{handle}")))
                .flatten()
                .map(|href| view! {
                    <p class="mt-3 text-sm">
                        <a href=href class="link font-medium" data-testid="queue-member-page">"Warn, silence, suspend or ban them →"</a>
                    </p>
                })}
            {item.held.then(|| {
                let held_field = field("held-reason");
                view! {
                    <form method="post" action=DecideHeld::url() class="mt-4 space-y-2" data-testid="queue-held">
                        <input type="hidden" name="target_key" value=item.target_key.clone()/>
                        <label for=held_field.clone() class="block text-sm font-medium">"Held by a watched word: reason (told to the author)"</label>
                        <input id=held_field type="text" name="reason" required minlength="3" maxlength="500" class="field" data-testid="queue-held-reason"/>
                        <div class="flex flex-wrap gap-2">
                            <button type="submit" name="decision" value="approve" class=button_classes(ButtonVariant::Primary, "") data-testid="queue-approve-held">"Approve (publish it)"</button>
                            <button type="submit" name="decision" value="reject" class=button_classes(ButtonVariant::Secondary, "") data-testid="queue-reject-held">"Reject (keep it hidden)"</button>
                        </div>
                    </form>
                }
            })}
            <div class="mt-4 grid gap-4 sm:grid-cols-2">
                {can_act.then(|| view! {
                    <form method="post" action=ModerateContent::url() class="space-y-2" data-testid="queue-act">
                        <input type="hidden" name="post" value=item.post_id.map(|p| p.get())/>
                        {item.comment_id.map(|c| view! { <input type="hidden" name="comment" value=c.get()/> })}
                        <input type="hidden" name="back" value="/admin/queue"/>
                        <label for=act_field.clone() class="block text-sm font-medium">"Act on it: reason (told to the author)"</label>
                        <input id=act_field type="text" name="reason" required minlength="3" maxlength="500" class="field" data-testid="queue-act-reason"/>
                        <div class="flex flex-wrap gap-2">
                            <button type="submit" name="action" value="remove" class=button_classes(ButtonVariant::Primary, "") data-testid="queue-remove">"Remove"</button>
                            <button type="submit" name="action" value="hide" class=button_classes(ButtonVariant::Secondary, "") data-testid="queue-hide">"Hide for review"</button>
                        </div>
                    </form>
                })}
                <form method="post" action=SettleReports::url() class="space-y-2" data-testid="queue-settle">
                    <input type="hidden" name="target_key" value=item.target_key.clone()/>
                    <input type="hidden" name="back" value="/admin/queue"/>
                    <label for=settle_field.clone() class="block text-sm font-medium">"Leave it up: reason"</label>
                    <input id=settle_field type="text" name="reason" required minlength="3" maxlength="500" class="field" data-testid="queue-settle-reason"/>
                    <div class="flex flex-wrap gap-2">
                        <button type="submit" name="outcome" value="dismissed" class=button_classes(ButtonVariant::Secondary, "") data-testid="queue-dismiss">"Approve (dismiss reports)"</button>
                        <button type="submit" name="outcome" value="ignored" class=button_classes(ButtonVariant::Quiet, "") data-testid="queue-ignore">"Ignore"</button>
                    </div>
                </form>
            </div>
        </li>
    }
}
