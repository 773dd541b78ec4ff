//! The instance's hub: which socket hears which channel, and the fan-out of each event.
//!
//! The listener hands every committed event here once (`publish`); the hub turns it into one
//! frame per channel, serialised once, and offers it to each subscribed socket's bounded
//! queue. A socket whose queue is full is a slow consumer: it is closed (the client
//! reconnects and resumes from its last event id) rather than allowed to grow memory.
//! Nothing here touches the database; deciding who may subscribe and counting unread
//! notifications is the socket's and the notifier's work.

use crate::domain::realtime::{Channel, ServerFrame};
use crate::server::events::Event;
use std::{
    collections::{HashMap, HashSet, VecDeque},
    net::IpAddr,
    sync::{Arc, Mutex, MutexGuard},
};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// A frame ready to send, shared by every socket it goes to.
pub type Outgoing = Arc<str>;

/// Ids of recently published events kept to drop repeats (a replay after the listener
/// reconnects overlaps what was already heard).
const RECENT: usize = 4096;

/// The limits a socket is held to (`realtime.*` settings).
#[derive(Clone, Copy, Debug)]
pub struct HubLimits {
    pub sockets_per_member: usize,
    pub sockets_per_ip: usize,
    pub subscriptions_per_socket: usize,
}

/// Why a socket was not let in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    TooManyForMember,
    TooManyForAddress,
    ShuttingDown,
}

/// One open socket, as the hub knows it.
struct SocketEntry {
    sender: mpsc::Sender<Outgoing>,
    member: Option<Uuid>,
    ip: IpAddr,
    /// Each subscription with the circle it lives in (for a post or a circle), so leaving a
    /// private circle drops what the member no longer may hear.
    channels: HashMap<Channel, Option<i64>>,
    /// For the `site` channel: the circles this socket may read, as they were when it
    /// subscribed; a new post elsewhere is not its news.
    site_circles: HashSet<i64>,
    close: CancellationToken,
}

#[derive(Default)]
struct HubState {
    next_id: u64,
    sockets: HashMap<u64, SocketEntry>,
    channels: HashMap<Channel, HashSet<u64>>,
    members: HashMap<Uuid, HashSet<u64>>,
    per_ip: HashMap<IpAddr, usize>,
    last_event: i64,
    recent: VecDeque<i64>,
    recent_set: HashSet<i64>,
    slow_dropped: u64,
    frames_sent: u64,
}

/// What `publish` found to do beyond sending frames: members whose unread count changed,
/// for the notifier to count and push.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Published {
    pub unread_changed: Vec<Uuid>,
}

pub struct Hub {
    state: Mutex<HubState>,
    limits: HubLimits,
    /// Cancelled at shutdown: every socket says goodbye.
    shutdown: CancellationToken,
    /// Admins paused live updates (the `live_updates` flag): open sockets were closed and
    /// new ones are refused until they are on again.
    paused: std::sync::atomic::AtomicBool,
}

/// A socket's registration: its id and what it listens to.
pub struct Registration {
    pub id: u64,
    pub receiver: mpsc::Receiver<Outgoing>,
    pub close: CancellationToken,
}

/// Figures for `/metrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HubFigures {
    pub sockets: usize,
    pub subscriptions: usize,
    pub frames_sent: u64,
    pub slow_dropped: u64,
    pub last_event: i64,
}

