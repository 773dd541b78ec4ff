//! Who the client is when Wellspring sits behind a reverse proxy.
//!
//! Rate limits, the devices list and the audit log key on the client's address. Directly
//! on the internet that is the TCP peer. Behind a proxy every request's peer is the proxy,
//! so per-IP limits would count the whole world as one client; the proxy names the real
//! client in `X-Forwarded-For` instead. Anyone can send that header, so it is read only
//! when the peer is one of the operator's own proxies (`server.trusted_proxies`, empty by
//! default), and then from the right: each of our proxies appends the address it saw, so
//! the right-most address that is not one of ours is the last one a proxy of ours vouched
//! for. Everything to its left was written by the client and is never believed.

use crate::server::state::AppState;
use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};
use http::{HeaderMap, HeaderValue};
use ipnet::IpNet;
use serde::{Deserialize, Deserializer};
use std::net::{IpAddr, SocketAddr};

/// The client's address as this request resolved it; in every request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The operator's own reverse proxies, as addresses or CIDR ranges. Empty: trust none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// A trusted-proxy entry that is neither an address nor a CIDR range.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "server.trusted_proxies: {0:?} is not an IP address or CIDR range (e.g. 10.0.0.0/8, 192.0.2.7, ::1)"
)]
pub struct BadProxyEntry(pub String);

impl TrustedProxies {
    /// Parses addresses (`192.0.2.7`, `::1`) and ranges (`10.0.0.0/8`, `fd00::/8`).
    pub fn parse<'a>(entries: impl IntoIterator<Item = &'a str>) -> Result<Self, BadProxyEntry> {
        entries
            .into_iter()
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| BadProxyEntry(entry.to_owned()))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// From configuration: a list (`["10.0.0.0/8"]` in TOML) or one string separated by commas
/// or spaces (`WELLSPRING__SERVER__TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.7"`).
impl<'de> Deserialize<'de> for TrustedProxies {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            List(Vec<String>),
        }
        let entries: Vec<String> = match Raw::deserialize(deserializer)? {
            Raw::Text(text) => text
                .split([',', ' ', '\t', '\n'])
                .map(str::to_owned)
                .collect(),
            Raw::List(list) => list,
        };
        Self::parse(entries.iter().map(String::as_str)).map_err(serde::de::Error::custom)
    }
}

/// The client's address: `peer` itself unless it is a trusted proxy; then the right-most
/// `X-Forwarded-For` entry that is not a trusted proxy. An entry that is not an address
/// ends the walk at the last proxy we trust, since nothing further left can be believed.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .rev()
        .flat_map(entries_right_to_left);
    let mut client = peer;
    for hop in hops {
        let Some(ip) = hop else {
            return client;
        };
        client = ip;
        if !trusted.contains(ip) {
            return ip;
        }
    }
    client
}

/// One header value's entries, right-most first; `None` for one that is not an address.
fn entries_right_to_left(value: &HeaderValue) -> Vec<Option<IpAddr>> {
    match value.to_str() {
        Ok(text) => text.rsplit(',').map(parse_entry).collect(),
        Err(_) => vec![None],
    }
}

/// `192.0.2.7`, `2001:db8::1`, and the forms some proxies write with a port
/// (`192.0.2.7:51234`, `[2001:db8::1]:443`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
        .map(|ip| ip.to_canonical())
}

