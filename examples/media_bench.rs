//! The media benchmark's helper (bench/media.sh), two commands:
//!
//! `media_bench reencode [--runs N]`: the cost of taking a 12-megapixel phone photo in, as
//! Wellspring does it (`server::media::picture::reencode`: decode with limits, rotate
//! upright, three sizes, each encoded afresh), beside a bare baseline in the same run: the
//! `image` crate decoding the same bytes and encoding them once as JPEG at the same quality
//! (what any upload that strips metadata must at least do). Prints p50 and p99 of each and
//! their ratio. Also writes the photo to `--photo PATH` for the upload run.
//!
//! `media_bench serve --dir DIR --addr ADDR`: a bare axum server whose `/files/*` is
//! tower-http's `ServeDir` over DIR (the local media folder), and whose `POST /upload`
//! reads a body and drops it: the baselines for serving a thumbnail and for receiving an
//! upload.

use axum::{Router, body::Bytes, routing::post};
use image::{ImageEncoder, Rgb, RgbImage, codecs::jpeg::JpegEncoder};
use std::time::{Duration, Instant};
use wellspring::{
    domain::media::Bucket,
    server::media::picture::{self, PixelLimits},
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    match args.first().map(String::as_str) {
        Some("reencode") => {
            let runs: usize = value("--runs").map_or(Ok(15), |v| v.parse())?;
            reencode(runs, value("--photo"))
        }
        Some("serve") => {
            let dir = value("--dir").ok_or("--dir is required")?;
            let addr = value("--addr").ok_or("--addr is required")?;
            serve(&dir, &addr).await
        }
        _ => Err(
            "usage: media_bench reencode [--runs N] [--photo PATH] | serve --dir DIR --addr ADDR"
                .into(),
        ),
    }
}

/// A 4000 × 3000 photo-like JPEG (smooth light with grain, so it compresses like a photo,
/// not like a flat test card), as a phone writes it at quality 90.
fn phone_photo() -> Result<Vec<u8>, BoxError> {
    let (width, height) = (4000u32, 3000u32);
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let pixels = RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let grain = (seed % 24) as i32 - 12;
        let shade = |base: u32, span: u32| {
            (i32::try_from(base + span).unwrap_or(255) + grain).clamp(0, 255) as u8
        };
        Rgb([
            shade(60, x * 150 / width),
            shade(90, y * 120 / height),
            shade(120, (x + y) * 80 / (width + height)),
        ])
    });
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 90).write_image(
        pixels.as_raw(),
        width,
        height,
        image::ExtendedColorType::Rgb8,
    )?;
    Ok(jpeg)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

fn time_runs(
    runs: usize,
    mut work: impl FnMut() -> Result<(), BoxError>,
) -> Result<Vec<Duration>, BoxError> {
    work()?; // warm-up
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        work()?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times)
}

fn reencode(runs: usize, photo_path: Option<String>) -> Result<(), BoxError> {
    let photo = phone_photo()?;
    if let Some(path) = photo_path {
        std::fs::write(path, &photo)?;
    }
    let limits = PixelLimits {
        max_pixels: 50_000_000,
    };
    let baseline = time_runs(runs, || {
        let decoded = image::load_from_memory(&photo)?.to_rgb8();
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 82).encode_image(&decoded)?;
        Ok(())
    })?;
    let post = time_runs(runs, || {
        picture::reencode(&photo, Bucket::PostMedia, limits).map_err(|r| r.message())?;
        Ok(())
    })?;
    let avatar = time_runs(runs, || {
        picture::reencode(&photo, Bucket::Avatars, limits).map_err(|r| r.message())?;
        Ok(())
    })?;
    let kept = picture::reencode(&photo, Bucket::PostMedia, limits).map_err(|r| r.message())?;
    println!(
        "photo\t4000x3000\t{} bytes in\t{} bytes kept (2048+1024+480)",
        photo.len(),
        kept.bytes()
    );
    let base_p50 = percentile(&baseline, 0.5);
    for (name, times) in [
        (
            "baseline: decode + one JPEG encode (image crate)",
            &baseline,
        ),
        ("post picture: decode, upright, 2048/1024/480", &post),
        (
            "profile picture: decode, upright, square 256/128/64",
            &avatar,
        ),
    ] {
        let p50 = percentile(times, 0.5);
        println!(
            "{name}\tp50 {p50:.0} ms\tp99 {:.0} ms\t{:.2}x baseline p50",
            percentile(times, 0.99),
            p50 / base_p50
        );
    }
    Ok(())
}

async fn serve(dir: &str, addr: &str) -> Result<(), BoxError> {
    let app = Router::new()
        .nest_service("/files", tower_http::services::ServeDir::new(dir))
        .route(
            "/upload",
            post(|body: Bytes| async move { body.len().to_string() }),
        )
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024));
    use axum::serve::ListenerExt as _;
    // TCP_NODELAY, as Wellspring's own serve loop sets it: the baseline must not pay Nagle.
    let listener = tokio::net::TcpListener::bind(addr).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await?;
    Ok(())
}
