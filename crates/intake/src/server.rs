//! `yim serve`: the HTTP intake, and optionally the app and its published
//! forms from the same origin.
//!
//! | request | who | answer |
//! | --- | --- | --- |
//! | `POST /api/bundles` (the bundle as the body) | an `upload` token | 201 and the receipt, or 200 and the same receipt for a bundle already stored |
//! | `GET /api/receipts` | a `pull` token | every receipt, oldest first |
//! | `GET /api/bundles/SHA256` | a `pull` token | the bundle's bytes |
//!
//! Tokens go in `Authorization: Bearer TOKEN`. Errors are JSON
//! `{"error": "..."}`: 400 for a body that is not an age file, 401 for a
//! missing or unknown token, 403 for a token of the other role, 413 for a
//! body over the cap, 503 when the store fails (try again later).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::store::{Inbox, Stored, AGE_HEADER};
use crate::tokens::{Role, Tokens};

/// The Content-Security-Policy of the app (the `<meta>` in `index.html`),
/// sent as a header with everything the server answers. A test keeps the two
/// the same.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; font-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

/// The default cap on a bundle: far above what a coordinator's export of a
/// few thousand responses weighs, far below what would strain the server.
pub const DEFAULT_MAX_BUNDLE: usize = 32 << 20;

/// What one intake process serves.
#[derive(Debug)]
pub struct Config {
    /// Where bundles and receipts are stored.
    pub inbox: Inbox,
    /// Who may upload and pull.
    pub tokens: Tokens,
    /// The built app to serve at `/`, if any.
    pub app: Option<PathBuf>,
    /// The published forms to serve at `/forms/`, if not the app's own.
    pub forms: Option<PathBuf>,
    /// The largest bundle accepted, in bytes.
    pub max_bundle: usize,
}

/// The intake as a router, for `serve` and for tests that drive it directly.
pub fn router(config: Config) -> Router {
    let max_bundle = config.max_bundle;
    let state = Arc::new(config);
    let api = Router::new()
        .route("/bundles", post(upload))
        .route("/bundles/{sha256}", get(download))
        .route("/receipts", get(receipts))
        .fallback(api_not_found)
        .layer(DefaultBodyLimit::max(max_bundle))
        // The service worker and any proxy must never answer an API request
        // from a cache: a cached receipt would say a bundle arrived when this
        // upload did not reach the server.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let mut app = Router::new().nest("/api", api);
    if let Some(forms) = &state.forms {
        app = app.nest_service("/forms", ServeDir::new(forms));
    }
    if let Some(dist) = &state.app {
        app = app.fallback_service(ServeDir::new(dist).append_index_html_on_directories(true));
    }
    app.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .with_state(state)
}

/// Serves `config` on `listener` until Ctrl-C or SIGTERM.
pub async fn serve(config: Config, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = router(config).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

type App = Arc<Config>;

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "error": message.into() });
    (status, Json(body)).into_response()
}

/// One line on standard error per API request: what was asked, the answer
/// and the holder's name, never the token. The line is written in one call:
/// standard error is unbuffered, so `eprintln!` would write each piece on
/// its own, and the lines of requests answered at the same time could mix.
fn log(method: &Method, path: &str, status: StatusCode, who: &str, note: &str) {
    let line = format!(
        "{} {} {} {} {who}{}{note}\n",
        jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        status.as_u16(),
        method,
        path,
        if note.is_empty() { "" } else { ": " },
    );
    // A log that cannot be written (a closed terminal) must not stop the
    // intake from answering.
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
}

/// Checks the bearer token for `role`: the holder's name, or the status and
/// message to refuse with.
fn authorize(
    app: &App,
    headers: &HeaderMap,
    role: Role,
    method: &Method,
    path: &str,
) -> Result<String, (StatusCode, &'static str)> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(token) = token else {
        log(method, path, StatusCode::UNAUTHORIZED, "-", "no token");
        return Err((
            StatusCode::UNAUTHORIZED,
            "this needs a token: send `Authorization: Bearer TOKEN`",
        ));
    };
    match app.tokens.holder(token) {
        None => {
            log(
                method,
                path,
                StatusCode::UNAUTHORIZED,
                "-",
                "unknown or revoked token",
            );
            Err((
                StatusCode::UNAUTHORIZED,
                "the token is not known here (wrong, or revoked)",
            ))
        }
        Some(holder) if holder.role != role => {
            log(
                method,
                path,
                StatusCode::FORBIDDEN,
                &holder.name,
                "token of the other role",
            );
            Err((
                StatusCode::FORBIDDEN,
                match role {
                    Role::Upload => "this token may pull but not upload",
                    Role::Pull => "this token may upload but not pull",
                },
            ))
        }
        Some(holder) => Ok(holder.name),
    }
}

