//! One sheet of every component in its states, with example data. Each section is one
//! component; each row inside it one state. A new component earns a section here.

use leptos::prelude::*;
use wellspring::app::components::{
    alert::{Alert, AlertTone},
    avatar::Avatar,
    button::{Button, ButtonLink, ButtonVariant},
    card::Card,
    empty_state::EmptyState,
    error_panel::ErrorPanel,
    form_page::FormPage,
    icon::{Icon, IconName},
    post_card::PostCard,
    reply_anonymously::ReplyAnonymously,
    sign_in_prompt::SignInPrompt,
    site_footer::SiteFooter,
    skeleton::Skeleton,
    text_area::TextArea,
    text_field::TextField,
};
use wellspring::domain::{
    PostId,
    community::{Author, PostSummary},
};

#[component]
pub fn Sheet() -> impl IntoView {
    view! {
        <main class="space-y-10 bg-canvas px-4 py-6 text-ink sm:px-6">
            <Section name="Buttons">
                <div class="flex flex-wrap items-center gap-3">
                    <Button>"Share your post"</Button>
                    <Button variant=ButtonVariant::Secondary>"Save a draft"</Button>
                    <Button variant=ButtonVariant::Quiet>"Cancel"</Button>
                    <Button disabled=true>"Sending…"</Button>
                    <ButtonLink href="#">"A link that looks like a button"</ButtonLink>
                    <ButtonLink href="#" variant=ButtonVariant::Secondary>"Secondary link"</ButtonLink>
                </div>
            </Section>
            <Section name="Alerts">
                <div class="space-y-3">
                    <Alert title="Good to know">"Replies are visible to members of this circle only."</Alert>
                    <Alert tone=AlertTone::Success>"Your post is up."</Alert>
                    <Alert tone=AlertTone::Warning title="Slow mode">"You can post here again in 30 seconds."</Alert>
                    <Alert tone=AlertTone::Danger title="That did not work">"The title needs at least three letters."</Alert>
                </div>
            </Section>
            <Section name="Text fields">
                <div class="grid gap-6 sm:grid-cols-2">
                    <TextField name="gallery-name" label="Display name" value="Ana María"/>
                    <TextField name="gallery-email" label="Email" input_type="email" hint="Only you and the staff see it." required=true/>
                    <TextField
                        name="gallery-handle"
                        label="Handle"
                        value="ana maria"
                        error=Signal::derive(|| Some("A handle has letters, digits and dashes only.".to_owned()))
                    />
                    <TextField name="gallery-code" label="Six-digit code" inputmode="numeric" autocomplete="one-time-code"/>
                </div>
            </Section>
            <Section name="Text areas">
                <div class="grid gap-6 sm:grid-cols-2">
                    <TextArea name="gallery-bio" label="About you" value="Morning pages, long walks, <b>no</b> markup." hint="Up to 500 characters."/>
                    <TextArea
                        name="gallery-reply"
                        label="Add a reply"
                        rows=3
                        error=Signal::derive(|| Some("A reply cannot be empty.".to_owned()))
                    />
                </div>
            </Section>
            <Section name="Cards and form pages">
                <div class="grid gap-6 sm:grid-cols-2">
                    <Card><p>"The surface most content sits on."</p></Card>
                    <FormPage title="Welcome back" intro="Sign in to reply and join circles.">
                        <p class="text-sm text-muted">"The form sits on a card."</p>
                    </FormPage>
                </div>
            </Section>
            <Section name="Avatars">
                <div class="flex flex-wrap items-center gap-3">
                    {["ana", "bo", "cleo", "dario", "eszter", "farida"]
                        .into_iter()
                        .map(|handle| view! {
                            <Avatar picture=None initials=handle[..1].to_uppercase() handle=handle.to_owned() size=32/>
                        })
                        .collect_view()}
                    <Avatar picture=None initials="AM".to_owned() handle="ana".to_owned() size=24/>
                    <Avatar picture=None initials="AM".to_owned() handle="ana".to_owned() size=128/>
                </div>
            </Section>
            <Section name="Icons">
                <div class="flex flex-wrap gap-4 text-accent-ink">
                    {[IconName::Leaf, IconName::People, IconName::Calendar, IconName::Shield, IconName::Sprout, IconName::Bell]
                        .into_iter()
                        .map(|name| view! { <Icon name/> })
                        .collect_view()}
                </div>
            </Section>
            <Section name="Post cards">
                <div class="space-y-4">
                    {example_posts().into_iter().map(|post| view! { <PostCard post/> }).collect_view()}
                </div>
            </Section>
            <Section name="Replying anonymously">
                <div class="space-y-3">
                    <ReplyAnonymously id="gallery-anon-off" checked=false/>
                    <ReplyAnonymously id="gallery-anon-on" checked=true/>
                </div>
            </Section>
            <Section name="Empty states and loading">
                <div class="grid gap-6 sm:grid-cols-2">
                    <EmptyState title="No posts yet" message="Start the conversation: share what helps you.">
                        <ButtonLink href="#">"Write the first post"</ButtonLink>
                    </EmptyState>
                    <EmptyState title="Nothing new" message="You have read every notification."/>
                    <Skeleton lines=1/>
                    <Skeleton/>
                </div>
            </Section>
            <Section name="Sign-in prompt">
                <SignInPrompt next="/settings/profile"/>
            </Section>
            <Section name="Error page">
                <ErrorPanel title="Something went wrong on our side" message="Nothing you wrote was lost. Please try again in a moment."/>
            </Section>
            <Section name="Footer">
                <SiteFooter/>
            </Section>
        </main>
    }
}

#[component]
fn Section(name: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class="space-y-3" data-component=name>
            <h2 class="border-b border-line pb-1 text-sm font-semibold uppercase tracking-wide text-muted">{name}</h2>
            {children()}
        </section>
    }
}

/// A post in each state a feed shows: plain, pinned and locked, behind a content warning,
/// anonymous, and by an account that is gone.
fn example_posts() -> Vec<PostSummary> {
    let ana = Author {
        handle: "ana".into(),
        display_name: "Ana María".into(),
        is_verified: false,
        avatar: None,
        initials: "AM".into(),
    };
    let post = |id: i64, title: &str, excerpt: &str| PostSummary {
        id: PostId(id),
        circle_slug: "mindful-mornings".into(),
        circle_name: "Mindful mornings".into(),
        title: title.into(),
        excerpt: excerpt.into(),
        author: Some(ana.clone()),
        is_anonymous: false,
        content_warning: None,
        pinned: false,
        locked: false,
        created_at: "2026-12-05T07:30:00Z".into(),
        created_label: "5 Dec 2026".into(),
        comment_count: 0,
        reaction_total: 0,
    };
    vec![
        PostSummary {
            comment_count: 12,
            reaction_total: 30,
            ..post(
                1,
                "Five minutes of breathing before coffee",
                "It changed how my mornings start…",
            )
        },
        PostSummary {
            pinned: true,
            locked: true,
            comment_count: 1,
            reaction_total: 1,
            ..post(
                2,
                "Circle guidelines",
                "Be kind, stay on topic, and no medical advice.",
            )
        },
        PostSummary {
            content_warning: Some("grief".into()),
            ..post(3, "A hard week", "")
        },
        PostSummary {
            author: None,
            is_anonymous: true,
            ..post(
                4,
                "Asking anonymously: sleep after night shifts",
                "Has anyone found a routine that works?",
            )
        },
        PostSummary {
            author: None,
            ..post(5, "An older post", "Its author has left Wellspring.")
        },
    ]
}
