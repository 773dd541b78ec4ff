//! Members' pictures: which bucket a picture lives in, what kinds of file are accepted (told
//! by their first bytes, never by a name or a browser's word), the sizes kept of each, and
//! why an upload was refused, in words a member can act on.

use serde::{Deserialize, Serialize};

/// Where an upload lives, which decides who may read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Bucket {
    /// Profile pictures: anyone may see them, as they see the name beside them.
    Avatars,
    /// Pictures in posts and replies: whoever may read the post (Row Level Security decides).
    PostMedia,
    /// The owner's alone, served only through short-lived signed addresses.
    Private,
}

impl Bucket {
    pub const ALL: [Bucket; 3] = [Bucket::Avatars, Bucket::PostMedia, Bucket::Private];

    /// The name in addresses, in the store's keys and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Avatars => "avatars",
            Bucket::PostMedia => "post-media",
            Bucket::Private => "private",
        }
    }

    pub fn parse(name: &str) -> Option<Bucket> {
        Bucket::ALL
            .into_iter()
            .find(|bucket| bucket.as_str() == name)
    }

    /// The sizes kept of each picture (the longest side, or the square's side for avatars),
    /// largest first. The original bytes are never kept or served.
    pub fn variants(self) -> &'static [u32] {
        match self {
            Bucket::Avatars => &AVATAR_SIZES,
            Bucket::PostMedia | Bucket::Private => &PICTURE_SIZES,
        }
    }

    /// Whether each variant is cropped to a centred square (profile pictures are round).
    pub fn square(self) -> bool {
        matches!(self, Bucket::Avatars)
    }
}

/// Profile pictures: 256 for the profile page (128 CSS pixels at 2×), 128 and 64 for lists.
pub const AVATAR_SIZES: [u32; 3] = [256, 128, 64];
/// Pictures in posts: the longest side of each variant, for `srcset`.
pub const PICTURE_SIZES: [u32; 3] = [2048, 1024, 480];

/// A picture's address without the size, e.g. `/media/avatars/<id>`: pages add the sizes
/// they want (`srcset`).
pub fn picture_path(bucket: Bucket, id: impl std::fmt::Display) -> String {
    format!("/media/{}/{id}", bucket.as_str())
}

/// The address of one variant of a picture, e.g. `/media/avatars/<id>/64`.
pub fn media_path(bucket: Bucket, id: &str, size: u32) -> String {
    format!("{}/{size}", picture_path(bucket, id))
}

/// One upload as the admins' list shows it (`/admin/uploads`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadRow {
    pub id: String,
    /// `avatars`, `post-media` or `private`.
    pub bucket: String,
    /// A small size's address to show; `None` for private pictures (never shown here).
    pub thumbnail: Option<String>,
    /// `@handle`, or "a deleted account".
    pub uploader: String,
    pub size_label: String,
    pub dimensions: String,
    pub uploaded_label: String,
    pub alt: String,
    /// The post it belongs to, if any.
    pub post_path: Option<String>,
}

/// A page of the admins' uploads list, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadsPage {
    pub rows: Vec<UploadRow>,
    /// The cursor for the next (older) page.
    pub older: Option<String>,
}

/// Bytes for people: "812 KB", "3.4 MB".
pub fn size_label(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

/// The image formats accepted, known by their magic bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Gif,
    WebP,
}

impl ImageKind {
    /// How many leading bytes [`ImageKind::sniff`] needs to decide.
    pub const SNIFF_LEN: usize = 12;

    /// What the first bytes of a file say it is. Only these four kinds are accepted: SVG,
    /// HTML and every other format are refused whatever the file is called.
    pub fn sniff(head: &[u8]) -> Option<ImageKind> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageKind::Png)
        } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
            Some(ImageKind::Gif)
        } else if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
            Some(ImageKind::WebP)
        } else {
            None
        }
    }
}

