//! `/report?target=post|comment|member&id=…|handle=…&back=…`: telling the moderators about a
//! post, a reply or a member. Shows what is being reported, asks why (one choice, with room
//! for a few words) and sends a plain form, so it works without JavaScript. "Someone may be
//! at risk" is its own choice: it reaches staff as outreach and shows help at once.

use crate::{
    api::moderation::{FileReport, get_report_subject},
    app::components::{
        card::Card,
        error_panel::ErrorPanel,
        form::{FormError, SubmitButton, action_error},
        sign_in_prompt::SignInPrompt,
        skeleton::Skeleton,
    },
    app::viewer::encode_query_value,
    domain::{
        AppError,
        moderation::{REPORT_DETAILS_MAX, ReportReason, ReportSubject, ReportTarget},
    },
};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReportPage() -> impl IntoView {
    let query = use_query_map();
    let target = Memo::new(move |_| query.read().get("target").unwrap_or_default());
    let id = Memo::new(move |_| query.read().get("id").and_then(|id| id.parse::<i64>().ok()));
    let handle = Memo::new(move |_| query.read().get("handle"));
    // Where to return: the address's `back`, else where the reported thing lives.
    let back = Memo::new(move |_| query.read().get("back").filter(|b| !b.is_empty()));
    let subject = Resource::new_blocking(
        move || (target.get(), id.get(), handle.get()),
        |(target, id, handle)| get_report_subject(target, id, handle),
    );
    let report = ServerAction::<FileReport>::new();
    let error = action_error(report.value());
    // This page's own address, to come back to after signing in.
    let here = Memo::new(move |_| {
        let query = query.read();
        let mut here = "/report?".to_owned();
        for key in ["target", "id", "handle", "back"] {
            if let Some(value) = query.get(key).filter(|v| !v.is_empty()) {
                here.push_str(&format!("{key}={}&", encode_query_value(&value)));
            }
        }
        here.trim_end_matches(['&', '?']).to_owned()
    });
    view! {
        <Title text="Report to the moderators"/>
        <div class="mx-auto max-w-xl">
            <h1 class="text-3xl font-semibold tracking-tight">"Report to the moderators"</h1>
            <p class="mt-2 text-muted">
                "Moderators read every report. The member you report is not told who reported them."
            </p>
            <Suspense fallback=|| view! { <Card class="mt-6"><Skeleton lines=4/></Card> }>
                {move || Suspend::new(async move {
                    match subject.await {
                        Ok(subject) => {
                            let back = back.get().unwrap_or_else(|| subject.href.clone());
                            view! {
                                <ReportForm subject report error target=target.get() id=id.get() handle=handle.get() back/>
                            }.into_any()
                        }
                        Err(AppError::Unauthorized) => view! { <SignInPrompt next=here.get()/> }.into_any(),
                        Err(AppError::NotFound) => view! {
                            <ErrorPanel title="There is nothing to report here" message="It may have been deleted or removed already, or the link is incomplete."/>
                        }.into_any(),
                        Err(error) => view! { <ErrorPanel title="We couldn't open the report form" message=error.to_string()/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn ReportForm(
    subject: ReportSubject,
    report: ServerAction<FileReport>,
    error: Signal<Option<AppError>>,
    target: String,
    id: Option<i64>,
    handle: Option<String>,
    back: String,
) -> impl IntoView {
    let what = match subject.target {
        ReportTarget::Post => "The post",
        ReportTarget::Comment => "The reply (under the post)",
        ReportTarget::Member => "The member",
    };
    view! {
        <Card class="mt-6">
            <p class="text-sm text-muted">{what}</p>
            <p class="font-semibold" data-testid="report-subject">{subject.title}</p>
            {(!subject.excerpt.is_empty()).then(|| view! {
                <p class="mt-1 text-sm text-ink/80">{subject.excerpt}</p>
            })}
        </Card>
        <Card class="mt-4">
            <ActionForm action=report>
                <div class="space-y-5">
                    <FormError error/>
                    <input type="hidden" name="target" value=target/>
                    {id.map(|id| view! { <input type="hidden" name="id" value=id/> })}
                    {handle.map(|handle| view! { <input type="hidden" name="handle" value=handle/> })}
                    <input type="hidden" name="back" value=back/>
                    <fieldset class="space-y-2">
                        <legend class="font-medium">"What is wrong?"</legend>
                        {ReportReason::ALL.into_iter().map(|reason| {
                            let field = format!("reason-{}", reason.as_str());
                            view! {
                                <div class="flex items-start gap-2">
                                    <input type="radio" id=field.clone() name="reason" value=reason.as_str() required
                                        class="mt-1" data-testid=field.clone()/>
                                    <label for=field>
                                        {reason.label()}
                                        {(reason == ReportReason::AtRisk).then(|| view! {
                                            <span class="block text-sm text-muted">
                                                "Goes to staff as a priority, to reach out. It never hides the post or punishes anyone, and we show you where to find help now."
                                            </span>
                                        })}
                                    </label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <div class="space-y-1">
                        <label for="report-details" class="block font-medium">"Anything the moderators should know? (optional, needed for “Something else”)"</label>
                        <textarea id="report-details" name="details" rows="4" maxlength=REPORT_DETAILS_MAX.to_string()
                            class="field" data-testid="report-details"></textarea>
                    </div>
                    <SubmitButton pending=report.pending() attr:data-testid="report-submit">"Send report"</SubmitButton>
                </div>
            </ActionForm>
        </Card>
    }
}
