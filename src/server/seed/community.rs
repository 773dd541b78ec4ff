//! The demo community, generated deterministically from one seed: members and circles first
//! (small, kept in memory), then posts with their comments, reactions and bookmarks in
//! chunks, so a million comments never sit in memory at once.
//!
//! Counters (comment and reaction counts, last activity) are computed here while each post's
//! conversation is generated, so the rows go in with the values the triggers would have left.

use super::{
    copy_text::{CopyRows, Seconds, paragraphs_html},
    phrases::{self, CircleSpec},
};
use rand::{
    Rng, SeedableRng,
    rngs::StdRng,
    seq::{IndexedRandom, SliceRandom},
};
use std::collections::HashSet;
use uuid::Uuid;

/// The one seeded account that can sign in.
pub const DEMO_EMAIL: &str = "demo@wellspring.test";
pub const DEMO_PASSWORD: &str = "wellspring-demo";
pub const DEMO_HANDLE: &str = "demo";
/// Seeded accounts get addresses here: `.invalid` can never receive mail.
pub const MEMBER_EMAIL_DOMAIN: &str = "demo.wellspring.invalid";
/// Circles the demo account belongs to.
const DEMO_CIRCLES: &[&str] = &[
    "mindful-mornings",
    "plant-based-kitchen",
    "sleep-better",
    "breathwork",
];

/// The circle only practitioners join.
const PRACTITIONERS_LOUNGE: &str = "practitioners-lounge";

const HOUR: Seconds = 3_600;
const DAY: Seconds = 24 * HOUR;
/// Posts spread over this many days before now.
const SPAN_DAYS: Seconds = 90;
/// Deepest reply: a reply to a comment at this depth goes beside it instead.
pub const MAX_DEPTH: i32 = 6;
pub const REACTION_KINDS: [&str; 4] = ["support", "grateful", "insightful", "hug"];
/// Support is the most common reaction, hugs the rarest.
const KIND_DECK: [usize; 8] = [0, 0, 0, 1, 1, 2, 2, 3];
const TITLE_SUFFIXES: &[&str] = &[
    ": an update",
    ", week two",
    " (long post)",
    ", small win",
    ": thoughts?",
];

#[derive(Clone, Copy, Debug)]
pub struct Scale {
    /// Accounts in all, the demo account included.
    pub members: usize,
    pub posts: usize,
    pub comments: usize,
}

/// Members, circles, memberships and follows as COPY rows, plus what the conflict check and
/// the summary need.
pub struct Roster {
    pub users: CopyRows,
    pub profiles: CopyRows,
    pub circles: CopyRows,
    pub circle_members: CopyRows,
    pub circle_follows: CopyRows,
    pub handles: Vec<String>,
    pub emails: Vec<String>,
}

/// Everything that hangs off a run of consecutive posts.
pub struct Chunk {
    pub posts: CopyRows,
    pub anonymous_authors: CopyRows,
    pub post_reactions: CopyRows,
    pub bookmarks: CopyRows,
    pub comments: CopyRows,
    pub comment_reactions: CopyRows,
}

struct Circle {
    id: i64,
    spec: &'static CircleSpec,
    /// Indexes into the member list of active members; never empty.
    active: Vec<u32>,
    moderators: Vec<u32>,
}

/// Generates posts chunk by chunk, continuing the roster's random stream.
pub struct Conversations {
    rng: StdRng,
    now: Seconds,
    member_ids: Vec<Uuid>,
    circles: Vec<Circle>,
    post_circle: Vec<u8>,
    post_times: Vec<Seconds>,
    comment_counts: Vec<u32>,
    welcome_posts: usize,
    next_post: usize,
    next_comment_id: i64,
}

