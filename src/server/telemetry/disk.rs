//! Free space on the disk that holds a folder: the embedded cluster's, which stops taking
//! writes when it fills (the "disk space" alert reads it from `/metrics`).

use std::{ffi::CString, os::unix::ffi::OsStrExt as _, path::Path};

/// Bytes an unprivileged writer may still use on the file system holding `path`, and the
/// file system's size; `None` if `path` cannot be read.
// The fields' types differ between targets (u32 or u64): a cast is right on each.
#[allow(clippy::unnecessary_cast)]
pub fn space(path: &Path) -> Option<(u64, u64)> {
    let path = CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: `stats` is plain old data that statvfs fills in; `path` is a valid
    // NUL-terminated string that outlives the call.
    let mut stats: libc::statvfs = unsafe { std::mem::zeroed() };
    let status = unsafe { libc::statvfs(path.as_ptr(), &mut stats) };
    if status != 0 {
        return None;
    }
    let block = (stats.f_frsize as u64).max(1);
    Some((
        (stats.f_bavail as u64).saturating_mul(block),
        (stats.f_blocks as u64).saturating_mul(block),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_disk_of_a_folder_has_a_size_and_no_more_free_than_that() {
        let dir = std::env::temp_dir();
        let (free, size) = space(&dir).unwrap_or_default();
        assert!(size > 0, "the temporary folder's disk has a size");
        assert!(free <= size);
        assert_eq!(space(Path::new("/no/such/folder/here")), None);
    }
}
