//! Live updates over `/realtime`, with PostgreSQL as the bus between instances.
//!
//! Every community write records a domain event in its own transaction and announces it
//! with NOTIFY (migrations 0014, 0020). Each instance's one LISTEN connection
//! (`server::db::listener`) hands each announced event to this instance's [`hub::Hub`],
//! which sends a small frame (kind and ids, never content or who acted) to every socket
//! subscribed to the post or circle, and asks the notifier to push fresh unread counts to
//! members who were told something. Pages fetch what they show as the reader, so Row Level
//! Security decides every word on every instance, and channels are authorised as the
//! subscriber when subscribed ([`access`]). After the listener reconnects it replays from
//! `app.events`; a page that was away sends the last event id it saw and is replayed to
//! (or told to reload when too much happened).

pub mod access;
pub mod hub;
pub mod presence;
pub mod socket;

use crate::server::{config::RealtimeSettings, events::Event};
use hub::{Hub, HubLimits, Refusal};
use sqlx::PgPool;
use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

/// The instance's live side: its hub, its limits and what it counts for `/metrics`.
pub struct Realtime {
    pub hub: Arc<Hub>,
    /// Readers per post across instances ("3 reading now").
    pub presence: presence::Presence,
    pub settings: RealtimeSettings,
    pool: PgPool,
    refused: AtomicU64,
    opened: AtomicU64,
    closed_revoked: AtomicU64,
}

/// Counters for `/metrics`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealtimeCounts {
    pub refused: u64,
    pub opened: u64,
    pub closed_revoked: u64,
}

impl Realtime {
    pub fn new(settings: RealtimeSettings, pool: PgPool) -> Self {
        Self {
            hub: Arc::new(Hub::new(HubLimits {
                sockets_per_member: settings.sockets_per_member,
                sockets_per_ip: settings.sockets_per_ip,
                subscriptions_per_socket: settings.subscriptions_per_socket,
            })),
            presence: presence::Presence::new(),
            settings,
            pool,
            refused: AtomicU64::new(0),
            opened: AtomicU64::new(0),
            closed_revoked: AtomicU64::new(0),
        }
    }

    /// One committed event, from the listener: fan it out, then push unread counts to
    /// members on this instance who were told something (off the listener's task, so a slow
    /// count never delays the next event).
    pub fn publish(&self, event: &Event) {
        let published = self.hub.publish(event);
        for member in published.unread_changed {
            let hub = self.hub.clone();
            let pool = self.pool.clone();
            tokio::spawn(async move {
                match access::unread(&pool, member).await {
                    Ok(count) => hub.send_to_member(
                        member,
                        &crate::domain::realtime::ServerFrame::Unread { count },
                    ),
                    Err(error) => tracing::warn!(%error, "could not count unread notifications"),
                }
            });
        }
    }

    /// A presence announcement heard by the listener (from any instance).
    pub fn presence_heard(&self, payload: &str) {
        let posts = self.presence.heard(payload);
        self.presence.send_changes(&self.hub, &posts);
    }

    /// The newest event this instance has published (where a replay starts).
    pub fn last_event(&self) -> i64 {
        self.hub.last_event()
    }

    pub fn close_all(&self) {
        self.hub.close_all();
    }

    /// A notice on `wellspring_flags` (`services::flags`): live updates were paused (every
    /// open socket is closed, saying why) or turned on again.
    pub fn flags_heard(&self, payload: &str) {
        match serde_json::from_str::<serde_json::Value>(payload)
            .ok()
            .and_then(|notice| {
                notice
                    .get("live_updates")
                    .and_then(serde_json::Value::as_bool)
            }) {
            Some(false) => {
                tracing::info!("live updates paused by an admin: closing every socket");
                self.hub.pause();
            }
            Some(true) => self.hub.resume(),
            None => tracing::warn!(payload, "ignored a flags notice"),
        }
    }

    fn live_paused(&self) -> bool {
        self.hub.is_paused()
    }

    fn hub_is_closing(&self) -> bool {
        self.hub.is_closing()
    }

    fn refused(&self, _why: Refusal) {
        self.refused.fetch_add(1, Ordering::Relaxed);
    }

    fn opened(&self) {
        self.opened.fetch_add(1, Ordering::Relaxed);
    }

    fn closed(&self, code: u16) {
        if code == socket::close_code::SESSION_ENDED {
            self.closed_revoked.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn counts(&self) -> RealtimeCounts {
        RealtimeCounts {
            refused: self.refused.load(Ordering::Relaxed),
            opened: self.opened.load(Ordering::Relaxed),
            closed_revoked: self.closed_revoked.load(Ordering::Relaxed),
        }
    }
}
