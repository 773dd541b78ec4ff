//! The page for addresses that lead nowhere, served with status 404.

use crate::app::components::error_panel::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::http::errors::set_status(&crate::domain::AppError::NotFound);
    view! {
        <Title text="Page not found"/>
        <ErrorPanel
            title="We couldn't find that page"
            message="The link may be old, or the page may have moved. Let's get you back somewhere familiar."
        />
    }
}
