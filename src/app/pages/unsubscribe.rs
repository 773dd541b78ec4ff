//! `/unsubscribe/digest?member=…&sig=…`: stopping the email digest from the link in one,
//! without signing in. Like the other pages mail links open, it takes a button press, so a
//! mail scanner that opens every link does not turn the digest off by itself. (Mail
//! programs' own one-click button POSTs to `/unsubscribe/digest/one-click` instead.)

use crate::{
    api::notifications::StopDigest,
    app::components::{
        button::{ButtonLink, ButtonVariant},
        form::{FormError, FormSuccess, SubmitButton, account_done, action_error},
        form_page::FormPage,
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UnsubscribeDigestPage() -> impl IntoView {
    let query = use_query_map();
    let member = Memo::new(move |_| query.read().get("member").unwrap_or_default());
    let signature = Memo::new(move |_| query.read().get("sig").unwrap_or_default());
    let stop = ServerAction::<StopDigest>::new();
    let error = action_error(stop.value());
    let done = account_done("/unsubscribe/digest");
    view! {
        <Title text="Stop the email digest"/>
        <FormPage
            title="Stop the email digest"
            intro="You asked us to email you a digest of your unread notifications. One press here stops it; nothing else about your account changes."
        >
            <Show
                when=move || done.get().is_none()
                fallback=move || view! {
                    <div class="space-y-5">
                        <FormSuccess message=done/>
                        <ButtonLink href="/notifications" variant=ButtonVariant::Secondary>"Go to your notifications"</ButtonLink>
                    </div>
                }
            >
                <Show
                    when=move || !member.get().is_empty() && !signature.get().is_empty()
                    fallback=|| view! {
                        <p class="text-muted" data-testid="unsubscribe-incomplete">
                            "This page needs the whole link from the email. Please open it again, or sign in "
                            "and turn the digest off on your "
                            <a class="link" href="/notifications">"notifications page"</a>
                            "."
                        </p>
                    }
                >
                    <ActionForm action=stop>
                        <div class="space-y-5">
                            <FormError error/>
                            <input type="hidden" name="member" value=member/>
                            <input type="hidden" name="sig" value=signature/>
                            <SubmitButton pending=stop.pending() class="w-full" attr:data-testid="unsubscribe-submit">
                                "Stop sending me the digest"
                            </SubmitButton>
                        </div>
                    </ActionForm>
                </Show>
            </Show>
        </FormPage>
    }
}
