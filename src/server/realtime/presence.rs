//! "3 reading now": how many sockets follow a post, across every instance.
//!
//! Each instance knows its own sockets. Once a second it announces the counts that changed
//! (and every ten seconds all of them) on `wellspring_presence`; every instance, itself
//! included, hears the announcements through its listener and keeps each instance's figure
//! per post. An instance that stops announcing (it crashed) drops out after
//! [`STALE_AFTER`]. When a post's total changes, its subscribers are sent the new figure.
//! Counts are of sockets, visitors included, never of who: nothing about a reader leaves
//! their instance but a number.

use super::hub::Hub;
use crate::domain::realtime::{Channel, ServerFrame};
use sqlx::PgPool;
use std::{
    collections::{HashMap, HashSet},
    sync::Mutex,
    time::{Duration, Instant},
};
use uuid::Uuid;

/// The channel presence is announced on.
pub const CHANNEL: &str = "wellspring_presence";
/// How often changes are announced.
pub const TICK: Duration = Duration::from_secs(1);
/// How often every count is announced again, changed or not.
const REFRESH_EVERY: u32 = 10;
/// An instance not heard from for this long no longer counts.
pub const STALE_AFTER: Duration = Duration::from_secs(25);
/// Posts per announcement, to stay well under NOTIFY's 8,000-byte payload.
const PER_NOTICE: usize = 300;

#[derive(Default)]
struct Figures {
    /// (instance, post) → (sockets, when heard).
    heard: HashMap<(Uuid, i64), (usize, Instant)>,
    /// Each post's total as last sent to its subscribers.
    sent: HashMap<i64, usize>,
    /// This instance's counts as last announced.
    announced: HashMap<i64, usize>,
    ticks: u32,
}

pub struct Presence {
    pub instance: Uuid,
    figures: Mutex<Figures>,
}

impl Default for Presence {
    fn default() -> Self {
        Self::new()
    }
}

