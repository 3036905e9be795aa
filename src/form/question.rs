//! One question: its label, hint, error and the control that its kind
//! calls for (see [`super::controls`]).

use leptos::prelude::*;

use super::controls::{
    acknowledge, choice_list, dropdown, geopoint, image_input, points_control, range_input, rank,
    text_input, LONG_LIST,
};
use super::dom::dom_id;
use super::state::Question;
use super::Path;
use crate::engine_bridge::{FormSession, NodeKind, NodeView};
use crate::i18n::{Lang, Words as _};
use crate::thai_date::display_date;

pub(super) fn render_question(fs: FormSession, node: NodeView) -> AnyView {
    let lang = expect_context::<RwSignal<Lang>>();
    let path = Path::new(&node.path);
    let q = Question::new(fs, path, &node);
    let id = dom_id(&node.path);
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
            if kind == NodeKind::Date && !q.text().is_empty() {
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
        NodeKind::Note => {
            return view! {
                <div class="field note" data-field=path.get() hidden=move || !q.relevant()>
                    <p class="label">{move || q.label()}</p>
                    {hint}
                    {move || Some(q.text()).filter(|t| !t.is_empty()).map(|t| view! { <p class="calc-value">{fs.shown(&t)}</p> })}
                </div>
            }
            .into_any();
        }
        NodeKind::SelectOne => {
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
        // The device's cases can be many (2,000 is a volunteer's whole
        // district): always the dropdown with its search box, which
        // searches the name, nickname and village as well as the label.
        NodeKind::SelectOneCase => view! {
            {label.clone()()}
            {hint.clone()}
            {dropdown(q, id.clone(), described.clone())}
        }
        .into_any(),
        NodeKind::SelectMultiple => view! {
            <fieldset aria-describedby=described.clone()>
                <legend>{move || q.label()}{required_mark}</legend>
                {hint.clone()}
                {choice_list(q, id.clone(), true)}
            </fieldset>
        }
        .into_any(),
        NodeKind::Acknowledge => view! {
            {hint.clone()}
            {acknowledge(q, id.clone(), described.clone(), required_mark)}
        }
        .into_any(),
        NodeKind::Range if node.range.is_some() => view! {
            {label.clone()()}
            {hint.clone()}
            {node.range.map(|range| range_input(q, id.clone(), range, described.clone()))}
        }
        .into_any(),
        NodeKind::Image => view! {
            {label.clone()()}
            {hint.clone()}
            {image_input(q, id.clone(), node.max_pixels.unwrap_or(yim_form::DEFAULT_MAX_PIXELS), described.clone())}
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
                <fieldset aria-describedby=described.clone()>
                    <legend>{move || q.label()}{required_mark}</legend>
                    {hint.clone()}
                    {inner}
                </fieldset>
            }
            .into_any()
        }
        _ => view! {
            {label.clone()()}
            {hint.clone()}
            {text_input(q, kind, node.appearance.as_deref(), id.clone(), described.clone())}
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
    let typed_date = (kind == NodeKind::Date && !node.read_only).then(|| {
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

    view! {
        <div class="field" class:invalid=move || q.error().is_some() data-field=path.get() hidden=move || !q.relevant()>
            {control}
            {be_date}
            {typed_date}
            <p class="error" id=error_id aria-live="polite">{move || q.error().unwrap_or_default()}</p>
            {move || q.warning().map(|warning| view! { <p class="warning" role="status">{warning}</p> })}
        </div>
    }
    .into_any()
}
