//! A real HTTP service for load tests: axum on Tokio, bound to a loopback port chosen by the
//! system (`127.0.0.1:0`), serving [`crate::users`]' `/users/search?q=<name>` in one of its
//! versions, and the small HTTP client the load tests send requests with.
//!
//! The server runs on a runtime and thread of its own, so the load generator's workers and the
//! service do not share a scheduler; it stops when the [`Server`] is dropped. Queries run on
//! Tokio's blocking pool, at most one per SQLite connection, one connection per core.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;

use crate::users::{self, Directory, Version};

/// The running service.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Connections the kernel may hold for the server before it accepts them (capped by
/// `net.core.somaxconn`).
const ACCEPT_QUEUE: u32 = 4096;

struct App {
    version: Version,
    connections: Vec<Mutex<rusqlite::Connection>>,
    free: Semaphore,
}

impl Server {
    /// Serves `directory` by `version` on a fresh loopback port.
    pub fn start(directory: Directory, version: Version) -> std::io::Result<Server> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let connections = (0..cores)
            .map(|_| directory.connect().map(Mutex::new))
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(std::io::Error::other)?;
        let app = Arc::new(App {
            version,
            connections,
            free: Semaphore::new(cores),
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(cores)
            .enable_all()
            .thread_name("users-service")
            .build()?;
        // A deep accept queue: 1,000 clients connecting at once overflow Tokio's default of
        // 1,024 while the workers are busy, and a dropped SYN is retried after a whole second.
        let listener = runtime.block_on(async {
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
            socket.listen(ACCEPT_QUEUE)
        })?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = Router::new()
            .route("/users/search", routing::get(search))
            .with_state(app);
        let thread = std::thread::spawn(move || {
            // The directory lives as long as the server: its keeper holds the database.
            let _directory = directory;
            runtime.block_on(async move {
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Ok(Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn search(
    State(app): State<Arc<App>>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Result<String, (StatusCode, String)> {
    let Some(q) = query.get("q").cloned() else {
        return Err((StatusCode::BAD_REQUEST, "missing ?q=<name>".to_owned()));
    };
    let _permit = app.free.acquire().await.expect("never closed");
    let app2 = Arc::clone(&app);
    let found = tokio::task::spawn_blocking(move || {
        // A permit guarantees a free connection; find it.
        let conn = app2
            .connections
            .iter()
            .find_map(|c| c.try_lock().ok())
            .expect("one connection per permit");
        users::search(&conn, app2.version, &q)
    })
    .await
    .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let mut body = String::new();
    for user in found {
        body.push_str(&format!("{}\t{}\t{}\n", user.id, user.name, user.city));
    }
    Ok(body)
}

/// Why a request failed; the load test's report shows the first few distinct ones.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// Nothing accepted the connection (the service is down, or the address is wrong).
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The connection broke while sending or receiving.
    #[error("connection to {addr} broke: {source}")]
    Io {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The service answered with a status other than 200.
    #[error("HTTP {status_line}")]
    Status {
        /// The response's first line.
        status_line: String,
    },
}

/// `GET path` from `addr` over HTTP/1.1 with `Connection: close`: the body when the status is
/// 200. No timeout of its own: the load driver cancels it at the test's `timeout`.
pub async fn get(addr: SocketAddr, path: &str) -> Result<String, RequestError> {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|source| RequestError::Connect { addr, source })?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut response = Vec::new();
    let exchange = async {
        stream.write_all(request.as_bytes()).await?;
        stream.read_to_end(&mut response).await
    };
    exchange
        .await
        .map_err(|source| RequestError::Io { addr, source })?;
    let response = String::from_utf8_lossy(&response);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status_line = head.lines().next().unwrap_or("").to_owned();
    if status_line.split(' ').nth(1) != Some("200") {
        return Err(RequestError::Status { status_line });
    }
    Ok(body.to_owned())
}
