//! The public status page: is Wellspring healthy right now?

use crate::{
    api::status::get_service_status,
    app::components::{
        alert::{Alert, AlertTone},
        card::Card,
        error_panel::ErrorPanel,
        skeleton::Skeleton,
    },
    domain::AppError,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StatusPage() -> impl IntoView {
    // Rendered with SsrMode::Async, so a failure can still set the response status.
    let status = Resource::new_blocking(|| (), |()| get_service_status());
    view! {
        <Title text="Service status"/>
        <Suspense fallback=|| view! { <Card><Skeleton/></Card> }>
            {move || Suspend::new(async move {
                match status.await {
                    Ok(status) => view! {
                        <h1 class="text-3xl font-semibold tracking-tight">"Service status"</h1>
                        <div class="mt-6 space-y-4">
                            <Alert tone=AlertTone::Success title="All systems calm">
                                "Pages are being served and the database is answering."
                            </Alert>
                            <Card>
                                <dl class="grid gap-4 sm:grid-cols-2">
                                    <div>
                                        <dt class="text-sm text-muted">"Database round trip"</dt>
                                        <dd class="text-2xl font-semibold" data-testid="db-latency">
                                            {format!("{:.1} ms", status.database_latency_ms)}
                                        </dd>
                                    </div>
                                    <div>
                                        <dt class="text-sm text-muted">"Requests run as"</dt>
                                        <dd class="text-2xl font-semibold" data-testid="db-role">{status.database_role}</dd>
                                    </div>
                                </dl>
                            </Card>
                        </div>
                    }
                    .into_any(),
                    Err(error) => view! { <StatusError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn StatusError(error: AppError) -> impl IntoView {
    let title = match error {
        AppError::Unavailable => "Wellspring is briefly unavailable",
        _ => "Something went wrong",
    };
    view! { <ErrorPanel title=title message=error.to_string()/> }
}
