//! `/c/<slug>`: a circle's page. Who it is for, joining and following, pinned posts, then
//! the newest. Support circles are kept out of search engines.

use super::circles::{members_label, posts_label};
use crate::{
    api::circles::{
        AnswerJoinRequest, FollowCircle, JoinCircle, LeaveCircle, SetSlowMode, get_circle_page,
    },
    app::{
        components::{
            button::{ButtonLink, ButtonVariant, button_classes},
            card::Card,
            error_panel::ErrorPanel,
            feed_list::{FeedList, FeedSource},
            form::{FormError, action_error},
            live_banner::{LiveBanner, Watched},
            notify_level_form::NotifyLevelForm,
            skeleton::Skeleton,
        },
        viewer::login_href,
    },
    domain::{
        AppError,
        community::{
            CirclePage as CircleInfo, CirclePageData, Membership, SLOW_MODE_CHOICES, Visibility,
            slow_mode_label,
        },
    },
};
use leptos::{form::ActionForm, prelude::*, server_fn::ServerFn};
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CirclePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let after = Memo::new(move |_| query.read().get("after").unwrap_or_default());
    let join = ServerAction::<JoinCircle>::new();
    let leave = ServerAction::<LeaveCircle>::new();
    let follow = ServerAction::<FollowCircle>::new();
    let answer = ServerAction::<AnswerJoinRequest>::new();
    // The slow-mode form is a plain form: its refusal comes back in the address.
    let slow_mode = ServerAction::<SetSlowMode>::new();
    let changes = move || {
        (
            join.version().get(),
            leave.version().get(),
            follow.version().get(),
            answer.version().get(),
        )
    };
    let page = Resource::new_blocking(
        move || (slug.get(), after.get(), changes()),
        |(slug, after, _)| get_circle_page(slug, after),
    );
    let error = Signal::derive(move || {
        action_error(join.value())
            .get()
            .or_else(|| action_error(leave.value()).get())
            .or_else(|| action_error(follow.value()).get())
            .or_else(|| action_error(answer.value()).get())
            .or_else(|| action_error(slow_mode.value()).get())
    });
    view! {
        <Transition fallback=|| view! { <Card><Skeleton lines=6/></Card> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(CirclePageData { info, feed, notify_level }) => {
                        let slug = info.circle.slug.clone();
                        let readable = info.circle.can_read;
                        let circle_id = info.circle.id.get();
                        let posts = match feed {
                            Ok(page) => view! {
                                <LiveBanner
                                    channel=format!("circle:{circle_id}")
                                    watched=Watched::Posts
                                    newest=page.posts.iter().map(|p| p.id.get()).max().unwrap_or(0)
                                    href=format!("/c/{slug}")
                                />
                                <FeedList
                                    page
                                    source=FeedSource::Circle(slug)
                                    empty_title="No posts here yet"
                                    empty_message="Be the first to share something with this circle."
                                />
                            }.into_any(),
                            Err(error) => view! { <ErrorPanel title="We couldn't load the posts" message=error.to_string()/> }.into_any(),
                        };
                        let level_form = info.circle.membership.is_active().then(|| view! {
                            <div class="mt-4">
                                <NotifyLevelForm target="circle" id=circle_id current=notify_level back=format!("/c/{}", info.circle.slug)/>
                            </div>
                        });
                        view! {
                            <CircleHeader info join leave follow answer error/>
                            {level_form}
                            {if readable {
                                view! {
                                    <section aria-labelledby="circle-posts" class="mt-8">
                                        <h2 id="circle-posts" class="sr-only">"Posts"</h2>
                                        {posts}
                                    </section>
                                }.into_any()
                            } else {
                                view! {
                                    <Card class="mt-8">
                                        <p class="text-muted" data-testid="private-circle-note">
                                            "This circle is private: only its members can read what's shared here. "
                                            "Ask to join and a moderator will let you in."
                                        </p>
                                    </Card>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                    Err(AppError::NotFound) => view! {
                        <Title text="Circle not found"/>
                        <ErrorPanel title="We couldn't find that circle" message="It may have been renamed. The list of circles has them all."/>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load this circle" message=error.to_string()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CircleHeader(
    info: CircleInfo,
    join: ServerAction<JoinCircle>,
    leave: ServerAction<LeaveCircle>,
    follow: ServerAction<FollowCircle>,
    answer: ServerAction<AnswerJoinRequest>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let circle = info.circle.clone();
    let slug = circle.slug.clone();
    let path = format!("/c/{slug}");
    let membership = circle.membership;
    let join_label = if circle.visibility == Visibility::Private {
        "Ask to join"
    } else {
        "Join circle"
    };
    let actions = if !info.signed_in {
        view! {
            <ButtonLink href=login_href(&path)>"Sign in to join"</ButtonLink>
        }
        .into_any()
    } else {
        let new_post = format!("/c/{slug}/new");
        let (slug_a, slug_b, slug_c) = (slug.clone(), slug.clone(), slug.clone());
        let following = circle.following;
        view! {
            <div class="flex flex-wrap items-center gap-3">
                {info.can_post.then(|| view! { <ButtonLink href=new_post attr:data-testid="new-post">"New post"</ButtonLink> })}
                {(membership == Membership::None).then(|| view! {
                    <ActionForm action=join>
                        <input type="hidden" name="slug" value=slug_a/>
                        <button type="submit" class=button_classes(ButtonVariant::Primary, "") data-testid="join-circle">{join_label}</button>
                    </ActionForm>
                })}
                {(membership != Membership::None).then(|| view! {
                    <ActionForm action=leave>
                        <input type="hidden" name="slug" value=slug_b/>
                        <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="leave-circle">
                            {if membership == Membership::Pending { "Withdraw request" } else { "Leave circle" }}
                        </button>
                    </ActionForm>
                })}
                {(!membership.is_active() && circle.can_read).then(|| view! {
                    <ActionForm action=follow>
                        <input type="hidden" name="slug" value=slug_c/>
                        <input type="hidden" name="follow" value=if following { "false" } else { "true" }/>
                        <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="follow-circle">
                            {if following { "Unfollow" } else { "Follow" }}
                        </button>
                    </ActionForm>
                })}
                {(membership == Membership::Pending).then(|| view! {
                    <span class="text-sm text-muted" data-testid="request-pending">"Your request is waiting for a moderator."</span>
                })}
            </div>
        }
        .into_any()
    };
    let requests = info.pending_requests.clone();
    view! {
        <Title text=circle.name.clone()/>
        {circle.is_support.then(|| view! { <Meta name="robots" content="noindex, nofollow"/> })}
        <header class="space-y-3">
            <p class="text-sm text-muted"><a href="/circles" class="hover:underline">"Circles"</a></p>
            <h1 class="text-3xl font-semibold tracking-tight">{circle.name.clone()}</h1>
            <p class="max-w-prose text-muted">{circle.description.clone()}</p>
            <p class="flex flex-wrap gap-x-3 text-sm text-muted">
                <span>{circle.visibility.label()}</span>
                {circle.is_support.then_some(view! { <span data-testid="support-badge">"Support circle: anonymous posts welcome"</span> })}
                <span>{members_label(circle.member_count)}</span>
                <span>{posts_label(circle.post_count)}</span>
                {slow_mode_label(info.slow_mode_secs).map(|label| view! {
                    <span data-testid="slow-mode">{format!("Slow mode: {}", label.to_lowercase())}</span>
                })}
            </p>
            <FormError error/>
            {actions}
        </header>
        {info.can_moderate.then(|| view! { <SlowModeForm slug=slug.clone() secs=info.slow_mode_secs/> })}
        {(!requests.is_empty()).then(|| view! {
            <Card class="mt-6">
                <h2 class="font-semibold">"Requests to join"</h2>
                <ul class="mt-3 space-y-2" data-testid="join-requests">
                    {requests.into_iter().map(|request| {
                        let (slug_a, slug_b) = (slug.clone(), slug.clone());
                        let (id_a, id_b) = (request.user_id.clone(), request.user_id.clone());
                        view! {
                            <li class="flex flex-wrap items-center gap-3">
                                <a href=format!("/u/{}", request.handle) class="font-medium hover:underline">{request.display_name.clone()}</a>
                                <span class="text-sm text-muted">{format!("@{}", request.handle)}</span>
                                <ActionForm action=answer>
                                    <input type="hidden" name="slug" value=slug_a/>
                                    <input type="hidden" name="user_id" value=id_a/>
                                    <input type="hidden" name="approve" value="true"/>
                                    <button type="submit" class=button_classes(ButtonVariant::Primary, "")>"Approve"</button>
                                </ActionForm>
                                <ActionForm action=answer>
                                    <input type="hidden" name="slug" value=slug_b/>
                                    <input type="hidden" name="user_id" value=id_b/>
                                    <input type="hidden" name="approve" value="false"/>
                                    <button type="submit" class=button_classes(ButtonVariant::Secondary, "")>"Decline"</button>
                                </ActionForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Card>
        })}
    }
}

/// For the circle's moderators: how long a member waits between posts here.
#[component]
fn SlowModeForm(slug: String, secs: i32) -> impl IntoView {
    view! {
        <details class="mt-4 text-sm" data-testid="slow-mode-form">
            <summary class="cursor-pointer font-medium">"Slow mode (moderators)"</summary>
            <form method="post" action=SetSlowMode::url() class="mt-2 flex flex-wrap items-end gap-2">
                <input type="hidden" name="slug" value=slug/>
                <label>
                    <span class="block">"Each member may post"</span>
                    <select name="secs" class="field" data-testid="slow-mode-secs">
                        {SLOW_MODE_CHOICES.into_iter().map(|(value, label)| view! {
                            <option value=value.to_string() selected=value == secs>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="min-w-48 flex-1">
                    <span class="block">"Reason (shown in the moderation log)"</span>
                    <input name="reason" required minlength="3" maxlength="500" class="field" data-testid="slow-mode-reason"/>
                </label>
                <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="slow-mode-save">"Save"</button>
            </form>
        </details>
    }
}
