//! One question: its label, hint, error and the control that its kind
//! calls for (see [`super::controls`]).

use leptos::html;
use leptos::prelude::*;

use super::controls::{
    acknowledge, choice_list, dropdown, geopoint, image_input, points_control, range_input, rank,
    text_input, LONG_LIST,
};
use super::dom::dom_id;
use super::state::{Question, Shown};
use super::Path;
use crate::engine_bridge::{FormSession, NodeKind, NodeView};
use crate::i18n::{Lang, Words as _};
use crate::thai_date::display_date;

pub(super) fn render_question(fs: FormSession, node: NodeView) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let path = Path::new(&node.path);
    let id = dom_id(&node.path);
    let kind = node.kind;
    let long = node.appearance.as_deref().is_some_and(|a| {
        a.split_whitespace()
            .any(|w| matches!(w, "minimal" | "autocomplete" | "search"))
    });
    let appearance = node.appearance.clone();
    let range = node.range;
    let max_pixels = node.max_pixels;
    let read_only = node.read_only;
    // Whether a question has a hint does not change: a text missing in the
    // language shown falls back to Thai.
    let has_hint = node.hint.is_some();
    let field = NodeRef::<html::Div>::new();
    let q = Question::new(fs, path, node, paint(field, kind, id.clone(), lang));
    let (hint_id, error_id, extra_id) = (
        format!("{id}-hint"),
        format!("{id}-error"),
        format!("{id}-extra"),
    );
    // What the controls that keep `aria-describedby` themselves read; the
    // text inputs and fieldsets get it from `paint`.
    let described = {
        let id = id.clone();
        move || q.with(|s| described_ids(&id, kind, s))
    };
    let described_now = q.untracked(|s| described_ids(&id, kind, s));
    // The parts below start as the question is now; `paint` keeps them so.
    let hint = move || {
        has_hint.then(|| {
            view! { <p class="hint" id=hint_id.clone()>{q.untracked(|s| s.hint.clone())}</p> }
        })
    };
    // The element of class `label-text` holds the label as its first
    // child, a text node, and the required mark after it while the
    // question is required (see `paint`).
    let label_text = move || q.untracked(|s| s.label.clone());
    let mark = move || {
        q.untracked(|s| s.required).then(|| {
            view! {
                <span class="required-mark" aria-hidden="true">"*"</span>
                <span class="sr-only">{required_word(lang)}</span>
            }
        })
    };
    let label = {
        let id = id.clone();
        move || view! { <label for=id.clone() class="label-text">{label_text()}{mark()}</label> }
    };
    let legend = move || view! { <legend class="label-text">{label_text()}{mark()}</legend> };

    let control = match kind {
        NodeKind::Note => {
            let hidden = !q.untracked(|s| s.relevant);
            return view! {
                <div class="field note" data-field=path.get() hidden=hidden node_ref=field>
                    <p class="label label-text">{label_text()}</p>
                    {hint()}
                    {move || Some(q.text()).filter(|t| !t.is_empty()).map(|t| view! { <p class="calc-value">{fs.shown(&t)}</p> })}
                </div>
            }
            .into_any();
        }
        NodeKind::SelectOne => {
            let list_is_long =
                Memo::new(move |_| long || q.with_choices(|c| c.len() > LONG_LIST));
            let id = id.clone();
            let described = described.clone();
            (move || {
                if list_is_long.get() {
                    view! {
                        {label()}
                        {hint()}
                        {dropdown(q, id.clone(), described.clone())}
                    }
                    .into_any()
                } else {
                    let described = q.untracked(|s| described_ids(&id, kind, s));
                    view! {
                        <fieldset data-described="" aria-describedby=described>
                            {legend()}
                            {hint()}
                            {choice_list(q, id.clone(), false)}
                        </fieldset>
                    }
                    .into_any()
                }
            })
            .into_any()
        }
        // The device's cases can be many (2,000 is a volunteer's whole
        // district): always the dropdown with its search box, which
        // searches the name, nickname and village as well as the label.
        NodeKind::SelectOneCase => view! {
            {label()}
            {hint()}
            {dropdown(q, id.clone(), described.clone())}
        }
        .into_any(),
        NodeKind::SelectMultiple => view! {
            <fieldset data-described="" aria-describedby=described_now.clone()>
                {legend()}
                {hint()}
                {choice_list(q, id.clone(), true)}
            </fieldset>
        }
        .into_any(),
        NodeKind::Acknowledge => view! {
            {hint()}
            {acknowledge(q, id.clone(), described_now.clone(), view! { {label_text()}{mark()} })}
        }
        .into_any(),
        NodeKind::Range if range.is_some() => view! {
            {label()}
            {hint()}
            {range.map(|range| range_input(q, id.clone(), range, described.clone()))}
        }
        .into_any(),
        NodeKind::Image => view! {
            {label()}
            {hint()}
            {image_input(q, id.clone(), max_pixels.unwrap_or(yim_form::DEFAULT_MAX_PIXELS), described.clone())}
        }
        .into_any(),
        // Controls of several inputs and buttons: the label is the
        // fieldset's legend, which names them all.
        NodeKind::Geopoint | NodeKind::Geotrace | NodeKind::Geoshape | NodeKind::Rank => {
            let inner = match kind {
                NodeKind::Geopoint => geopoint(q, id.clone()),
                NodeKind::Rank => rank(q, id.clone()),
                _ => points_control(q, id.clone(), kind == NodeKind::Geoshape),
            };
            view! {
                <fieldset data-described="" aria-describedby=described_now.clone()>
                    {legend()}
                    {hint()}
                    {inner}
                </fieldset>
            }
            .into_any()
        }
        _ => view! {
            {label()}
            {hint()}
            {text_input(q, kind, appearance.as_deref(), id.clone(), described_now.clone())}
        }
        .into_any(),
    };

    let be_date = (kind == NodeKind::Date).then(|| {
        view! {
            <p class="be-date" id=extra_id.clone()>
                {move || display_date(&q.text(), lang.get()).map(|d| fs.shown(&d)).unwrap_or_default()}
            </p>
        }
    });
    // A date may also be typed as Thai paperwork writes it, `5 มีนาคม 2568`
    // or `๕/๓/๒๕๖๘`: the engine reads it and stores the ISO date, which the
    // picker and the line above then show back. It is read when the
    // volunteer leaves the box, so half a date is never reported as wrong.
    let typed_date = (kind == NodeKind::Date && !read_only).then(|| {
        let fs = q.fs;
        let path = q.path;
        let typed_id = format!("{id}-typed");
        view! {
            <div class="typed-date">
                <label for=typed_id.clone()>{move || lang.get().text().typed_date}</label>
                <input
                    type="text"
                    id=typed_id
                    autocomplete="off"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if !value.trim().is_empty() {
                            fs.answer(&path.get(), &value);
                            fs.touch(&path.get());
                        }
                    }
                />
            </div>
        }
    });

    let (invalid, hidden) = q.untracked(|s| (s.error.is_some(), !s.relevant));
    // Only a case picker warns (a picked case that is closed or gone).
    let warning = (kind == NodeKind::SelectOneCase).then_some(move || {
        q.warning()
            .map(|warning| view! { <p class="warning" role="status">{warning}</p> })
    });
    view! {
        <div
            class=if invalid { "field invalid" } else { "field" }
            data-field=path.get()
            hidden=hidden
            node_ref=field
        >
            {control}
            {be_date}
            {typed_date}
            <p class="error" id=error_id aria-live="polite">{q.untracked(|s| s.error.clone())}</p>
            {warning}
        </div>
    }
    .into_any()
}