/// Plans the community: the roster now, the conversations as an iterator of chunks.
pub fn plan(seed: u64, scale: Scale, now: Seconds, demo_hash: &str) -> (Roster, Conversations) {
    let mut rng = StdRng::seed_from_u64(seed);
    let members = people(&mut rng, scale.members.max(1), now);
    let mut roster = Roster {
        users: CopyRows::new(),
        profiles: CopyRows::new(),
        circles: CopyRows::new(),
        circle_members: CopyRows::new(),
        circle_follows: CopyRows::new(),
        handles: members.iter().map(|m| m.handle.clone()).collect(),
        emails: members.iter().map(|m| m.email.clone()).collect(),
    };
    write_people(&mut roster, &members, demo_hash);
    let circles = memberships(&mut rng, &members, now, &mut roster);

    let welcome_posts = scale.posts.min(circles.len());
    let mut post_times: Vec<Seconds> = (0..scale.posts)
        .map(|i| {
            if i < welcome_posts {
                now - SPAN_DAYS * DAY + i as Seconds * HOUR
            } else {
                now - rng.random_range(2 * HOUR..(SPAN_DAYS - 1) * DAY)
            }
        })
        .collect();
    post_times[welcome_posts..].sort_unstable();
    let weights: Vec<u32> = circles.iter().map(|c| c.spec.weight).collect();
    let post_circle: Vec<u8> = (0..scale.posts)
        .map(|i| {
            if i < welcome_posts {
                i as u8
            } else {
                pick_weighted(&mut rng, &weights) as u8
            }
        })
        .collect();
    let comment_counts = spread_comments(&mut rng, scale.posts, welcome_posts, scale.comments);
    let conversations = Conversations {
        rng,
        now,
        member_ids: members.iter().map(|m| m.id).collect(),
        circles,
        post_circle,
        post_times,
        comment_counts,
        welcome_posts,
        next_post: 0,
        next_comment_id: 1,
    };
    (roster, conversations)
}

struct Member {
    id: Uuid,
    handle: String,
    email: String,
    display_name: String,
    bio: String,
    pronouns: &'static str,
    interests: Vec<&'static str>,
    modalities: Vec<&'static str>,
    credentials: &'static str,
    booking_url: String,
    is_verified: bool,
    created_at: Seconds,
}

impl Member {
    fn is_practitioner(&self) -> bool {
        !self.modalities.is_empty()
    }
}

fn people(rng: &mut StdRng, count: usize, now: Seconds) -> Vec<Member> {
    let mut used: HashSet<String> = HashSet::new();
    used.insert(DEMO_HANDLE.to_owned());
    let mut members = Vec::with_capacity(count);
    members.push(Member {
        id: random_uuid(rng),
        handle: DEMO_HANDLE.to_owned(),
        email: DEMO_EMAIL.to_owned(),
        display_name: "Demo Member".to_owned(),
        bio: "The demo account: look around, join a circle, write a post. Everything here is made up."
            .to_owned(),
        pronouns: "they/them",
        interests: vec!["meditation", "sleep", "plant-based cooking", "breathwork"],
        modalities: Vec::new(),
        credentials: "",
        booking_url: String::new(),
        is_verified: false,
        created_at: now - 120 * DAY,
    });
    for _ in 1..count {
        let first = pick(rng, phrases::FIRST_NAMES);
        let last = pick(rng, phrases::LAST_NAMES);
        let base = format!("{}_{}", first.to_lowercase(), last.to_lowercase());
        let mut handle = base.clone();
        let mut n = 2;
        while !used.insert(handle.clone()) {
            handle = format!("{base}{n}");
            n += 1;
        }
        let practitioner = rng.random_bool(0.12);
        let mut bio = format!(
            "{} {}",
            pick(rng, phrases::BIO_OPENERS),
            pick(rng, phrases::BIO_DETAILS)
        );
        let (modalities, credentials, booking_url, is_verified) = if practitioner {
            bio = format!("{} {}", pick(rng, phrases::PRACTITIONER_BIOS), bio);
            let k = rng.random_range(1..=3);
            let modalities: Vec<&'static str> = phrases::MODALITIES
                .choose_multiple(rng, k)
                .copied()
                .collect();
            (
                modalities,
                pick(rng, phrases::CREDENTIALS),
                format!("https://booking.example/{handle}"),
                rng.random_bool(0.7),
            )
        } else {
            (Vec::new(), "", String::new(), false)
        };
        let k = rng.random_range(2..=5);
        members.push(Member {
            id: random_uuid(rng),
            email: format!("{handle}@{MEMBER_EMAIL_DOMAIN}"),
            display_name: format!("{first} {last}"),
            bio,
            pronouns: pick(rng, phrases::PRONOUNS),
            interests: phrases::INTERESTS
                .choose_multiple(rng, k)
                .copied()
                .collect(),
            modalities,
            credentials,
            booking_url,
            is_verified,
            created_at: now - rng.random_range(95 * DAY..120 * DAY),
            handle,
        });
    }
    members
}

