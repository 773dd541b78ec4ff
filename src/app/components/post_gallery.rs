//! A post's pictures: one shown wide, two to four in a grid. Each `<img>` names the kept
//! sizes in `srcset` so a phone fetches the small one, carries its width and height (the
//! page does not jump as pictures arrive), loads lazily, and says in `alt` what its uploader
//! wrote for members who cannot see it. A picture links to its largest size.

use crate::domain::{community::PostPicture, media::PICTURE_SIZES};
use leptos::prelude::*;

#[component]
pub fn PostGallery(pictures: Vec<PostPicture>) -> impl IntoView {
    if pictures.is_empty() {
        return ().into_any();
    }
    let grid = if pictures.len() == 1 {
        "grid grid-cols-1 gap-2"
    } else {
        "grid grid-cols-2 gap-2"
    };
    // One picture is shown at its own size up to the column's width; several fill the grid.
    let fit = if pictures.len() == 1 {
        "h-auto max-w-full"
    } else {
        "h-auto w-full object-cover"
    };
    let sizes = if pictures.len() == 1 {
        "(min-width: 768px) 720px, 100vw"
    } else {
        "(min-width: 768px) 360px, 50vw"
    };
    view! {
        <div class=grid data-testid="post-gallery">
            {pictures
                .into_iter()
                .map(|picture| {
                    let [large, medium, small] = PICTURE_SIZES;
                    let srcset = format!(
                        "{p}/{small} {small}w, {p}/{medium} {medium}w, {p}/{large} {large}w",
                        p = picture.path
                    );
                    view! {
                        <a href=format!("{}/{large}", picture.path) class="block w-fit max-w-full overflow-hidden rounded-xl border border-line bg-surface">
                            <img
                                src=format!("{}/{medium}", picture.path)
                                srcset=srcset
                                sizes=sizes
                                width=picture.width.to_string()
                                height=picture.height.to_string()
                                alt=picture.alt
                                loading="lazy"
                                decoding="async"
                                class=fit
                                data-testid="post-picture"
                            />
                        </a>
                    }
                })
                .collect_view()}
        </div>
    }
    .into_any()
}