impl Presence {
    pub fn new() -> Self {
        Self {
            instance: Uuid::new_v4(),
            figures: Mutex::new(Figures::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Figures> {
        self.figures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The announcements to send now: this instance's counts that changed since the last
    /// tick (zeros included, so others forget them), or all of them every tenth tick.
    pub fn due_announcements(&self, local: &HashMap<i64, usize>) -> Vec<String> {
        let mut figures = self.lock();
        figures.ticks = figures.ticks.wrapping_add(1);
        let everything = figures.ticks.is_multiple_of(REFRESH_EVERY);
        let mut changed: Vec<(i64, usize)> = local
            .iter()
            .filter(|(post, count)| everything || figures.announced.get(post) != Some(count))
            .map(|(post, count)| (*post, *count))
            .collect();
        for post in figures.announced.keys() {
            if !local.contains_key(post) {
                changed.push((*post, 0));
            }
        }
        figures.announced = local.clone();
        changed.sort_unstable();
        changed
            .chunks(PER_NOTICE)
            .map(|chunk| {
                let pairs: Vec<String> = chunk.iter().map(|(p, c)| format!("[{p},{c}]")).collect();
                format!(r#"{{"i":"{}","c":[{}]}}"#, self.instance, pairs.join(","))
            })
            .collect()
    }

    /// An announcement heard (from any instance, this one included); returns the posts whose
    /// total may have changed.
    pub fn heard(&self, payload: &str) -> Vec<i64> {
        #[derive(serde::Deserialize)]
        struct Announced {
            i: Uuid,
            c: Vec<(i64, usize)>,
        }
        let Ok(announced) = serde_json::from_str::<Announced>(payload) else {
            return Vec::new();
        };
        let now = Instant::now();
        let mut figures = self.lock();
        let mut posts = Vec::with_capacity(announced.c.len());
        for (post, count) in announced.c {
            if count == 0 {
                figures.heard.remove(&(announced.i, post));
            } else {
                figures.heard.insert((announced.i, post), (count, now));
            }
            posts.push(post);
        }
        posts
    }

    /// Forgets instances gone quiet; returns the posts they counted towards.
    pub fn expire(&self) -> Vec<i64> {
        let now = Instant::now();
        let mut figures = self.lock();
        let mut posts = HashSet::new();
        figures.heard.retain(|(_, post), (_, at)| {
            let fresh = now.duration_since(*at) < STALE_AFTER;
            if !fresh {
                posts.insert(*post);
            }
            fresh
        });
        posts.into_iter().collect()
    }

    /// A post's readers across instances: every other instance as last heard, this one as it
    /// is now (so a new subscriber counts at once).
    pub fn total(&self, post: i64, local_now: usize) -> usize {
        let figures = self.lock();
        figures
            .heard
            .iter()
            .filter(|((instance, p), _)| *p == post && *instance != self.instance)
            .map(|(_, (count, _))| *count)
            .sum::<usize>()
            + local_now
    }

    /// Sends each post's total to its subscribers here when it differs from what they were
    /// last sent.
    pub fn send_changes(&self, hub: &Hub, posts: &[i64]) {
        for post in posts {
            let local = hub.local_readers(*post);
            let total = self.total(*post, local);
            let changed = {
                let mut figures = self.lock();
                let before = figures.sent.insert(*post, total);
                if local == 0 {
                    figures.sent.remove(post);
                }
                before != Some(total)
            };
            if changed && local > 0 {
                hub.send_to(
                    Channel::Post(*post),
                    &ServerFrame::Presence {
                        channel: Channel::Post(*post).name(),
                        count: total as i64,
                    },
                );
            }
        }
    }
}

/// Announces this instance's counts once a second until shutdown, and expires instances
/// that went quiet.
pub fn spawn(
    supervisor: &crate::server::supervisor::Supervisor,
    pool: PgPool,
    realtime: std::sync::Arc<super::Realtime>,
) {
    let stop = supervisor.stop_token();
    supervisor.spawn("presence", async move {
        let mut tick = tokio::time::interval(TICK);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                _ = tick.tick() => {}
            }
            let local = realtime.hub.post_readers();
            for payload in realtime.presence.due_announcements(&local) {
                if let Err(error) = sqlx::query("select pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(&payload)
                    .execute(&pool)
                    .await
                {
                    tracing::debug!(%error, "could not announce presence");
                }
            }
            let gone = realtime.presence.expire();
            realtime.presence.send_changes(&realtime.hub, &gone);
            // Sockets that came or went here since the last tick: their posts' totals.
            let local_posts: Vec<i64> = local.keys().copied().collect();
            realtime.presence.send_changes(&realtime.hub, &local_posts);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_add_instances_and_forget_the_quiet_ones() {
        let here = Presence::new();
        let other = Uuid::new_v4();
        here.heard(&format!(r#"{{"i":"{other}","c":[[7,3],[8,1]]}}"#));
        assert_eq!(here.total(7, 2), 5);
        here.heard(&format!(r#"{{"i":"{other}","c":[[7,0]]}}"#));
        assert_eq!(here.total(7, 2), 2, "a zero forgets");
        // Its own announcements are not counted twice.
        here.heard(&format!(r#"{{"i":"{}","c":[[7,2]]}}"#, here.instance));
        assert_eq!(here.total(7, 2), 2);
        assert!(here.heard("not json").is_empty());
    }

    #[test]
    fn only_changes_are_announced_until_the_refresh() {
        let here = Presence::new();
        let local = HashMap::from([(7, 2)]);
        assert_eq!(here.due_announcements(&local).len(), 1);
        assert!(here.due_announcements(&local).is_empty(), "nothing changed");
        let gone = HashMap::new();
        let announced = here.due_announcements(&gone);
        assert!(announced[0].contains("[7,0]"), "{announced:?}");
    }
}
