//! The case table: each case's latest state, folded from the case changes
//! that the kept responses carry, in time order.
//!
//! A case is a child followed over time (`yim_form::case`). The first visit
//! opens it and later visits update it, on one phone or several, and their
//! responses reach the data office in different bundles, in any order. The
//! table is what the data office asks first: who is followed, with which
//! risk, what status, seen when and by whom.
//!
//! **Bounded memory.** The table is small per case (its latest properties,
//! and the ids of the devices and responses that changed it), but a case's
//! properties come from bundles, which anyone with the public keys can make.
//! [`Cases`] therefore refuses more than [`MAX_CASE_COLUMNS`] distinct
//! property names (each is a column of the table) and more than
//! [`MAX_CASE_BYTES`] of case state in all.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;
use yim_bundle::Response;
use yim_form::case::{CaseAction, STATUS_PROPERTY};

use crate::schema::{Column, Kind, Layout, Row, Table, Typed};

/// The case table's file name, without its extension. It is reserved
/// before any form's name when some response carries a case.
pub(crate) const FILE: &str = "cases";

/// At most this many distinct property names across every case: each one is
/// a column, and a table of more columns than a form has questions is not
/// something a phone sent.
pub const MAX_CASE_COLUMNS: usize = yim_form::case::MAX_PROPERTIES;

/// At most this many bytes of case state (ids, labels, property names and
/// values, device and response ids) held in memory at once. A million
/// cases of a national form take about a tenth of it.
pub const MAX_CASE_BYTES: usize = 256 << 20;

/// The columns before the properties.
pub const COLUMNS_BEFORE: [&str; 4] = ["case_id", "list", "label", "status"];

/// The columns after the properties: when the case was opened (the
/// `Updated` time of the response that opened it), when it was last
/// visited, by how many responses, from which devices and in which
/// responses (ids in time order, joined by spaces), and whether the
/// response that opened it was among the bundles read.
pub const COLUMNS_AFTER: [&str; 6] = [
    "created",
    "last_visit",
    "visits",
    "devices",
    "responses",
    "create_received",
];

/// One case's latest state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Case {
    /// The list the case belongs to.
    pub list: String,
    /// The case's id.
    pub id: String,
    /// The latest label a response gave it.
    pub label: Option<String>,
    /// Every property a response wrote, with the latest value.
    pub properties: BTreeMap<String, String>,
    /// The `Updated` time of the response that opened the case, when that
    /// response was among the bundles read. An update without it is kept:
    /// the bundle that opened the case may not have arrived yet.
    pub created: Option<String>,
    /// The `Updated` time of the latest response that changed the case.
    pub last_visit: String,
    /// How many responses changed the case.
    pub visits: usize,
    /// The devices that changed the case, in the order they first did.
    pub devices: Vec<String>,
    /// The responses that changed the case, in time order.
    pub responses: Vec<String>,
}

/// The cases being folded, by list and id.
#[derive(Debug, Default)]
pub struct Cases {
    cases: BTreeMap<(String, String), Case>,
    names: BTreeSet<String>,
    bytes: usize,
}

impl Cases {
    /// No case yet.
    pub fn new() -> Cases {
        Cases::default()
    }

    /// Whether no response changed a case.
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    /// The cases, by list and id.
    pub fn iter(&self) -> impl Iterator<Item = &Case> {
        self.cases.values()
    }

    /// Folds in what `response` did to a case, if anything. Responses must
    /// come in the order of their `Updated` time, ties broken by response
    /// id, and each once: a later change's label and properties replace an
    /// earlier one's. Says why when the bounds of the table would be
    /// passed.
    pub fn apply(&mut self, response: &Response) -> Result<(), String> {
        let Some(change) = &response.case else {
            return Ok(());
        };
        for name in change.properties.keys() {
            if name != STATUS_PROPERTY && !self.names.contains(name) {
                if self.names.len() >= MAX_CASE_COLUMNS {
                    return Err(format!(
                        "expected cases with at most {MAX_CASE_COLUMNS} different properties, but response {} brings more",
                        response.id
                    ));
                }
                self.bytes += name.len();
                self.names.insert(name.clone());
            }
        }
        let key = (change.list.clone(), change.id.clone());
        let mut added = 0;
        let case = self.cases.entry(key).or_insert_with(|| {
            added += change.list.len() + change.id.len() + std::mem::size_of::<Case>();
            Case {
                list: change.list.clone(),
                id: change.id.clone(),
                ..Case::default()
            }
        });
        let mut removed = 0;
        if let Some(label) = &change.label {
            removed += case.label.as_ref().map_or(0, String::len);
            added += label.len();
            case.label = Some(label.clone());
        }
        for (name, value) in &change.properties {
            match case.properties.insert(name.clone(), value.clone()) {
                Some(old) => removed += old.len(),
                None => added += name.len(),
            }
            added += value.len();
        }
        if change.action == CaseAction::Create && case.created.is_none() {
            case.created = Some(response.updated.clone());
        }
        removed += case.last_visit.len();
        added += response.updated.len() + response.id.len();
        case.last_visit = response.updated.clone();
        case.visits += 1;
        case.responses.push(response.id.clone());
        if !case.devices.contains(&response.device_id) {
            added += response.device_id.len();
            case.devices.push(response.device_id.clone());
        }
        self.bytes = (self.bytes + added).saturating_sub(removed);
        if self.bytes > MAX_CASE_BYTES {
            return Err(format!(
                "expected at most {} MB of case data, but response {} brings more",
                MAX_CASE_BYTES >> 20,
                response.id
            ));
        }
        Ok(())
    }