async fn upload(State(app): State<App>, request: Request) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let who = match authorize(&app, request.headers(), Role::Upload, &method, &path) {
        Ok(who) => who,
        Err((status, message)) => return error(status, message),
    };
    let too_large = || {
        log(
            &method,
            &path,
            StatusCode::PAYLOAD_TOO_LARGE,
            &who,
            "body over the cap",
        );
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the bundle is larger than this intake accepts ({} bytes at most)",
                app.max_bundle
            ),
        )
    };
    // A declared length over the cap is refused before a byte is read.
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > app.max_bundle as u64) {
        return too_large();
    }
    let body = match Bytes::from_request(request, &app).await {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return too_large()
        }
        Err(rejection) => {
            log(
                &method,
                &path,
                StatusCode::BAD_REQUEST,
                &who,
                "body not read",
            );
            return error(
                StatusCode::BAD_REQUEST,
                format!("the body could not be read: {}", rejection.body_text()),
            );
        }
    };
    if !body.starts_with(AGE_HEADER) {
        log(
            &method,
            &path,
            StatusCode::BAD_REQUEST,
            &who,
            "not an age file",
        );
        return error(
            StatusCode::BAD_REQUEST,
            "expected a bundle (an age file, starting with `age-encryption.org/v1`), but found something else",
        );
    }
    match app.inbox.put(body).await {
        Ok((receipt, stored)) => {
            let status = match stored {
                Stored::New => StatusCode::CREATED,
                Stored::Again => StatusCode::OK,
            };
            log(&method, &path, status, &who, &receipt.sha256);
            (status, Json(receipt)).into_response()
        }
        Err(e) => {
            log(
                &method,
                &path,
                StatusCode::SERVICE_UNAVAILABLE,
                &who,
                &e.to_string(),
            );
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the bundle could not be stored now; try again later",
            )
        }
    }
}

async fn receipts(State(app): State<App>, method: Method, headers: HeaderMap) -> Response {
    let path = "/api/receipts";
    let who = match authorize(&app, &headers, Role::Pull, &method, path) {
        Ok(who) => who,
        Err((status, message)) => return error(status, message),
    };
    match app.inbox.receipts().await {
        Ok(list) => {
            log(
                &method,
                path,
                StatusCode::OK,
                &who,
                &format!("{} receipts", list.len()),
            );
            Json(list).into_response()
        }
        Err(e) => {
            log(
                &method,
                path,
                StatusCode::SERVICE_UNAVAILABLE,
                &who,
                &e.to_string(),
            );
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the receipts could not be listed now; try again later",
            )
        }
    }
}

async fn download(
    State(app): State<App>,
    method: Method,
    headers: HeaderMap,
    Path(sha256): Path<String>,
) -> Response {
    let path = "/api/bundles/SHA256";
    let who = match authorize(&app, &headers, Role::Pull, &method, path) {
        Ok(who) => who,
        Err((status, message)) => return error(status, message),
    };
    match app.inbox.bundle(&sha256).await {
        Ok(Some(bytes)) => {
            log(&method, path, StatusCode::OK, &who, &sha256);
            ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
        }
        Ok(None) => {
            log(&method, path, StatusCode::NOT_FOUND, &who, "no such bundle");
            error(StatusCode::NOT_FOUND, "no bundle has this SHA-256")
        }
        Err(e) => {
            log(
                &method,
                path,
                StatusCode::SERVICE_UNAVAILABLE,
                &who,
                &e.to_string(),
            );
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the bundle could not be read now; try again later",
            )
        }
    }
}

async fn api_not_found() -> Response {
    error(StatusCode::NOT_FOUND, "there is nothing at this address")
}