fn write_people(roster: &mut Roster, members: &[Member], demo_hash: &str) {
    for (i, m) in members.iter().enumerate() {
        // auth.users: id, email, email_confirmed_at, password_hash, created_at, updated_at
        let hash = (i == 0).then_some(demo_hash);
        roster
            .users
            .uuid(m.id)
            .text(&m.email)
            .time(m.created_at)
            .opt_text(hash)
            .time(m.created_at)
            .time(m.created_at);
        roster.users.end_row();
        // app.profiles: user_id, handle, display_name, bio, pronouns, interests,
        // modalities, credentials, booking_url, is_verified, created_at, updated_at
        roster
            .profiles
            .uuid(m.id)
            .text(&m.handle)
            .text(&m.display_name)
            .text(&m.bio)
            .text(m.pronouns)
            .text_array(&m.interests)
            .text_array(&m.modalities)
            .text(m.credentials)
            .text(&m.booking_url)
            .bool(m.is_verified)
            .time(m.created_at)
            .time(m.created_at);
        roster.profiles.end_row();
    }
}

/// Circles, who moderates and who belongs to each, and who follows which.
fn memberships(
    rng: &mut StdRng,
    members: &[Member],
    now: Seconds,
    roster: &mut Roster,
) -> Vec<Circle> {
    let specs = phrases::CIRCLES;
    // Per member, per circle: None, or Some((role, status)).
    let mut joined: Vec<Vec<Option<(&'static str, &'static str)>>> =
        vec![vec![None; specs.len()]; members.len()];
    let practitioners: Vec<u32> = (1..members.len() as u32)
        .filter(|&i| members[i as usize].is_practitioner())
        .collect();
    let everyone_else: Vec<u32> = (1..members.len() as u32).collect();
    let mut circles: Vec<Circle> = Vec::with_capacity(specs.len());
    for (c, spec) in specs.iter().enumerate() {
        let pool: &[u32] = if !spec.is_support && !practitioners.is_empty() {
            &practitioners
        } else if !everyone_else.is_empty() {
            &everyone_else
        } else {
            &[0]
        };
        let wanted = if members.len() > 20 { 2 } else { 1 };
        let moderators: Vec<u32> = pool.choose_multiple(rng, wanted).copied().collect();
        for &m in &moderators {
            joined[m as usize][c] = Some(("moderator", "active"));
        }
        circles.push(Circle {
            id: c as i64 + 1,
            spec,
            active: Vec::new(),
            moderators,
        });
    }
    for slug in DEMO_CIRCLES {
        if let Some(c) = specs.iter().position(|s| s.slug == *slug) {
            joined[0][c].get_or_insert(("member", "active"));
        }
    }
    // The demo account has asked to join a private circle, so that state is on show too.
    if let Some(c) = specs.iter().position(|s| s.visibility == "private") {
        joined[0][c].get_or_insert(("member", "pending"));
    }
    let weights: Vec<u32> = specs.iter().map(|s| s.weight).collect();
    for (i, member) in members.iter().enumerate().skip(1) {
        let wanted = rng.random_range(1..=4);
        for _ in 0..wanted {
            let c = pick_weighted(rng, &weights);
            let spec = &specs[c];
            if spec.slug == PRACTITIONERS_LOUNGE && !member.is_practitioner() {
                continue;
            }
            let status = if spec.visibility == "private" && rng.random_bool(0.2) {
                "pending"
            } else {
                "active"
            };
            joined[i][c].get_or_insert(("member", status));
        }
        if member.is_practitioner()
            && rng.random_bool(0.8)
            && let Some(c) = specs.iter().position(|s| s.slug == PRACTITIONERS_LOUNGE)
        {
            joined[i][c].get_or_insert(("member", "active"));
        }
    }

    for (c, circle) in circles.iter().enumerate() {
        let spec = circle.spec;
        let created_by = circle.moderators.first().map(|&m| members[m as usize].id);
        // app.circles: id, slug, name, description, visibility, is_support, created_by, created_at
        roster
            .circles
            .int(circle.id)
            .text(spec.slug)
            .text(spec.name)
            .text(spec.description)
            .text(spec.visibility)
            .bool(spec.is_support)
            .opt_uuid(created_by)
            .time(now - 125 * DAY + c as Seconds * HOUR);
        roster.circles.end_row();
    }
    for (i, member) in members.iter().enumerate() {
        for (c, circle) in circles.iter_mut().enumerate() {
            let since = member.created_at + rng.random_range(HOUR..2 * DAY);
            match joined[i][c] {
                Some((role, status)) => {
                    // app.circle_members: circle_id, user_id, role, status, created_at
                    roster
                        .circle_members
                        .int(circle.id)
                        .uuid(member.id)
                        .text(role)
                        .text(status)
                        .time(since);
                    roster.circle_members.end_row();
                    if status == "active" {
                        circle.active.push(i as u32);
                        follow(roster, circle.id, member.id, since);
                    }
                }
                // A few follow a public circle without joining it.
                None if circle.spec.visibility == "public" && rng.random_bool(0.05) => {
                    follow(roster, circle.id, member.id, since);
                }
                None => {}
            }
        }
    }
    circles
}

