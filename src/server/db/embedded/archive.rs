//! The embedded cluster's own settings file, `wellspring.conf` in its data directory,
//! rewritten at every start from `[database]`: WAL archiving for point-in-time recovery
//! (`database.wal_archive_dir`), and during a restore, `wellspring-recovery.conf` beside it.
//! `postgresql.conf` includes both (`include_if_exists`), so a file that is absent changes
//! nothing, and `initdb`'s file is otherwise left as it was.

use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};

pub const SETTINGS: &str = "wellspring.conf";
pub const RECOVERY: &str = "wellspring-recovery.conf";

/// Where WAL goes and how often a quiet segment is closed anyway (the RPO's upper bound).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterOptions {
    /// Archive every finished WAL segment into this folder; `None`: no archiving.
    pub wal_archive: Option<PathBuf>,
    /// `archive_timeout`: a segment with any write in it is archived within this many
    /// seconds, even if it is not full (0: only full segments, PostgreSQL's default).
    pub archive_timeout_secs: u64,
}

/// What a restore replays the archive up to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecoveryTarget {
    /// Everything the archive holds.
    Latest,
    /// A moment, as PostgreSQL reads a `timestamptz` (`2026-12-05 15:30:00+00`).
    Time(String),
}

/// Adds the include lines to `postgresql.conf` once.
pub fn ensure_included(data_dir: &Path) -> anyhow::Result<()> {
    let conf = data_dir.join("postgresql.conf");
    let text = std::fs::read_to_string(&conf)
        .with_context(|| format!("reading {}", conf.display()))?;
    let mut missing = String::new();
    for file in [SETTINGS, RECOVERY] {
        let line = format!("include_if_exists = '{file}'");
        if !text.lines().any(|l| l.trim() == line) {
            missing.push_str(&line);
            missing.push('\n');
        }
    }
    if !missing.is_empty() {
        use std::io::Write as _;
        let mut file = std::fs::OpenOptions::new().append(true).open(&conf)?;
        write!(
            file,
            "\n# Wellspring's settings (rewritten at every start; see server::db::embedded)\n{missing}"
        )?;
    }
    Ok(())
}

/// `wellspring.conf` for `options`; `archive` is the archive folder's absolute path.
pub fn settings_text(options: &ClusterOptions, archive: Option<&Path>) -> anyhow::Result<String> {
    let Some(archive) = archive else {
        return Ok("# WAL archiving is off (database.wal_archive_dir is not set).\n".into());
    };
    let dir = usable(archive)?;
    // Copied under a temporary name and renamed, so the archive never holds half a segment;
    // a segment already there is never overwritten (PostgreSQL's advice).
    let command =
        format!("test ! -f '{dir}/%f' && cp '%p' '{dir}/%f.part' && mv '{dir}/%f.part' '{dir}/%f'");
    Ok(format!(
        "# WAL archiving for point-in-time recovery (database.wal_archive_dir).\n\
         wal_level = replica\n\
         archive_mode = on\n\
         archive_command = {}\n\
         archive_timeout = {}\n",
        quoted(&command),
        options.archive_timeout_secs
    ))
}

/// `wellspring-recovery.conf`: replay from `archive` up to `target`, then open for writes.
pub fn recovery_text(archive: &Path, target: &RecoveryTarget) -> anyhow::Result<String> {
    let dir = usable(archive)?;
    let mut text = format!(
        "# A point-in-time restore (wellspring restore --to-time); removed when it is done.\n\
         restore_command = {}\n\
         recovery_target_action = 'promote'\n",
        quoted(&format!("cp '{dir}/%f' '%p'"))
    );
    if let RecoveryTarget::Time(time) = target {
        if time.contains(['\'', '\\', '\n']) {
            bail!("the time {time:?} has characters no time needs");
        }
        text.push_str(&format!("recovery_target_time = '{time}'\n"));
        text.push_str("recovery_target_inclusive = true\n");
    }
    Ok(text)
}

/// A path safe inside the shell commands above: no quote or `%` that would change them.
fn usable(path: &Path) -> anyhow::Result<&str> {
    let text = path
        .to_str()
        .with_context(|| format!("{} is not UTF-8", path.display()))?;
    if !path.is_absolute() || text.contains(['\'', '%', '\n', '\\']) {
        bail!("the WAL archive folder {text:?} must be an absolute path without ' % or \\");
    }
    Ok(text)
}

/// A string value in postgresql.conf's syntax.
fn quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archiving_copies_each_segment_whole_and_never_over_one_already_there() {
        let options = ClusterOptions {
            wal_archive: Some("/srv/wal".into()),
            archive_timeout_secs: 30,
        };
        let text = settings_text(&options, Some(Path::new("/srv/wal"))).unwrap();
        assert!(text.contains("archive_mode = on"));
        assert!(text.contains("archive_timeout = 30"));
        assert!(text.contains(
            "archive_command = 'test ! -f ''/srv/wal/%f'' && cp ''%p'' ''/srv/wal/%f.part'' && mv ''/srv/wal/%f.part'' ''/srv/wal/%f'''"
        ));
        assert!(
            settings_text(&ClusterOptions::default(), None)
                .unwrap()
                .starts_with("# WAL archiving is off")
        );
    }

    #[test]
    fn a_folder_or_a_time_that_would_change_the_commands_is_refused() {
        let options = ClusterOptions::default();
        assert!(settings_text(&options, Some(Path::new("/srv/it's"))).is_err());
        assert!(settings_text(&options, Some(Path::new("/srv/100%"))).is_err());
        assert!(settings_text(&options, Some(Path::new("relative/wal"))).is_err());
        let time = RecoveryTarget::Time("2026-12-05 15:30:00+00'; drop".into());
        assert!(recovery_text(Path::new("/srv/wal"), &time).is_err());
    }

    #[test]
    fn a_restore_replays_to_the_time_asked_or_to_the_end_of_the_archive() {
        let latest = recovery_text(Path::new("/srv/wal"), &RecoveryTarget::Latest).unwrap();
        assert!(latest.contains("restore_command = 'cp ''/srv/wal/%f'' ''%p'''"));
        assert!(latest.contains("recovery_target_action = 'promote'"));
        assert!(!latest.contains("recovery_target_time"));
        let time = RecoveryTarget::Time("2026-12-05 15:30:00+00".into());
        let timed = recovery_text(Path::new("/srv/wal"), &time).unwrap();
        assert!(timed.contains("recovery_target_time = '2026-12-05 15:30:00+00'"));
    }

    #[test]
    fn the_include_lines_are_added_once() {
        let dir = std::env::temp_dir().join(format!("ws-conf-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("postgresql.conf"), "max_connections = 100\n").unwrap();
        ensure_included(&dir).unwrap();
        ensure_included(&dir).unwrap();
        let text = std::fs::read_to_string(dir.join("postgresql.conf")).unwrap();
        assert_eq!(text.matches("include_if_exists = 'wellspring.conf'").count(), 1);
        assert_eq!(text.matches("include_if_exists = 'wellspring-recovery.conf'").count(), 1);
        assert!(text.starts_with("max_connections = 100\n"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
