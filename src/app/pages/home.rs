//! The front door: what Wellspring is, for someone who has never heard of it.

use crate::app::components::{
    breathing_pause::BreathingPause,
    button::{ButtonLink, ButtonVariant},
    card::Card,
    icon::{Icon, IconName},
    site_feed::SiteFeed,
};
use leptos::prelude::*;
use leptos_meta::Title;

const PILLARS: [(IconName, &str, &str); 3] = [
    (
        IconName::People,
        "Circles",
        "Small topic spaces — mindful mornings, plant-based cooking, grief support — where people share what helps.",
    ),
    (
        IconName::Calendar,
        "Events",
        "Workshops, classes and retreats from practitioners, online or near you, with reminders in your time zone.",
    ),
    (
        IconName::Shield,
        "Safety first",
        "Moderators who care, anonymous posting in support circles, and your health data encrypted and yours to take away.",
    ),
];

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="grid items-center gap-10 py-6 md:grid-cols-[3fr_2fr]">
            <div>
                <p class="text-sm font-semibold uppercase tracking-widest text-accent-ink">"A community for holistic wellness"</p>
                <h1 class="mt-3 text-4xl font-semibold leading-tight tracking-tight sm:text-5xl">
                    "A calmer place to grow well, together."
                </h1>
                <p class="mt-5 max-w-prose text-lg text-muted">
                    "Wellspring brings together people who practise mindfulness, movement, nutrition, sleep, "
                    "and grief and recovery support — and the practitioners who guide them. "
                    "No ads, no outrage, no selling your data."
                </p>
                <div class="mt-8 flex flex-wrap gap-3">
                    <ButtonLink href="/circles">"Browse circles"</ButtonLink>
                    <ButtonLink href="/about" variant=ButtonVariant::Secondary>"How Wellspring works"</ButtonLink>
                </div>
            </div>
            <Card class="bg-accent-soft/40">
                <p class="text-sm text-muted">"Members say it feels like"</p>
                <blockquote class="mt-2 text-xl font-medium leading-snug">
                    "“a quiet room where people actually listen.”"
                </blockquote>
            </Card>
        </section>

        <section aria-labelledby="pillars" class="mt-12">
            <h2 id="pillars" class="sr-only">"What you will find"</h2>
            <ul class="grid gap-4 sm:grid-cols-3">
                {PILLARS
                    .into_iter()
                    .map(|(icon, title, text)| view! {
                        <li class="rounded-2xl border border-line bg-surface p-6">
                            <span class="inline-flex h-11 w-11 items-center justify-center rounded-full bg-accent-soft text-accent-ink">
                                <Icon name=icon/>
                            </span>
                            <h3 class="mt-3 font-semibold">{title}</h3>
                            <p class="mt-1 text-sm text-muted">{text}</p>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>

        <SiteFeed/>

        <Card class="mt-12">
            <BreathingPause/>
        </Card>
    }
}
