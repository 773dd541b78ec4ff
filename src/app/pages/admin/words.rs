//! `/admin/words`: the watched words, for site staff. Each word or pattern says what happens
//! to writing that contains it (block, censor, flag, hold); add one with a plain form,
//! remove one with a button. Matching ignores case and accents; plain words match whole
//! words; patterns are regular expressions, checked before they are stored.

use crate::{
    api::moderation::{AddWatchedWord, RemoveWatchedWord, watched_words},
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
        moderation::{WatchedAction, WatchedWord},
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;

#[component]
pub fn WatchedWordsPage() -> impl IntoView {
    let words = Resource::new_blocking(|| (), |()| watched_words());
    let refused = [
        action_error(ServerAction::<AddWatchedWord>::new().value()),
        action_error(ServerAction::<RemoveWatchedWord>::new().value()),
    ];
    let refused = Signal::derive(move || refused.iter().find_map(|error| error.get()));
    view! {
        <Title text="Watched words (staff)"/>
        <h1 class="text-3xl font-semibold tracking-tight">"Watched words"</h1>
        <p class="mt-2 text-muted">"Words and patterns checked in posts, replies, profiles and display names, ignoring case and accents. Held and flagged writing waits in the "
            <a href="/admin/queue" class="link">"review queue"</a>"."</p>
        <FormError error=refused/>
        <Suspense fallback=|| view! { <Card><Skeleton lines=4/></Card> }>
            {move || Suspend::new(async move {
                match words.await {
                    Ok(words) => view! { <WordList words/> <AddForm/> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInPrompt next="/admin/words"/> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ErrorPanel title="This page is for site staff" message="Only site moderators and admins can change the watched words."/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load the watched words" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn WordList(words: Vec<WatchedWord>) -> impl IntoView {
    if words.is_empty() {
        return view! { <div class="mt-6"><EmptyState title="No watched words yet" message="Add one below."/></div> }.into_any();
    }
    view! {
        <ul class="mt-6 divide-y divide-line rounded-2xl border border-line bg-surface" data-testid="watched-words">
            {words.into_iter().map(|word| view! {
                <li class="flex flex-wrap items-center justify-between gap-3 px-4 py-3" data-testid="watched-word" data-action=word.action.as_str()>
                    <div>
                        <p class="font-medium"><code>{word.pattern.clone()}</code>
                            {word.is_regex.then(|| view! { <span class="ml-2 text-xs text-muted">"pattern"</span> })}</p>
                        <p class="text-sm text-muted">{word.action.label()}" · added by "{word.added.clone()}</p>
                    </div>
                    <form method="post" action=RemoveWatchedWord::url()>
                        <input type="hidden" name="id" value=word.id.to_string()/>
                        <button type="submit" class=button_classes(ButtonVariant::Quiet, "") data-testid="watched-remove">"Remove"</button>
                    </form>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn AddForm() -> impl IntoView {
    view! {
        <form method="post" action=AddWatchedWord::url() class="mt-8 space-y-3 rounded-2xl border border-line bg-surface p-5" data-testid="watched-add">
            <h2 class="text-lg font-semibold">"Add a word or pattern"</h2>
            <label class="block text-sm">
                <span class="block font-medium">"Word, phrase or pattern"</span>
                <input name="pattern" required maxlength="200" class="field" data-testid="watched-pattern"/>
            </label>
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="is_regex" value="yes" data-testid="watched-regex"/>
                "It's a regular expression (otherwise it matches whole words)"
            </label>
            <fieldset>
                <legend class="text-sm font-medium">"What happens"</legend>
                {WatchedAction::ALL.into_iter().map(|action| view! {
                    <label class="flex items-center gap-2 text-sm">
                        <input type="radio" name="action" value=action.as_str() required checked=action == WatchedAction::Flag data-testid=format!("watched-{}", action.as_str())/>
                        {action.label()}
                    </label>
                }).collect_view()}
            </fieldset>
            <button type="submit" class=button_classes(ButtonVariant::Primary, "") data-testid="watched-submit">"Add"</button>
        </form>
    }
}
