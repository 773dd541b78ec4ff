//! The rate limits identity applies, each counted in its own committed transaction so a
//! request that then fails still counts.

use super::service_tx;
use crate::{
    domain::AppError,
    server::{
        auth::{
            audit::Origin,
            rate_limit::{self, Limit},
            token::hash_token,
        },
        state::AppState,
    },
};
use base64::Engine as _;

async fn hit(state: &AppState, bucket: String, max: i32) -> Result<(), AppError> {
    let limit = Limit {
        max,
        window_secs: state.settings.limits.window_secs,
    };
    let mut tx = service_tx(&state.pool).await?;
    let result = rate_limit::hit(&mut tx, &bucket, limit).await;
    tx.commit().await?;
    result
}

/// Per client IP. Without a known IP (never from our own listener) nothing is limited.
pub async fn per_ip(
    state: &AppState,
    action: &str,
    origin: &Origin,
    max: i32,
) -> Result<(), AppError> {
    match origin.ip {
        Some(ip) => hit(state, format!("{action}:ip:{}", client_key(ip)), max).await,
        None => Ok(()),
    }
}

/// What one client is, for counting: an IPv4 address, or an IPv6 client's /64. One home or
/// phone is given a whole /64 and may pick any address in it, so counting single IPv6
/// addresses would give an attacker 2^64 fresh buckets.
pub fn client_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
    }
}

/// Per account, keyed by a hash of the normalised email, known or not (no enumeration, and
/// typed-in addresses are not stored).
pub async fn per_account(
    state: &AppState,
    action: &str,
    email: &str,
    max: i32,
) -> Result<(), AppError> {
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hash_token(email));
    hit(state, format!("{action}:account:{key}"), max).await
}

/// Per signed-in account, for what a member does to their own account (password checks and
/// changes), keyed by the account id.
pub async fn per_user(
    state: &AppState,
    action: &str,
    user_id: uuid::Uuid,
    max: i32,
) -> Result<(), AppError> {
    hit(state, format!("{action}:user:{user_id}"), max).await
}

/// One counted check of a TOTP or recovery code, from [`second_factor`].
/// `mfa::check_code` takes it by value, so no code is checked without being counted.
#[must_use = "an attempt is spent by checking a code with it"]
pub struct SecondFactorAttempt {
    bucket: String,
    window_start: f64,
}

impl SecondFactorAttempt {
    /// The code was right: it does not count against the account. Runs in the checking
    /// transaction, so if that rolls back the attempt stays counted.
    pub async fn succeeded(self, conn: &mut sqlx::PgConnection) -> Result<(), AppError> {
        rate_limit::give_back(conn, &self.bucket, self.window_start).await
    }
}

/// Every check of a second-factor code for an account, wherever it happens (sign-in,
/// turning two-step sign-in off, confirming it's you), goes through this one limit:
/// `limits.second_factor_failures` wrong codes per `limits.second_factor_window_secs`. The
/// attempt is counted before the code is looked at (so parallel guesses cannot slip past the
/// count) and given back when the code was right. Over the limit, even a right code is
/// refused: with three codes valid at any moment, unlimited tries would find one.
pub async fn second_factor(
    state: &AppState,
    user_id: uuid::Uuid,
) -> Result<SecondFactorAttempt, AppError> {
    let limits = &state.settings.limits;
    let bucket = format!("second_factor:user:{user_id}");
    let mut tx = service_tx(&state.pool).await?;
    let counted = rate_limit::count(&mut tx, &bucket, limits.second_factor_window_secs).await?;
    tx.commit().await?;
    if counted.hits > limits.second_factor_failures {
        return Err(AppError::TooManyCodes {
            retry_after_secs: counted.retry_after_secs,
        });
    }
    Ok(SecondFactorAttempt {
        bucket,
        window_start: counted.window_start,
    })
}

#[cfg(test)]
mod tests {
    use super::client_key;

    #[test]
    fn ipv6_clients_are_counted_per_64_and_ipv4_per_address() {
        let a = client_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = client_key("2001:db8:1:2:ffff:1:2:3".parse().unwrap());
        let other = client_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b, "one /64 is one client");
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_ne!(a, other);
        assert_eq!(client_key("203.0.113.9".parse().unwrap()), "203.0.113.9");
        assert_eq!(
            client_key("::ffff:203.0.113.9".parse().unwrap()),
            "203.0.113.9",
            "a v4-mapped address is its IPv4 client"
        );
    }
}
