//! `/admin/audit`: the audit log, for admins. Filter by event, by who acted and whom it was
//! about, and by dates; newest first, a hundred lines a page; download the same selection
//! as CSV (`/admin/audit.csv`, streamed).

use crate::{
    api::admin::audit_log,
    app::{
        components::{
            button::{ButtonVariant, button_classes},
            card::Card,
            empty_state::EmptyState,
            error_panel::ErrorPanel,
            sign_in_prompt::SignInPrompt,
            skeleton::Skeleton,
        },
        viewer::encode_query_value,
    },
    domain::{AppError, staff_members::AuditPage},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const FILTERS: [(&str, &str, &str); 5] = [
    ("event", "Event", "sign_in, role_changed, …"),
    ("actor", "Who acted (handle)", ""),
    ("subject", "About whom (handle)", ""),
    ("from", "From (YYYY-MM-DD)", ""),
    ("to", "To (YYYY-MM-DD)", ""),
];

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let value =
        move |name: &'static str| Memo::new(move |_| query.read().get(name).unwrap_or_default());
    let (event, actor, subject, from, to) = (
        value("event"),
        value("actor"),
        value("subject"),
        value("from"),
        value("to"),
    );
    let before = Memo::new(move |_| {
        query
            .read()
            .get("before")
            .and_then(|b| b.parse::<i64>().ok())
    });
    let page = Resource::new_blocking(
        move || {
            (
                event.get(),
                actor.get(),
                subject.get(),
                from.get(),
                to.get(),
                before.get(),
            )
        },
        |(event, actor, subject, from, to, before)| {
            audit_log(event, actor, subject, from, to, before)
        },
    );
    let selection = move || {
        [
            ("event", event),
            ("actor", actor),
            ("subject", subject),
            ("from", from),
            ("to", to),
        ]
        .into_iter()
        .map(|(name, value)| format!("{name}={}", encode_query_value(&value.get_untracked())))
        .collect::<Vec<_>>()
        .join("&")
    };
    view! {
        <Title text="Audit log (admins)"/>
        <h1 class="text-3xl font-semibold tracking-tight">"Audit log"</h1>
        <p class="mt-2 text-muted">"Every sign-in, role change, session ended and account change, newest first. Admins only."</p>
        <form method="get" action="/admin/audit" class="my-6 grid gap-2 sm:grid-cols-3 lg:grid-cols-6" role="search">
            {FILTERS.into_iter().map(|(name, label, placeholder)| {
                let current = match name {
                    "event" => event,
                    "actor" => actor,
                    "subject" => subject,
                    "from" => from,
                    _ => to,
                };
                view! {
                    <label class="text-sm">
                        <span class="block font-medium">{label}</span>
                        <input name=name value=move || current.get() placeholder=placeholder class="field" data-testid=format!("audit-{name}")/>
                    </label>
                }
            }).collect_view()}
            <div class="flex items-end"><button type="submit" class=button_classes(ButtonVariant::Secondary, "w-full")>"Show"</button></div>
        </form>
        <Suspense fallback=|| view! { <Card><Skeleton lines=6/></Card> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let csv = format!("/admin/audit.csv?{}", selection());
                        let older = page.older.map(|id| format!("/admin/audit?{}&before={id}", selection()));
                        view! { <AuditTable page csv older/> }.into_any()
                    }
                    Err(AppError::Unauthorized) => view! { <SignInPrompt next="/admin/audit"/> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ErrorPanel title="This page is for admins" message="Only admins can read the audit log."/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load the audit log" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditTable(page: AuditPage, csv: String, older: Option<String>) -> impl IntoView {
    view! {
        <p class="mb-3 text-sm"><a href=csv class="link" rel="external" data-testid="audit-csv">"Download these lines as CSV"</a></p>
        {if page.entries.is_empty() {
            view! { <EmptyState title="No lines match" message="Try other filters."/> }.into_any()
        } else {
            view! {
                <div class="overflow-x-auto rounded-2xl border border-line bg-surface">
                    <table class="w-full text-left text-sm" data-testid="audit-table">
                        <thead class="border-b border-line text-muted">
                            <tr>
                                <th scope="col" class="px-3 py-2 font-medium">"When"</th>
                                <th scope="col" class="px-3 py-2 font-medium">"Event"</th>
                                <th scope="col" class="px-3 py-2 font-medium">"Who"</th>
                                <th scope="col" class="px-3 py-2 font-medium">"About"</th>
                                <th scope="col" class="px-3 py-2 font-medium">"Address"</th>
                                <th scope="col" class="px-3 py-2 font-medium">"Details"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page.entries.into_iter().map(|entry| view! {
                                <tr class="border-t border-line align-top" data-testid="audit-entry" data-event=entry.event.clone()>
                                    <td class="px-3 py-2 whitespace-nowrap"><time datetime=entry.at.clone()>{entry.at_label.clone()}</time></td>
                                    <td class="px-3 py-2">{entry.event.clone()}</td>
                                    <td class="px-3 py-2">{entry.actor.clone().map(|h| format!("@{h}"))}</td>
                                    <td class="px-3 py-2">{entry.subject.clone().map(|h| format!("@{h}"))}</td>
                                    <td class="px-3 py-2">{entry.ip.clone()}</td>
                                    <td class="px-3 py-2 font-mono text-xs break-all">{entry.detail.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {older.map(|href| view! {
            <p class="mt-4"><a href=href class="link" data-testid="audit-older">"Older lines →"</a></p>
        })}
    }
}
