//! What a sanctioned member is told at the top of every page: what, why and until when
//! (migration 0025). It reads the access token's standing, so it costs no database read; a
//! warning stays until the member says they have read it.

use super::button::{ButtonVariant, button_classes};
use crate::{
    api::{account::get_viewer_summary, sanctions::AcknowledgeWarning},
    domain::sanction::{SanctionKind, Standing},
};
use leptos::{prelude::*, server_fn::ServerFn};

#[component]
pub fn StandingNotice() -> impl IntoView {
    let viewer = Resource::new(|| (), |()| get_viewer_summary());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let standing = viewer.await.ok().flatten().and_then(|v| v.standing);
                standing
                    .filter(|standing| standing.in_force(now_unix()))
                    .map(|standing| view! { <Notice standing/> })
            })}
        </Transition>
    }
}

#[component]
fn Notice(standing: Standing) -> impl IntoView {
    let warning = standing.kind == SanctionKind::Warn;
    view! {
        <div
            role="status"
            class="mb-6 rounded-xl border border-warning-line bg-warning-soft px-4 py-3 text-sm text-warning-ink"
            data-testid="standing-notice"
            data-kind=standing.kind.as_str()
        >
            <p class="font-semibold">{standing.headline()}</p>
            <p class="mt-1">"The reason the moderators gave: "{standing.reason.clone()}</p>
            {(!warning).then(|| view! {
                <p class="mt-1">
                    "You can still sign in, read, and see this in your "
                    <a href="/notifications" class="underline">"notifications"</a>
                    ". If you think this is a mistake, write to the moderators."
                </p>
            })}
            {warning.then(|| view! {
                <form method="post" action=AcknowledgeWarning::url() class="mt-2">
                    <input type="hidden" name="id" value=standing.id.to_string()/>
                    <button type="submit" class=button_classes(ButtonVariant::Secondary, "min-h-9 px-4 py-1.5") data-testid="standing-acknowledge">
                        "I have read this"
                    </button>
                </form>
            })}
        </div>
    }
}

/// The server's clock (the notice is drawn on the server); in the browser it is never
/// drawn again, and a zero shows whatever the server showed.
fn now_unix() -> i64 {
    #[cfg(feature = "ssr")]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }
    #[cfg(not(feature = "ssr"))]
    {
        0
    }
}