/// Why an upload was refused. Each has a short code (for the address a plain form is sent
/// back to, so no free text is ever reflected into a page) and a sentence for the member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UploadRefusal {
    Empty,
    TooLarge {
        limit_mb: u64,
    },
    NotAnImage,
    TooManyPixels {
        limit_megapixels: u64,
    },
    Unreadable,
    NoFile,
    RateLimited,
    QuotaFull {
        quota_mb: u64,
    },
    UploadsOff,
    /// A picture in a post needs words for members who cannot see it.
    NoDescription,
    DescriptionTooLong,
    /// A member in their first days is over the day's pictures (issue 15's new-member caps).
    NewMemberPictures {
        per_day: i64,
        days: i64,
    },
}

/// The longest description (alt text) a picture may have.
pub const MAX_DESCRIPTION: usize = 500;

impl UploadRefusal {
    pub fn code(self) -> &'static str {
        match self {
            UploadRefusal::Empty => "empty",
            UploadRefusal::TooLarge { .. } => "too-large",
            UploadRefusal::NotAnImage => "not-an-image",
            UploadRefusal::TooManyPixels { .. } => "too-many-pixels",
            UploadRefusal::Unreadable => "unreadable",
            UploadRefusal::NoFile => "no-file",
            UploadRefusal::RateLimited => "rate-limited",
            UploadRefusal::QuotaFull { .. } => "quota-full",
            UploadRefusal::UploadsOff => "uploads-off",
            UploadRefusal::NoDescription => "no-description",
            UploadRefusal::DescriptionTooLong => "description-too-long",
            UploadRefusal::NewMemberPictures { .. } => "new-member-pictures",
        }
    }

    /// The sentence for a code carried back to a page; figures in it are the defaults' when
    /// the code alone came back (a plain form), the configured ones otherwise.
    pub fn from_code(code: &str) -> Option<UploadRefusal> {
        Some(match code {
            "empty" => UploadRefusal::Empty,
            "too-large" => UploadRefusal::TooLarge { limit_mb: 0 },
            "not-an-image" => UploadRefusal::NotAnImage,
            "too-many-pixels" => UploadRefusal::TooManyPixels {
                limit_megapixels: 0,
            },
            "unreadable" => UploadRefusal::Unreadable,
            "no-file" => UploadRefusal::NoFile,
            "rate-limited" => UploadRefusal::RateLimited,
            "quota-full" => UploadRefusal::QuotaFull { quota_mb: 0 },
            "uploads-off" => UploadRefusal::UploadsOff,
            "no-description" => UploadRefusal::NoDescription,
            "description-too-long" => UploadRefusal::DescriptionTooLong,
            "new-member-pictures" => UploadRefusal::NewMemberPictures {
                per_day: 0,
                days: 0,
            },
            _ => return None,
        })
    }

    /// The HTTP status an upload refused for this reason answers with.
    pub fn status_code(self) -> u16 {
        match self {
            UploadRefusal::TooLarge { .. } => 413,
            UploadRefusal::NotAnImage => 415,
            UploadRefusal::RateLimited | UploadRefusal::NewMemberPictures { .. } => 429,
            UploadRefusal::UploadsOff => 503,
            _ => 400,
        }
    }

    pub fn message(self) -> String {
        let limit = |figure: u64, unit: &str| {
            if figure == 0 {
                String::new()
            } else {
                format!(" (the limit is {figure} {unit})")
            }
        };
        match self {
            UploadRefusal::Empty => "That file is empty. Please choose a photo.".to_owned(),
            UploadRefusal::TooLarge { limit_mb } => format!(
                "That file is too large{}. Please choose a smaller photo.",
                limit(limit_mb, "MB")
            ),
            UploadRefusal::NotAnImage => {
                "That file isn't a picture we can take. Please choose a JPEG, PNG, GIF or WebP image."
                    .to_owned()
            }
            UploadRefusal::TooManyPixels { limit_megapixels } => format!(
                "That picture has too many pixels{}. Please choose a smaller one.",
                limit(limit_megapixels, "megapixels")
            ),
            UploadRefusal::Unreadable => {
                "We couldn't read that picture: it may be damaged or cut short. Please try another."
                    .to_owned()
            }
            UploadRefusal::NoFile => "Please choose a photo first.".to_owned(),
            UploadRefusal::RateLimited => {
                "You've uploaded a lot of pictures in the last hour. Please wait a while and try again."
                    .to_owned()
            }
            UploadRefusal::QuotaFull { quota_mb } => format!(
                "Your pictures have used all the space a member has{}. Remove some you no longer need and try again.",
                limit(quota_mb, "MB")
            ),
            UploadRefusal::UploadsOff => {
                "Picture uploads are turned off for now. Please try again later.".to_owned()
            }
            UploadRefusal::NoDescription => {
                "Please describe the picture in a few words, for members who use a screen reader."
                    .to_owned()
            }
            UploadRefusal::DescriptionTooLong => format!(
                "Please keep the description under {MAX_DESCRIPTION} characters."
            ),
            UploadRefusal::NewMemberPictures { per_day, days } => {
                if per_day == 0 {
                    "In your first days here, the number of pictures a day is limited. This keeps new accounts from being used for spam; please try again tomorrow.".to_owned()
                } else {
                    let pictures = if per_day == 1 { "picture" } else { "pictures" };
                    format!(
                        "In your first {days} days here, you can add up to {per_day} {pictures} a day. This keeps new accounts from being used for spam; please try again tomorrow."
                    )
                }
            }
        }
    }
}

