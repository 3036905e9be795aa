//! The controls that a question shows, one file each: a control gets the
//! question's [`Question`] state and sends answers back through its
//! `FormSession`.

mod acknowledge;
mod choice;
mod dropdown;
mod geopoint;
mod image;
mod points;
mod range;
mod rank;
mod text;

use leptos::prelude::*;

use crate::i18n::{Lang, Words as _};

pub(super) use acknowledge::acknowledge;
pub(super) use choice::choice_list;
pub(super) use dropdown::dropdown;
pub(super) use geopoint::geopoint;
pub(super) use image::image_input;
pub(super) use points::points_control;
pub(super) use range::range_input;
pub(super) use rank::rank;
pub(super) use text::text_input;

/// Choice lists longer than this become a dropdown with a search box rather
/// than a column of radio buttons, so that a phone screen stays short.
pub(super) const LONG_LIST: usize = 10;

/// Text for matching a search against choice labels: lower case, with Thai
/// digits read as ASCII, so that `๑` finds a label showing `1` and `1` one
/// showing `๑`, whichever digits the form shows and the keyboard types.
fn search_key(text: &str) -> String {
    yim_engine::thai::to_ascii_digits(&text.to_lowercase()).into_owned()
}

/// The search box above a long choice list, labelled for screen readers:
/// what is typed goes to `filter` as a [`search_key`].
fn search_box(id: &str, filter: RwSignal<String>) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let search_id = format!("{id}-search");
    view! {
        <label class="sr-only" for=search_id.clone()>{move || lang.get().text().search_choices}</label>
        <input
            type="search"
            class="choice-search"
            id=search_id
            placeholder=move || lang.get().text().search_choices
            on:input=move |ev| filter.set(search_key(&event_target_value(&ev)))
        />
    }
}

/// A control whose text the engine may change: a text box or a text area.
trait TextControl: AsRef<web_sys::Element> {
    fn value(&self) -> String;
    fn set_value(&self, value: &str);
}

impl TextControl for web_sys::HtmlInputElement {
    fn value(&self) -> String {
        web_sys::HtmlInputElement::value(self)
    }
    fn set_value(&self, value: &str) {
        web_sys::HtmlInputElement::set_value(self, value);
    }
}

impl TextControl for web_sys::HtmlTextAreaElement {
    fn value(&self) -> String {
        web_sys::HtmlTextAreaElement::value(self)
    }
    fn set_value(&self, value: &str) {
        web_sys::HtmlTextAreaElement::set_value(self, value);
    }
}

/// Keeps `control` showing `text` as the answer changes (a calculation, a
/// draft reopened, another language), except while it has keyboard focus:
/// what the person is typing is never overwritten under their fingers.
fn mirror<E>(control: NodeRef<E>, text: impl Fn() -> String + 'static)
where
    E: leptos::html::ElementType + 'static,
    E::Output: TextControl + wasm_bindgen::JsCast + Clone + 'static,
{
    Effect::new(move |_| {
        let text = text();
        if let Some(el) = control.get() {
            let focused = document()
                .active_element()
                .is_some_and(|active| &active == el.as_ref());
            if !focused && el.value() != text {
                el.set_value(&text);
            }
        }
    });
}
