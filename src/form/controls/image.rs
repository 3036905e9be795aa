//! A photo: taken with the camera or chosen from the phone, made smaller in
//! the browser, kept with the draft in the `media` store.

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::drafts::Keeper;
use crate::form::state::Question;
use crate::i18n::{Lang, Words as _};
use crate::storage::{self, Photo, Storage};

/// How much of a JPEG's quality the browser keeps (its `toBlob` quality,
/// from 0 to 1): a child's face and a document stay readable, and a photo
/// of 1280 pixels takes about 150 to 300 KB.
const JPEG_QUALITY: f64 = 0.85;

/// The type every stored photo has: the browser encodes it.
const JPEG: &str = "image/jpeg";

/// Two buttons, one that opens the camera and one that picks a photo from
/// the phone, a preview of the photo stored, and a button that removes
/// the answer. A photo is made smaller to `max_pixels` on its longest side
/// and written to the phone's storage in the transaction that writes the
/// draft naming it, so a saved draft never names a photo that is not
/// stored. A picture the browser cannot read is said in plain words and
/// changes no answer; a full disk is said by the save line, and the photo
/// stays on screen until a write stores it.
pub(in crate::form) fn image_input(
    q: Question,
    id: String,
    max_pixels: u32,
    described: impl Fn() -> Option<String> + Clone + Send + Sync + 'static,
) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let keeper = use_context::<Keeper>();
    let fs = q.fs;
    let path = q.path;
    // The object URL of the preview and the name it shows, so that a
    // reopened draft reads its photo once and a replaced one is released.
    let preview = RwSignal::new(None::<(String, String)>);
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    Effect::new(move |_| {
        let name = q.text();
        let shown = preview.with_untracked(|p| p.as_ref().map(|(n, _)| n.clone()));
        if shown.as_deref() == Some(name.as_str()) {
            return;
        }
        release(preview);
        let Some(keeper) = keeper else {
            return;
        };
        let Some(response_id) = keeper.response_id() else {
            return;
        };
        if name.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let mut photos = keeper.unsaved_photos();
            photos.extend(
                Storage::app()
                    .photos(&response_id)
                    .await
                    .unwrap_or_default(),
            );
            if let Some(photo) = photos.into_iter().find(|p| p.name == name) {
                if let Ok(url) = object_url(&photo.bytes, &photo.mime) {
                    preview.try_set(Some((name, url)));
                }
            }
        });
    });
    on_cleanup(move || release(preview));

    let take = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // The same file chosen again must fire `change` again.
        input.set_value("");
        let Some(keeper) = keeper else {
            return;
        };
        busy.set(true);
        keeper.shrinking.update(|n| *n += 1);
        status.set(Some(lang.get_untracked().text().photo_saving.to_string()));
        leptos::task::spawn_local(async move {
            let result = downscale(&file, max_pixels).await.map_err(js_message);
            busy.try_set(false);
            keeper.shrinking.try_update(|n| *n = n.saturating_sub(1));
            match result {
                Ok(bytes) => {
                    status.try_set(None);
                    let photo = Photo {
                        name: format!("{}.jpg", storage::new_id()),
                        mime: JPEG.to_string(),
                        bytes,
                    };
                    release(preview);
                    if let Ok(url) = object_url(&photo.bytes, &photo.mime) {
                        preview.try_set(Some((photo.name.clone(), url)));
                    }
                    // The photo waits with the keeper, and the write that
                    // follows the answer stores both in one transaction; a
                    // failed write keeps both on screen and says so in the
                    // save line, and the next write tries again.
                    let name = photo.name.clone();
                    keeper.take_photo(photo);
                    fs.answer(&path.get(), &name);
                    fs.touch(&path.get());
                    keeper.save_now(false);
                }
                Err(why) => {
                    let failed = lang.get_untracked().text().photo_failed;
                    status.try_set(Some(format!("{failed}: {why}")));
                }
            }
        });
    };

    view! {
        <div class="photo">
            <div class="photo-buttons">
                <label class="btn">
                    <input
                        type="file"
                        class="sr-only"
                        id=id
                        accept="image/*"
                        capture="environment"
                        aria-describedby=described.clone()
                        disabled=move || q.read_only() || busy.get()
                        on:change=take
                    />
                    {move || lang.get().text().take_photo}
                </label>
                <label class="btn">
                    <input
                        type="file"
                        class="sr-only"
                        accept="image/*"
                        aria-describedby=described
                        disabled=move || q.read_only() || busy.get()
                        on:change=take
                    />
                    {move || lang.get().text().choose_photo}
                </label>
            </div>
            {move || preview.get().map(|(_, url)| view! {
                <img class="photo-preview" src=url alt=move || lang.get().text().photo_preview />
            })}
            <button
                type="button"
                class="btn link"
                hidden=move || q.text().is_empty() || q.read_only()
                on:click=move |_| {
                    // The stored photo stays until the draft is finalized
                    // (only named photos are sealed) or deleted, so removing
                    // by mistake loses nothing that a save had kept.
                    fs.answer(&path.get(), "");
                    fs.touch(&path.get());
                }
            >
                {move || lang.get().text().clear_answer}
            </button>
            <p class="hint" aria-live="polite">{move || status.get().unwrap_or_default()}</p>
        </div>
    }
    .into_any()
}

/// Lets go of the preview's object URL.
fn release(preview: RwSignal<Option<(String, String)>>) {
    if let Some((_, url)) = preview.try_update_untracked(Option::take).flatten() {
        let _ = web_sys::Url::revoke_object_url(&url);
    }
}

fn js_message(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "the browser could not read this picture".to_string())
}

/// A URL the preview can show `bytes` from.
fn object_url(bytes: &[u8], mime: &str) -> Result<String, JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    web_sys::Url::create_object_url_with_blob(&blob)
}

/// The picture in `file` as a JPEG whose longest side is at most
/// `max_pixels`, made by the browser: `createImageBitmap` decodes it (and
/// turns it upright as its EXIF data says), a canvas scales it, and
/// `toBlob` encodes the JPEG.
async fn downscale(file: &web_sys::File, max_pixels: u32) -> Result<Vec<u8>, JsValue> {
    let bitmap: web_sys::ImageBitmap =
        JsFuture::from(window().create_image_bitmap_with_blob(file)?)
            .await?
            .dyn_into()?;
    let (w, h) = (bitmap.width(), bitmap.height());
    let longest = w.max(h).max(1);
    let scale = (f64::from(max_pixels) / f64::from(longest)).min(1.0);
    let (tw, th) = (
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    );
    let canvas: web_sys::HtmlCanvasElement = document().create_element("canvas")?.dyn_into()?;
    canvas.set_width(tw);
    canvas.set_height(th);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("this browser cannot draw pictures"))?
        .dyn_into()?;
    context.draw_image_with_image_bitmap_and_dw_and_dh(
        &bitmap,
        0.0,
        0.0,
        f64::from(tw),
        f64::from(th),
    )?;
    bitmap.close();
    let encoded = js_sys::Promise::new(&mut |resolve, reject| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        if let Err(error) = canvas.to_blob_with_type_and_encoder_options(
            done.unchecked_ref(),
            JPEG,
            &JsValue::from_f64(JPEG_QUALITY),
        ) {
            let _ = reject.call1(&JsValue::NULL, &error);
        }
    });
    let blob: web_sys::Blob = JsFuture::from(encoded)
        .await?
        .dyn_into()
        .map_err(|_| JsValue::from_str("the browser could not make a JPEG of this picture"))?;
    let buffer = JsFuture::from(blob.array_buffer()).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
