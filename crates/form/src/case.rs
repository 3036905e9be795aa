//! Cases: a child followed over time, and what one response does to one.
//!
//! A form may open a case (the first visit) or update one (a follow-up
//! visit). The vocabulary is that of ODK Entities: a case belongs to a named
//! *list* (for example `children`), has a *label* people recognise it by and
//! a set of *properties*, each a text, written by the questions that name it
//! with `save_to`.
//!
//! [`CaseChange`] is the record of one response's effect. The engine computes
//! it when the response is finalized, the app keeps it in the phone's case
//! list, the bundle carries it inside the sealed response, and the data
//! office folds the changes of every bundle, in time order, into each case's
//! latest state. It lives here, in the form format's crate, because all four
//! of them already depend on this crate and none of them on each other.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The property that holds a case's status; its values are [`CaseStatus`].
pub const STATUS_PROPERTY: &str = "status";

/// The property the home page sorts cases by; it holds an ISO date, so only
/// a date question may save to it.
pub const NEXT_VISIT_PROPERTY: &str = "next_visit";

/// At most this many properties in one change, so that a hostile bundle
/// cannot make the data office hold an unbounded map per response.
pub const MAX_PROPERTIES: usize = 1_000;

/// At most this many bytes in one property's value or in a label.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

/// What one finalized response did to one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseChange {
    /// The list the case belongs to, for example `children`.
    pub list: String,
    /// The case's id: a UUID made when the case was opened, and the same in
    /// every later change of that case.
    pub id: String,
    /// Whether this response opened the case or updated it.
    pub action: CaseAction,
    /// The case's label after this response, when the form computes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The properties this response wrote, by name. A property the response
    /// did not write keeps the value an earlier response gave it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

/// Whether a response opened a case or updated one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseAction {
    /// The response opened the case.
    Create,
    /// The response updated a case an earlier response opened.
    Update,
}

/// The status of a case, kept in its [`STATUS_PROPERTY`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CaseStatus {
    /// The case is followed by the volunteer.
    Open,
    /// Help was asked of an agency and the case waits for its answer.
    Referred,
    /// The child is safe; the case is no longer followed.
    Closed,
}

impl CaseStatus {
    /// Every status, in the order they are shown.
    pub const ALL: [CaseStatus; 3] = [CaseStatus::Open, CaseStatus::Referred, CaseStatus::Closed];

    /// The status's name as stored in the property and written in forms.
    pub fn name(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Referred => "referred",
            CaseStatus::Closed => "closed",
        }
    }

    /// Reads a status from its stored name.
    pub fn parse(name: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl CaseChange {
    /// The status this change sets, if it sets a known one.
    pub fn status(&self) -> Option<CaseStatus> {
        self.properties
            .get(STATUS_PROPERTY)
            .and_then(|s| CaseStatus::parse(s))
    }

    /// Checks the bounds a reader of outside data relies on. The case id's
    /// form (a UUID) is checked by whoever reads it, as for every other id.
    pub fn check_bounds(&self) -> Result<(), String> {
        if self.list.trim().is_empty() {
            return Err("expected the case's list name, but found an empty text".into());
        }
        if self.properties.len() > MAX_PROPERTIES {
            return Err(format!(
                "expected at most {MAX_PROPERTIES} case properties, but found {}",
                self.properties.len()
            ));
        }
        let long = self
            .label
            .iter()
            .chain(self.properties.values())
            .chain(self.properties.keys())
            .any(|v| v.len() > MAX_VALUE_BYTES);
        if long {
            return Err(format!(
                "expected case labels, property names and values of at most {MAX_VALUE_BYTES} bytes, but found a longer one"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_back_from_its_json_with_its_status() {
        let json = r#"{"list":"children","id":"01890a5d-ac96-774b-bcce-b302099a8057",
            "action":"update","properties":{"status":"referred","risk_level":"high"}}"#;
        let change: CaseChange = serde_json::from_str(json).unwrap();
        assert_eq!(change.action, CaseAction::Update);
        assert_eq!(change.status(), Some(CaseStatus::Referred));
        assert_eq!(change.label, None);
        let again: CaseChange =
            serde_json::from_str(&serde_json::to_string(&change).unwrap()).unwrap();
        assert_eq!(again, change);
    }

    #[test]
    fn bounds_refuse_an_empty_list_and_oversized_values() {
        let mut change = CaseChange {
            list: "children".into(),
            id: "01890a5d-ac96-774b-bcce-b302099a8057".into(),
            action: CaseAction::Create,
            label: Some("มะลิ".into()),
            properties: BTreeMap::new(),
        };
        assert_eq!(change.check_bounds(), Ok(()));
        change.label = Some("x".repeat(MAX_VALUE_BYTES + 1));
        assert!(change.check_bounds().unwrap_err().contains("at most"));
        change.label = None;
        change.list = " ".into();
        assert!(change.check_bounds().unwrap_err().contains("list name"));
    }
}