/// The ids that a question's control is described by: its hint, the date
/// line under a date, and its error, when they show.
fn described_ids(id: &str, kind: NodeKind, s: &Shown) -> Option<String> {
    let mut ids = Vec::new();
    if s.hint.is_some() {
        ids.push(format!("{id}-hint"));
    }
    if kind == NodeKind::Date && !s.text.is_empty() {
        ids.push(format!("{id}-extra"));
    }
    if s.error.is_some() {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// What screen readers hear after a required question's label.
fn required_word(lang: RwSignal<Lang>) -> String {
    format!(" ({})", lang.get_untracked().text().required)
}

/// Sets what every question shows from its state, in one pass over the
/// question's element: hidden or shown, marked invalid, its label, hint,
/// error and required mark, and the state of the control that carries
/// `data-described` (which ids describe it and, for a text input, whether
/// it is invalid, required and read-only). This one pass replaces a
/// reactive closure per part, which cost a dozen effects per question.
/// Each part is compared with the page before it is set, so that an error
/// that did not change is not announced again (it is a live region) and an
/// unchanged question costs the browser nothing.
fn paint(
    field: NodeRef<html::Div>,
    kind: NodeKind,
    id: String,
    lang: RwSignal<Lang>,
) -> impl Fn(&Shown) + 'static {
    move |s: &Shown| {
        let Some(field) = field.get_untracked() else {
            return;
        };
        if field.hidden() == s.relevant {
            field.set_hidden(!s.relevant);
        }
        let _ = field
            .class_list()
            .toggle_with_force("invalid", s.error.is_some());
        if let Ok(Some(label)) = field.query_selector(".label-text") {
            label_and_mark(&label, &s.label, s.required.then(|| required_word(lang)));
        }
        if let Some(hint) = &s.hint {
            set_text(&field, "p.hint", hint);
        }
        set_text(&field, "p.error", s.error.as_deref().unwrap_or_default());
        if let Ok(Some(control)) = field.query_selector("[data-described]") {
            let described = described_ids(&id, kind, s);
            set_attribute(&control, "aria-describedby", described.as_deref());
            if matches!(control.tag_name().as_str(), "INPUT" | "TEXTAREA")
                && kind != NodeKind::Acknowledge
            {
                set_attribute(
                    &control,
                    "aria-invalid",
                    s.error.is_some().then_some("true"),
                );
                set_attribute(&control, "aria-required", s.required.then_some("true"));
                set_attribute(&control, "readonly", s.read_only.then_some(""));
            }
        }
    }
}

/// Sets the label's text, its first child, and adds or removes the
/// required mark after it: a star for the eye and `word` for screen
/// readers. Most questions are never required, so they carry no mark at
/// all rather than a hidden one.
fn label_and_mark(label: &web_sys::Element, text: &str, word: Option<String>) {
    match label.first_child() {
        Some(node) if node.node_type() == web_sys::Node::TEXT_NODE => {
            if node.node_value().as_deref() != Some(text) {
                node.set_node_value(Some(text));
            }
        }
        first => {
            let node = document().create_text_node(text);
            let _ = label.insert_before(&node, first.as_ref());
        }
    }
    let star = label
        .query_selector(":scope > .required-mark")
        .ok()
        .flatten();
    let spoken = label.query_selector(":scope > .sr-only").ok().flatten();
    match (word, star, spoken) {
        (Some(word), Some(_), Some(spoken)) => {
            if spoken.text_content().as_deref() != Some(word.as_str()) {
                spoken.set_text_content(Some(&word));
            }
        }
        (Some(word), star, spoken) => {
            for old in [star, spoken].into_iter().flatten() {
                old.remove();
            }
            let star = document().create_element("span");
            let spoken = document().create_element("span");
            if let (Ok(star), Ok(spoken)) = (star, spoken) {
                star.set_class_name("required-mark");
                let _ = star.set_attribute("aria-hidden", "true");
                star.set_text_content(Some("*"));
                spoken.set_class_name("sr-only");
                spoken.set_text_content(Some(&word));
                let _ = label.append_child(&star);
                let _ = label.append_child(&spoken);
            }
        }
        (None, star, spoken) => {
            for old in [star, spoken].into_iter().flatten() {
                old.remove();
            }
        }
    }
}

/// Sets the text of the first element inside `within` that `selector`
/// matches, when it differs.
fn set_text(within: &web_sys::Element, selector: &str, text: &str) {
    if let Ok(Some(el)) = within.query_selector(selector) {
        if el.text_content().as_deref() != Some(text) {
            el.set_text_content(Some(text));
        }
    }
}

/// Sets an attribute of `el` to `value`, or removes it for `None`, when it
/// differs.
fn set_attribute(el: &web_sys::Element, name: &str, value: Option<&str>) {
    if el.get_attribute(name).as_deref() != value {
        let _ = match value {
            Some(value) => el.set_attribute(name, value),
            None => el.remove_attribute(name),
        };
    }
}
