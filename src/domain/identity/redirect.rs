//! Where a member may be sent after signing in: only paths on this site.

/// `input` when it is a local path (`/...`, not `//host` or `/\host`), otherwise `/`.
pub fn safe_redirect(input: Option<&str>) -> String {
    match input {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.len() <= 512
                && !path.chars().any(|c| c.is_control()) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_redirect;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            safe_redirect(Some("/settings/security")),
            "/settings/security"
        );
        assert_eq!(safe_redirect(Some("//evil.example/")), "/");
        assert_eq!(safe_redirect(Some("/\\evil.example")), "/");
        assert_eq!(safe_redirect(Some("https://evil.example")), "/");
        assert_eq!(safe_redirect(Some("/a\nb")), "/");
        assert_eq!(safe_redirect(None), "/");
    }
}
