//! Which access tokens no longer speak for anyone, known on every instance within moments.
//!
//! Access tokens are checked without the database (that keeps pages cheap), so until now a
//! revoked session's token still read for up to its 15-minute lifetime. PostgreSQL announces
//! every revoked or deleted session and every role change on `wellspring_revocations`
//! (migration 0014); each instance's listener feeds this set, and the session middleware
//! asks it on every request, GET included. An entry is kept only as long as a token issued
//! before it could still be valid (the access-token lifetime), and the whole set is reloaded
//! from the database after the listener reconnects, so a notice missed while it was away is
//! still honoured.

use crate::server::db::scoped::{self, RequestClaims};
use serde::Deserialize;
use sqlx::PgPool;
use std::{collections::HashMap, sync::RwLock};
use uuid::Uuid;

/// What the set says about one access token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenStanding {
    Valid,
    /// Its session was revoked: the caller is signed out.
    SessionEnded,
    /// The member's role or standing (a sanction, migration 0025) changed after it was
    /// issued: refresh it before trusting it.
    RoleChanged,
}

#[derive(Debug, Default)]
struct Entries {
    /// Session id → when it was revoked (Unix seconds).
    sessions: HashMap<Uuid, f64>,
    /// User id → their role since it last changed, and when (Unix seconds).
    roles: HashMap<Uuid, (String, f64)>,
    /// User id → the sanction they are told about since their standing last changed (0 for
    /// none), and when (Unix seconds).
    standings: HashMap<Uuid, (i64, f64)>,
}

/// The instance's revoked sessions and recent role changes.
#[derive(Debug)]
pub struct Revocations {
    entries: RwLock<Entries>,
    /// How long a notice matters: the access-token lifetime.
    keep_secs: f64,
}

/// One notice from `wellspring_revocations`.
#[derive(Debug, Deserialize)]
struct Notice {
    session: Option<Uuid>,
    user: Option<Uuid>,
    role: Option<String>,
    standing: Option<i64>,
    at: f64,
}

impl Revocations {
    pub fn new(access_token_ttl_secs: i64) -> Self {
        Self {
            entries: RwLock::default(),
            keep_secs: access_token_ttl_secs as f64 + 5.0,
        }
    }

    /// Judges a verified access token by its session, subject, product role and the
    /// sanction it states (`standing`, 0 for none) as of when it was issued (`issued_at`,
    /// Unix seconds).
    pub fn standing(
        &self,
        session_id: Uuid,
        user_id: Uuid,
        app_role: &str,
        standing: i64,
        issued_at: i64,
    ) -> TokenStanding {
        let Ok(entries) = self.entries.read() else {
            return TokenStanding::Valid;
        };
        if entries.sessions.contains_key(&session_id) {
            return TokenStanding::SessionEnded;
        }
        // Compared by value, not by time: `iat` has whole seconds, so a token issued in the
        // second of the change could not be placed before or after it. A token naming the
        // current role grants exactly what a fresh one would.
        match entries.roles.get(&user_id) {
            Some((role, _)) if role != app_role => return TokenStanding::RoleChanged,
            _ => {}
        }
        // Unlike a role, a standing also changes with time (a silence ends), so the value
        // noted at the change can go stale: a token issued after the change read its
        // standing from the database and is right. `iat` has whole seconds, so a token from
        // the second of the change counts as before it (refreshed once more, never missed).
        match entries.standings.get(&user_id) {
            Some((noted, at)) if *noted != standing && (issued_at as f64) < *at => {
                TokenStanding::RoleChanged
            }
            _ => TokenStanding::Valid,
        }
    }

    pub fn standing_changed(&self, user_id: Uuid, standing: i64, at: f64) {
        if let Ok(mut entries) = self.entries.write() {
            let newer = entries
                .standings
                .get(&user_id)
                .is_none_or(|(_, previous)| *previous <= at);
            if newer {
                entries.standings.insert(user_id, (standing, at));
            }
        }
    }

    pub fn session_ended(&self, session_id: Uuid, at: f64) {
        if let Ok(mut entries) = self.entries.write() {
            entries.sessions.insert(session_id, at);
        }
    }

    pub fn role_changed(&self, user_id: Uuid, role: &str, at: f64) {
        if let Ok(mut entries) = self.entries.write() {
            let newer = entries
                .roles
                .get(&user_id)
                .is_none_or(|(_, previous)| *previous <= at);
            if newer {
                entries.roles.insert(user_id, (role.to_owned(), at));
            }
        }
    }

    /// Applies one notification payload; an unreadable one is logged and ignored.
    pub fn apply(&self, payload: &str) {
        match serde_json::from_str::<Notice>(payload) {
            Ok(Notice {
                session: Some(id),
                at,
                ..
            }) => self.session_ended(id, at),
            Ok(Notice {
                user: Some(id),
                role: Some(role),
                at,
                ..
            }) => self.role_changed(id, &role, at),
            Ok(Notice {
                user: Some(id),
                standing: Some(standing),
                at,
                ..
            }) => self.standing_changed(id, standing, at),
            Ok(_) | Err(_) => tracing::warn!(payload, "ignored an unreadable revocation notice"),
        }
    }

