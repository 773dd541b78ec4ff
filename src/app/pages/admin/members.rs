//! `/admin/members`: everyone here, for site staff. Search by handle or name (admins also
//! by email), filter by role and by standing (sanctioned, silenced, …), in handle order with
//! a "more" link. Each member leads to their staff page.

use crate::{
    api::admin::member_list,
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
    domain::{AppError, sanction::SanctionKind, staff_members::MemberPage},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffMembersPage() -> impl IntoView {
    let query = use_query_map();
    let param =
        move |name: &'static str| Memo::new(move |_| query.read().get(name).unwrap_or_default());
    let (search, role, standing, after) =
        (param("q"), param("role"), param("standing"), param("after"));
    let page = Resource::new_blocking(
        move || (search.get(), role.get(), standing.get(), after.get()),
        |(q, role, standing, after)| member_list(q, role, standing, after),
    );
    view! {
        <Title text="Members (staff)"/>
        <h1 class="text-3xl font-semibold tracking-tight">"Members"</h1>
        <p class="mt-2 text-muted">"Everyone who has joined, their role and standing. Open a member to warn, silence, suspend or ban them, or to lift a sanction."</p>
        <form method="get" action="/admin/members" class="my-6 flex flex-wrap items-end gap-2" role="search">
            <div class="min-w-48 flex-1">
                <label for="members-search" class="block text-sm font-medium">"Search"</label>
                <input id="members-search" type="search" name="q" value=move || search.get() class="field"
                    placeholder="Handle or name (admins: email too)" data-testid="members-search"/>
            </div>
            <div>
                <label for="members-role" class="block text-sm font-medium">"Role"</label>
                <select id="members-role" name="role" class="field" data-testid="members-role">
                    {[("", "Any role"), ("member", "Members"), ("moderator", "Moderators"), ("admin", "Admins")]
                        .into_iter()
                        .map(|(value, label)| view! { <option value=value selected=move || role.get() == value>{label}</option> })
                        .collect_view()}
                </select>
            </div>
            <div>
                <label for="members-standing" class="block text-sm font-medium">"Standing"</label>
                <select id="members-standing" name="standing" class="field" data-testid="members-standing">
                    <option value="" selected=move || standing.get().is_empty()>"Anyone"</option>
                    <option value="sanctioned" selected=move || standing.get() == "sanctioned">"Any sanction"</option>
                    {SanctionKind::ALL
                        .into_iter()
                        .map(|kind| {
                            let value = kind.as_str();
                            view! { <option value=value selected=move || standing.get() == value>{capitalised(kind.past_tense())}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class=button_classes(ButtonVariant::Secondary, "")>"Show"</button>
        </form>
        <Suspense fallback=|| view! { <Card><Skeleton lines=6/></Card> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let more = page.next.clone().map(|next| {
                            format!(
                                "/admin/members?q={}&role={}&standing={}&after={}",
                                encode_query_value(&search.get_untracked()),
                                encode_query_value(&role.get_untracked()),
                                encode_query_value(&standing.get_untracked()),
                                encode_query_value(&next),
                            )
                        });
                        view! { <MemberTable page more/> }.into_any()
                    }
                    Err(AppError::Unauthorized) => view! { <SignInPrompt next="/admin/members"/> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ErrorPanel title="This page is for site staff" message="Only site moderators and admins can open the members list."/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load the members" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[component]
fn MemberTable(page: MemberPage, more: Option<String>) -> impl IntoView {
    if page.members.is_empty() {
        return view! { <EmptyState title="No one matches" message="Try another search or filter."/> }.into_any();
    }
    let admin = page.admin;
    view! {
        <div class="overflow-x-auto rounded-2xl border border-line bg-surface">
            <table class="w-full text-left text-sm" data-testid="members-table">
                <thead class="border-b border-line text-muted">
                    <tr>
                        <th scope="col" class="px-4 py-2 font-medium">"Member"</th>
                        {admin.then(|| view! { <th scope="col" class="px-4 py-2 font-medium">"Email"</th> })}
                        <th scope="col" class="px-4 py-2 font-medium">"Role"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Joined"</th>
                        <th scope="col" class="px-4 py-2 font-medium">"Standing"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.members.into_iter().map(|member| {
                        let href = format!("/admin/members/{}", member.handle);
                        let row_handle = member.handle.clone();
                        view! {
                            <tr class="border-t border-line" data-testid="member-row" data-handle=row_handle>
                                <td class="px-4 py-2">
                                    <a href=href class="link font-medium">{member.display_name}</a>
                                    <span class="block text-xs text-muted">"@"{member.handle}</span>
                                </td>
                                {admin.then(|| view! { <td class="px-4 py-2">{member.email.unwrap_or_default()}</td> })}
                                <td class="px-4 py-2">{member.role.as_str()}</td>
                                <td class="px-4 py-2">{member.joined_label}</td>
                                <td class="px-4 py-2" data-testid="member-standing">{member.standing_label}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {more.map(|href| view! {
            <p class="mt-4"><a href=href class="link" data-testid="members-more">"More members"</a></p>
        })}
    }
    .into_any()
}
