//! The resilience benchmark's load (bench/resilience.sh): `connections` clients reading
//! `paths` in turn for `seconds`, each answer written as one CSV line
//! (`unix_ms,latency_us,status,path`; status 0 for a failed connection), so the script can
//! cut the run into before / during / after whatever it did to the server meanwhile. With
//! `--slowloris N`, N sockets send their headers a byte every half second from
//! `--slowloris-from` to `--slowloris-to` seconds into the run, as a slowloris attacker does.
//!
//! `resilience_bench --site URL --paths /a,/b [--connections 32] [--seconds 12] --out FILE
//!                   [--slowloris 1000 --slowloris-from 4 --slowloris-to 8]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::Write as _,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};
use tokio::io::AsyncWriteExt as _;

struct Args {
    site: String,
    paths: Vec<String>,
    connections: usize,
    seconds: u64,
    out: String,
    slowloris: usize,
    slowloris_from: u64,
    slowloris_to: u64,
}

fn args() -> Args {
    let mut args = Args {
        site: String::new(),
        paths: vec!["/".into()],
        connections: 32,
        seconds: 12,
        out: String::new(),
        slowloris: 0,
        slowloris_from: 0,
        slowloris_to: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--site" => args.site = value,
            "--paths" => args.paths = value.split(',').map(str::to_owned).collect(),
            "--connections" => args.connections = value.parse().unwrap(),
            "--seconds" => args.seconds = value.parse().unwrap(),
            "--out" => args.out = value,
            "--slowloris" => args.slowloris = value.parse().unwrap(),
            "--slowloris-from" => args.slowloris_from = value.parse().unwrap(),
            "--slowloris-to" => args.slowloris_to = value.parse().unwrap(),
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(
        !args.site.is_empty() && !args.out.is_empty(),
        "--site and --out"
    );
    args
}

fn unix_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

#[tokio::main]
async fn main() {
    let args = args();
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut clients = Vec::new();
    for n in 0..args.connections {
        let (stop, site) = (stop.clone(), args.site.clone());
        let paths = args.paths.clone();
        clients.push(tokio::spawn(async move {
            // One kept-alive connection per client, as a browser tab or a proxy would.
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            let mut lines = Vec::new();
            let mut i = n;
            while !stop.load(Ordering::Relaxed) {
                let path = &paths[i % paths.len()];
                i += 1;
                let at = unix_ms();
                let asked = Instant::now();
                let status = match client.get(format!("{site}{path}")).send().await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let _ = response.bytes().await;
                        status
                    }
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        0
                    }
                };
                lines.push(format!(
                    "{at},{},{status},{path}",
                    asked.elapsed().as_micros()
                ));
            }
            lines
        }));
    }
    let slowloris = (args.slowloris > 0).then(|| {
        let (site, count) = (args.site.clone(), args.slowloris);
        let (from, to) = (
            Duration::from_secs(args.slowloris_from),
            Duration::from_secs(args.slowloris_to),
        );
        tokio::spawn(async move {
            tokio::time::sleep(from.saturating_sub(started.elapsed())).await;
            let address = site.trim_start_matches("http://").to_owned();
            let mut sockets = Vec::with_capacity(count);
            for _ in 0..count {
                if let Ok(mut socket) = tokio::net::TcpStream::connect(&address).await {
                    let _ = socket.write_all(b"GET / HTTP/1.1\r\nX-").await;
                    sockets.push(socket);
                }
            }
            eprintln!(
                "slowloris: {} sockets open at {} ms",
                sockets.len(),
                unix_ms()
            );
            while started.elapsed() < to {
                tokio::time::sleep(Duration::from_millis(500)).await;
                for socket in &mut sockets {
                    let _ = socket.write_all(b"a").await;
                }
            }
            eprintln!("slowloris: closed at {} ms", unix_ms());
        })
    });
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&args.out).unwrap());
    for client in clients {
        for line in client.await.unwrap() {
            writeln!(out, "{line}").unwrap();
        }
    }
    if let Some(slowloris) = slowloris {
        slowloris.abort();
    }
}
