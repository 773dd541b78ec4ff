//! Staff notes on a member's profile: what site staff keep about them, newest first, and a
//! plain form to add one. Drawn only for site staff with two-step sign-in (the server
//! answers `None` to everyone else, and Row Level Security would refuse them anyway).

use super::{
    button::{ButtonVariant, button_classes},
    form::{FormError, action_error},
};
use crate::{
    api::moderation::{AddStaffNote, staff_notes},
    domain::{
        AppError,
        moderation::{STAFF_NOTE_MAX, StaffNote},
    },
};
use leptos::{prelude::*, server_fn::ServerFn};

/// What [`StaffNotes`] shows, made by its page outside the page's own `Suspense`: a
/// blocking resource made inside children the server may render twice belongs to a render
/// that is thrown away, and the response then waits for it forever.
pub type Notes = Resource<Result<Option<Vec<StaffNote>>, AppError>>;

/// The notes about the member the route's `handle` names.
pub fn notes_resource(handle: Memo<String>) -> Notes {
    Resource::new_blocking(move || handle.get(), staff_notes)
}

#[component]
pub fn StaffNotes(handle: String, notes: Notes) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let handle = handle.clone();
                Suspend::new(async move {
                    match notes.await {
                        Ok(Some(notes)) => view! { <NotesSection handle notes/> }.into_any(),
                        _ => ().into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn NotesSection(handle: String, notes: Vec<StaffNote>) -> impl IntoView {
    // A refused note comes back with its error in the address.
    let add = ServerAction::<AddStaffNote>::new();
    let refused = action_error(add.value());
    view! {
        <section id="staff-notes" aria-labelledby="staff-notes-heading" class="mt-8 rounded-2xl border border-line bg-surface p-5" data-testid="staff-notes">
            <h2 id="staff-notes-heading" class="text-lg font-semibold">"Staff notes"</h2>
            <p class="text-sm text-muted">"Only staff see these. Notes are never edited or deleted: add a new one to correct an old one."</p>
            {if notes.is_empty() {
                view! { <p class="mt-3 text-sm text-muted">"No notes yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="mt-3 space-y-3">
                        {notes.into_iter().map(|note| view! {
                            <li class="border-t border-line pt-3" data-testid="staff-note">
                                <p class="whitespace-pre-wrap text-sm">{note.body}</p>
                                <p class="mt-1 text-xs text-muted">
                                    {note.author}" · "<time datetime=note.at>{note.at_label}</time>
                                </p>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <FormError error=refused/>
            <form method="post" action=AddStaffNote::url() class="mt-4 space-y-2">
                <input type="hidden" name="handle" value=handle/>
                <label for="staff-note-body" class="block text-sm font-medium">"Add a note"</label>
                <textarea id="staff-note-body" name="body" rows="3" required maxlength=STAFF_NOTE_MAX.to_string()
                    class="field" data-testid="staff-note-body"></textarea>
                <button type="submit" class=button_classes(ButtonVariant::Secondary, "") data-testid="staff-note-add">"Add note"</button>
            </form>
        </section>
    }
}