fn follow(roster: &mut Roster, circle_id: i64, user_id: Uuid, since: Seconds) {
    // app.circle_follows: circle_id, user_id, created_at
    roster
        .circle_follows
        .int(circle_id)
        .uuid(user_id)
        .time(since);
    roster.circle_follows.end_row();
}

/// How many comments each post gets: most a few, some many, welcome posts more.
fn spread_comments(rng: &mut StdRng, posts: usize, welcome: usize, comments: usize) -> Vec<u32> {
    let mut counts = vec![0u32; posts];
    if posts == 0 {
        return counts;
    }
    let mut cumulative = Vec::with_capacity(posts);
    let mut total = 0.0f64;
    for i in 0..posts {
        let u: f64 = rng.random();
        let weight = 0.2 + 20.0 * u * u * u;
        total += if i < welcome { weight * 3.0 } else { weight };
        cumulative.push(total);
    }
    for _ in 0..comments {
        let x = rng.random::<f64>() * total;
        let i = cumulative.partition_point(|&c| c <= x).min(posts - 1);
        counts[i] += 1;
    }
    counts
}

impl Conversations {
    pub fn remaining_posts(&self) -> usize {
        self.post_times.len() - self.next_post
    }

    /// The next `max_posts` posts with everything that hangs off them; None when done.
    pub fn next_chunk(&mut self, max_posts: usize) -> Option<Chunk> {
        if self.remaining_posts() == 0 {
            return None;
        }
        let mut chunk = Chunk {
            posts: CopyRows::new(),
            anonymous_authors: CopyRows::new(),
            post_reactions: CopyRows::new(),
            bookmarks: CopyRows::new(),
            comments: CopyRows::new(),
            comment_reactions: CopyRows::new(),
        };
        let end = (self.next_post + max_posts).min(self.post_times.len());
        for i in self.next_post..end {
            self.post(i, &mut chunk);
        }
        self.next_post = end;
        Some(chunk)
    }

    fn post(&mut self, i: usize, chunk: &mut Chunk) {
        let post_id = i as i64 + 1;
        let circle = &self.circles[self.post_circle[i] as usize];
        let spec = circle.spec;
        let rng = &mut self.rng;
        let created = self.post_times[i];
        let welcome = i < self.welcome_posts;
        let author = if welcome {
            circle.moderators.first().copied().unwrap_or(0)
        } else {
            *circle.active.choose(rng).unwrap_or(&0)
        };
        let anonymous = !welcome && spec.is_support && rng.random_bool(0.3);
        let (title, paragraphs) = if welcome {
            (
                phrases::WELCOME_TITLE.to_owned(),
                phrases::WELCOME_PARAGRAPHS
                    .iter()
                    .map(|p| (*p).to_owned())
                    .collect(),
            )
        } else {
            compose_post(rng, spec)
        };
        let warning_chance = if spec.is_support { 0.4 } else { 0.1 };
        let warning = (!welcome && !spec.warnings.is_empty() && rng.random_bool(warning_chance))
            .then(|| pick(rng, spec.warnings));

        let (last_activity, comment_count) = self.conversation(i, post_id, created, chunk);
        let rng = &mut self.rng;
        let circle = &self.circles[self.post_circle[i] as usize];
        let wanted = (rng.random::<f64>().powi(2) * 14.0) as usize;
        let reactions = reactions(rng, &circle.active, wanted);
        let mut counts = [0i64; 4];
        for &(member, kind) in &reactions {
            counts[kind] += 1;
            // app.post_reactions: post_id, user_id, kind, created_at
            chunk
                .post_reactions
                .int(post_id)
                .uuid(self.member_ids[member as usize])
                .text(REACTION_KINDS[kind])
                .time(later(rng, created, self.now));
            chunk.post_reactions.end_row();
        }
        if rng.random_bool(0.12) {
            let k = rng.random_range(1..=3);
            for &member in circle.active.choose_multiple(rng, k) {
                // app.bookmarks: user_id, post_id, created_at
                chunk
                    .bookmarks
                    .uuid(self.member_ids[member as usize])
                    .int(post_id)
                    .time(later(rng, created, self.now));
                chunk.bookmarks.end_row();
            }
        }

        let author_id = self.member_ids[author as usize];
        let body = paragraphs.join("\n\n");
        // app.posts: id, circle_id, author_id, is_anonymous, title, body, body_html,
        // content_warning, pinned, created_at, last_activity_at, comment_count,
        // support_count, grateful_count, insightful_count, hug_count
        chunk
            .posts
            .int(post_id)
            .int(circle.id)
            .opt_uuid((!anonymous).then_some(author_id))
            .bool(anonymous)
            .text(&title)
            .text(&body)
            .text(&paragraphs_html(&paragraphs))
            .opt_text(warning)
            .bool(welcome)
            .time(created)
            .time(last_activity)
            .int(comment_count)
            .int(counts[0])
            .int(counts[1])
            .int(counts[2])
            .int(counts[3]);
        chunk.posts.end_row();
        if anonymous {
            // app.anonymous_authors: post_id, author_id
            chunk.anonymous_authors.int(post_id).uuid(author_id);
            chunk.anonymous_authors.end_row();
        }
    }

