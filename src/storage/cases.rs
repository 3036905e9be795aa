//! The phone's case list: one record per case this device opened, folded
//! from the [`CaseChange`]s of the responses finalized here, in time order.
//!
//! A case record is written in the transaction that stores the finalized
//! response whose change made it (`Storage::put_finalized`), so the list and
//! the responses never disagree: a finalize that fails leaves the case as
//! it was. The home page's "children I follow" and the follow-up forms'
//! case picker read it.
//!
//! With a PIN set, the label and the properties (the child's name, village
//! and everything else a form saved) are encrypted with the data key, like
//! a draft's answers. The status, the next visit date and the risk level stay
//! readable so that the list can be ordered; they are codes and a date, not
//! what identifies a child.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use yim_form::case::{CaseChange, CaseStatus, STATUS_PROPERTY};

use super::lock::DataKey;
use super::StorageError;

/// The property that holds the next visit's date (`YYYY-MM-DD`).
pub const NEXT_VISIT_PROPERTY: &str = "next_visit";

/// The property that holds the risk level's choice name.
pub const RISK_LEVEL_PROPERTY: &str = "risk_level";

/// At most this many response ids are kept per case: a child visited every
/// week for twenty years stays well under it, and a record never grows
/// without bound. The oldest ids go first.
pub const MAX_RESPONSE_IDS: usize = 1_000;

/// One case as this device knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// The case's id (a UUID version 7); the store's key.
    pub id: String,
    /// The list the case belongs to, such as `children`.
    pub list: String,
    /// The status's stored name (`open`, `referred`, `closed`); a case whose
    /// forms never set one is open.
    pub status: String,
    /// The next visit's date, as the form saved it.
    #[serde(default)]
    pub next_visit: Option<String>,
    /// The risk level's choice name, as the form saved it.
    #[serde(default)]
    pub risk_level: Option<String>,
    /// When the latest visit was finalized, in milliseconds since 1970.
    pub last_visit_ms: u64,
    /// The responses that changed the case, oldest first.
    #[serde(default)]
    pub responses: Vec<String>,
    /// The label people know the case by; empty while encrypted.
    #[serde(default)]
    pub label: Option<String>,
    /// Every property by name, its latest value; empty while encrypted.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// With a PIN set, `label` and `properties` encrypted with the data key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<ByteBuf>,
    /// The `form:` id of the form of the latest visit, so that the home
    /// page starts the follow-up of that form's province; absent in cases
    /// stored before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_form: Option<String>,
}

/// What [`CaseRecord::locked`] holds once decrypted.
#[derive(Serialize, Deserialize)]
struct Private {
    label: Option<String>,
    properties: BTreeMap<String, String>,
}

/// What the authentication of an encrypted case covers: its id and a
/// suffix, so that a case's data can never be taken for a response's.
fn case_context(id: &str) -> String {
    format!("{id}#case")
}

impl CaseRecord {
    /// The case after `change`, made by the response `response_id` finalized
    /// at `at_ms`, on top of `previous` (`None` for a case not seen yet).
    ///
    /// Changes are folded in time order. A change older than the latest
    /// visit already folded (a response finalized earlier but stored later,
    /// which only a retried write can cause) fills in what is missing and
    /// overwrites nothing newer. A response folded once is not folded again,
    /// so a retried finalize changes nothing.
    pub fn fold(
        previous: Option<CaseRecord>,
        change: &CaseChange,
        response_id: &str,
        at_ms: u64,
    ) -> CaseRecord {
        let mut case = previous.unwrap_or_else(|| CaseRecord {
            id: change.id.clone(),
            list: change.list.clone(),
            status: CaseStatus::Open.name().to_string(),
            next_visit: None,
            risk_level: None,
            last_visit_ms: at_ms,
            responses: Vec::new(),
            label: None,
            properties: BTreeMap::new(),
            locked: None,
            last_form: None,
        });
        if case.responses.iter().any(|id| id == response_id) {
            return case;
        }
        let newer = at_ms >= case.last_visit_ms || case.responses.is_empty();
        for (name, value) in &change.properties {
            if newer || !case.properties.contains_key(name) {
                case.properties.insert(name.clone(), value.clone());
            }
        }
        if let Some(label) = &change.label {
            if newer || case.label.is_none() {
                case.label = Some(label.clone());
            }
        }
        if newer {
            case.last_visit_ms = at_ms;
        }
        case.responses.push(response_id.to_string());
        if case.responses.len() > MAX_RESPONSE_IDS {
            let extra = case.responses.len() - MAX_RESPONSE_IDS;
            case.responses.drain(..extra);
        }
        case.derive_shown();
        case
    }

