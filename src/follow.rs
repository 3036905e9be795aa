//! "Children I follow" on the home page: the phone's case list, the visits
//! that are due first, each a link that starts the follow-up form of the
//! case's list with the case already picked.
//!
//! The list is read from this device's own records (`storage::cases`), so
//! it works offline; a case is followed on the phone that opened it.

use std::sync::Arc;

use leptos::prelude::*;
use yim_engine::{Date, DateTime};
use yim_form::case::CaseStatus;
use yim_form::Form;

use crate::catalog::Catalog;
use crate::drafts::Saved;
use crate::i18n::{Lang, Text, Words as _};
use crate::route::Route;
use crate::storage::cases::RISK_LEVEL_PROPERTY;
use crate::storage::{CaseRecord, Storage};

/// How many cases the list shows at first, and how many more each tap on
/// "show more" adds: a screenful on a phone, so that a volunteer with 2,000
/// cases waits for 2,000 records to be read but only a few to be drawn.
pub const PAGE: usize = 25;

/// How soon a case's next visit is, as the list orders and marks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    /// The date has passed.
    Overdue,
    /// Today or within the next seven days.
    ThisWeek,
    /// Later than that.
    Later,
    /// No next visit date, or one that is not a date.
    Unscheduled,
}

impl Due {
    /// How soon `next_visit` (`YYYY-MM-DD`) is, seen on `today`.
    pub fn of(next_visit: Option<&str>, today: Date) -> Due {
        let Some(date) = next_visit.and_then(Date::parse_iso) else {
            return Due::Unscheduled;
        };
        match date.days() - today.days() {
            ..0 => Due::Overdue,
            0..=7 => Due::ThisWeek,
            _ => Due::Later,
        }
    }
}

/// The cases to show, in the order the list shows them: overdue visits
/// first, then those due this week, then by next visit date (the earliest
/// first), cases without a date last, and by label within one date. Closed
/// cases are left out unless `show_closed`, and then come after the rest.
pub fn ordered(cases: Vec<CaseRecord>, today: Date, show_closed: bool) -> Vec<CaseRecord> {
    let mut shown: Vec<(bool, Due, CaseRecord)> = cases
        .into_iter()
        .map(|case| {
            let closed = case.status() == CaseStatus::Closed;
            (closed, Due::of(case.next_visit.as_deref(), today), case)
        })
        .filter(|(closed, _, _)| show_closed || !closed)
        .collect();
    shown.sort_by(|(a_closed, a_due, a), (b_closed, b_due, b)| {
        (a_closed, a_due, &a.next_visit, &a.label, &a.id).cmp(&(
            b_closed,
            b_due,
            &b.next_visit,
            &b.label,
            &b.id,
        ))
    });
    shown.into_iter().map(|(_, _, case)| case).collect()
}

/// Today's date where the phone is, from the browser's clock and time zone.
pub fn today() -> Date {
    let now = js_sys::Date::new_0();
    // `getTimezoneOffset` is minutes *behind* UTC: -420 in Thailand.
    let offset = -(now.get_timezone_offset() as i16);
    DateTime::from_ms(now.get_time() as i64, offset).date()
}

/// The form that follows up cases of `list`: one whose `case:` block names
/// that list and a question that picks the case. When several provinces
/// publish one, the follow-up of the province of the case's latest visit
/// (`last_form`) comes first, then a national one, then any.
pub fn follow_up_form<'a>(
    catalog: &'a Catalog,
    list: &str,
    last_form: Option<&str>,
) -> Option<&'a Arc<Form>> {
    let forms: Vec<&Arc<Form>> = catalog.entries().into_iter().map(|e| &e.form).collect();
    let province = last_form
        .and_then(|id| forms.iter().find(|form| form.id == id))
        .and_then(|form| form.settings.province.clone());
    let follow_ups = forms.iter().copied().filter(|form| {
        form.case
            .as_ref()
            .is_some_and(|case| case.list == list && case.pick.is_some())
    });
    let rank = |form: &&Arc<Form>| match (&form.settings.province, &province) {
        (Some(p), Some(wanted)) if p == wanted => 0,
        (None, _) => 1,
        _ => 2,
    };
    follow_ups.min_by_key(rank)
}

/// What a property's stored choice name reads as in `form`: the label of
/// that choice in the list of the question that saves the property, in
/// `lang`; the name itself when the form has no such choice.
pub fn property_label(form: &Form, property: &str, value: &str, lang: Lang) -> String {
    form.walk()
        .filter(|walked| walked.question.save_to.as_deref() == Some(property))
        .find_map(|walked| {
            let list = walked.question.qtype.list()?;
            let choice = form
                .choices
                .get(list)?
                .choices
                .iter()
                .find(|c| c.name == value)?;
            Some(
                choice
                    .label
                    .get(lang.code(), &form.default_language)
                    .to_string(),
            )
        })
        .unwrap_or_else(|| value.to_string())
}