/// The sentence for a code an upload form was sent back with: a refusal's, or one of the
/// two failures that are not the file's fault. Unknown codes say nothing.
pub fn upload_problem(code: &str) -> Option<String> {
    match code {
        "restricted" => Some(
            "Your account can't change its picture right now. Your notifications say why."
                .to_owned(),
        ),
        "full" => {
            Some("A post or reply can hold up to 4 pictures. Remove one to add another.".to_owned())
        }
        "failed" => Some(
            "Something went wrong on our side while saving your picture. Please try again."
                .to_owned(),
        ),
        _ => UploadRefusal::from_code(code).map(UploadRefusal::message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_trusts_the_bytes_not_the_name() {
        assert_eq!(
            ImageKind::sniff(b"\xFF\xD8\xFF\xE0rest"),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(
            ImageKind::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(ImageKind::Png)
        );
        assert_eq!(ImageKind::sniff(b"GIF89a......"), Some(ImageKind::Gif));
        assert_eq!(
            ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageKind::WebP)
        );
        // A RIFF that is not WebP (a WAV), SVG, HTML and nothing at all are refused.
        assert_eq!(ImageKind::sniff(b"RIFF\0\0\0\0WAVEfmt "), None);
        assert_eq!(ImageKind::sniff(b"<svg xmlns="), None);
        assert_eq!(ImageKind::sniff(b"<!doctype html><script>"), None);
        assert_eq!(ImageKind::sniff(b""), None);
        assert_eq!(ImageKind::sniff(b"\xFF\xD8"), None);
    }

    #[test]
    fn every_refusal_code_reads_back() {
        for refusal in [
            UploadRefusal::Empty,
            UploadRefusal::TooLarge { limit_mb: 0 },
            UploadRefusal::NotAnImage,
            UploadRefusal::TooManyPixels {
                limit_megapixels: 0,
            },
            UploadRefusal::Unreadable,
            UploadRefusal::NoFile,
            UploadRefusal::RateLimited,
            UploadRefusal::QuotaFull { quota_mb: 0 },
            UploadRefusal::UploadsOff,
            UploadRefusal::NoDescription,
            UploadRefusal::DescriptionTooLong,
            UploadRefusal::NewMemberPictures {
                per_day: 0,
                days: 0,
            },
        ] {
            assert_eq!(UploadRefusal::from_code(refusal.code()), Some(refusal));
        }
        assert_eq!(UploadRefusal::from_code("<script>"), None);
        assert!(
            UploadRefusal::TooLarge { limit_mb: 10 }
                .message()
                .contains("10 MB")
        );
    }

    #[test]
    fn buckets_round_trip_their_names() {
        for bucket in Bucket::ALL {
            assert_eq!(Bucket::parse(bucket.as_str()), Some(bucket));
        }
        assert_eq!(Bucket::parse("../avatars"), None);
        assert_eq!(
            media_path(Bucket::Avatars, "abc", 64),
            "/media/avatars/abc/64"
        );
    }
}
