//! Which backup folders to keep. The newest backup of each of the last `daily` days that
//! have one is kept, and the newest of each of the last `weekly` ISO weeks that have one;
//! the rest are removed. Days and weeks without a backup do not use up the allowance, so a
//! machine that was off for a week still keeps `daily` backups, not fewer. The newest
//! complete backup is never removed, whatever the settings say, and a folder without a
//! manifest (a backup that stopped half way) is removed once it is a day old.

use super::manifest;
use std::{
    collections::HashSet,
    path::{Path, PathBuf},
};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// How many daily and weekly backups to keep (`backup.keep_daily`, `backup.keep_weekly`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    pub daily: usize,
    pub weekly: usize,
}

/// One backup folder found under the backups directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub folder: PathBuf,
    pub made_at: OffsetDateTime,
    /// Has its manifest: the backup finished.
    pub complete: bool,
}

const PREFIX: &str = "wellspring-";

/// When the folder named `name` was made, from its name (`wellspring-20261205T151230.123Z`,
/// as `make::backup` names them). Anything else in the directory is not ours and is left
/// alone.
pub fn made_at(name: &str) -> Option<OffsetDateTime> {
    let stamp = name.strip_prefix(PREFIX)?.as_bytes();
    if stamp.len() != 20 || stamp[8] != b'T' || stamp[15] != b'.' || stamp[19] != b'Z' {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u16> {
        std::str::from_utf8(&stamp[from..to]).ok()?.parse().ok()
    };
    let month = Month::try_from(u8::try_from(number(4, 6)?).ok()?).ok()?;
    let date = Date::from_calendar_date(i32::from(number(0, 4)?), month, number(6, 8)? as u8).ok()?;
    let time = Time::from_hms_milli(
        number(9, 11)? as u8,
        number(11, 13)? as u8,
        number(13, 15)? as u8,
        number(16, 19)?,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// The backup folders directly under `dir` (none if it does not exist yet).
pub fn list(dir: &Path) -> std::io::Result<Vec<Found>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry?;
        if !entry.file_type()?.is_dir() {
            continue;
        }
        let Some(made_at) = entry.file_name().to_str().and_then(made_at) else {
            continue;
        };
        let folder = entry.path();
        found.push(Found {
            complete: folder.join(manifest::FILE).is_file(),
            folder,
            made_at,
        });
    }
    Ok(found)
}

/// The folders `keep` says to remove, as of `now`.
pub fn to_remove(found: &[Found], keep: Retention, now: OffsetDateTime) -> Vec<PathBuf> {
    let mut complete: Vec<&Found> = found.iter().filter(|f| f.complete).collect();
    complete.sort_by(|a, b| b.made_at.cmp(&a.made_at));
    let mut days: HashSet<Date> = HashSet::new();
    let mut weeks: HashSet<(i32, u8)> = HashSet::new();
    let mut remove = Vec::new();
    for (index, backup) in complete.iter().enumerate() {
        let date = backup.made_at.date();
        let week = (date.to_iso_week_date().0, date.iso_week());
        let mut kept = index == 0;
        if !days.contains(&date) && days.len() < keep.daily {
            days.insert(date);
            kept = true;
        }
        if !weeks.contains(&week) && weeks.len() < keep.weekly {
            weeks.insert(week);
            kept = true;
        }
        if !kept {
            remove.push(backup.folder.clone());
        }
    }
    let day_ago = now - time::Duration::days(1);
    remove.extend(
        found
            .iter()
            .filter(|f| !f.complete && f.made_at < day_ago)
            .map(|f| f.folder.clone()),
    );
    remove
}

#[cfg(test)]
mod tests {
    use super::*;

    fn datetime(year: i32, month: u8, day: u8, hour: u8, minute: u8) -> OffsetDateTime {
        let month = Month::try_from(month).unwrap_or(Month::January);
        let date = Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN);
        PrimitiveDateTime::new(date, Time::from_hms(hour, minute, 0).unwrap_or(Time::MIDNIGHT))
            .assume_utc()
    }

    fn backup(at: OffsetDateTime) -> Found {
        Found {
            folder: PathBuf::from(format!("b/{}", at.unix_timestamp())),
            made_at: at,
            complete: true,
        }
    }

    fn kept(found: &[Found], keep: Retention, now: OffsetDateTime) -> Vec<OffsetDateTime> {
        let removed = to_remove(found, keep, now);
        let mut kept: Vec<_> = found
            .iter()
            .filter(|f| !removed.contains(&f.folder))
            .map(|f| f.made_at)
            .collect();
        kept.sort();
        kept
    }

    #[test]
    fn the_name_of_a_folder_dates_it_and_other_names_are_not_ours() {
        assert_eq!(
            made_at("wellspring-20261205T151230.123Z"),
            Some(datetime(2026, 12, 5, 15, 12) + time::Duration::milliseconds(30_123))
        );
        assert_eq!(made_at("wellspring-latest"), None);
        assert_eq!(made_at("wellspring-20261305T151230.123Z"), None);
        assert_eq!(made_at("photos-20261205T151230.123Z"), None);
    }

    #[test]
    fn the_newest_of_each_day_is_kept_for_the_last_days_and_of_each_week_beyond() {
        // Two backups a day for 60 days, ending on Saturday 2026-12-05.
        let end = datetime(2026, 12, 5, 23, 0);
        let found: Vec<Found> = (0..120)
            .map(|n| backup(end - time::Duration::hours(12 * n)))
            .collect();
        let kept = kept(&found, Retention { daily: 7, weekly: 4 }, end);
        // The last 7 days' evening backups (Sunday 29 November to Saturday 5 December), and
        // the newest of each of 4 ISO weeks: the two those days reach into, and the two
        // before them (their Sundays' 23:00).
        let mut expected: Vec<OffsetDateTime> = (0..7)
            .map(|d| end - time::Duration::days(d))
            .collect();
        expected.extend([
            datetime(2026, 11, 22, 23, 0),
            datetime(2026, 11, 15, 23, 0),
        ]);
        expected.sort();
        assert_eq!(kept, expected);
    }

    #[test]
    fn days_without_a_backup_do_not_use_up_the_allowance() {
        let now = datetime(2026, 12, 5, 12, 0);
        // One backup on each of five days, with gaps of a week between them.
        let found: Vec<Found> = (0..5)
            .map(|n| backup(now - time::Duration::days(7 * n)))
            .collect();
        assert_eq!(kept(&found, Retention { daily: 3, weekly: 0 }, now).len(), 3);
    }

    #[test]
    fn the_newest_backup_is_kept_even_when_the_settings_keep_none() {
        let now = datetime(2026, 12, 5, 12, 0);
        let found = vec![backup(now), backup(now - time::Duration::days(1))];
        assert_eq!(
            kept(&found, Retention { daily: 0, weekly: 0 }, now),
            vec![now]
        );
    }

    #[test]
    fn an_unfinished_backup_goes_once_it_is_a_day_old_and_never_counts_as_kept() {
        let now = datetime(2026, 12, 5, 12, 0);
        let mut old = backup(now - time::Duration::hours(30));
        old.complete = false;
        let mut running = backup(now - time::Duration::minutes(5));
        running.complete = false;
        let done = backup(now - time::Duration::days(2));
        let found = vec![old.clone(), running.clone(), done.clone()];
        let removed = to_remove(&found, Retention { daily: 1, weekly: 0 }, now);
        assert_eq!(removed, vec![old.folder]);
    }
}