    /// Copies the properties the home page shows (and sorts by) out of the
    /// properties, so that they stay readable while the rest is encrypted.
    fn derive_shown(&mut self) {
        self.status = self
            .properties
            .get(STATUS_PROPERTY)
            .and_then(|s| CaseStatus::parse(s))
            .unwrap_or(CaseStatus::Open)
            .name()
            .to_string();
        self.next_visit = self
            .properties
            .get(NEXT_VISIT_PROPERTY)
            .filter(|v| !v.trim().is_empty())
            .cloned();
        self.risk_level = self
            .properties
            .get(RISK_LEVEL_PROPERTY)
            .filter(|v| !v.trim().is_empty())
            .cloned();
    }

    /// The case's status; an unknown stored name reads as open.
    pub fn status(&self) -> CaseStatus {
        CaseStatus::parse(&self.status).unwrap_or(CaseStatus::Open)
    }

    /// Whether the label and properties are encrypted.
    pub fn is_locked(&self) -> bool {
        self.locked.is_some()
    }

    /// Encrypts the label and the properties with `key`; an encrypted case
    /// is left as it is.
    pub fn lock(mut self, key: &DataKey) -> Result<CaseRecord, StorageError> {
        if self.locked.is_some() {
            return Ok(self);
        }
        let private = Private {
            label: self.label.take(),
            properties: std::mem::take(&mut self.properties),
        };
        let plain = serde_json::to_vec(&private).map_err(|e| StorageError::Unreadable {
            reason: e.to_string(),
        })?;
        self.locked = Some(ByteBuf::from(key.seal(&case_context(&self.id), &plain)?));
        Ok(self)
    }

