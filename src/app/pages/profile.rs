//! `/u/<handle>`: a member's public profile and what they've shared where you can read it.

use crate::{
    api::profiles::{VerifyPractitioner, get_profile_page},
    app::components::{
        alert::{Alert, AlertTone},
        avatar::Avatar,
        button::{ButtonVariant, button_classes},
        card::Card,
        error_panel::ErrorPanel,
        feed_list::{FeedList, FeedSource},
        form::{FormError, action_error},
        skeleton::Skeleton,
        staff_notes::{self, StaffNotes},
    },
    domain::{
        AppError,
        community::{FeedPage, ProfilePageData, PublicProfile},
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn MemberProfilePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let handle = Memo::new(move |_| params.read().get("handle").unwrap_or_default());
    let after = Memo::new(move |_| query.read().get("after").unwrap_or_default());
    let verify = ServerAction::<VerifyPractitioner>::new();
    // One resource, one server call, one transaction: the profile and its posts together.
    let page = Resource::new_blocking(
        move || (handle.get(), after.get(), verify.version().get()),
        |(handle, after, _)| get_profile_page(handle, after),
    );
    let notes = staff_notes::notes_resource(handle);
    view! {
        <Transition fallback=|| view! { <Card><Skeleton lines=6/></Card> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(ProfilePageData { profile, feed }) => {
                        let handle = profile.handle.clone();
                        view! {
                            <ProfileView profile verify/>
                            <StaffNotes handle=handle.clone() notes/>
                            <MemberPosts handle feed/>
                        }.into_any()
                    }
                    Err(AppError::NotFound) => view! {
                        <Title text="Member not found"/>
                        <ErrorPanel title="We couldn't find that member" message="Check the spelling of the handle."/>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load this profile" message=error.to_string()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProfileView(profile: PublicProfile, verify: ServerAction<VerifyPractitioner>) -> impl IntoView {
    let practitioner = profile.is_practitioner();
    let verify_control = profile
        .can_verify
        .then(|| view! { <VerifyControl profile=profile.clone() action=verify/> });
    view! {
        <Title text=profile.display_name.clone()/>
        <header class="space-y-2">
            <Avatar picture=profile.avatar.clone() initials=profile.initials.clone() handle=profile.handle.clone() size=128 />
            <h1 class="text-3xl font-semibold tracking-tight" data-testid="profile-name">{profile.display_name.clone()}</h1>
            <p class="flex flex-wrap items-center gap-x-3 text-muted">
                <span class="font-mono">{format!("@{}", profile.handle)}</span>
                {(!profile.pronouns.is_empty()).then(|| view! { <span>{profile.pronouns.clone()}</span> })}
                <span>{format!("Joined {}", profile.joined_label)}</span>
                {profile.is_verified.then_some(view! {
                    <span class="badge" data-testid="verified-badge">"Verified practitioner"</span>
                })}
                {profile.can_report.then(|| view! {
                    <a href=format!("/report?target=member&handle={}", profile.handle)
                        class="text-sm hover:underline" data-testid="report-member">"Report"</a>
                })}
            </p>
        </header>
        {(!profile.bio_html.is_empty()).then(|| view! {
            <div class="post-body mt-4 max-w-prose" data-testid="profile-bio" inner_html=profile.bio_html.clone()></div>
        })}
        {(!profile.interests.is_empty()).then(|| view! {
            <ul class="mt-4 flex flex-wrap gap-2" aria-label="Interests">
                {profile.interests.iter().map(|i| view! { <li class="rounded-full border border-line px-3 py-1 text-sm">{i.clone()}</li> }).collect_view()}
            </ul>
        })}
        {practitioner.then(|| view! {
            <Card class="mt-6">
                <h2 class="font-semibold">"Practice"</h2>
                {(!profile.modalities.is_empty()).then(|| view! { <p class="mt-2 text-sm">{profile.modalities.join(" · ")}</p> })}
                {(!profile.credentials.is_empty()).then(|| view! { <p class="mt-2 text-sm text-muted">{profile.credentials.clone()}</p> })}
                {(!profile.booking_url.is_empty()).then(|| view! {
                    <p class="mt-3"><a href=profile.booking_url.clone() rel="nofollow ugc noopener" class="link font-medium">"Book a session"</a></p>
                })}
            </Card>
        })}
        {verify_control}
    }
}

/// The member's posts the viewer may read; older ones load as the reader scrolls, through
/// the author feed alone (the profile is already on the page).
#[component]
fn MemberPosts(handle: String, feed: Result<FeedPage, AppError>) -> impl IntoView {
    let posts = match feed {
        Ok(page) => view! {
            <FeedList
                page
                source=FeedSource::Author(handle)
                empty_title="Nothing shared here yet"
                empty_message="Posts in circles you can read will show here."
            />
        }
        .into_any(),
        Err(error) => view! {
            <ErrorPanel title="We couldn't load the posts" message=error.to_string()/>
        }
        .into_any(),
    };
    view! {
        <section aria-labelledby="member-posts" class="mt-10">
            <h2 id="member-posts" class="mb-4 text-xl font-semibold">"Posts"</h2>
            {posts}
        </section>
    }
}

/// For site admins: give or take the verified practitioner badge. A plain form, so it works
/// without JavaScript; the change is audited on the server.
#[component]
fn VerifyControl(
    profile: PublicProfile,
    action: ServerAction<VerifyPractitioner>,
) -> impl IntoView {
    let error = action_error(action.value());
    let done = move || action.value().get().and_then(Result::ok);
    let (label, next) = if profile.is_verified {
        ("Remove the verified badge", "false")
    } else {
        ("Mark as a verified practitioner", "true")
    };
    view! {
        <Card class="mt-6">
            <h2 class="font-semibold">"Practitioner badge (admins only)"</h2>
            <p class="mt-1 text-sm text-muted">
                {if profile.is_verified {
                    "This member shows the verified practitioner badge."
                } else {
                    "Check their credentials before you mark them verified; members trust this badge."
                }}
            </p>
            <FormError error/>
            {move || done().map(|message| view! { <Alert tone=AlertTone::Success>{message}</Alert> })}
            <ActionForm action attr:class="mt-3">
                <input type="hidden" name="handle" value=profile.handle.clone()/>
                <input type="hidden" name="verified" value=next/>
                <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="verify-practitioner">{label}</button>
            </ActionForm>
        </Card>
    }
}