/// Resolves [`ClientIp`] once per request, before anything reads it.
pub async fn middleware(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if let Some(peer) = peer {
        let client = resolve(
            peer,
            request.headers(),
            &state.settings.server.trusted_proxies,
        );
        request.extensions_mut().insert(ClientIp(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    fn proxies(entries: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(entries.iter().copied()).unwrap_or_default()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.append("x-forwarded-for", value);
            }
        }
        headers
    }

    #[test]
    fn proxy_lists_take_addresses_and_ranges_and_refuse_anything_else() {
        let list = proxies(&["10.0.0.0/8", " 192.0.2.7 ", "fd00::/8", ""]);
        assert!(list.contains(ip("10.1.2.3")));
        assert!(list.contains(ip("192.0.2.7")));
        assert!(!list.contains(ip("192.0.2.8")));
        assert!(list.contains(ip("fd00::1")));
        // An IPv4 peer seen through a dual-stack socket is still that IPv4 address.
        assert!(list.contains(ip("::ffff:10.9.9.9")));
        assert_eq!(
            TrustedProxies::parse(["10.0.0.0/33"]),
            Err(BadProxyEntry("10.0.0.0/33".into()))
        );
        assert_eq!(
            TrustedProxies::parse(["proxy.internal"]),
            Err(BadProxyEntry("proxy.internal".into()))
        );
        assert!(TrustedProxies::parse([]).is_ok_and(|list| list.is_empty()));
    }

    #[test]
    fn configuration_reads_a_list_or_one_separated_string() {
        let from_text: TrustedProxies =
            serde_json::from_str(r#""10.0.0.0/8, 192.0.2.7 ::1""#).unwrap_or_default();
        assert_eq!(from_text, proxies(&["10.0.0.0/8", "192.0.2.7", "::1"]));
        let from_list: TrustedProxies =
            serde_json::from_str(r#"["10.0.0.0/8", "::1"]"#).unwrap_or_default();
        assert_eq!(from_list, proxies(&["10.0.0.0/8", "::1"]));
        assert!(serde_json::from_str::<TrustedProxies>(r#""10.0.0.0/8, nonsense""#).is_err());
        let empty: TrustedProxies = serde_json::from_str(r#""""#).unwrap_or(proxies(&["::1"]));
        assert!(empty.is_empty());
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let headers = forwarded(&["203.0.113.9"]);
        assert_eq!(
            resolve(ip("198.51.100.1"), &headers, &TrustedProxies::default()),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn a_peer_that_is_not_a_trusted_proxy_cannot_choose_its_address() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let headers = forwarded(&["203.0.113.9, 10.0.0.5"]);
        assert_eq!(
            resolve(ip("198.51.100.1"), &headers, &trusted),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_entry_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        // The client claimed 1.1.1.1; our edge proxy saw 203.0.113.9; an inner proxy
        // (10.0.0.5) passed it on to the proxy that connected to us (10.0.0.6).
        let headers = forwarded(&["1.1.1.1, 203.0.113.9, 10.0.0.5"]);
        assert_eq!(
            resolve(ip("10.0.0.6"), &headers, &trusted),
            ip("203.0.113.9")
        );
        // The same chain split over several header lines.
        let headers = forwarded(&["1.1.1.1", "203.0.113.9", "10.0.0.5"]);
        assert_eq!(
            resolve(ip("10.0.0.6"), &headers, &trusted),
            ip("203.0.113.9")
        );
        // Ports and IPv6 are understood.
        let headers = forwarded(&["[2001:db8::7]:443"]);
        assert_eq!(
            resolve(ip("10.0.0.6"), &headers, &trusted),
            ip("2001:db8::7")
        );
        let headers = forwarded(&["198.51.100.4:51234"]);
        assert_eq!(
            resolve(ip("10.0.0.6"), &headers, &trusted),
            ip("198.51.100.4")
        );
    }

    #[test]
    fn a_trusted_proxy_without_the_header_or_with_only_proxies_in_it() {
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            resolve(ip("10.0.0.6"), &HeaderMap::new(), &trusted),
            ip("10.0.0.6")
        );
        // Every hop is ours: the furthest one is the best we know.
        let headers = forwarded(&["10.0.0.4, 10.0.0.5"]);
        assert_eq!(resolve(ip("10.0.0.6"), &headers, &trusted), ip("10.0.0.4"));
    }

    #[test]
    fn garbage_stops_the_walk_at_the_last_trusted_hop() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let headers = forwarded(&["203.0.113.9, unknown, 10.0.0.5"]);
        assert_eq!(resolve(ip("10.0.0.6"), &headers, &trusted), ip("10.0.0.5"));
        let headers = forwarded(&["not an address"]);
        assert_eq!(resolve(ip("10.0.0.6"), &headers, &trusted), ip("10.0.0.6"));
    }
}
