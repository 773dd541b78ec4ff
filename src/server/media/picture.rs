//! Decoding an upload and re-encoding what is kept. Synchronous and CPU-bound: callers run
//! it on a blocking thread under `Media::reencoding`.
//!
//! The original bytes are never stored or served. What is kept is new JPEG data written by
//! our encoder from decoded pixels, so nothing the file carried besides its pixels survives:
//! no EXIF (GPS position, camera, time), no comments, no trailing bytes (a polyglot's HTML),
//! no ICC profile. The EXIF orientation is applied first, so the picture stands upright.
//! An animated GIF keeps its first frame only (flattened): a still is all a profile or a
//! post needs, and it cannot be a flashing-image hazard.

use crate::domain::media::{Bucket, ImageKind, UploadRefusal};
use image::{
    DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, RgbImage,
    codecs::jpeg::JpegEncoder, metadata::Orientation,
};
use std::io::Cursor;

/// JPEG quality of every kept size: photos stay clean, files stay small.
const JPEG_QUALITY: u8 = 82;
/// No side may be longer than this, whatever the pixel count (a 1 × 50,000,000 strip).
const MAX_SIDE: u32 = 20_000;

#[derive(Clone, Copy, Debug)]
pub struct PixelLimits {
    pub max_pixels: u64,
}

/// One kept size of a picture.
#[derive(Clone, Debug)]
pub struct Variant {
    /// The size's name: the longest side asked for (or the square's side).
    pub size: u32,
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

/// A picture ready to store: its upright size and every kept variant, largest first.
#[derive(Clone, Debug)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub variants: Vec<Variant>,
}

impl Picture {
    pub fn bytes(&self) -> u64 {
        self.variants.iter().map(|v| v.jpeg.len() as u64).sum()
    }
}

/// Decodes `bytes` (whose kind is sniffed again here: a caller cannot skip it), checks the
/// pixel count from the header before any pixel is decoded, and re-encodes the sizes
/// `bucket` keeps.
pub fn reencode(
    bytes: &[u8],
    bucket: Bucket,
    limits: PixelLimits,
) -> Result<Picture, UploadRefusal> {
    if bytes.is_empty() {
        return Err(UploadRefusal::Empty);
    }
    let kind = ImageKind::sniff(bytes).ok_or(UploadRefusal::NotAnImage)?;
    let format = match kind {
        ImageKind::Jpeg => ImageFormat::Jpeg,
        ImageKind::Png => ImageFormat::Png,
        ImageKind::Gif => ImageFormat::Gif,
        ImageKind::WebP => ImageFormat::WebP,
    };
    let too_many = || UploadRefusal::TooManyPixels {
        limit_megapixels: limits.max_pixels / 1_000_000,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut decode_limits = image::Limits::default();
    decode_limits.max_image_width = Some(MAX_SIDE);
    decode_limits.max_image_height = Some(MAX_SIDE);
    // Four bytes a pixel, plus room for the decoder's own buffers.
    decode_limits.max_alloc = Some(limits.max_pixels.saturating_mul(4) + 64 * 1024 * 1024);
    reader.limits(decode_limits);
    let mut decoder = reader.into_decoder().map_err(|e| refusal(&e, too_many()))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(too_many());
    }
    // A damaged EXIF block is no reason to refuse the pixels: it is dropped anyway.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| refusal(&e, too_many()))?;
    image.apply_orientation(orientation);
    let upright = flatten(image);
    let (width, height) = upright.dimensions();

    let mut variants = Vec::with_capacity(bucket.variants().len());
    // Each size is made from the one before it (largest first): far cheaper than going back
    // to a 12-megapixel original each time, and the same to the eye.
    let mut source = if bucket.square() {
        square_crop(&upright)
    } else {
        upright
    };
    for &size in bucket.variants() {
        let scaled = if bucket.square() {
            DynamicImage::ImageRgb8(source.clone())
                .resize_exact(size, size, image::imageops::FilterType::Triangle)
                .to_rgb8()
        } else if source.width().max(source.height()) > size {
            DynamicImage::ImageRgb8(source.clone())
                .thumbnail(size, size)
                .to_rgb8()
        } else {
            source.clone()
        };
        let jpeg = encode_jpeg(&scaled)?;
        variants.push(Variant {
            size,
            width: scaled.width(),
            height: scaled.height(),
            jpeg,
        });
        source = scaled;
    }
    Ok(Picture {
        width,
        height,
        variants,
    })
}

