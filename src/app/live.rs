//! The page's one live connection to `/realtime`, shared by its islands (the bell, a live
//! thread, a feed banner). Browser only; on the server `follow` does nothing, so a page is
//! whole without it.
//!
//! It reconnects by itself after a drop, waiting longer each time (up to half a minute) with
//! jitter so a restarted instance is not met by every page at once, and resubscribes each
//! channel from the last event id it saw there, so nothing is missed and nothing is shown
//! twice (repeats are dropped by id).

use crate::domain::realtime::Frame;

/// Hears `channel` (`post:12`, `circle:3`, `notifications`) for as long as the page lives,
/// calling `listener` with each frame for it.
pub fn follow(channel: String, listener: impl Fn(&Frame) + 'static) {
    #[cfg(feature = "hydrate")]
    browser::follow(channel, listener);
    #[cfg(not(feature = "hydrate"))]
    let _ = (channel, listener);
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::domain::realtime::{Frame, subscribe_text};
    use std::{cell::RefCell, rc::Rc, time::Duration};
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{MessageEvent, WebSocket};

    type Listener = Rc<dyn Fn(&Frame)>;

    #[derive(Default)]
    struct Followed {
        /// The newest event id seen here: where a resubscription resumes.
        last: Option<i64>,
        listeners: Vec<Listener>,
    }

    #[derive(Default)]
    struct Connection {
        socket: Option<WebSocket>,
        open: bool,
        /// A page follows a handful of channels: a list is smaller in wasm than a map.
        channels: Vec<(String, Followed)>,
        failures: u32,
    }

    thread_local! {
        static LIVE: Rc<RefCell<Connection>> = Rc::new(RefCell::new(Connection::default()));
    }

    pub fn follow(channel: String, listener: impl Fn(&Frame) + 'static) {
        LIVE.with(|live| {
            let first = {
                let mut connection = live.borrow_mut();
                let index = match connection.channels.iter().position(|(c, _)| *c == channel) {
                    Some(index) => index,
                    None => {
                        connection
                            .channels
                            .push((channel.clone(), Followed::default()));
                        connection.channels.len() - 1
                    }
                };
                connection.channels[index]
                    .1
                    .listeners
                    .push(Rc::new(listener));
                let first = connection.socket.is_none();
                if !first && connection.open {
                    send(&connection, &subscribe_text(&channel, None));
                }
                first
            };
            if first {
                connect(live.clone());
            }
        });
    }

    fn send(connection: &Connection, text: &str) {
        if let Some(socket) = &connection.socket {
            let _ = socket.send_with_str(text);
        }
    }

    fn address() -> Option<String> {
        let location = web_sys::window()?.location();
        let scheme = if location.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        Some(format!("{scheme}://{}/realtime", location.host().ok()?))
    }

    fn connect(live: Rc<RefCell<Connection>>) {
        let Some(url) = address() else { return };
        let Ok(socket) = WebSocket::new(&url) else {
            retry_later(live);
            return;
        };
        let on_open = {
            let live = live.clone();
            Closure::<dyn FnMut()>::new(move || {
                let mut connection = live.borrow_mut();
                connection.open = true;
                connection.failures = 0;
                let subscriptions: Vec<String> = connection
                    .channels
                    .iter()
                    .map(|(channel, followed)| subscribe_text(channel, followed.last))
                    .collect();
                for frame in &subscriptions {
                    send(&connection, frame);
                }
            })
        };
        let on_message = {
            let live = live.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                let Ok(frame) = serde_json::from_str::<Frame>(&text) else {
                    return;
                };
                deliver(&live, &frame);
            })
        };
        let on_close = {
            let live = live.clone();
            Closure::<dyn FnMut()>::new(move || {
                {
                    let mut connection = live.borrow_mut();
                    connection.open = false;
                    connection.socket = None;
                    connection.failures += 1;
                }
                retry_later(live.clone());
            })
        };
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        // The socket holds them for the page's life; a reconnect makes new ones.
        on_open.forget();
        on_message.forget();
        on_close.forget();
        live.borrow_mut().socket = Some(socket);
    }

    /// Half a second, doubling per failure up to thirty, times a random 0.5–1.5.
    fn retry_later(live: Rc<RefCell<Connection>>) {
        let failures = live.borrow().failures.min(6);
        let base = 500.0 * f64::from(1_u32 << failures);
        let wait = (base.min(30_000.0) * (0.5 + js_sys::Math::random())) as u64;
        leptos::prelude::set_timeout(move || connect(live), Duration::from_millis(wait));
    }

    /// Hands a frame to its channel's listeners, dropping events already seen.
    fn deliver(live: &Rc<RefCell<Connection>>, frame: &Frame) {
        let channel = match frame.frame.as_str() {
            "unread" => "notifications",
            "pong" => return,
            _ => frame.channel.as_str(),
        };
        let listeners: Vec<Listener> = {
            let mut connection = live.borrow_mut();
            let Some((_, followed)) = connection.channels.iter_mut().find(|(c, _)| c == channel)
            else {
                return;
            };
            match frame.frame.as_str() {
                "event" => {
                    if followed.last.is_some_and(|last| frame.id <= last) {
                        return;
                    }
                    followed.last = Some(frame.id);
                }
                "subscribed" => {
                    followed.last.get_or_insert(frame.last);
                }
                _ => {}
            }
            followed.listeners.clone()
        };
        for listener in listeners {
            listener(frame);
        }
    }
}
