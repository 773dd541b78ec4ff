//! The bar and words `public/upload-progress.js` fills while a picture goes up, and the
//! script itself. A plain HTML form stays the way a picture is sent; a form that holds this
//! and carries `data-upload-progress` is sent by the script instead when JavaScript runs,
//! so a large photo on a slow connection shows how far it has got. The script is a separate
//! few hundred bytes rather than part of the wasm bundle: only pages with an upload form
//! load it (from the head, never inside `main`, where nothing but members' words and our
//! markup belong), and the browser runs it once however many forms a page has.

use leptos::prelude::*;
use leptos_meta::Script;

#[component]
pub fn UploadProgress() -> impl IntoView {
    view! {
        <Script src="/upload-progress.js" defer="true"/>
        <progress class="w-full" hidden max="1" aria-label="Upload progress" data-testid="upload-progress"></progress>
        <p class="text-sm text-muted" data-upload-status="" aria-live="polite" data-testid="upload-status"></p>
    }
}
