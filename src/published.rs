//! Reading the deployment's published forms when the app starts.
//!
//! Forms are files on the web host, next to the app, written by `yim
//! publish` (`yim_form::publish`): `forms/index.json` names every form and
//! the SHA-256 of every file. At start the app fetches the index alone and
//! builds the [`Catalog`] from it: the home page lists the forms from what
//! the index says of them. The files a form needs are fetched and checked
//! against their hash when it is opened ([`ready_form`]), or all of them
//! for the screens that need every form ([`ready_all`]), and kept in the
//! catalog for the rest of the visit, so a form opened again is not
//! fetched again. A province publishes a changed form by copying files; the
//! app is not rebuilt.
//!
//! Offline, the service worker answers these requests from its own cache
//! (`public/sw.js`), which it fills when it is installed, so the forms open
//! from the first visit on. Only the app's own origin is asked: the URLs
//! are relative, and the page's Content-Security-Policy allows nothing else.
//!
//! **Invariant:** a file that does not match the index is never loaded. A
//! form that needs it is refused with the reason when it is opened, and
//! listed as broken from then on; the others load.

use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCache, RequestInit, Response};
use yim_form::publish::{Index, IndexFile, INDEX_FILE};

use crate::catalog::Catalog;

/// Where the published forms are, relative to the app's page.
pub const FOLDER: &str = "forms/";

/// Reads the published index. Never fails: what could not be read is in
/// the catalog's `problem`. The forms' files are fetched only for forms the
/// index does not say enough of to list them (an index written by an older
/// `yim publish`).
pub async fn load() -> Catalog {
    let index = match fetch_index().await {
        Ok(index) => index,
        Err(why) => return Catalog::unavailable(why),
    };
    let catalog = Catalog::published(&index);
    fetch_into(&catalog, catalog.wanted_to_list()).await;
    catalog
}

/// Fetches and checks the files the form `id` needs that are not at hand
/// yet, so that [`Catalog::by_id`] can load it, or
/// [`Catalog::refusal`] says why it cannot.
pub async fn ready_form(catalog: &Catalog, id: &str) {
    fetch_into(catalog, catalog.wanted_by(id)).await;
}

/// Fetches and checks every published file not at hand yet, for the
/// screens that load every form.
pub async fn ready_all(catalog: &Catalog) {
    fetch_into(catalog, catalog.wanted_all()).await;
}

/// Fetches `files`, checks each against its hash and hands them to the
/// catalog, the refused ones with why.
async fn fetch_into(catalog: &Catalog, files: Vec<IndexFile>) {
    if files.is_empty() {
        return;
    }
    // Every request goes out before the first answer is awaited, so the
    // files arrive in parallel.
    let requests: Vec<_> = files
        .iter()
        .map(|file| {
            // The hash in the URL makes every version of a file a different
            // address, so no cache on the way can hand out an older one.
            let url = format!("{FOLDER}{}?sha256={}", file.path, file.sha256);
            (file, fetch(&url, RequestCache::Default))
        })
        .collect();
    let mut fetched = Vec::with_capacity(requests.len());
    for (file, request) in requests {
        let checked = match request {
            Ok(promise) => bytes(promise).await.and_then(|bytes| {
                file.verify(&bytes)?;
                String::from_utf8(bytes).map_err(|_| {
                    format!("{}: expected UTF-8 text, but found other bytes", file.path)
                })
            }),
            Err(why) => Err(why),
        };
        fetched.push((file.path.clone(), checked));
    }
    catalog.receive(fetched);
}

async fn fetch_index() -> Result<Index, String> {
    // The index is asked of the network each time (the service worker
    // answers from its cache when the network is slow or absent), so that
    // a newly published form shows up on the next start.
    let promise = fetch(&format!("{FOLDER}{INDEX_FILE}"), RequestCache::NoCache)?;
    let bytes = bytes(promise).await?;
    let text =
        String::from_utf8(bytes).map_err(|_| "the form index is not UTF-8 text".to_string())?;
    Index::parse(&text)
}

fn fetch(url: &str, cache: RequestCache) -> Result<js_sys::Promise, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = RequestInit::new();
    init.set_cache(cache);
    Ok(window.fetch_with_str_and_init(url, &init))
}

/// The body of a fetched file, or why there is none.
async fn bytes(promise: js_sys::Promise) -> Result<Vec<u8>, String> {
    let response: Response = JsFuture::from(promise)
        .await
        .map_err(|e| format!("could not be fetched ({})", describe(&e)))?
        .dyn_into()
        .map_err(|_| "the answer is not an HTTP response".to_string())?;
    let url = response.url();
    if !response.ok() {
        return Err(format!(
            "{url}: the server answered HTTP {}",
            response.status()
        ));
    }
    let buffer = response
        .array_buffer()
        .map_err(|e| format!("{url}: {}", describe(&e)))?;
    let buffer = JsFuture::from(buffer)
        .await
        .map_err(|e| format!("{url}: {}", describe(&e)))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the network failed".to_string())
}
