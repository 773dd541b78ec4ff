//! Caps for a member's first days (`limits.new_members`): posts and replies per day, links
//! and @mentions per post or reply. Spam accounts do their harm in their first hours; a
//! real newcomer rarely notices a cap of five posts a day. Staff are exempt. Checked inside
//! the write's own transaction, after its one-write key is claimed, so a resubmitted form
//! still answers with what it wrote instead of a refusal.

use crate::{
    domain::AppError,
    server::{
        config::NewMemberLimits,
        services::context::{ServiceContext, Tx},
    },
};
use regex::Regex;

/// What is being written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writing {
    Post,
    Reply,
    /// An edit of either: links and mentions only.
    Edit,
}

const LINK: &str = r"(?i)\b(?:https?://|www\.)[^\s<>()]+";
const MENTION: &str = r"(?:^|[^\w@])@[A-Za-z0-9_]{3,30}\b";

/// How many times `pattern` occurs in all of `texts` (compiled per write: writes are rare
/// next to reads, and a constant pattern always compiles).
fn count(pattern: &str, texts: &[&str]) -> usize {
    Regex::new(pattern).map_or(0, |regex| {
        texts.iter().map(|text| regex.find_iter(text).count()).sum()
    })
}

/// Whether the caller is a new member the caps apply to: asked before the write's own
/// transaction opens (one short read as the identity service, never a second connection
/// held while the first waits). Staff, and every member when the caps are off, are not.
pub async fn is_new(ctx: &ServiceContext, limits: &NewMemberLimits) -> Result<bool, AppError> {
    let caller = ctx.member()?;
    if limits.days <= 0 || caller.role.is_staff() {
        return Ok(false);
    }
    let mut service = ctx.begin_as_service().await?;
    let new: Option<bool> = sqlx::query_scalar(
        "select created_at > now() - make_interval(days => $2::int) from auth.users where id = $1",
    )
    .bind(caller.user_id)
    .bind(limits.days as i32)
    .fetch_optional(&mut *service)
    .await?;
    service.commit().await?;
    Ok(new.unwrap_or(false))
}

/// Refuses the write with a kind sentence when a new member (`is_new`) is over a cap. An
/// edit is held to the links and mentions caps (not the daily count), so a clean reply
/// cannot be edited into spam.
#[tracing::instrument(skip(tx, limits, texts))]
pub async fn check(
    tx: &mut Tx,
    limits: &NewMemberLimits,
    is_new: bool,
    writing: Writing,
    texts: &[&str],
) -> Result<(), AppError> {
    if !is_new {
        return Ok(());
    }
    let days = match limits.days {
        1 => "day".to_owned(),
        n => format!("{n} days"),
    };
    if count(LINK, texts) > limits.links {
        return Err(AppError::BadRequest(format!(
            "In your first {days} here, a post or reply can include up to {} links. This keeps new accounts from being used for spam; thanks for understanding.",
            limits.links
        )));
    }
    if count(MENTION, texts) > limits.mentions {
        return Err(AppError::BadRequest(format!(
            "In your first {days} here, a post or reply can mention up to {} people.",
            limits.mentions
        )));
    }
    let (sql, cap, what) = match writing {
        Writing::Edit => return Ok(()),
        Writing::Post => (
            "select count(*) from app.posts p
              where p.created_at > now() - interval '1 day'
                and (p.author_id = auth.uid()
                     or p.id in (select a.post_id from app.anonymous_authors a where a.author_id = auth.uid()))",
            limits.posts_per_day,
            "posts",
        ),
        Writing::Reply => (
            "select count(*) from app.comments c
              where c.created_at > now() - interval '1 day'
                and (c.author_id = auth.uid()
                     or c.id in (select a.comment_id from app.anonymous_comment_authors a
                                  where a.author_id = auth.uid()))",
            limits.replies_per_day,
            "replies",
        ),
    };
    let written: i64 = sqlx::query_scalar(sql).fetch_one(&mut **tx).await?;
    if written >= cap {
        return Err(AppError::BadRequest(format!(
            "In your first {days} here, you can write {cap} {what} a day, and you've reached that for today. Please come back tomorrow: this keeps new accounts from being used for spam."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_mentions_are_counted_as_people_write_them() {
        assert_eq!(
            count(
                LINK,
                &["see https://a.example and www.b.example, not a.example"]
            ),
            2
        );
        assert_eq!(
            count(LINK, &["HTTP://SHOUT.example", "http://two.example"]),
            2
        );
        assert_eq!(
            count(MENTION, &["@ana and @ben_2, email me@example.org"]),
            2
        );
        assert_eq!(count(MENTION, &["@ab is too short"]), 0);
    }
}
