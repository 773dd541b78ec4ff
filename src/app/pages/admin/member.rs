//! `/admin/members/:handle`: one member, for site staff. Their role and standing, what they
//! wrote, their sanctions (with who decided), and the decisions: warn, silence, suspend,
//! ban, lift, purge. Admins also see their email and devices, sign them out everywhere, and
//! change their role. Every form is a plain form; a refusal comes back in the address.

use crate::{
    api::{
        admin::{EndMemberSessions, SetMemberRole, member_detail},
        sanctions::{LiftSanction, PurgeMember, SanctionMember},
    },
    app::components::{
        button::{ButtonVariant, button_classes},
        card::Card,
        error_panel::ErrorPanel,
        form::{FormError, action_error},
        sign_in_prompt::SignInPrompt,
        skeleton::Skeleton,
        staff_notes::{self, StaffNotes},
    },
    domain::{
        AccountRole, AppError,
        sanction::{SanctionKind, SanctionRecord},
        staff_members::MemberDetail,
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn StaffMemberPage() -> impl IntoView {
    let params = use_params_map();
    let handle = Memo::new(move |_| params.read().get("handle").unwrap_or_default());
    let detail = Resource::new_blocking(move || handle.get(), member_detail);
    let notes = staff_notes::notes_resource(handle);
    // Refusals of each form come back in the address.
    let refused = [
        action_error(ServerAction::<SanctionMember>::new().value()),
        action_error(ServerAction::<LiftSanction>::new().value()),
        action_error(ServerAction::<PurgeMember>::new().value()),
        action_error(ServerAction::<EndMemberSessions>::new().value()),
        action_error(ServerAction::<SetMemberRole>::new().value()),
    ];
    let refused = Signal::derive(move || refused.iter().find_map(|error| error.get()));
    view! {
        <Title text="Member (staff)"/>
        <p class="text-sm"><a href="/admin/members" class="link">"← All members"</a></p>
        <FormError error=refused/>
        <Suspense fallback=|| view! { <Card><Skeleton lines=6/></Card> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Member detail notes/> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <SignInPrompt next=format!("/admin/members/{}", handle.get_untracked())/> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ErrorPanel title="This page is for site staff" message="Only site moderators and admins can open a member's staff page."/> }.into_any(),
                    Err(AppError::NotFound) => view! { <ErrorPanel title="No such member" message="No one here has that handle."/> }.into_any(),
                    Err(error) => view! { <ErrorPanel title="We couldn't load this member" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Member(detail: MemberDetail, notes: staff_notes::Notes) -> impl IntoView {
    let member = detail.member;
    let handle = member.handle.clone();
    let standing = if member.standing_label.is_empty() {
        "in good standing".to_owned()
    } else {
        member.standing_label.clone()
    };
    view! {
        <h1 class="mt-2 text-3xl font-semibold tracking-tight">{member.display_name.clone()}</h1>
        <p class="mt-1 text-muted">
            <a href=format!("/u/{handle}") class="link">"@"{handle.clone()}</a>
            " · "{member.role.as_str()}" · joined "{member.joined_label.clone()}
            " · "<span data-testid="member-page-standing">{standing}</span>
        </p>
        {member.email.clone().map(|email| view! { <p class="text-sm text-muted">{email}</p> })}
        <p class="mt-1 text-sm text-muted">{format!("{} posts and {} replies", detail.posts, detail.replies)}</p>

        <section aria-labelledby="sanctions-heading" class="mt-8">
            <h2 id="sanctions-heading" class="text-lg font-semibold">"Sanctions"</h2>
            <SanctionList handle=handle.clone() records=detail.sanctions can_lift=detail.can_sanction/>
        </section>

        {detail.can_sanction.then(|| view! {
            <SanctionForm handle=handle.clone()/>
            <PurgeForm handle=handle.clone()/>
        })}
        {(!detail.can_sanction).then(|| view! {
            <p class="mt-6 text-sm text-muted">"You can't sanction this member: staff never sanction themselves, admins aren't sanctioned (change their role first), and only an admin sanctions a moderator."</p>
        })}

        {detail.admin.then(|| view! { <RoleForm handle=handle.clone() role=member.role/> })}
        {detail.sessions.map(|sessions| view! {
            <section aria-labelledby="devices-heading" class="mt-8 rounded-2xl border border-line bg-surface p-5" data-testid="member-sessions">
                <h2 id="devices-heading" class="text-lg font-semibold">"Signed-in devices"</h2>
                {if sessions.is_empty() {
                    view! { <p class="mt-2 text-sm text-muted">"Not signed in anywhere."</p> }.into_any()
                } else {
                    view! {
                        <ul class="mt-2 space-y-1 text-sm">
                            {sessions.into_iter().map(|s| view! {
                                <li data-testid="member-session">{s.device}" · "{s.ip}" · last seen "<time datetime=s.last_seen_at.clone()>{s.last_seen_at.clone()}</time></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <form method="post" action=EndMemberSessions::url() class="mt-3">
                    <input type="hidden" name="handle" value=handle.clone()/>
                    <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="member-end-sessions">"Sign them out everywhere"</button>
                </form>
            </section>
        })}
        <StaffNotes handle=handle notes/>
    }
}

#[component]
fn SanctionList(handle: String, records: Vec<SanctionRecord>, can_lift: bool) -> impl IntoView {
    if records.is_empty() {
        return view! { <p class="mt-2 text-sm text-muted" data-testid="sanctions-none">"None."</p> }.into_any();
    }
    view! {
        <ol class="mt-2 space-y-3">
            {records.into_iter().map(|record| {
                let handle = handle.clone();
                view! {
                    <li class="rounded-xl border border-line bg-surface p-4 text-sm" data-testid="sanction" data-kind=record.kind.as_str()>
                        <p class="font-medium">
                            {record.kind.past_tense()}" "{record.starts_label.clone()}" "{record.period_label.clone()}
                            {record.actor.clone().map(|actor| format!(" by @{actor}"))}
                        </p>
                        <p class="mt-1">{record.reason.clone()}</p>
                        <p class="mt-1 text-xs text-muted" data-testid="sanction-state">{record.state_label.clone()}</p>
                        {(can_lift && record.liftable).then(|| view! {
                            <form method="post" action=LiftSanction::url() class="mt-2 flex flex-wrap items-end gap-2">
                                <input type="hidden" name="handle" value=handle/>
                                <input type="hidden" name="id" value=record.id.to_string()/>
                                <label class="flex-1 text-xs">
                                    <span class="block">"Why lift it (the member is told)"</span>
                                    <input name="reason" required minlength="3" maxlength="500" class="field" data-testid="lift-reason"/>
                                </label>
                                <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="lift-sanction">
                                    {if record.kind == SanctionKind::Warn { "Withdraw" } else { "Lift" }}
                                </button>
                            </form>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn SanctionForm(handle: String) -> impl IntoView {
    view! {
        <section aria-labelledby="decide-heading" class="mt-8 rounded-2xl border border-line bg-surface p-5">
            <h2 id="decide-heading" class="text-lg font-semibold">"Decide"</h2>
            <p class="text-sm text-muted">"The member is told what, why and until when — on their next page and as a notification — but never who decided."</p>
            <form method="post" action=SanctionMember::url() class="mt-3 space-y-3" data-testid="sanction-form">
                <input type="hidden" name="handle" value=handle/>
                <fieldset>
                    <legend class="text-sm font-medium">"What"</legend>
                    {SanctionKind::ALL.into_iter().map(|kind| view! {
                        <label class="flex items-center gap-2 text-sm">
                            <input type="radio" name="kind" value=kind.as_str() required checked=kind == SanctionKind::Warn data-testid=format!("sanction-{}", kind.as_str())/>
                            {kind.label()}
                        </label>
                    }).collect_view()}
                </fieldset>
                <label class="block text-sm">
                    <span class="block font-medium">"For how many days"</span>
                    <span class="block text-xs text-muted">"Needed to silence or suspend; leave empty to ban for good. Ignored for a warning."</span>
                    <input name="days" type="number" min="1" max="3650" inputmode="numeric" class="field w-32" data-testid="sanction-days"/>
                </label>
                <label class="block text-sm">
                    <span class="block font-medium">"Reason (the member reads it)"</span>
                    <textarea name="reason" rows="2" required minlength="3" maxlength="500" class="field" data-testid="sanction-reason"></textarea>
                </label>
                <button type="submit" class=button_classes(ButtonVariant::Primary, "") data-testid="sanction-submit">"Decide"</button>
            </form>
        </section>
    }
}

#[component]
fn PurgeForm(handle: String) -> impl IntoView {
    view! {
        <details class="mt-6 rounded-2xl border border-danger-line bg-surface p-5">
            <summary class="cursor-pointer text-sm font-semibold">"Purge a spam account"</summary>
            <p class="mt-2 text-sm text-muted">"Removes every post and reply this member wrote (staff can still read them and restore one at a time) and bans them for good."</p>
            <form method="post" action=PurgeMember::url() class="mt-3 space-y-3">
                <input type="hidden" name="handle" value=handle/>
                <label class="block text-sm">
                    <span class="block font-medium">"Reason"</span>
                    <input name="reason" required minlength="3" maxlength="500" class="field" data-testid="purge-reason"/>
                </label>
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" name="confirm" value="yes" required data-testid="purge-confirm"/>
                    "Yes, remove everything they wrote and ban them"
                </label>
                <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="purge-submit">"Purge"</button>
            </form>
        </details>
    }
}

#[component]
fn RoleForm(handle: String, role: AccountRole) -> impl IntoView {
    view! {
        <section aria-labelledby="role-heading" class="mt-8 rounded-2xl border border-line bg-surface p-5">
            <h2 id="role-heading" class="text-lg font-semibold">"Role"</h2>
            <form method="post" action=SetMemberRole::url() class="mt-2 flex flex-wrap items-end gap-2">
                <input type="hidden" name="handle" value=handle/>
                <label class="text-sm">
                    <span class="block font-medium">"Site role"</span>
                    <select name="role" class="field" data-testid="member-role">
                        {[AccountRole::Member, AccountRole::Moderator, AccountRole::Admin].into_iter().map(|option| view! {
                            <option value=option.as_str() selected=option == role>{option.as_str()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="member-role-save">"Change role"</button>
            </form>
            <p class="mt-2 text-xs text-muted">"Staff need two-step sign-in to act as staff. The last admin can't be demoted."</p>
        </section>
    }
}