    /// Drops what no unexpired token can be affected by any more.
    pub fn forget_before(&self, now: f64) {
        let horizon = now - self.keep_secs;
        if let Ok(mut entries) = self.entries.write() {
            entries.sessions.retain(|_, at| *at >= horizon);
            entries.roles.retain(|_, (_, at)| *at >= horizon);
            entries.standings.retain(|_, (_, at)| *at >= horizon);
        }
    }

    /// Sessions and role changes held now, for `/metrics`.
    pub fn len(&self) -> usize {
        self.entries
            .read()
            .map(|e| e.sessions.len() + e.roles.len() + e.standings.len())
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces the set with what the database says: after (re)connecting the listener.
    #[tracing::instrument(skip_all)]
    pub async fn reload(&self, pool: &PgPool) -> Result<usize, sqlx::Error> {
        let mut tx = scoped::begin(pool, &RequestClaims::auth_admin()).await?;
        let sessions: Vec<(Uuid, f64)> = sqlx::query_as(
            "select id, extract(epoch from revoked_at)::float8 from auth.sessions
              where revoked_at > now() - make_interval(secs => $1)",
        )
        .bind(self.keep_secs)
        .fetch_all(&mut *tx)
        .await?;
        let roles: Vec<(Uuid, String, f64)> = sqlx::query_as(
            "select id, role, extract(epoch from role_changed_at)::float8 from auth.users
              where role_changed_at > now() - make_interval(secs => $1)",
        )
        .bind(self.keep_secs)
        .fetch_all(&mut *tx)
        .await?;
        let standings: Vec<(Uuid, i64, f64)> = sqlx::query_as(
            "select member_id, standing, extract(epoch from changed_at)::float8
               from app.recent_standings(now() - make_interval(secs => $1))",
        )
        .bind(self.keep_secs)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let count = sessions.len() + roles.len() + standings.len();
        if let Ok(mut entries) = self.entries.write() {
            entries.sessions = sessions.into_iter().collect();
            entries.roles = roles
                .into_iter()
                .map(|(id, role, at)| (id, (role, at)))
                .collect();
            entries.standings = standings
                .into_iter()
                .map(|(id, standing, at)| (id, (standing, at)))
                .collect();
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revoked_session_is_signed_out_and_others_are_not() {
        let set = Revocations::new(900);
        let (session, other, user) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        set.apply(&format!(r#"{{"session":"{session}","at":1000.5}}"#));
        assert_eq!(
            set.standing(session, user, "member", 0, 900),
            TokenStanding::SessionEnded
        );
        assert_eq!(
            set.standing(other, user, "member", 0, 900),
            TokenStanding::Valid
        );
    }

    #[test]
    fn a_token_naming_a_role_the_member_no_longer_has_must_be_refreshed() {
        let set = Revocations::new(900);
        let (session, user) = (Uuid::new_v4(), Uuid::new_v4());
        set.apply(&format!(
            r#"{{"user":"{user}","role":"member","at":1000.5}}"#
        ));
        assert_eq!(
            set.standing(session, user, "moderator", 0, 900),
            TokenStanding::RoleChanged
        );
        assert_eq!(
            set.standing(session, user, "member", 0, 900),
            TokenStanding::Valid
        );
        assert_eq!(
            set.standing(session, Uuid::new_v4(), "moderator", 0, 900),
            TokenStanding::Valid
        );
        // An older notice arriving late does not undo a newer one.
        set.apply(&format!(
            r#"{{"user":"{user}","role":"moderator","at":999.0}}"#
        ));
        assert_eq!(
            set.standing(session, user, "moderator", 0, 900),
            TokenStanding::RoleChanged
        );
    }

    #[test]
    fn a_token_stating_an_old_standing_must_be_refreshed() {
        let set = Revocations::new(900);
        let (session, user) = (Uuid::new_v4(), Uuid::new_v4());
        // Silenced: sanction 7 is what the member is told about now.
        set.apply(&format!(r#"{{"user":"{user}","standing":7,"at":1000.5}}"#));
        assert_eq!(
            set.standing(session, user, "member", 0, 900),
            TokenStanding::RoleChanged
        );
        assert_eq!(
            set.standing(session, user, "member", 7, 900),
            TokenStanding::Valid
        );
        // Lifted: a token still stating it is refreshed, one stating nothing is right.
        set.apply(&format!(r#"{{"user":"{user}","standing":0,"at":1001.0}}"#));
        assert_eq!(
            set.standing(session, user, "member", 7, 900),
            TokenStanding::RoleChanged
        );
        assert_eq!(
            set.standing(session, user, "member", 0, 900),
            TokenStanding::Valid
        );
    }

    #[test]
    fn notices_are_forgotten_once_no_token_they_cover_can_be_valid() {
        let set = Revocations::new(900);
        set.session_ended(Uuid::new_v4(), 1000.0);
        set.role_changed(Uuid::new_v4(), "member", 1800.0);
        set.forget_before(1000.0 + 904.0);
        assert_eq!(set.len(), 2);
        set.forget_before(1000.0 + 906.0);
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn garbage_is_ignored() {
        let set = Revocations::new(900);
        set.apply("not json");
        set.apply(r#"{"at": 1}"#);
        assert!(set.is_empty());
    }
}
