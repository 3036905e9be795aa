//! One question: its label, hint, error and the control that its type
//! calls for (see [`super::controls`]).

use leptos::prelude::*;

use super::controls::{
    acknowledge, choice_list, dropdown, geopoint, image_input, range_input, text_input, LONG_LIST,
};
use super::dom::dom_id;
use super::intern;
use crate::engine_bridge::{ChoiceView, FormSession, NodeView};
use crate::i18n::Lang;
use crate::thai_date::display_date;

/// The reactive state of one question: one signal per part that a control
/// shows. A single effect per question follows the engine (it re-runs when
/// the engine says the question changed) and sets only the parts that
/// really changed, so an answer that only hides a question wakes the one
/// control that hides it. Typing in an answer that 200 questions depend on
/// then wakes about 200 effects, not the dozen of each of those questions.
#[derive(Clone, Copy)]
pub(super) struct Question {
    pub(super) fs: FormSession,
    pub(super) path: &'static str,
    text: RwSignal<String>,
    label: RwSignal<String>,
    hint: RwSignal<Option<String>>,
    relevant: RwSignal<bool>,
    required: RwSignal<bool>,
    read_only: RwSignal<bool>,
    /// The error as shown: `None` until the question was visited or
    /// finalizing was tried.
    error: RwSignal<Option<String>>,
    pub(super) choices: RwSignal<Vec<ChoiceView>>,
}

impl Question {
    /// The state of the question at `path`, starting from `node`, its view
    /// when the page was built.
    fn new(fs: FormSession, path: &'static str, node: &NodeView) -> Question {
        let q = Question {
            fs,
            path,
            text: RwSignal::new(node.text.clone()),
            label: RwSignal::new(fs.shown(&node.label)),
            hint: RwSignal::new(node.hint.as_deref().map(|h| fs.shown(h))),
            relevant: RwSignal::new(node.relevant),
            required: RwSignal::new(node.required),
            read_only: RwSignal::new(node.read_only),
            error: RwSignal::new(shown_error(fs, node)),
            choices: RwSignal::new(shown_choices(fs, node.choices.clone())),
        };
        // The first run also catches up with anything answered since `node`
        // was taken.
        Effect::new(move |_| {
            if let Some(node) = fs.node(path) {
                q.update(node);
            }
        });
        q
    }

    fn update(self, node: NodeView) {
        fn put<T: PartialEq + Send + Sync + 'static>(part: RwSignal<T>, value: T) {
            if part.with_untracked(|old| *old != value) {
                part.set(value);
            }
        }
        let fs = self.fs;
        put(self.error, shown_error(fs, &node));
        put(self.text, node.text);
        put(self.label, fs.shown(&node.label));
        put(self.hint, node.hint.as_deref().map(|h| fs.shown(h)));
        put(self.relevant, node.relevant);
        put(self.required, node.required);
        put(self.read_only, node.read_only);
        put(self.choices, shown_choices(fs, node.choices));
    }

    pub(super) fn text(self) -> String {
        self.text.get()
    }
    pub(super) fn label(self) -> String {
        self.label.get()
    }
    pub(super) fn hint(self) -> Option<String> {
        self.hint.get()
    }
    pub(super) fn relevant(self) -> bool {
        self.relevant.get()
    }
    pub(super) fn required(self) -> bool {
        self.required.get()
    }
    pub(super) fn read_only(self) -> bool {
        self.read_only.get()
    }
    pub(super) fn error(self) -> Option<String> {
        self.error.get()
    }
    pub(super) fn choices(self) -> Vec<ChoiceView> {
        self.choices.get()
    }
}

/// A question's error as the screen shows it: once the question was visited
/// or finalizing was tried, as a sentence (with the form's digits, since a
/// message such as "between 0 and 17" repeats the form's numbers).
fn shown_error(fs: FormSession, node: &NodeView) -> Option<String> {
    if node.show_error {
        node.error.as_deref().map(|e| fs.shown(&sentence(e)))
    } else {
        None
    }
}

/// The choices as the screen shows them: only their labels take the form's
/// digits, while their names, which are what is stored, stay as written.
fn shown_choices(fs: FormSession, mut choices: Vec<ChoiceView>) -> Vec<ChoiceView> {
    for choice in &mut choices {
        choice.label = fs.shown(&choice.label);
    }
    choices
}