/// The status as the volunteer reads it.
fn status_word(status: CaseStatus, t: &Text) -> &'static str {
    match status {
        CaseStatus::Open => t.case_open,
        CaseStatus::Referred => t.case_referred,
        CaseStatus::Closed => t.case_closed,
    }
}

/// The home page's section: every case on the phone, the most urgent
/// first, a screenful at a time.
#[component]
pub fn FollowedCases() -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let catalog = expect_context::<Arc<Catalog>>();
    let saved = expect_context::<Saved>();
    let show_closed = RwSignal::new(false);
    let limit = RwSignal::new(PAGE);
    let stored = LocalResource::new({
        let catalog = catalog.clone();
        move || {
            saved.track();
            let catalog = catalog.clone();
            async move {
                let cases = Storage::app().cases(None).await;
                // A case links to its follow-up form, which may be any form,
                // so every form's files are needed; a phone that follows
                // nobody fetches none.
                if cases.as_ref().is_ok_and(|cases| !cases.is_empty()) {
                    crate::published::ready_all(&catalog).await;
                }
                cases
            }
        }
    });
    move || {
        let lang = lang.get();
        let t = lang.text();
        let cases = match stored.get()? {
            Ok(cases) => cases,
            Err(error) => {
                return Some(
                    view! {
                        <section class="followed">
                            <h2>{t.followed_heading}</h2>
                            <p class="error" role="alert">{error.user_message(lang)}</p>
                        </section>
                    }
                    .into_any(),
                )
            }
        };
        // A phone that follows nobody shows nothing here: the forms come
        // first for a volunteer who has not made a first visit yet.
        if cases.is_empty() {
            return None;
        }
        let closed = cases
            .iter()
            .filter(|case| case.status() == CaseStatus::Closed)
            .count();
        let today = today();
        let shown = ordered(cases, today, show_closed.get());
        let total = shown.len();
        let items = shown
            .into_iter()
            .take(limit.get())
            .map(|case| case_item(&catalog, case, today, lang))
            .collect_view();
        let more = (total > limit.get()).then(|| {
            let left = total - limit.get();
            view! {
                <button type="button" class="btn" on:click=move |_| limit.update(|n| *n += PAGE * 4)>
                    {format!("{} ({left})", t.show_more)}
                </button>
            }
        });
        let toggle = (closed > 0).then(|| {
            let label = if show_closed.get() {
                t.hide_closed
            } else {
                t.show_closed
            };
            view! {
                <button type="button" class="btn" aria-pressed=move || show_closed.get().to_string()
                    on:click=move |_| show_closed.update(|shown| *shown = !*shown)>
                    {format!("{label} ({closed})")}
                </button>
            }
        });
        Some(
            view! {
                <section class="followed" aria-labelledby="followed-heading">
                    <h2 id="followed-heading">{t.followed_heading}</h2>
                    <ul class="cases">{items}</ul>
                    <div class="followed-actions">{more}{toggle}</div>
                </section>
            }
            .into_any(),
        )
    }
}

