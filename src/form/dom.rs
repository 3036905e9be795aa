//! Where a question is in the page: its DOM id, and moving the keyboard and
//! the view to it below the sticky header.

use leptos::prelude::*;

/// A DOM id for a path. Paths hold only names, `[n]` and `/`, so the
/// mapping is one to one.
pub(super) fn dom_id(path: &str) -> String {
    let mut id = String::from("q-");
    for c in path.chars() {
        match c {
            '/' => id.push_str("--"),
            '[' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

/// Moves keyboard focus to the first control of the question at `path`,
/// with the question's label just below the sticky header.
pub(super) fn focus_field(path: &str) {
    let selector = format!(
        "[data-field=\"{}\"]",
        path.replace('\\', "\\\\").replace('"', "\\\"")
    );
    let Ok(Some(field)) = document().query_selector(&selector) else {
        return;
    };
    scroll_below_header(&field);
    if let Ok(Some(control)) = field.query_selector("input, select, textarea, button") {
        focus_without_scrolling(&control);
    }
}

/// Scrolls the page so that `element` starts just below the header, which
/// sticks to the top of the screen and would otherwise cover it (and the
/// label a person came to read).
fn scroll_below_header(element: &web_sys::Element) {
    let header = document()
        .query_selector("header.bar")
        .ok()
        .flatten()
        .map_or(0.0, |header| header.get_bounding_client_rect().bottom());
    let top = element.get_bounding_client_rect().top() + window().scroll_y().unwrap_or(0.0)
        - header
        - 8.0;
    window().scroll_to_with_x_and_y(0.0, top.max(0.0));
}

/// Gives `element` the keyboard focus where it is: the browser's own
/// scrolling on focus knows nothing of the sticky header.
pub fn focus_without_scrolling(element: &web_sys::Element) {
    if let Some(element) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(element) {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = element.focus_with_options(&options);
    }
}

/// Brings the element with this id below the header and focuses it (a list
/// of problems, which screen readers then read out).
pub(super) fn reveal(id: &str) {
    if let Some(element) = document().get_element_by_id(id) {
        scroll_below_header(&element);
        focus_without_scrolling(&element);
    }
}
