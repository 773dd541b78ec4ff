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

/// Where "confirm it's you" sends a member on: back to the settings page they came from
/// (`next`, when it is one), else the security page. A proof is only for settings.
pub fn after_proof(next: &str) -> String {
    let path = safe_redirect(Some(next));
    if path.starts_with("/settings/") {
        path
    } else {
        "/settings/security".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{after_proof, safe_redirect};

    #[test]
    fn a_proof_sends_the_member_back_to_settings_only() {
        assert_eq!(
            after_proof("/settings/security#two-step"),
            "/settings/security#two-step"
        );
        assert_eq!(after_proof("/c/garden"), "/settings/security");
        assert_eq!(
            after_proof("//evil.example/settings/"),
            "/settings/security"
        );
        assert_eq!(after_proof(""), "/settings/security");
    }

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