    /// Writes post `i`'s comments and their reactions; returns its last activity and count.
    fn conversation(
        &mut self,
        i: usize,
        post_id: i64,
        created: Seconds,
        chunk: &mut Chunk,
    ) -> (Seconds, i64) {
        let count = self.comment_counts[i] as usize;
        let circle = &self.circles[self.post_circle[i] as usize];
        let rng = &mut self.rng;
        let latest = self.now - 60;
        let mut ids: Vec<i64> = Vec::with_capacity(count);
        let mut depths: Vec<i32> = Vec::with_capacity(count);
        let mut parents: Vec<Option<usize>> = Vec::with_capacity(count);
        let mut at = created;
        for k in 0..count {
            let gap = if k == 0 {
                rng.random_range(2 * 60..6 * HOUR)
            } else {
                // Exponential gaps, two hours on average.
                let u: f64 = rng.random();
                (-(1.0 - u).ln() * 7_200.0) as Seconds + 30
            };
            at = (at + gap).min(latest).max(created + 1);
            let mut parent =
                (k > 0 && rng.random_bool(0.6)).then(|| rng.random_range(k.saturating_sub(8)..k));
            // Too deep: answer beside the comment instead, under its parent.
            if let Some(p) = parent
                && depths[p] >= MAX_DEPTH
            {
                parent = parents[p];
            }
            let depth = parent.map_or(0, |p| depths[p] + 1);
            let id = self.next_comment_id;
            self.next_comment_id += 1;
            ids.push(id);
            depths.push(depth);
            parents.push(parent);

            let author = *circle.active.choose(rng).unwrap_or(&0);
            let paragraphs = compose_comment(rng);
            let wanted = if rng.random_bool(0.5) {
                0
            } else {
                rng.random_range(1..=4)
            };
            let mut counts = [0i64; 4];
            for (member, kind) in reactions(rng, &circle.active, wanted) {
                counts[kind] += 1;
                // app.comment_reactions: comment_id, user_id, kind, created_at
                chunk
                    .comment_reactions
                    .int(id)
                    .uuid(self.member_ids[member as usize])
                    .text(REACTION_KINDS[kind])
                    .time(later(rng, at, self.now));
                chunk.comment_reactions.end_row();
            }
            // app.comments: id, post_id, parent_id, author_id, body, body_html, depth,
            // created_at, support_count, grateful_count, insightful_count, hug_count
            let row = &mut chunk.comments;
            row.int(id).int(post_id);
            match parent {
                Some(p) => row.int(ids[p]),
                None => row.null(),
            };
            row.uuid(self.member_ids[author as usize])
                .text(&paragraphs.join("\n\n"))
                .text(&paragraphs_html(&paragraphs))
                .int(depth.into())
                .time(at)
                .int(counts[0])
                .int(counts[1])
                .int(counts[2])
                .int(counts[3]);
            row.end_row();
        }
        (at, count as i64)
    }
}

