//! Reading the deployment's published forms when the app starts.
//!
//! Forms are files on the web host, next to the app, written by `yim
//! publish` (`yim_form::publish`): `forms/index.json` names every form and
//! the SHA-256 of every file. The app fetches the index, then every file it
//! names, checks each against its hash and builds the [`Catalog`] from them.
//! A province publishes a changed form by copying files; the app is not
//! rebuilt.
//!
//! Offline, the service worker answers these requests from its own cache
//! (`public/sw.js`), which it fills when it is installed, so the forms open
//! from the first visit on. Only the app's own origin is asked: the URLs
//! are relative, and the page's Content-Security-Policy allows nothing else.
//!
//! **Invariant:** a file that does not match the index is never loaded. The
//! forms that need it are listed as broken with the reason, the others load.

use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCache, RequestInit, Response};
use yim_form::publish::{Index, INDEX_FILE};
use yim_form::MemFiles;

use crate::catalog::Catalog;

/// Where the published forms are, relative to the app's page.
pub const FOLDER: &str = "forms/";

/// Reads the published index and every file it names. Never fails: what
/// could not be read is in the catalog's `problem` or among its broken
/// forms.
pub async fn load() -> Catalog {
    let index = match fetch_index().await {
        Ok(index) => index,
        Err(why) => return Catalog::unavailable(why),
    };
    // Every request goes out before the first answer is awaited, so the
    // files arrive in parallel.
    let requests: Vec<_> = index
        .files
        .iter()
        .map(|file| {
            // The hash in the URL makes every version of a file a different
            // address, so no cache on the way can hand out an older one.
            let url = format!("{FOLDER}{}?sha256={}", file.path, file.sha256);
            (file, fetch(&url, RequestCache::Default))
        })
        .collect();
    let mut files = MemFiles::new();
    let mut missing = Vec::new();
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
        match checked {
            Ok(text) => files.insert(&file.path, text),
            Err(why) => missing.push((file.path.clone(), why)),
        }
    }
    Catalog::published(&index, files, &missing)
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
