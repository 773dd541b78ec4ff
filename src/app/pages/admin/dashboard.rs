//! `/admin`: where staff start. What is waiting in the review queue, the way to each staff
//! page, and the dashboard: the community's last 30 days for site staff, this instance's last
//! hour and the database's health for admins, as charts drawn on the server (readable
//! without JavaScript, each with its figures as a table). Staff without two-step sign-in are
//! told to turn it on first (the server refuses every staff read and action without it).

use crate::{
    api::{admin::staff_dashboard, moderation::review_waiting},
    app::components::{
        button::{ButtonLink, ButtonVariant},
        card::Card,
        chart_figure::ChartFigure,
        error_panel::ErrorPanel,
        sign_in_prompt::SignInPrompt,
        skeleton::Skeleton,
    },
    domain::{
        AppError,
        dashboard::{CommunityFigures, Dashboard, Figure, OperationsFigures},
    },
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminDashboardPage() -> impl IntoView {
    let queue = Resource::new_blocking(|| (), |()| review_waiting());
    let dashboard = Resource::new_blocking(|| (), |()| staff_dashboard());
    view! {
        <Title text="Staff"/>
        <h1 class="text-3xl font-semibold tracking-tight">"Staff"</h1>
        <p class="mt-2 mb-6 text-muted">"Keeping Wellspring kind and safe."</p>
        <Suspense fallback=|| view! { <Card><Skeleton lines=3/></Card> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(open_targets) => {
                        // A caller the queue refused is told why below; one it admits may
                        // still see no figures (a circle's moderator).
                        let figures = dashboard.await.ok();
                        let waiting = match open_targets {
                            0 => "Nothing is waiting for review.".to_owned(),
                            1 => "1 reported thing is waiting for review.".to_owned(),
                            n => format!("{n} reported things are waiting for review."),
                        };
                        view! {
                            <div class="grid gap-4 sm:grid-cols-2">
                                <Card>
                                    <h2 class="text-lg font-semibold">"Review queue"</h2>
                                    <p class="mt-1 text-sm text-muted" data-testid="dashboard-waiting">{waiting}</p>
                                    <ButtonLink href="/admin/queue" class="mt-4">"Open the queue"</ButtonLink>
                                </Card>
                                <Card>
                                    <h2 class="text-lg font-semibold">"Members"</h2>
                                    <p class="mt-1 text-sm text-muted">"Find a member; warn, silence, suspend, ban or purge; roles and devices (admins). Site staff only."</p>
                                    <ButtonLink href="/admin/members" variant=ButtonVariant::Secondary class="mt-4">"Members"</ButtonLink>
                                </Card>
                                <Card>
                                    <h2 class="text-lg font-semibold">"Watched words"</h2>
                                    <p class="mt-1 text-sm text-muted">"Words that are blocked, masked, flagged or held for approval. Site staff only."</p>
                                    <ButtonLink href="/admin/words" variant=ButtonVariant::Secondary class="mt-4">"Watched words"</ButtonLink>
                                </Card>
                                <Card>
                                    <h2 class="text-lg font-semibold">"Audit log"</h2>
                                    <p class="mt-1 text-sm text-muted">"Sign-ins, role changes and account changes, with CSV export. Admins only."</p>
                                    <ButtonLink href="/admin/audit" variant=ButtonVariant::Secondary class="mt-4">"Audit log"</ButtonLink>
                                </Card>
                                <Card>
                                    <h2 class="text-lg font-semibold">"Feature flags"</h2>
                                    <p class="mt-1 text-sm text-muted">"Pause new accounts, posting or live updates at once. Admins only."</p>
                                    <ButtonLink href="/admin/flags" variant=ButtonVariant::Secondary class="mt-4">"Feature flags"</ButtonLink>
                                </Card>
                                <Card>
                                    <h2 class="text-lg font-semibold">"Uploads"</h2>
                                    <p class="mt-1 text-sm text-muted">"Every picture members uploaded, newest first, with who uploaded it. Admins only."</p>
                                    <ButtonLink href="/admin/uploads" variant=ButtonVariant::Secondary class="mt-4">"Uploads"</ButtonLink>
                                </Card>
                                <Card>
                                    <h2 class="text-lg font-semibold">"Moderation log"</h2>
                                    <p class="mt-1 text-sm text-muted">"Every action, its reason and who took it. Members see it without names."</p>
                                    <div class="mt-4 flex flex-wrap gap-2">
                                        <ButtonLink href="/admin/modlog" variant=ButtonVariant::Secondary>"Staff log"</ButtonLink>
                                        <ButtonLink href="/modlog" variant=ButtonVariant::Quiet>"Public log"</ButtonLink>
                                    </div>
                                </Card>
                            </div>
                            {figures.map(|dashboard| view! { <DashboardFigures dashboard/> })}
                        }.into_any()
                    }
                    Err(AppError::Unauthorized) => view! { <SignInPrompt next="/admin"/> }.into_any(),
                    Err(AppError::Forbidden) => view! {
                        <ErrorPanel title="This page is for staff" message="Only moderators and admins can open the staff pages."/>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel title="Staff pages need one more step" message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardFigures(dashboard: Dashboard) -> impl IntoView {
    let Dashboard {
        community,
        operations,
    } = dashboard;
    view! {
        {community.map(|community| view! { <CommunitySection community/> })}
        {operations.map(|operations| view! { <OperationsSection operations/> })}
    }
}

#[component]
fn FigureList(figures: Vec<Figure>) -> impl IntoView {
    view! {
        <dl class="grid grid-cols-2 gap-3 sm:grid-cols-4">
            {figures.into_iter().map(|Figure { label, value }| view! {
                <div class="rounded-xl border border-line bg-surface p-3">
                    <dt class="text-xs text-muted">{label}</dt>
                    <dd class="mt-1 text-lg font-semibold tabular-nums">{value}</dd>
                </div>
            }).collect_view()}
        </dl>
    }
}

#[component]
fn CommunitySection(community: CommunityFigures) -> impl IntoView {
    let CommunityFigures {
        days,
        figures,
        charts,
    } = community;
    view! {
        <section class="mt-10" aria-labelledby="dashboard-community" data-testid="dashboard-community">
            <h2 id="dashboard-community" class="text-2xl font-semibold">"The community"</h2>
            <p class="mt-1 mb-4 text-sm text-muted">{format!("The last {days} days, in UTC days (a day is counted once it has ended; today's figures are at most a minute old). Site staff only.")}</p>
            <FigureList figures/>
            <div class="mt-4 grid gap-4 lg:grid-cols-2">
                {charts.into_iter().map(|chart| view! { <ChartFigure chart/> }).collect_view()}
            </div>
        </section>
    }
}

#[component]
fn OperationsSection(operations: OperationsFigures) -> impl IntoView {
    let OperationsFigures {
        figures,
        charts,
        biggest_tables,
        statements_available,
        slowest,
    } = operations;
    let statements = if !statements_available {
        view! { <p class="text-sm text-muted">"Install the pg_stat_statements extension to see the slowest statements here."</p> }.into_any()
    } else if slowest.is_empty() {
        view! { <p class="text-sm text-muted">"No statements recorded yet (or the app's database role may not read them)."</p> }.into_any()
    } else {
        view! {
            <ol class="space-y-2 text-sm">
                {slowest.into_iter().map(|s| view! {
                    <li>
                        <code class="block break-all text-xs">{s.query}</code>
                        <span class="text-muted">{format!("{:.2} ms on average over {} calls", s.mean_ms, s.calls)}</span>
                    </li>
                }).collect_view()}
            </ol>
        }.into_any()
    };
    view! {
        <section class="mt-10" aria-labelledby="dashboard-operations" data-testid="dashboard-operations">
            <h2 id="dashboard-operations" class="text-2xl font-semibold">"Operations"</h2>
            <p class="mt-1 mb-4 text-sm text-muted">"This instance's last hour and the database's health. Admins only. Each instance counts its own requests; Prometheus at /metrics keeps the history."</p>
            <FigureList figures/>
            <div class="mt-4 grid gap-4 lg:grid-cols-2">
                {charts.into_iter().map(|chart| view! { <ChartFigure chart/> }).collect_view()}
            </div>
            <div class="mt-4 grid gap-4 lg:grid-cols-2">
                <Card>
                    <h3 class="font-semibold">"Biggest tables"</h3>
                    <table class="mt-2 w-full text-sm">
                        <thead><tr>
                            <th scope="col" class="py-1 text-left">"Table"</th>
                            <th scope="col" class="py-1 text-right">"Size"</th>
                            <th scope="col" class="py-1 text-right">"Rows (estimate)"</th>
                        </tr></thead>
                        <tbody>
                            {biggest_tables.into_iter().map(|t| view! {
                                <tr class="border-t border-line">
                                    <th scope="row" class="py-1 text-left font-normal"><code>{t.name}</code></th>
                                    <td class="py-1 text-right tabular-nums">{t.size}</td>
                                    <td class="py-1 text-right tabular-nums">{t.rows}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </Card>
                <Card>
                    <h3 class="mb-2 font-semibold">"Slowest statements"</h3>
                    {statements}
                </Card>
            </div>
        </section>
    }
}