/// One case of the list: a link to its follow-up when the app has a
/// follow-up form for its list, with its label, risk level, next visit and
/// status.
fn case_item(catalog: &Catalog, case: CaseRecord, today: Date, lang: Lang) -> impl IntoView {
    let t = lang.text();
    let form = follow_up_form(catalog, &case.list, case.last_form.as_deref());
    let due = Due::of(case.next_visit.as_deref(), today);
    let name = case
        .label
        .clone()
        .unwrap_or_else(|| t.case_unnamed.to_string());
    let risk = case.risk_level.as_deref().map(|risk| {
        let shown = match form {
            Some(form) => property_label(form, RISK_LEVEL_PROPERTY, risk, lang),
            None => risk.to_string(),
        };
        format!("{} {shown}", t.case_risk)
    });
    let visit = match case.next_visit.as_deref() {
        Some(date) => {
            let shown =
                crate::thai_date::display_date(date, lang).unwrap_or_else(|| date.to_string());
            format!("{} {shown}", t.case_next_visit)
        }
        None => t.case_no_visit.to_string(),
    };
    let badge = match due {
        Due::Overdue => Some(("due overdue", t.case_overdue)),
        Due::ThisWeek => Some(("due soon", t.case_this_week)),
        Due::Later | Due::Unscheduled => None,
    }
    .filter(|_| case.status() != CaseStatus::Closed)
    .map(|(class, word)| view! { <span class=class>{word}</span> });
    let status = format!("{} {}", t.case_status, status_word(case.status(), t));
    let body = view! {
        <span class="case-name">{name}</span>
        {badge}
        <span class="meta case-visit">{visit}</span>
        <span class="meta">{status}{risk.map(|risk| format!(" · {risk}"))}</span>
    };
    let open = match form {
        Some(form) => {
            let href = Route::FollowUp {
                form: form.id.clone(),
                case: case.id.clone(),
            }
            .to_hash();
            view! { <a class="case-open" href=href>{body}</a> }.into_any()
        }
        // Without a follow-up form for the list there is nothing to start;
        // the case is still listed, so that nobody is forgotten.
        None => view! { <div class="case-open">{body}<span class="meta">{t.case_no_follow_up}</span></div> }.into_any(),
    };
    view! { <li class="case" data-case=case.id.clone() data-status=case.status.clone()>{open}</li> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn case(id: &str, status: &str, next_visit: Option<&str>) -> CaseRecord {
        CaseRecord {
            id: id.into(),
            list: "children".into(),
            status: status.into(),
            next_visit: next_visit.map(str::to_string),
            risk_level: None,
            last_visit_ms: 0,
            responses: Vec::new(),
            label: Some(id.to_uppercase()),
            properties: BTreeMap::new(),
            locked: None,
            last_form: None,
        }
    }

    /// A first visit and a follow-up of `list`, of `province` (national
    /// without one), as the catalog loads them.
    fn pair(id: &str, province: Option<&str>) -> [(String, String); 2] {
        let settings = province.map_or(String::new(), |p| format!(", settings: {{province: {p}}}"));
        [
            (
                format!("{id}.yaml"),
                format!("form: {{id: {id}, version: '1', title: {id}{settings}}}\ncase: {{list: children, label: \"${{name}}\"}}\nquestions:\n  - {{name: name, type: text, label: Name}}\n"),
            ),
            (
                format!("{id}-follow.yaml"),
                format!("form: {{id: {id}-follow, version: '1', title: {id} follow-up{settings}}}\ncase: {{list: children, pick: child}}\nquestions:\n  - {{name: child, type: select_one_case, label: Child}}\n"),
            ),
        ]
    }

    #[wasm_bindgen_test]
    fn a_case_is_followed_up_with_the_form_of_its_province() {
        let files: Vec<(String, String)> = [
            pair("national", None),
            pair("phayao", Some("Phayao")),
            pair("loei", Some("Loei")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let catalog = Catalog::load(&files);
        let chosen =
            |last: Option<&str>| follow_up_form(&catalog, "children", last).map(|f| f.id.clone());
        // The province of the latest visit's form, whether a first visit or
        // a follow-up.
        assert_eq!(chosen(Some("phayao")).as_deref(), Some("phayao-follow"));
        assert_eq!(chosen(Some("loei-follow")).as_deref(), Some("loei-follow"));
        // A national first visit, or a case stored before the form was
        // kept, gets the national follow-up.
        assert_eq!(chosen(Some("national")).as_deref(), Some("national-follow"));
        assert_eq!(chosen(None).as_deref(), Some("national-follow"));
        assert_eq!(chosen(Some("gone")).as_deref(), Some("national-follow"));
        assert_eq!(
            follow_up_form(&catalog, "households", None).map(|f| f.id.clone()),
            None
        );
    }

    /// Orders `cases` on 6 December 2026 and checks the ids in order.
    fn check(cases: &[CaseRecord], show_closed: bool, expected: &[&str]) {
        let today = Date::parse_iso("2026-12-06").expect("a date");
        let ids: Vec<String> = ordered(cases.to_vec(), today, show_closed)
            .into_iter()
            .map(|case| case.id)
            .collect();
        assert_eq!(ids, expected);
    }

    #[wasm_bindgen_test]
    fn due_visits_come_first_and_closed_cases_only_on_request() {
        let cases = [
            case("later", "open", Some("2027-01-20")),
            case("none", "open", None),
            case("week", "referred", Some("2026-12-13")),
            case("today", "open", Some("2026-12-06")),
            case("overdue", "open", Some("2026-11-30")),
            case("closed", "closed", Some("2026-11-01")),
            case("soon", "open", Some("2026-12-14")),
            case("typo", "open", Some("14/12/2026")),
        ];
        check(
            &cases,
            false,
            &["overdue", "today", "week", "soon", "later", "none", "typo"],
        );
        check(
            &cases,
            true,
            &[
                "overdue", "today", "week", "soon", "later", "none", "typo", "closed",
            ],
        );
    }

    #[wasm_bindgen_test]
    fn a_visit_is_due_this_week_for_seven_days() {
        let today = Date::parse_iso("2026-12-06").expect("a date");
        assert_eq!(Due::of(Some("2026-12-05"), today), Due::Overdue);
        assert_eq!(Due::of(Some("2026-12-06"), today), Due::ThisWeek);
        assert_eq!(Due::of(Some("2026-12-13"), today), Due::ThisWeek);
        assert_eq!(Due::of(Some("2026-12-14"), today), Due::Later);
        assert_eq!(Due::of(Some(""), today), Due::Unscheduled);
        assert_eq!(Due::of(None, today), Due::Unscheduled);
    }
}
