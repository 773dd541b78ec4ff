//! Watched words (migration 0027): what happens when a member's writing contains a word or
//! pattern staff listed. Matching is case- and accent-insensitive ("Pîlls" is "pills"), on
//! whole words for plain words, and by a size-bounded regular expression otherwise (the
//! `regex` crate runs in linear time, and patterns are capped in length and compiled size, so
//! no pattern can stall a write). Every folded character maps back to the original text, so a
//! censored word is masked exactly where it stood, accents and all.

use crate::{
    domain::{AppError, moderation::WatchedAction},
    server::services::context::ServiceContext,
};
use regex::{Regex, RegexBuilder};
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Longest pattern staff may list.
pub const PATTERN_MAX: usize = 200;
/// Compiled size cap for one pattern (bytes of the regex program).
const COMPILED_MAX: usize = 256 * 1024;

/// One listed word, compiled.
#[derive(Debug, Clone)]
pub struct Watched {
    pub pattern: String,
    pub action: WatchedAction,
    regex: Regex,
}

/// What a piece of writing meets.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// The first blocked word as the member wrote it (never the pattern, which may be a
    /// regular expression): the write is refused, naming it.
    pub blocked: Option<String>,
    /// The first word that holds it for review.
    pub held: Option<String>,
    /// The first word that flags it for the queue.
    pub flagged: Option<String>,
    /// The text with censored words masked (the text itself when none matched).
    pub text: String,
}

/// Lower-case, accents off: each folded char paired with the byte range of the original
/// char it came from.
fn fold(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut folded = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    for (start, ch) in text.char_indices() {
        let end = start + ch.len_utf8();
        for lower in ch.to_lowercase() {
            for part in std::iter::once(lower).nfd() {
                if is_combining_mark(part) {
                    continue;
                }
                folded.push(part);
                origin.extend(std::iter::repeat_n((start, end), part.len_utf8()));
            }
        }
    }
    (folded, origin)
}

impl Watched {
    /// Compiles a listed word: a plain word matches whole words (folded); a pattern is a
    /// regular expression over the folded text. A pattern that is too long, too big once
    /// compiled, or not a valid expression is refused with a sentence for staff.
    pub fn compile(pattern: &str, is_regex: bool, action: WatchedAction) -> Result<Self, AppError> {
        let pattern = pattern.trim();
        if pattern.is_empty() || pattern.chars().count() > PATTERN_MAX {
            return Err(AppError::BadRequest(format!(
                "A watched word or pattern is 1 to {PATTERN_MAX} characters."
            )));
        }
        // A pattern keeps its case (`\S` is not `\s`): only accents come off, and matching
        // ignores case. A plain word is folded whole and matched at word edges (half
        // boundaries, so "c++" and "@everyone" match too).
        let source = if is_regex {
            pattern
                .nfd()
                .filter(|c| !is_combining_mark(*c))
                .collect::<String>()
        } else {
            let (folded, _) = fold(pattern);
            format!(r"\b{{start-half}}{}\b{{end-half}}", regex::escape(&folded))
        };
        let regex = RegexBuilder::new(&source)
            .case_insensitive(true)
            .size_limit(COMPILED_MAX)
            .dfa_size_limit(COMPILED_MAX)
            .build()
            .map_err(|error| {
                AppError::BadRequest(format!(
                    "That pattern can't be used: {}",
                    error
                        .to_string()
                        .lines()
                        .last()
                        .unwrap_or("it is not a valid expression")
                ))
            })?;
        Ok(Self {
            pattern: pattern.to_owned(),
            action,
            regex,
        })
    }
}

/// Checks `text` against the list.
pub fn check(list: &[Watched], text: &str) -> Verdict {
    let mut verdict = Verdict::default();
    if list.is_empty() || text.is_empty() {
        verdict.text = text.to_owned();
        return verdict;
    }
    let (folded, origin) = fold(text);
    let mut masked: Vec<(usize, usize)> = Vec::new();
    for watched in list {
        let mut found = watched
            .regex
            .find_iter(&folded)
            .filter(|m| !m.is_empty())
            .peekable();
        if found.peek().is_none() {
            continue;
        }
        let slot = match watched.action {
            WatchedAction::Block => {
                if verdict.blocked.is_none()
                    && let Some(m) = found.next()
                {
                    let (start, end) = (origin[m.start()].0, origin[m.end() - 1].1);
                    verdict.blocked = Some(text[start..end].to_owned());
                }
                continue;
            }
            WatchedAction::Hold => &mut verdict.held,
            WatchedAction::Flag => &mut verdict.flagged,
            WatchedAction::Censor => {
                masked.extend(found.map(|m| (origin[m.start()].0, origin[m.end() - 1].1)));
                continue;
            }
        };
        slot.get_or_insert_with(|| watched.pattern.clone());
    }
    verdict.text = mask(text, masked);
    verdict
}