    /// The table's layout: the fixed columns, and one column per property
    /// in name order. A property whose every value is a date
    /// (`YYYY-MM-DD`) is a date column; any other is text. A property
    /// named like a fixed column is written as `property:NAME`.
    pub fn table(&self) -> Table {
        let column = |name: &str, kind: Kind| Column {
            name: name.to_string(),
            labels: BTreeMap::new(),
            kind,
        };
        let mut columns: Vec<Column> = COLUMNS_BEFORE
            .iter()
            .map(|n| column(n, Kind::Text))
            .collect();
        for name in &self.names {
            let mut values = self
                .cases
                .values()
                .filter_map(|c| c.properties.get(name))
                .peekable();
            let date = values.peek().is_some()
                && values.all(|v| Typed::of(&Json::String(v.clone()), Kind::Date).is_some());
            let kind = if date { Kind::Date } else { Kind::Text };
            columns.push(column(&property_column(name), kind));
        }
        for (n, kind) in COLUMNS_AFTER.iter().zip([
            Kind::DateTime,
            Kind::DateTime,
            Kind::Integer,
            Kind::Text,
            Kind::Text,
            Kind::Text,
        ]) {
            columns.push(column(n, kind));
        }
        Table {
            repeat: None,
            columns,
            layout: Layout::Plain,
        }
    }

    /// The cells of every case, in the order of [`Cases::table`]'s columns,
    /// one case at a time: `each` gets a row to write.
    pub fn rows(
        &self,
        mut each: impl FnMut(&Row<'_>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let text = |s: &str| Json::String(s.to_string());
        for case in self.cases.values() {
            let mut cells: Vec<Option<Json>> = vec![
                Some(text(&case.id)),
                Some(text(&case.list)),
                case.label.as_deref().map(text),
                case.properties.get(STATUS_PROPERTY).map(|s| text(s)),
            ];
            cells.extend(
                self.names
                    .iter()
                    .map(|n| case.properties.get(n).map(|s| text(s))),
            );
            cells.extend([
                case.created.as_deref().map(text),
                Some(text(&case.last_visit)),
                Some(Json::from(case.visits)),
                Some(text(&case.devices.join(" "))),
                Some(text(&case.responses.join(" "))),
                Some(text(if case.created.is_some() { "yes" } else { "no" })),
            ]);
            each(&Row {
                table: 0,
                answers: cells.iter().map(Option::as_ref).collect(),
                keys: Vec::new(),
            })?;
        }
        Ok(())
    }
}

/// The column of property `name`: its name, unless a fixed column has it.
fn property_column(name: &str) -> String {
    if COLUMNS_BEFORE.contains(&name) || COLUMNS_AFTER.contains(&name) {
        format!("property:{name}")
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yim_form::case::CaseChange;

    fn visit(n: u8, action: CaseAction, device: &str, properties: &[(&str, &str)]) -> Response {
        Response {
            id: format!("019ab0b2-8c60-7a11-8f00-0000000000{n:02}"),
            form_id: "f".into(),
            form_version: "1".into(),
            form_hash: "0".repeat(64),
            created: "2026-11-20T02:00:00.000Z".into(),
            updated: format!("2026-11-2{n}T02:00:00.000Z"),
            device_id: device.into(),
            status: "finalized".into(),
            answers: Json::Object(Default::default()),
            case: Some(CaseChange {
                list: "children".into(),
                id: "01890a5d-ac96-774b-bcce-b302099a8057".into(),
                action,
                label: None,
                properties: properties
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            }),
        }
    }

    #[test]
    fn later_changes_replace_earlier_properties_and_devices_are_listed_once() {
        let mut cases = Cases::new();
        let visits = [
            visit(
                1,
                CaseAction::Create,
                "a",
                &[("status", "open"), ("risk_level", "high")],
            ),
            visit(2, CaseAction::Update, "b", &[("status", "referred")]),
            visit(
                3,
                CaseAction::Update,
                "a",
                &[("risk_level", "low"), ("label", "x")],
            ),
        ];
        for v in &visits {
            cases.apply(v).unwrap();
        }
        let case = cases.iter().next().unwrap();
        assert_eq!(case.visits, 3);
        assert_eq!(case.devices, ["a", "b"]);
        assert_eq!(case.created.as_deref(), Some("2026-11-21T02:00:00.000Z"));
        assert_eq!(case.last_visit, "2026-11-23T02:00:00.000Z");
        assert_eq!(case.properties["status"], "referred");
        assert_eq!(case.properties["risk_level"], "low");
        let header = cases.table().header();
        assert_eq!(
            header,
            [
                "case_id",
                "list",
                "label",
                "status",
                "property:label",
                "risk_level",
                "created",
                "last_visit",
                "visits",
                "devices",
                "responses",
                "create_received"
            ]
        );
    }

    #[test]
    fn too_many_property_names_are_refused() {
        let mut cases = Cases::new();
        let names: Vec<String> = (0..=MAX_CASE_COLUMNS).map(|i| format!("p{i}")).collect();
        let (first, second) = names.split_at(MAX_CASE_COLUMNS / 2);
        let pairs = |names: &[String]| -> Vec<(String, String)> {
            names.iter().map(|n| (n.clone(), String::new())).collect()
        };
        let mut a = visit(1, CaseAction::Create, "a", &[]);
        a.case.as_mut().unwrap().properties = pairs(first).into_iter().collect();
        let mut b = visit(2, CaseAction::Update, "a", &[]);
        b.case.as_mut().unwrap().properties = pairs(second).into_iter().collect();
        cases.apply(&a).unwrap();
        let e = cases.apply(&b).unwrap_err();
        assert!(e.contains("at most 1000 different properties"), "{e}");
    }
}