fn compose_post(rng: &mut StdRng, spec: &CircleSpec) -> (String, Vec<String>) {
    let mut title = pick(rng, spec.titles).to_owned();
    if rng.random_bool(0.2) {
        title.push_str(pick(rng, TITLE_SUFFIXES));
    }
    let details: Vec<&str> = spec.details.choose_multiple(rng, 2).copied().collect();
    let reflections: Vec<&str> = phrases::REFLECTIONS
        .choose_multiple(rng, 2)
        .copied()
        .collect();
    let mut paragraphs = vec![format!(
        "{} {}",
        pick(rng, spec.openers),
        details.first().copied().unwrap_or_default()
    )];
    if rng.random_bool(0.8) {
        paragraphs.push(format!(
            "{} {}",
            details.get(1).copied().unwrap_or_default(),
            reflections.first().copied().unwrap_or_default()
        ));
    }
    if rng.random_bool(0.4) {
        paragraphs.push(reflections.get(1).copied().unwrap_or_default().to_owned());
    }
    paragraphs.push(pick(rng, phrases::CLOSERS).to_owned());
    (title, paragraphs)
}

fn compose_comment(rng: &mut StdRng) -> Vec<String> {
    let opener = pick(rng, phrases::COMMENT_OPENERS);
    let body = pick(rng, phrases::COMMENT_BODIES);
    let closer = pick(rng, phrases::COMMENT_CLOSERS);
    match rng.random_range(0..4) {
        0 => vec![opener.to_owned()],
        1 => vec![format!("{opener} {body}")],
        2 => vec![format!("{opener} {body}"), closer.to_owned()],
        _ => vec![format!("{opener} {closer}")],
    }
}

/// Up to `wanted` distinct (member, kind) pairs from `active`.
fn reactions(rng: &mut StdRng, active: &[u32], wanted: usize) -> Vec<(u32, usize)> {
    let wanted = wanted.min(active.len() * REACTION_KINDS.len());
    let mut picked: Vec<(u32, usize)> = Vec::with_capacity(wanted);
    let mut tries = 0;
    while picked.len() < wanted && tries < wanted * 4 {
        tries += 1;
        let member = *active.choose(rng).unwrap_or(&0);
        let kind = *KIND_DECK.choose(rng).unwrap_or(&0);
        if !picked.contains(&(member, kind)) {
            picked.push((member, kind));
        }
    }
    picked.shuffle(rng);
    picked
}

/// A moment after `since` (within three days), never in the future.
fn later(rng: &mut StdRng, since: Seconds, now: Seconds) -> Seconds {
    let room = (now - since).clamp(1, 3 * DAY);
    since + rng.random_range(0..room) + 1
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    // Every bank is non-empty; the index is in range by construction.
    items[rng.random_range(0..items.len())]
}

fn pick_weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.random_range(0..total.max(1));
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    0
}

fn random_uuid(rng: &mut StdRng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(seed: u64) -> Vec<u8> {
        let scale = Scale {
            members: 30,
            posts: 40,
            comments: 120,
        };
        let (roster, mut conversations) = plan(seed, scale, 1_800_000_000, "hash");
        let mut bytes = roster.profiles.as_bytes().to_vec();
        while let Some(chunk) = conversations.next_chunk(7) {
            bytes.extend_from_slice(chunk.posts.as_bytes());
            bytes.extend_from_slice(chunk.comments.as_bytes());
        }
        bytes
    }

    #[test]
    fn the_same_seed_gives_the_same_community() {
        assert_eq!(titles(7), titles(7));
        assert_ne!(titles(7), titles(8));
    }

    #[test]
    fn comment_spread_adds_up_to_the_requested_total() {
        let mut rng = StdRng::seed_from_u64(1);
        let counts = spread_comments(&mut rng, 100, 12, 1_000);
        assert_eq!(counts.iter().map(|&c| c as usize).sum::<usize>(), 1_000);
    }

    #[test]
    fn reactions_are_unique_per_member_and_kind_even_in_a_tiny_circle() {
        let mut rng = StdRng::seed_from_u64(3);
        let picked = reactions(&mut rng, &[5], 20);
        let unique: HashSet<_> = picked.iter().collect();
        assert_eq!(unique.len(), picked.len());
        assert!(picked.len() <= 4);
    }
}