fn refusal(error: &ImageError, too_many: UploadRefusal) -> UploadRefusal {
    match error {
        ImageError::Limits(_) => too_many,
        ImageError::Unsupported(_) => UploadRefusal::NotAnImage,
        _ => UploadRefusal::Unreadable,
    }
}

/// Transparent pixels are laid on white: JPEG has no transparency, and white is the page.
fn flatten(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (out, pixel) in rgb.pixels_mut().zip(rgba.pixels()) {
        let [r, g, b, a] = pixel.0;
        let over_white = |c: u8| {
            let (c, a) = (u32::from(c), u32::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        out.0 = [over_white(r), over_white(g), over_white(b)];
    }
    rgb
}

/// The centred square of a picture: profile pictures are shown round.
fn square_crop(image: &RgbImage) -> RgbImage {
    let side = image.width().min(image.height());
    let x = (image.width() - side) / 2;
    let y = (image.height() - side) / 2;
    image::imageops::crop_imm(image, x, y, side, side).to_image()
}

fn encode_jpeg(image: &RgbImage) -> Result<Vec<u8>, UploadRefusal> {
    let mut out = Vec::with_capacity(64 * 1024);
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(image)
        .map_err(|_| UploadRefusal::Unreadable)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, Rgba, RgbaImage, codecs::png::PngEncoder};

    const LIMITS: PixelLimits = PixelLimits {
        max_pixels: 50_000_000,
    };

    fn jpeg_of(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, _| {
            if x < width / 2 {
                Rgb([200, 30, 30])
            } else {
                Rgb([30, 30, 200])
            }
        });
        encode_jpeg(&image).expect("encodes")
    }

    /// An EXIF block with an orientation (6: turn 90° clockwise) and a GPS latitude, the
    /// way a phone writes one, spliced in after the JPEG's start marker.
    fn with_gps_exif(jpeg: &[u8]) -> Vec<u8> {
        let mut tiff: Vec<u8> = b"II*\0\x08\0\0\0".to_vec();
        // IFD0: two entries (orientation, GPS IFD pointer), then no next IFD.
        tiff.extend([2, 0]);
        tiff.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        tiff.extend([0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
        tiff.extend([0, 0, 0, 0]);
        // GPS IFD at 38: latitude ref "N" and latitude 52° 22' 12.34".
        tiff.extend([2, 0]);
        tiff.extend([1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
        tiff.extend([2, 0, 5, 0, 3, 0, 0, 0, 68, 0, 0, 0]);
        tiff.extend([0, 0, 0, 0]);
        for (numerator, denominator) in [(52u32, 1u32), (22, 1), (1234, 100)] {
            tiff.extend(numerator.to_le_bytes());
            tiff.extend(denominator.to_le_bytes());
        }
        let mut segment = b"Exif\0\0".to_vec();
        segment.extend(tiff);
        let length = u16::try_from(segment.len() + 2).expect("small");
        let mut out = jpeg[..2].to_vec();
        out.extend([0xFF, 0xE1]);
        out.extend(length.to_be_bytes());
        out.extend(segment);
        out.extend(&jpeg[2..]);
        out
    }

    #[test]
    fn metadata_is_gone_and_the_picture_stands_upright() {
        let upload = with_gps_exif(&jpeg_of(40, 20));
        assert!(upload.windows(4).any(|w| w == b"Exif"));
        let picture = reencode(&upload, Bucket::PostMedia, LIMITS).expect("accepted");
        // Orientation 6 turns a 40 × 20 landscape into a 20 × 40 portrait.
        assert_eq!((picture.width, picture.height), (20, 40));
        for variant in &picture.variants {
            assert!(!variant.jpeg.windows(4).any(|w| w == b"Exif"), "EXIF kept");
            assert!(
                !variant
                    .jpeg
                    .windows(8)
                    .any(|w| w == [52, 0, 0, 0, 1, 0, 0, 0]),
                "GPS kept"
            );
            assert_eq!(ImageKind::sniff(&variant.jpeg), Some(ImageKind::Jpeg));
        }
    }

    #[test]
    fn sizes_are_kept_largest_first_and_never_enlarged() {
        let picture = reencode(&jpeg_of(3000, 1500), Bucket::PostMedia, LIMITS).expect("ok");
        let sizes: Vec<_> = picture
            .variants
            .iter()
            .map(|v| (v.size, v.width, v.height))
            .collect();
        assert_eq!(
            sizes,
            vec![(2048, 2048, 1024), (1024, 1024, 512), (480, 480, 240)]
        );
        let small = reencode(&jpeg_of(300, 200), Bucket::PostMedia, LIMITS).expect("ok");
        assert!(
            small
                .variants
                .iter()
                .all(|v| (v.width, v.height) == (300, 200))
        );
    }

    #[test]
    fn avatars_are_centred_squares() {
        let picture = reencode(&jpeg_of(400, 200), Bucket::Avatars, LIMITS).expect("ok");
        let sizes: Vec<_> = picture
            .variants
            .iter()
            .map(|v| (v.width, v.height))
            .collect();
        assert_eq!(sizes, vec![(256, 256), (128, 128), (64, 64)]);
    }

    #[test]
    fn transparency_is_laid_on_white() {
        let rgba = RgbaImage::from_pixel(8, 8, Rgba([0, 0, 0, 0]));
        let mut png = Vec::new();
        PngEncoder::new(&mut png)
            .write_image(rgba.as_raw(), 8, 8, image::ExtendedColorType::Rgba8)
            .expect("png");
        let picture = reencode(&png, Bucket::PostMedia, LIMITS).expect("ok");
        let decoded = image::load_from_memory(&picture.variants[0].jpeg)
            .expect("decodes")
            .to_rgb8();
        assert!(decoded.pixels().all(|p| p.0.iter().all(|&c| c > 240)));
    }

    #[test]
    fn bad_input_is_refused_in_words() {
        assert_eq!(
            reencode(b"", Bucket::Avatars, LIMITS).err(),
            Some(UploadRefusal::Empty)
        );
        assert_eq!(
            reencode(b"<svg onload=alert(1)>", Bucket::Avatars, LIMITS).err(),
            Some(UploadRefusal::NotAnImage)
        );
        let whole = jpeg_of(64, 64);
        assert_eq!(
            reencode(&whole[..whole.len() / 3], Bucket::Avatars, LIMITS).err(),
            Some(UploadRefusal::Unreadable)
        );
        // The pixel count is read from the header: a 30,000 × 30,000 PNG header is refused
        // without allocating its 3.6 GB of pixels.
        let mut flood = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        flood.extend(30_000u32.to_be_bytes());
        flood.extend(30_000u32.to_be_bytes());
        flood.extend([8, 2, 0, 0, 0]);
        let crc = crc32(&flood[12..]);
        flood.extend(crc.to_be_bytes());
        assert!(matches!(
            reencode(&flood, Bucket::PostMedia, LIMITS).err(),
            Some(UploadRefusal::TooManyPixels { .. })
        ));
    }

    #[test]
    fn a_polyglot_keeps_its_pixels_and_loses_its_script() {
        let mut polyglot = jpeg_of(32, 32);
        polyglot.extend(b"<html><script>alert(document.cookie)</script></html>");
        let picture = reencode(&polyglot, Bucket::PostMedia, LIMITS).expect("pixels are fine");
        for variant in &picture.variants {
            assert!(!variant.jpeg.windows(7).any(|w| w == b"<script"));
        }
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
