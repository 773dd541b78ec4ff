//! Line charts for the staff dashboard, drawn on the server as SVG by plotters. No fonts are
//! loaded: plotters' SVG backend writes text as `<text>`, so the browser sets it in the page's
//! own font. Axes and labels are drawn in `currentColor` (the page's text colour, light or
//! dark) and the series in two mid-tone colours that read on both; the page names each series
//! beside its colour and gives the same figures as a table, for screen readers and for anyone
//! who wants the numbers.

use plotters::prelude::*;

/// One line on a chart.
pub struct Series<'a> {
    pub values: &'a [f64],
}

/// Stands in for `currentColor` while plotters draws; replaced in the finished SVG.
const INK: RGBColor = RGBColor(1, 2, 3);
const INK_HEX: &str = "#010203";
/// The series' colours, in order (sky and orange: distinct for the common colour-vision
/// differences, and mid-tone so they read on a light page and a dark one).
pub const SERIES_COLOURS: [&str; 2] = ["#0EA5E9", "#F97316"];
const SERIES_RGB: [RGBColor; 2] = [RGBColor(14, 165, 233), RGBColor(249, 115, 22)];

/// Near the width a chart is shown at (half the page's width on a desktop, the whole width
/// of a phone), so its text is shown near the size it is drawn.
const WIDTH: u32 = 480;
const HEIGHT: u32 = 200;

/// A line chart of `series` over the points named by `labels` (one label per value), as an
/// SVG document that scales to its container. `None` when plotters could not draw it (the
/// page then shows the table alone).
pub fn line_chart(
    labels: &[String],
    series: &[Series<'_>],
    accessible_name: &str,
) -> Option<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        if let Err(error) = draw(&root, labels, series) {
            tracing::warn!(%error, "a dashboard chart could not be drawn");
            return None;
        }
        if root.present().is_err() {
            return None;
        }
    }
    Some(finish(&svg, accessible_name))
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    labels: &[String],
    series: &[Series<'_>],
) -> Result<(), Box<dyn std::error::Error>> {
    let points = labels.len().max(2);
    let highest = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0_f64, f64::max);
    let top = nice_ceiling(highest);
    let mut chart = ChartBuilder::on(root)
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d(0..points - 1, 0.0..top)?;
    // plotters' SVG backend writes a font's size divided by 1.24: 16 becomes 13px.
    let label_font = ("sans-serif", 16).into_font().color(&INK);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(INK.mix(0.12))
        .light_line_style(TRANSPARENT)
        .axis_style(INK.mix(0.45))
        .label_style(label_font)
        .x_labels(6)
        .x_label_formatter(&|i| labels.get(*i).cloned().unwrap_or_default())
        .y_labels(5)
        .y_label_formatter(&|v| short_number(*v))
        .draw()?;
    for (i, line) in series.iter().enumerate() {
        let colour = SERIES_RGB[i % SERIES_RGB.len()];
        chart.draw_series(LineSeries::new(
            line.values.iter().copied().enumerate(),
            colour.stroke_width(2),
        ))?;
        if line.values.len() <= 31 {
            chart.draw_series(
                line.values
                    .iter()
                    .copied()
                    .enumerate()
                    .map(|point| Circle::new(point, 2, colour.filled())),
            )?;
        }
    }
    Ok(())
}

/// Makes the drawn SVG themable, scalable and named for assistive technology.
fn finish(svg: &str, accessible_name: &str) -> String {
    let themed = svg.replace(INK_HEX, "currentColor");
    let opening = format!(
        "<svg role=\"img\" aria-label=\"{}\" class=\"h-auto w-full\" width=\"{WIDTH}\" height=\"{HEIGHT}\"",
        crate::server::http::html::escape(accessible_name)
    );
    themed.replacen(
        &format!("<svg width=\"{WIDTH}\" height=\"{HEIGHT}\""),
        &opening,
        1,
    )
}

/// The smallest round number at or above `value` (1, 2 or 5 times a power of ten), so the
/// axis ends on a label; at least 1, so an empty chart still has an axis.
fn nice_ceiling(value: f64) -> f64 {
    if !value.is_finite() || value <= 1.0 {
        return 1.0;
    }
    let magnitude = 10_f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|step| step * magnitude)
        .find(|candidate| *candidate >= value)
        .unwrap_or(10.0 * magnitude)
}

/// Axis labels: whole numbers as they are, thousands as "12k", fractions with one decimal.
fn short_number(value: f64) -> String {
    if value >= 10_000.0 {
        format!("{:.0}k", value / 1000.0)
    } else if value.fract().abs() < f64::EPSILON {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_themable_named_chart_with_one_path_per_series() {
        let labels: Vec<String> = (1..=7).map(|d| format!("{d} Dec")).collect();
        let (a, b) = ([1.0, 4.0, 2.0, 8.0, 5.0, 0.0, 3.0], [0.0; 7]);
        let svg = line_chart(
            &labels,
            &[Series { values: &a }, Series { values: &b }],
            "Posts & replies <per day>",
        )
        .unwrap_or_default();
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label=\"Posts &amp; replies &lt;per day&gt;\""),
            "{svg}"
        );
        assert!(svg.contains("viewBox=\"0 0 480 200\""), "{svg}");
        assert!(
            !svg.contains(INK_HEX),
            "the stand-in colour is replaced: {svg}"
        );
        assert!(svg.contains("currentColor"), "{svg}");
        for colour in SERIES_COLOURS {
            let line = format!("<polyline fill=\"none\" opacity=\"1\" stroke=\"{colour}\"");
            assert_eq!(svg.matches(&line).count(), 1, "one line in {colour}: {svg}");
        }
        assert!(
            svg.contains(">\n1 Dec\n</text>"),
            "x labels are the days: {svg}"
        );
        assert!(
            svg.contains(">\n10\n</text>"),
            "the axis ends on a round number: {svg}"
        );
    }

    #[test]
    fn round_axis_tops() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.0), 5.0);
        assert_eq!(nice_ceiling(8.0), 10.0);
        assert_eq!(nice_ceiling(11.0), 20.0);
        assert_eq!(nice_ceiling(480.0), 500.0);
        assert_eq!(short_number(12_000.0), "12k");
        assert_eq!(short_number(2.5), "2.5");
    }
}