    /// Decrypts what [`CaseRecord::lock`] encrypted. Without a key, an
    /// encrypted case gives [`StorageError::Locked`].
    pub fn unlock(mut self, key: Option<&DataKey>) -> Result<CaseRecord, StorageError> {
        let Some(locked) = self.locked.take() else {
            return Ok(self);
        };
        let key = key.ok_or(StorageError::Locked)?;
        let plain = key.open(&case_context(&self.id), &locked)?;
        let private: Private =
            serde_json::from_slice(&plain).map_err(|e| StorageError::Unreadable {
                reason: format!("the decrypted case {}: {e}", self.id),
            })?;
        self.label = private.label;
        self.properties = private.properties;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;
    use yim_form::case::CaseAction;

    const CASE: &str = "01890a5d-ac96-774b-bcce-b302099a8057";

    fn change(action: CaseAction, label: Option<&str>, properties: &[(&str, &str)]) -> CaseChange {
        CaseChange {
            list: "children".into(),
            id: CASE.into(),
            action,
            label: label.map(str::to_string),
            properties: properties
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// Folds `changes` (response id, time, change) in the order given and
    /// checks what the home page reads from the result.
    fn check(
        changes: &[(&str, u64, CaseChange)],
        label: Option<&str>,
        status: CaseStatus,
        next_visit: Option<&str>,
        responses: &[&str],
    ) -> CaseRecord {
        let mut case = None;
        for (id, at, change) in changes {
            case = Some(CaseRecord::fold(case, change, id, *at));
        }
        let case = case.expect("at least one change");
        assert_eq!(case.label.as_deref(), label, "label");
        assert_eq!(case.status(), status, "status");
        assert_eq!(case.next_visit.as_deref(), next_visit, "next visit");
        assert_eq!(case.responses, responses, "responses");
        case
    }

    #[wasm_bindgen_test]
    fn a_case_is_opened_updated_twice_and_closed() {
        let open = change(
            CaseAction::Create,
            Some("มะลิ (ลิ)"),
            &[
                ("name", "มะลิ"),
                ("next_visit", "2026-12-10"),
                ("risk_level", "high"),
            ],
        );
        let first = change(
            CaseAction::Update,
            None,
            &[("status", "referred"), ("next_visit", "2026-12-20")],
        );
        let second = change(
            CaseAction::Update,
            Some("มะลิ ใจดี"),
            &[("risk_level", "low")],
        );
        let closed = change(
            CaseAction::Update,
            None,
            &[("status", "closed"), ("next_visit", "")],
        );
        let case = check(
            &[("r1", 10, open.clone()), ("r2", 20, first.clone())],
            Some("มะลิ (ลิ)"),
            CaseStatus::Referred,
            Some("2026-12-20"),
            &["r1", "r2"],
        );
        assert_eq!(case.risk_level.as_deref(), Some("high"));
        let case = check(
            &[
                ("r1", 10, open),
                ("r2", 20, first),
                ("r3", 30, second),
                ("r4", 40, closed),
            ],
            Some("มะลิ ใจดี"),
            CaseStatus::Closed,
            None,
            &["r1", "r2", "r3", "r4"],
        );
        assert_eq!(case.risk_level.as_deref(), Some("low"));
        assert_eq!(case.properties["name"], "มะลิ");
        assert_eq!(case.last_visit_ms, 40);
    }

    #[wasm_bindgen_test]
    fn an_older_change_folded_late_overwrites_nothing_newer() {
        let open = change(CaseAction::Create, Some("A"), &[("status", "open")]);
        let newer = change(CaseAction::Update, None, &[("status", "closed")]);
        let older = change(
            CaseAction::Update,
            Some("B"),
            &[("status", "referred"), ("village", "บ้านนา")],
        );
        let case = check(
            &[("r1", 10, open), ("r3", 30, newer), ("r2", 20, older)],
            Some("A"),
            CaseStatus::Closed,
            None,
            &["r1", "r3", "r2"],
        );
        assert_eq!(
            case.properties["village"], "บ้านนา",
            "what was missing is filled in"
        );
        assert_eq!(case.last_visit_ms, 30);
    }

    #[wasm_bindgen_test]
    fn a_response_folded_twice_counts_once() {
        let open = change(CaseAction::Create, Some("A"), &[("risk_level", "high")]);
        let again = change(CaseAction::Create, Some("A"), &[("risk_level", "high")]);
        check(
            &[("r1", 10, open), ("r1", 10, again)],
            Some("A"),
            CaseStatus::Open,
            None,
            &["r1"],
        );
    }

    #[wasm_bindgen_test]
    fn an_unknown_status_reads_as_open() {
        let open = change(CaseAction::Create, None, &[("status", "maybe")]);
        check(&[("r1", 1, open)], None, CaseStatus::Open, None, &["r1"]);
    }

    #[wasm_bindgen_test]
    fn a_locked_case_keeps_only_what_the_list_orders_by() {
        let key = DataKey::random().expect("a key");
        let open = change(
            CaseAction::Create,
            Some("มะลิ"),
            &[
                ("name", "มะลิ"),
                ("next_visit", "2026-12-10"),
                ("status", "referred"),
            ],
        );
        let case = CaseRecord::fold(None, &open, "r1", 5);
        let locked = case.clone().lock(&key).expect("locking");
        assert!(locked.is_locked());
        assert_eq!(locked.label, None);
        assert!(locked.properties.is_empty());
        assert_eq!(locked.next_visit.as_deref(), Some("2026-12-10"));
        assert_eq!(locked.status(), CaseStatus::Referred);
        assert_eq!(locked.clone().unlock(None), Err(StorageError::Locked));
        let other = DataKey::random().expect("a key");
        assert!(matches!(
            locked.clone().unlock(Some(&other)),
            Err(StorageError::Unreadable { .. })
        ));
        assert_eq!(locked.unlock(Some(&key)).expect("unlocking"), case);
    }
}
