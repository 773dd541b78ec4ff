//! Who runs Wellspring and the promises it keeps.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AboutPage() -> impl IntoView {
    view! {
        <Title text="About"/>
        <article class="prose prose-stone max-w-prose dark:prose-invert prose-a:text-accent-ink">
            <h1>"About Wellspring"</h1>
            <p>
                "Wellspring is a self-hostable community for people looking after their whole selves: body, "
                "mind and the people around them. Members gather in circles, join events run by practitioners, "
                "and support each other through hard seasons."
            </p>
            <h2>"What we promise"</h2>
            <ul>
                <li><strong>"Privacy by design."</strong>" The database itself refuses to show one member another's private rows, and health-related details are encrypted."</li>
                <li><strong>"Safety with kindness."</strong>" Moderators can act quickly; members are always told what happened and why."</li>
                <li><strong>"Your data is yours."</strong>" Download everything you wrote, or delete your account and have your content anonymised."</li>
                <li><strong>"Calm by default."</strong>" No downvotes, no engagement tricks, no advertising."</li>
            </ul>
            <h2>"Not a crisis service"</h2>
            <p>
                "Wellspring is peer support, not medical care. If you or someone you know is at risk, "
                "please contact your local emergency services or a crisis line right away."
            </p>
        </article>
    }
}
