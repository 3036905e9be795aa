//! A location: latitude and longitude.

use leptos::html;
use leptos::prelude::*;

use super::mirror;
use crate::form::state::Question;
use crate::i18n::{Lang, Words as _};

/// Latitude and longitude typed in, or filled from the device's location.
/// The answer is ODK's `lat lon [alt [accuracy]]` text.
pub(in crate::form) fn geopoint(q: Question, id: String) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let fs = q.fs;
    let path = q.path;
    let part = move |i: usize| {
        q.text()
            .split_whitespace()
            .nth(i)
            .map(str::to_string)
            .unwrap_or_default()
    };
    let lat_ref = NodeRef::<html::Input>::new();
    let lon_ref = NodeRef::<html::Input>::new();
    for (i, input) in [(0, lat_ref), (1, lon_ref)] {
        mirror(input, move || part(i));
    }
    let send = move || {
        let lat = lat_ref
            .get_untracked()
            .map(|e| e.value())
            .unwrap_or_default();
        let lon = lon_ref
            .get_untracked()
            .map(|e| e.value())
            .unwrap_or_default();
        let joined = format!("{} {}", lat.trim(), lon.trim());
        fs.answer(&path.get(), joined.trim());
    };
    let locating = RwSignal::new(None::<&'static str>);
    let locate = move |_| {
        let t = lang.get_untracked().text();
        locating.set(Some(t.locating));
        crate::geo::current_position(move |result| match result {
            Ok(text) => {
                locating.set(None);
                fs.answer(&path.get(), &text);
            }
            Err(()) => locating.set(Some(lang.get_untracked().text().location_failed)),
        });
    };
    let lat_id = format!("{id}-lat");
    let lon_id = format!("{id}-lon");
    view! {
        <div class="geo">
            <div>
                <label for=lat_id.clone()>{move || lang.get().text().latitude}</label>
                <input type="text" inputmode="decimal" id=lat_id node_ref=lat_ref readonly=move || q.read_only()
                    on:input=move |_| send() on:blur=move |_| fs.touch(&path.get()) />
            </div>
            <div>
                <label for=lon_id.clone()>{move || lang.get().text().longitude}</label>
                <input type="text" inputmode="decimal" id=lon_id node_ref=lon_ref readonly=move || q.read_only()
                    on:input=move |_| send() on:blur=move |_| fs.touch(&path.get()) />
            </div>
        </div>
        <button type="button" class="btn" id=id disabled=move || q.read_only() on:click=locate>
            {move || lang.get().text().use_my_location}
        </button>
        <p class="hint" aria-live="polite">{move || locating.get().unwrap_or_default()}</p>
    }
    .into_any()
}
