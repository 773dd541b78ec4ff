//! Members' pictures: uploads streamed in with a size cap, sniffed by their first bytes,
//! decoded under a pixel cap and re-encoded off the async threads (metadata stripped,
//! rotated upright, resized to the sizes kept), stored under keys the server makes, and
//! served with headers that keep a picture from ever acting as a page. Which rows a caller
//! may read is Row Level Security's decision (migration 0034); the store only holds bytes.

pub mod deletions;
pub mod picture;
pub mod serving;
pub mod signed;
pub mod store;
pub mod uploads;

use crate::server::config::MediaSettings;
use object_store::ObjectStore;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// What the media handlers share: the store, the limits, and the bound on re-encoding.
pub struct Media {
    pub store: Arc<dyn ObjectStore>,
    pub settings: MediaSettings,
    /// Pictures decoded at once, process-wide (`media.reencode_slots`).
    pub reencoding: Semaphore,
    /// Signs private pictures' addresses (derived from the JWT secret under its own label).
    pub signer: signed::UrlSigner,
}

impl Media {
    pub fn new(settings: MediaSettings, jwt_secret: &[u8]) -> anyhow::Result<Self> {
        let store = store::open(&settings)?;
        Ok(Self::with_store(store, settings, jwt_secret))
    }

    pub fn with_store(
        store: Arc<dyn ObjectStore>,
        settings: MediaSettings,
        jwt_secret: &[u8],
    ) -> Self {
        let slots = match settings.reencode_slots {
            0 => std::thread::available_parallelism()
                .map(|n| (n.get() / 2).max(1))
                .unwrap_or(1),
            n => n,
        };
        Self {
            store,
            reencoding: Semaphore::new(slots),
            signer: signed::UrlSigner::new(jwt_secret),
            settings,
        }
    }

    pub fn limits(&self) -> picture::PixelLimits {
        picture::PixelLimits {
            max_pixels: self.settings.max_megapixels.saturating_mul(1_000_000),
        }
    }
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Media")
            .field("store", &self.store.to_string())
            .finish()
    }
}