/// Replaces each byte range's characters with bullets.
fn mask(text: &str, mut ranges: Vec<(usize, usize)>) -> String {
    if ranges.is_empty() {
        return text.to_owned();
    }
    ranges.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in ranges {
        let start = start.max(at);
        if end <= start {
            continue;
        }
        out.push_str(&text[at..start]);
        out.extend(std::iter::repeat_n('•', text[start..end].chars().count()));
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// The list, read as the identity service (members cannot read it) and compiled. A listed
/// pattern that no longer compiles is skipped and logged rather than blocking every write.
#[tracing::instrument(skip_all)]
pub async fn load(ctx: &ServiceContext) -> Result<Vec<Watched>, AppError> {
    let mut tx = ctx.begin_as_service().await?;
    let rows: Vec<(String, bool, String)> =
        sqlx::query_as("select pattern, is_regex, action from app.watched_words order by id")
            .fetch_all(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .filter_map(|(pattern, is_regex, action)| {
            let action = WatchedAction::parse(&action)?;
            Watched::compile(&pattern, is_regex, action)
                .inspect_err(|error| tracing::warn!(%pattern, %error, "skipped a watched pattern"))
                .ok()
        })
        .collect())
}

/// Checks several fields of one write (a title and a body, say): refused if any is blocked,
/// each censored, held or flagged if any is.
pub fn check_all(
    list: &[Watched],
    fields: &[&str],
) -> Result<(Vec<String>, Option<Review>), AppError> {
    let mut texts = Vec::with_capacity(fields.len());
    let mut review = None;
    for field in fields {
        let verdict = check(list, field);
        if let Some(word) = verdict.blocked {
            return Err(AppError::BadRequest(format!(
                "This contains “{word}”, which isn't allowed here. Please rephrase it."
            )));
        }
        if let Some(word) = verdict.held {
            review = Some(Review { hold: true, word });
        } else if let Some(word) = verdict.flagged
            && review.is_none()
        {
            review = Some(Review { hold: false, word });
        }
        texts.push(verdict.text);
    }
    Ok((texts, review))
}

/// Checks one form field: a blocked word becomes the field's own error in `errors` (the
/// returned text is then empty), censored words come back masked, and the first flagged or
/// held word of the form is kept in `review`.
pub fn check_field(
    list: &[Watched],
    errors: &mut crate::domain::FieldErrors,
    field: &'static str,
    text: &str,
    review: &mut Option<Review>,
) -> String {
    match check_all(list, &[text]) {
        Ok((mut checked, found)) => {
            if review.is_none() {
                *review = found;
            }
            checked.pop().unwrap_or_default()
        }
        Err(error) => {
            errors.add(field, error.to_string());
            String::new()
        }
    }
}

/// Writing that goes up for review: held (hidden until approved) or flagged (reported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub hold: bool,
    pub word: String,
}

/// Puts the caller's own new or edited post (`comment` `None`) or reply up for review, in
/// the caller's transaction: held (hidden until approved) or flagged (reported).
pub async fn put_up_for_review(
    tx: &mut crate::server::services::context::Tx,
    post: crate::domain::PostId,
    comment: Option<crate::domain::CommentId>,
    review: &Review,
) -> Result<(), AppError> {
    sqlx::query("select app.review_own($1, $2, $3, $4)")
        .bind(post)
        .bind(comment)
        .bind(review.hold)
        .bind(&review.word)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The list as the staff page shows it, read as the caller (site staff only, by RLS).
#[tracing::instrument(skip(ctx))]
pub async fn list(
    ctx: &ServiceContext,
) -> Result<Vec<crate::domain::moderation::WatchedWord>, AppError> {
    use crate::server::services::community::rows::date_label;
    let rows: Vec<(
        i64,
        String,
        bool,
        String,
        Option<String>,
        time::OffsetDateTime,
    )> = crate::as_caller!(ctx, |tx| {
        sqlx::query_as(
            "select w.id, w.pattern, w.is_regex, w.action, p.handle, w.created_at
                   from app.watched_words w left join app.profiles p on p.user_id = w.created_by
                  order by w.action, lower(w.pattern)",
        )
        .fetch_all(&mut **tx)
        .await
        .map_err(AppError::from)
    })
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, pattern, is_regex, action, by, at)| {
            Some(crate::domain::moderation::WatchedWord {
                id,
                pattern,
                is_regex,
                action: WatchedAction::parse(&action)?,
                added: format!(
                    "{} · {}",
                    by.map_or_else(|| "a former staff member".to_owned(), |h| format!("@{h}")),
                    date_label(at)
                ),
            })
        })
        .collect())
}