/// The engine writes its own messages in lowercase, as diagnostics are; on
/// screen a message starts with a capital like any sentence. Thai has no
/// case, so Thai text is unchanged.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(super) fn render_question(fs: FormSession, node: NodeView) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let path = intern(&node.path);
    let q = Question::new(fs, path, &node);
    let id = dom_id(path);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let extra_id = format!("{id}-extra");
    let kind = node.kind;
    let long = node.appearance.as_deref().is_some_and(|a| {
        a.split_whitespace()
            .any(|w| matches!(w, "minimal" | "autocomplete" | "search"))
    });
    let described = {
        let (hint_id, error_id, extra_id) = (hint_id.clone(), error_id.clone(), extra_id.clone());
        move || {
            let mut ids = Vec::new();
            if q.hint().is_some() {
                ids.push(hint_id.as_str());
            }
            if kind == "date" && !q.text().is_empty() {
                ids.push(extra_id.as_str());
            }
            if q.error().is_some() {
                ids.push(error_id.as_str());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let hint = {
        let hint_id = hint_id.clone();
        move || {
            q.hint()
                .map(|hint| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })
        }
    };
    let required_mark = move || {
        q.required().then(|| {
            view! {
                <span class="required-mark" aria-hidden="true">"*"</span>
                <span class="sr-only">{move || format!(" ({})", lang.get().text().required)}</span>
            }
        })
    };
    let label = {
        let id = id.clone();
        move || view! { <label for=id.clone()>{move || q.label()}{required_mark}</label> }
    };

    let control = match kind {
        "note" => {
            return view! {
                <div class="field note" data-field=path hidden=move || !q.relevant()>
                    <p class="label">{move || q.label()}</p>
                    {hint}
                    {move || Some(q.text()).filter(|t| !t.is_empty()).map(|t| view! { <p class="calc-value">{fs.shown(&t)}</p> })}
                </div>
            }
            .into_any();
        }
        "select_one" => {
            let list_is_long = Memo::new(move |_| long || q.choices.with(|c| c.len() > LONG_LIST));
            let id = id.clone();
            let described = described.clone();
            let hint = hint.clone();
            (move || {
                if list_is_long.get() {
                    view! {
                        {label.clone()()}
                        {hint.clone()}
                        {dropdown(q, id.clone(), described.clone())}
                    }
                    .into_any()
                } else {
                    view! {
                        <fieldset aria-describedby=described.clone()>
                            <legend>{move || q.label()}{required_mark}</legend>
                            {hint.clone()}
                            {choice_list(q, id.clone(), false)}
                        </fieldset>
                    }
                    .into_any()
                }
            })
            .into_any()
        }
        "select_multiple" => view! {
            <fieldset aria-describedby=described.clone()>
                <legend>{move || q.label()}{required_mark}</legend>
                {hint.clone()}
                {choice_list(q, id.clone(), true)}
            </fieldset>
        }
        .into_any(),
        "acknowledge" => view! {
            {hint.clone()}
            {acknowledge(q, id.clone(), described.clone(), required_mark)}
        }
        .into_any(),
        "range" if node.range.is_some() => view! {
            {label.clone()()}
            {hint.clone()}
            {node.range.map(|range| range_input(q, id.clone(), range, described.clone()))}
        }
        .into_any(),
        "image" => view! {
            {label.clone()()}
            {hint.clone()}
            {image_input(q, id.clone(), node.max_pixels.unwrap_or(yim_form::DEFAULT_MAX_PIXELS), described.clone())}
        }
        .into_any(),
        "geopoint" => view! {
            <fieldset aria-describedby=described.clone()>
                <legend>{move || q.label()}{required_mark}</legend>
                {hint.clone()}
                {geopoint(q, id.clone())}
            </fieldset>
        }
        .into_any(),
        _ => view! {
            {label.clone()()}
            {hint.clone()}
            {text_input(q, kind, node.appearance.as_deref(), id.clone(), described.clone())}
        }
        .into_any(),
    };

    let be_date = (kind == "date").then(|| {
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
    let typed_date = (kind == "date" && !node.read_only).then(|| {
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
                            fs.answer(path, &value);
                            fs.touch(path);
                        }
                    }
                />
            </div>
        }
    });

    view! {
        <div class="field" class:invalid=move || q.error().is_some() data-field=path hidden=move || !q.relevant()>
            {control}
            {be_date}
            {typed_date}
            <p class="error" id=error_id aria-live="polite">{move || q.error().unwrap_or_default()}</p>
        </div>
    }
    .into_any()
}
