//! A dashboard chart: the SVG drawn on the server (numbers and our own labels only, never a
//! member's words), its series named beside their colours, and the same figures as a table
//! under a disclosure, so a screen reader or a reader without the picture has every number.

use crate::domain::dashboard::Chart;
use leptos::prelude::*;

/// Swatch classes in the order the server draws the series (see `server::charts`).
const SWATCHES: [&str; 2] = ["bg-sky-500", "bg-orange-500"];

#[component]
pub fn ChartFigure(chart: Chart) -> impl IntoView {
    let Chart {
        title,
        caption,
        svg,
        series,
        label_heading,
        rows,
    } = chart;
    let names: Vec<String> = series.iter().map(|(name, _)| name.clone()).collect();
    let legend = series
        .into_iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let swatch = format!(
                "inline-block h-2 w-4 rounded-full {}",
                SWATCHES[i % SWATCHES.len()]
            );
            view! { <li class="flex items-center gap-1.5"><span class=swatch aria-hidden="true"></span>{name}</li> }
        })
        .collect_view();
    let picture = match svg {
        Some(svg) => view! { <div class="mt-3 text-muted" inner_html=svg></div> }.into_any(),
        None => view! { <p class="mt-3 text-sm text-muted">"The chart could not be drawn; the figures are below."</p> }.into_any(),
    };
    let body = rows
        .into_iter()
        .map(|(label, values)| {
            view! {
                <tr class="border-t border-line">
                    <th scope="row" class="py-1 pr-4 text-left font-normal">{label}</th>
                    {values.into_iter().map(|v| view! { <td class="py-1 pr-4 text-right tabular-nums">{v}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="rounded-2xl border border-line bg-surface p-5 shadow-sm" data-testid="dashboard-chart">
            <figcaption>
                <h3 class="font-semibold">{title}</h3>
                <p class="text-sm text-muted">{caption}</p>
                <ul class="mt-2 flex flex-wrap gap-4 text-sm">{legend}</ul>
            </figcaption>
            {picture}
            <details class="mt-2 text-sm">
                <summary class="cursor-pointer text-muted">"Show the figures as a table"</summary>
                <div class="mt-2 max-h-72 overflow-auto">
                    <table class="w-full">
                        <thead>
                            <tr>
                                <th scope="col" class="py-1 pr-4 text-left">{label_heading}</th>
                                {names.into_iter().map(|n| view! { <th scope="col" class="py-1 pr-4 text-right">{n}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>{body}</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}