impl Hub {
    pub fn new(limits: HubLimits) -> Self {
        Self {
            state: Mutex::new(HubState::default()),
            limits,
            shutdown: CancellationToken::new(),
            paused: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HubState> {
        // A panic while holding the lock leaves plain maps behind; carry on with them.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Lets a socket in, within the per-member and per-address limits.
    pub fn register(
        &self,
        member: Option<Uuid>,
        ip: IpAddr,
        queue: usize,
    ) -> Result<Registration, Refusal> {
        if self.shutdown.is_cancelled() {
            return Err(Refusal::ShuttingDown);
        }
        let mut state = self.lock();
        if let Some(member) = member
            && state.members.get(&member).map_or(0, HashSet::len) >= self.limits.sockets_per_member
        {
            return Err(Refusal::TooManyForMember);
        }
        if state.per_ip.get(&ip).copied().unwrap_or(0) >= self.limits.sockets_per_ip {
            return Err(Refusal::TooManyForAddress);
        }
        state.next_id += 1;
        let id = state.next_id;
        let (sender, receiver) = mpsc::channel(queue.max(1));
        let close = self.shutdown.child_token();
        state.sockets.insert(
            id,
            SocketEntry {
                sender,
                member,
                ip,
                channels: HashMap::new(),
                site_circles: HashSet::new(),
                close: close.clone(),
            },
        );
        if let Some(member) = member {
            state.members.entry(member).or_default().insert(id);
        }
        *state.per_ip.entry(ip).or_default() += 1;
        Ok(Registration {
            id,
            receiver,
            close,
        })
    }

    /// Forgets a socket and its subscriptions.
    pub fn unregister(&self, id: u64) {
        let mut state = self.lock();
        let Some(entry) = state.sockets.remove(&id) else {
            return;
        };
        for channel in entry.channels.keys() {
            if let Some(set) = state.channels.get_mut(channel) {
                set.remove(&id);
                if set.is_empty() {
                    state.channels.remove(channel);
                }
            }
        }
        if let Some(member) = entry.member
            && let Some(set) = state.members.get_mut(&member)
        {
            set.remove(&id);
            if set.is_empty() {
                state.members.remove(&member);
            }
        }
        if let Some(count) = state.per_ip.get_mut(&entry.ip) {
            *count -= 1;
            if *count == 0 {
                state.per_ip.remove(&entry.ip);
            }
        }
    }

    /// Adds an authorised subscription; `false` when the socket already holds its limit.
    pub fn subscribe(&self, id: u64, channel: Channel, circle: Option<i64>) -> bool {
        let mut state = self.lock();
        let Some(entry) = state.sockets.get_mut(&id) else {
            return false;
        };
        if !entry.channels.contains_key(&channel)
            && entry.channels.len() >= self.limits.subscriptions_per_socket
        {
            return false;
        }
        entry.channels.insert(channel, circle);
        state.channels.entry(channel).or_default().insert(id);
        true
    }

    /// Subscribes to `site`, hearing new posts in `circles` only.
    pub fn subscribe_site(&self, id: u64, circles: HashSet<i64>) -> bool {
        if !self.subscribe(id, Channel::Site, None) {
            return false;
        }
        if let Some(entry) = self.lock().sockets.get_mut(&id) {
            entry.site_circles = circles;
        }
        true
    }

    pub fn unsubscribe(&self, id: u64, channel: Channel) {
        let mut state = self.lock();
        if let Some(entry) = state.sockets.get_mut(&id) {
            entry.channels.remove(&channel);
        }
        if let Some(set) = state.channels.get_mut(&channel) {
            set.remove(&id);
            if set.is_empty() {
                state.channels.remove(&channel);
            }
        }
    }

    /// Raises the newest event id known (at start, from the table) without publishing.
    pub fn heard_up_to(&self, id: i64) {
        let mut state = self.lock();
        state.last_event = state.last_event.max(id);
    }

    /// The newest event id published so far.
    pub fn last_event(&self) -> i64 {
        self.lock().last_event
    }

    /// Fans one committed event out. Repeats (by id) are dropped, so replaying an
    /// overlapping range after a reconnect sends nothing twice.
    pub fn publish(&self, event: &Event) -> Published {
        let mut state = self.lock();
        if !state.recent_set.insert(event.id) {
            return Published::default();
        }
        state.recent.push_back(event.id);
        if state.recent.len() > RECENT
            && let Some(old) = state.recent.pop_front()
        {
            state.recent_set.remove(&old);
        }
        state.last_event = state.last_event.max(event.id);

        let mut published = Published::default();
        if event.kind == "notification.created" {
            if let Some(member) = event.subject_user_id
                && state.members.contains_key(&member)
            {
                published.unread_changed.push(member);
            }
            return published;
        }
        if matches!(
            event.kind.as_str(),
            "membership.left" | "join_request.withdrawn"
        ) && let (Some(member), Some(circle)) = (event.subject_user_id, event.circle_id)
        {
            forget_circle(&mut state, member, circle);
        }
        let mut targets = Vec::with_capacity(2);
        if let Some(post) = event.post_id
            && (event.kind.starts_with("comment.")
                || event.kind.starts_with("reaction.")
                || event.kind.starts_with("post."))
        {
            targets.push(Channel::Post(post));
        }
        if event.kind == "post.created"
            && let Some(circle) = event.circle_id
        {
            targets.push(Channel::Circle(circle));
            send_to_site(&mut state, circle, event);
        }
        for channel in targets {
            let frame = ServerFrame::Event {
                channel: channel.name(),
                id: event.id,
                kind: event.kind.clone(),
                post: event.post_id,
                comment: event.comment_id,
            };
            send_to_channel(&mut state, channel, &frame);
        }
        published
    }

    /// Sends a frame to every socket of a member (their unread count).
    pub fn send_to_member(&self, member: Uuid, frame: &ServerFrame) {
        let mut state = self.lock();
        let ids: Vec<u64> = state
            .members
            .get(&member)
            .map(|set| set.iter().copied().collect())
            .unwrap_or_default();
        offer_all(&mut state, &ids, frame);
    }

    /// Sends a frame to every socket following `channel` here.
    pub fn send_to(&self, channel: Channel, frame: &ServerFrame) {
        let mut state = self.lock();
        send_to_channel(&mut state, channel, frame);
    }

    /// Sockets here following each post.
    pub fn post_readers(&self) -> HashMap<i64, usize> {
        self.lock()
            .channels
            .iter()
            .filter_map(|(channel, sockets)| match channel {
                Channel::Post(post) if !sockets.is_empty() => Some((*post, sockets.len())),
                _ => None,
            })
            .collect()
    }

    /// Sockets here following one post.
    pub fn local_readers(&self, post: i64) -> usize {
        self.lock()
            .channels
            .get(&Channel::Post(post))
            .map_or(0, HashSet::len)
    }

    /// Whether `member` has an open socket here.
    pub fn has_member(&self, member: Uuid) -> bool {
        self.lock().members.contains_key(&member)
    }

    /// Admins paused live updates: every open socket is closed (each says why) and the hub
    /// remembers it until [`Hub::resume`].
    pub fn pause(&self) {
        self.paused.store(true, std::sync::atomic::Ordering::SeqCst);
        for entry in self.lock().sockets.values() {
            entry.close.cancel();
        }
    }

    /// Live updates are on again.
    pub fn resume(&self) {
        self.paused
            .store(false, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Closes every socket (shutdown).
    pub fn close_all(&self) {
        self.shutdown.cancel();
    }

    pub fn is_closing(&self) -> bool {
        self.shutdown.is_cancelled()
    }

    pub fn figures(&self) -> HubFigures {
        let state = self.lock();
        HubFigures {
            sockets: state.sockets.len(),
            subscriptions: state.sockets.values().map(|s| s.channels.len()).sum(),
            frames_sent: state.frames_sent,
            slow_dropped: state.slow_dropped,
            last_event: state.last_event,
        }
    }
}

fn encode(frame: &ServerFrame) -> Option<Outgoing> {
    serde_json::to_string(frame).ok().map(Arc::from)
}

/// A new post to the `site` sockets that may read its circle.
fn send_to_site(state: &mut HubState, circle: i64, event: &Event) {
    let ids: Vec<u64> = match state.channels.get(&Channel::Site) {
        Some(set) => set
            .iter()
            .copied()
            .filter(|id| {
                state
                    .sockets
                    .get(id)
                    .is_some_and(|entry| entry.site_circles.contains(&circle))
            })
            .collect(),
        None => return,
    };
    let frame = ServerFrame::Event {
        channel: Channel::Site.name(),
        id: event.id,
        kind: event.kind.clone(),
        post: event.post_id,
        comment: None,
    };
    offer_all(state, &ids, &frame);
}

fn send_to_channel(state: &mut HubState, channel: Channel, frame: &ServerFrame) {
    let ids: Vec<u64> = match state.channels.get(&channel) {
        Some(set) => set.iter().copied().collect(),
        None => return,
    };
    offer_all(state, &ids, frame);
}

/// Serialises `frame` once and queues it for each of `ids`.
fn offer_all(state: &mut HubState, ids: &[u64], frame: &ServerFrame) {
    if ids.is_empty() {
        return;
    }
    let Some(text) = encode(frame) else { return };
    for id in ids {
        offer(state, *id, &text);
    }
}

/// Queues a frame for one socket; a full queue closes the socket (slow consumer).
fn offer(state: &mut HubState, id: u64, text: &Outgoing) {
    let Some(entry) = state.sockets.get(&id) else {
        return;
    };
    match entry.sender.try_send(text.clone()) {
        Ok(()) => state.frames_sent += 1,
        Err(mpsc::error::TrySendError::Full(_)) => {
            entry.close.cancel();
            state.slow_dropped += 1;
        }
        Err(mpsc::error::TrySendError::Closed(_)) => {}
    }
}

/// A member left a circle: their sockets stop hearing it and its posts. Leaving a public
/// circle changes nothing they may read, but they subscribed as a member, and the page
/// subscribes again if it still may.
fn forget_circle(state: &mut HubState, member: Uuid, circle: i64) {
    let ids: Vec<u64> = state
        .members
        .get(&member)
        .map(|set| set.iter().copied().collect())
        .unwrap_or_default();
    for id in ids {
        if let Some(entry) = state.sockets.get_mut(&id) {
            entry.site_circles.remove(&circle);
        }
        let dropped: Vec<Channel> = state
            .sockets
            .get(&id)
            .map(|entry| {
                entry
                    .channels
                    .iter()
                    .filter(|(_, c)| **c == Some(circle))
                    .map(|(channel, _)| *channel)
                    .collect()
            })
            .unwrap_or_default();
        for channel in dropped {
            if let Some(entry) = state.sockets.get_mut(&id) {
                entry.channels.remove(&channel);
            }
            if let Some(set) = state.channels.get_mut(&channel) {
                set.remove(&id);
                if set.is_empty() {
                    state.channels.remove(&channel);
                }
            }
            let frame = ServerFrame::Refused {
                channel: channel.name(),
                reason: "You left this circle.".into(),
            };
            offer_all(state, &[id], &frame);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;
    use time::OffsetDateTime;

    fn hub() -> Hub {
        Hub::new(HubLimits {
            sockets_per_member: 2,
            sockets_per_ip: 3,
            subscriptions_per_socket: 2,
        })
    }

    fn event(id: i64, kind: &str, post: Option<i64>, circle: Option<i64>) -> Event {
        Event {
            id,
            kind: kind.into(),
            circle_id: circle,
            post_id: post,
            comment_id: Some(100 + id),
            subject_user_id: None,
            actor_id: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    const IP: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    #[test]
    fn a_reply_reaches_the_posts_subscribers_once_and_nobody_else() {
        let hub = hub();
        let mut reader = hub.register(None, IP, 8).unwrap_or_else(|_| panic!());
        let mut other = hub.register(None, IP, 8).unwrap_or_else(|_| panic!());
        assert!(hub.subscribe(reader.id, Channel::Post(7), Some(1)));
        assert!(hub.subscribe(other.id, Channel::Post(8), Some(1)));
        let reply = event(1, "comment.created", Some(7), Some(1));
        hub.publish(&reply);
        hub.publish(&reply);
        let frame = reader
            .receiver
            .try_recv()
            .map(|f| f.to_string())
            .unwrap_or_default();
        assert_eq!(
            frame,
            r#"{"type":"event","channel":"post:7","id":1,"kind":"comment.created","post":7,"comment":101}"#
        );
        assert!(reader.receiver.try_recv().is_err(), "a repeat is dropped");
        assert!(
            other.receiver.try_recv().is_err(),
            "another post hears nothing"
        );
        assert_eq!(hub.last_event(), 1);
    }

    #[test]
    fn the_site_channel_hears_new_posts_only_in_circles_its_reader_may_read() {
        let hub = hub();
        let mut reader = hub.register(None, IP, 8).unwrap_or_else(|_| panic!());
        assert!(hub.subscribe_site(reader.id, HashSet::from([1, 2])));
        hub.publish(&event(1, "post.created", Some(10), Some(9)));
        assert!(
            reader.receiver.try_recv().is_err(),
            "a private circle's post is not news here"
        );
        hub.publish(&event(2, "post.created", Some(11), Some(2)));
        let frame = reader
            .receiver
            .try_recv()
            .map(|f| f.to_string())
            .unwrap_or_default();
        assert!(
            frame.contains(r#""channel":"site""#) && frame.contains(r#""post":11"#),
            "{frame}"
        );
        hub.publish(&event(3, "comment.created", Some(11), Some(2)));
        assert!(
            reader.receiver.try_recv().is_err(),
            "replies are not site news"
        );
    }

    #[test]
    fn a_slow_consumer_is_closed_not_buffered() {
        let hub = hub();
        let reader = hub.register(None, IP, 2).unwrap_or_else(|_| panic!());
        hub.subscribe(reader.id, Channel::Post(7), None);
        for id in 1..=3 {
            hub.publish(&event(id, "reaction.added", Some(7), None));
        }
        assert!(reader.close.is_cancelled());
        assert_eq!(hub.figures().slow_dropped, 1);
    }

    #[test]
    fn limits_hold_per_member_per_address_and_per_socket() {
        let hub = hub();
        let member = Uuid::new_v4();
        let first = hub
            .register(Some(member), IP, 1)
            .unwrap_or_else(|_| panic!());
        let _second = hub
            .register(Some(member), IP, 1)
            .unwrap_or_else(|_| panic!());
        assert_eq!(
            hub.register(Some(member), IP, 1).err(),
            Some(Refusal::TooManyForMember)
        );
        let _third = hub.register(None, IP, 1).unwrap_or_else(|_| panic!());
        assert_eq!(
            hub.register(None, IP, 1).err(),
            Some(Refusal::TooManyForAddress)
        );
        assert!(hub.subscribe(first.id, Channel::Post(1), None));
        assert!(hub.subscribe(first.id, Channel::Post(2), None));
        assert!(!hub.subscribe(first.id, Channel::Post(3), None));
        hub.unregister(first.id);
        assert!(
            hub.register(Some(member), IP, 1).is_ok(),
            "a closed socket frees its place"
        );
    }

    #[test]
    fn leaving_a_circle_stops_hearing_it_and_notifications_go_to_the_notifier() {
        let hub = hub();
        let member = Uuid::new_v4();
        let mut socket = hub
            .register(Some(member), IP, 8)
            .unwrap_or_else(|_| panic!());
        hub.subscribe(socket.id, Channel::Post(7), Some(3));
        let mut left = event(1, "membership.left", None, Some(3));
        left.subject_user_id = Some(member);
        hub.publish(&left);
        let frame = socket
            .receiver
            .try_recv()
            .map(|f| f.to_string())
            .unwrap_or_default();
        assert!(frame.contains(r#""type":"refused""#), "{frame}");
        hub.publish(&event(2, "comment.created", Some(7), Some(3)));
        assert!(socket.receiver.try_recv().is_err());

        let mut told = event(3, "notification.created", Some(7), Some(3));
        told.subject_user_id = Some(member);
        assert_eq!(hub.publish(&told).unread_changed, vec![member]);
        told.id = 4;
        told.subject_user_id = Some(Uuid::new_v4());
        assert!(
            hub.publish(&told).unread_changed.is_empty(),
            "nobody here to tell"
        );
    }
}