/// Adds a word or pattern, as the caller (site staff, by RLS). The pattern is compiled
/// first, so one that could never match safely is explained and not stored.
#[tracing::instrument(skip(ctx))]
pub async fn add(
    ctx: &ServiceContext,
    pattern: &str,
    is_regex: bool,
    action: WatchedAction,
) -> Result<(), AppError> {
    ctx.member()?;
    let watched = Watched::compile(pattern, is_regex, action)?;
    crate::as_caller!(ctx, |tx| {
        let added = sqlx::query(
            "insert into app.watched_words (pattern, is_regex, action, created_by)
             values ($1, $2, $3, auth.uid()) on conflict do nothing",
        )
        .bind(&watched.pattern)
        .bind(is_regex)
        .bind(action.as_str())
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if added == 0 {
            return Err(AppError::BadRequest(format!(
                "“{}” is already on the list: remove it first to change what it does.",
                watched.pattern
            )));
        }
        Ok::<(), AppError>(())
    })
    .await
}

/// Removes a word from the list, as the caller (site staff, by RLS).
#[tracing::instrument(skip(ctx))]
pub async fn remove(ctx: &ServiceContext, id: i64) -> Result<(), AppError> {
    ctx.member()?;
    crate::as_caller!(ctx, |tx| {
        let removed = sqlx::query("delete from app.watched_words where id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if removed == 0 {
            return Err(AppError::NotFound);
        }
        Ok::<(), AppError>(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[(&str, bool, WatchedAction)]) -> Vec<Watched> {
        items
            .iter()
            .map(|(p, r, a)| Watched::compile(p, *r, *a).unwrap())
            .collect()
    }

    #[test]
    fn words_match_whole_without_case_or_accents() {
        let words = list(&[("pills", false, WatchedAction::Block)]);
        assert_eq!(
            check(&words, "Cheap PÎLLS here").blocked.as_deref(),
            Some("PÎLLS"),
            "named as written"
        );
        assert_eq!(check(&words, "Pîlls!").blocked.as_deref(), Some("Pîlls"));
        // Not inside another word.
        assert_eq!(check(&words, "spillstone").blocked, None);
    }

    #[test]
    fn censoring_masks_exactly_the_word_as_written() {
        let words = list(&[("darn", false, WatchedAction::Censor)]);
        let verdict = check(&words, "Well DÀRN it, darn.");
        assert_eq!(verdict.text, "Well •••• it, ••••.");
        assert_eq!(verdict.blocked, None);
        // Decomposed accents and other scripts keep their places.
        let verdict = check(&words, "d\u{0061}\u{0300}rn — 안녕 darn");
        assert_eq!(verdict.text, "••••• — 안녕 ••••");
    }

    #[test]
    fn patterns_are_bounded_and_explained() {
        let words = list(&[(r"buy\s+now", true, WatchedAction::Flag)]);
        assert_eq!(
            check(&words, "BUY   now!").flagged.as_deref(),
            Some(r"buy\s+now")
        );
        assert!(Watched::compile("(unclosed", true, WatchedAction::Block).is_err());
        // Escapes keep their case: \W is "not a word character".
        let words = list(&[(r"free\W+money", true, WatchedAction::Block)]);
        assert_eq!(
            check(&words, "FREE -- Money").blocked.as_deref(),
            Some("FREE -- Money"),
            "a pattern's refusal names the words, not the pattern"
        );
        assert!(check(&words, "freexmoney").blocked.is_none());
        // Words edged with punctuation still match whole.
        let words = list(&[
            ("c++", false, WatchedAction::Flag),
            ("@everyone", false, WatchedAction::Flag),
        ]);
        assert!(check(&words, "I love C++ a lot").flagged.is_some());
        assert!(check(&words, "hey @Everyone!").flagged.is_some());
        assert!(Watched::compile(&"a".repeat(201), false, WatchedAction::Block).is_err());
        // A pattern whose program would be huge is refused, not compiled.
        assert!(Watched::compile(r"\w{1000}\w{1000}\w{1000}", true, WatchedAction::Block).is_err());
    }

    #[test]
    fn a_hold_wins_over_a_flag_and_a_block_over_everything() {
        let words = list(&[
            ("casino", false, WatchedAction::Flag),
            ("miracle cure", false, WatchedAction::Hold),
            ("scam", false, WatchedAction::Block),
        ]);
        let (_, review) = check_all(&words, &["Casino night", "a miracle cure"]).unwrap();
        assert_eq!(
            review,
            Some(Review {
                hold: true,
                word: "miracle cure".into()
            })
        );
        assert!(check_all(&words, &["fine", "a scam"]).is_err());
        let (texts, review) = check_all(&words, &["all", "calm"]).unwrap();
        assert_eq!(
            (texts, review),
            (vec!["all".to_owned(), "calm".to_owned()], None)
        );
    }
}
