//! A one-minute breathing pause: the home page's small taste of what Wellspring is for.
//! It runs only in the browser (an island); the server renders it at rest.

use leptos::prelude::*;
use std::time::Duration;

use super::{
    button::{Button, ButtonVariant},
    icon::{Icon, IconName},
};

/// Box-breathing-like rhythm: in 4 s, hold 4 s, out 6 s.
const PHASES: [(&str, u32); 3] = [("Breathe in", 4), ("Hold", 4), ("Breathe out", 6)];
const CYCLES: u32 = 4;

#[island]
pub fn BreathingPause() -> impl IntoView {
    // Seconds since the pause started; None when resting.
    let (elapsed, set_elapsed) = signal(None::<u32>);
    let timer = StoredValue::new(None::<IntervalHandle>);

    let stop = move || {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        timer.set_value(None);
        set_elapsed.set(None);
    };
    let start = move || {
        set_elapsed.set(Some(0));
        let handle = set_interval_with_handle(
            move || {
                let next = elapsed.get_untracked().map_or(0, |s| s + 1);
                if next >= cycle_length() * CYCLES {
                    if let Some(handle) = timer.get_value() {
                        handle.clear();
                    }
                    timer.set_value(None);
                    set_elapsed.set(None);
                } else {
                    set_elapsed.set(Some(next));
                }
            },
            Duration::from_secs(1),
        );
        timer.set_value(handle.ok());
    };
    on_cleanup(move || {
        if let Some(handle) = timer.try_get_value().flatten() {
            handle.clear();
        }
    });

    let phase = move || elapsed.get().map(phase_at);
    let running = move || elapsed.get().is_some();
    let circle_classes = move || {
        let scale = match phase() {
            Some(("Breathe in", _)) | Some(("Hold", _)) => "scale-110",
            _ => "scale-75",
        };
        format!(
            "flex h-40 w-40 items-center justify-center rounded-full bg-accent-soft text-accent-ink transition-transform duration-[4000ms] ease-in-out motion-reduce:transition-none {scale}"
        )
    };

    view! {
        <div class="flex flex-col items-center gap-6 text-center sm:flex-row sm:text-left">
            <div class=circle_classes aria-hidden="true">
                <Icon name=IconName::Leaf class="h-14 w-14"/>
            </div>
            <div class="flex-1">
                <h2 class="text-xl font-semibold">"Take a one-minute pause"</h2>
                <p class="mt-1 text-muted">"Four slow breaths, guided. Nothing to sign up for."</p>
                <p class="mt-4 min-h-7 text-lg font-medium" aria-live="polite" data-testid="breathing-phase">
                    {move || match phase() {
                        Some((label, remaining)) => format!("{label}… {remaining}"),
                        None => "Ready when you are.".to_owned(),
                    }}
                </p>
                <div class="mt-4">
                    <Show
                        when=running
                        fallback=move || view! {
                            <Button on_click=Callback::new(move |()| start())>"Begin the pause"</Button>
                        }
                    >
                        <Button variant=ButtonVariant::Secondary on_click=Callback::new(move |()| stop())>
                            "Stop"
                        </Button>
                    </Show>
                </div>
            </div>
        </div>
    }
}

fn cycle_length() -> u32 {
    PHASES.iter().map(|(_, s)| s).sum()
}

/// The phase label and seconds left in it, `second` seconds into the pause.
fn phase_at(second: u32) -> (&'static str, u32) {
    let mut t = second % cycle_length();
    for (label, length) in PHASES {
        if t < length {
            return (label, length - t);
        }
        t -= length;
    }
    (PHASES[0].0, PHASES[0].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_follow_the_rhythm() {
        assert_eq!(phase_at(0), ("Breathe in", 4));
        assert_eq!(phase_at(3), ("Breathe in", 1));
        assert_eq!(phase_at(4), ("Hold", 4));
        assert_eq!(phase_at(8), ("Breathe out", 6));
        assert_eq!(phase_at(14), ("Breathe in", 4));
    }
}
