//! A trace or a shape: a list of locations.

use leptos::html;
use leptos::prelude::*;

use crate::form::state::Question;
use crate::i18n::{Lang, Words as _};

/// The points of an answer, as ODK writes them (`lat lon alt acc;...`). A
/// shape is stored closed, its first point again at the end; that copy is
/// not a point the volunteer added, so it is not listed.
fn points(text: &str, shape: bool) -> Vec<String> {
    let mut points: Vec<String> = text
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    if shape && points.len() > 3 && points.first() == points.last() {
        points.pop();
    }
    points
}

/// A point as the list shows it: latitude and longitude only, since the
/// altitude and accuracy mean little to a volunteer.
fn shown(point: &str) -> String {
    point
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The points as a list, each with a button that removes it, then a
/// latitude and a longitude to type and add, and a button that adds the
/// device's position (through [`crate::geo::current_position`], as the
/// geopoint control does). The engine checks the number of points and
/// closes a shape.
pub(in crate::form) fn points_control(q: Question, id: String, shape: bool) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let fs = q.fs;
    let path = q.path;
    let list = Memo::new(move |_| points(&q.text(), shape));
    let set = move |now: Vec<String>| {
        fs.answer(&path.get(), &now.join(";"));
    };
    let add = move |point: String| {
        let mut now = list.get_untracked();
        now.push(point);
        set(now);
    };
    let lat_ref = NodeRef::<html::Input>::new();
    let lon_ref = NodeRef::<html::Input>::new();
    let add_typed = move |_| {
        let value =
            |r: NodeRef<html::Input>| r.get_untracked().map(|e| e.value()).unwrap_or_default();
        let (lat, lon) = (value(lat_ref), value(lon_ref));
        if lat.trim().is_empty() || lon.trim().is_empty() {
            return;
        }
        add(format!("{} {}", lat.trim(), lon.trim()));
        for r in [lat_ref, lon_ref] {
            if let Some(e) = r.get_untracked() {
                e.set_value("");
            }
        }
    };
    let locating = RwSignal::new(None::<&'static str>);
    let locate = move |_| {
        locating.set(Some(lang.get_untracked().text().locating));
        crate::geo::current_position(move |result| match result {
            Ok(point) => {
                locating.set(None);
                add(point);
            }
            Err(()) => locating.set(Some(lang.get_untracked().text().location_failed)),
        });
    };
    let lat_id = format!("{id}-lat");
    let lon_id = format!("{id}-lon");
    view! {
        <ol class="points" aria-live="polite">
            {move || {
                let t = lang.get().text();
                let now = list.get();
                if now.is_empty() {
                    return view! { <li class="hint">{t.no_points}</li> }.into_any();
                }
                now.iter()
                    .enumerate()
                    .map(|(i, point)| {
                        let n = i + 1;
                        view! {
                            <li class="point">
                                <span>{format!("{} {n}: {}", t.point, shown(point))}</span>
                                <button type="button" class="btn small" disabled=move || q.read_only()
                                    on:click=move |_| {
                                        let mut now = list.get_untracked();
                                        if i < now.len() {
                                            now.remove(i);
                                        }
                                        set(now);
                                        fs.touch(&path.get());
                                    }>
                                    {format!("{} {n}", t.remove_point)}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </ol>
        <div class="geo">
            <div>
                <label for=lat_id.clone()>{move || lang.get().text().latitude}</label>
                <input type="text" inputmode="decimal" id=lat_id node_ref=lat_ref readonly=move || q.read_only()
                    on:blur=move |_| fs.touch(&path.get()) />
            </div>
            <div>
                <label for=lon_id.clone()>{move || lang.get().text().longitude}</label>
                <input type="text" inputmode="decimal" id=lon_id node_ref=lon_ref readonly=move || q.read_only()
                    on:blur=move |_| fs.touch(&path.get()) />
            </div>
        </div>
        <div class="point-buttons">
            <button type="button" class="btn" disabled=move || q.read_only() on:click=add_typed>
                {move || lang.get().text().add_point}
            </button>
            <button type="button" class="btn" id=id disabled=move || q.read_only() on:click=locate>
                {move || lang.get().text().add_my_position}
            </button>
        </div>
        <p class="hint" aria-live="polite">{move || locating.get().unwrap_or_default()}</p>
    }
    .into_any()
}
