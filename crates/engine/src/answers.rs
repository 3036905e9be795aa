//! Answers as JSON: the submitted data, the draft that keeps everything typed,
//! and loading either back.
//!
//! Both shapes are one object per frame: each question's name maps to its
//! value, a repeat maps to an array of such objects, and groups add no level
//! (names are unique in a form).

use serde_json::{Map, Value as Json};
use yim_expr::Value;
use yim_form::answers::{AnswerRecord, StoredAnswer};
use yim_form::QType;

use crate::compile::{Kind, NodeId};
use crate::session::{FrameId, Session, ROOT};
use crate::validate;
use crate::view::Changes;

/// How `load_answers` went: what it could not place, so a caller can keep
/// the original data instead of silently dropping it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Keys (with their path) that name no question of this form version.
    pub unknown: Vec<String>,
    /// Keys that name a computed question; their values are recomputed.
    pub computed: Vec<String>,
}

impl Session {
    /// The response's data: relevant values only, calculations included,
    /// notes and groups left out.
    pub fn answers_record(&self) -> AnswerRecord {
        self.frame_record(ROOT, false)
    }

    /// Everything typed so far, including answers to questions that are
    /// hidden right now and text that does not fit its question's type, so
    /// that a draft reopens exactly as it was left.
    pub fn draft_record(&self) -> AnswerRecord {
        self.frame_record(ROOT, true)
    }

    /// [`Session::answers_record`] as the JSON that storage and bundles hold.
    pub fn answers_json(&self) -> Json {
        self.answers_record().to_json()
    }

    /// [`Session::draft_record`] as the JSON that storage holds.
    pub fn draft_json(&self) -> Json {
        self.draft_record().to_json()
    }

    fn frame_record(&self, frame: FrameId, draft: bool) -> AnswerRecord {
        let mut out = std::collections::BTreeMap::new();
        let scope = self.frames[frame].scope;
        for &node in &self.form.scopes[scope as usize].nodes {
            let n = self.form.node(node);
            let slot = &self.frames[frame].slots[n.slot];
            match n.qtype {
                QType::Group | QType::Note => {}
                QType::Repeat => {
                    if draft || slot.relevant {
                        let items = self
                            .instances(node, frame)
                            .iter()
                            .map(|&f| self.frame_record(f, draft))
                            .collect();
                        out.insert(n.name.clone(), StoredAnswer::Entries(items));
                    }
                }
                _ if draft => {
                    if !n.keeps_answer() {
                        continue;
                    }
                    if let Some(raw) = &slot.raw {
                        out.insert(n.name.clone(), StoredAnswer::Text(raw.clone()));
                    } else if !slot.answer.is_empty() {
                        out.insert(n.name.clone(), stored(&slot.answer));
                    }
                }
                _ => {
                    if slot.relevant && !slot.value.is_empty() {
                        out.insert(n.name.clone(), stored(&slot.value));
                    }
                }
            }
        }
        AnswerRecord(out)
    }

    /// Restores answers saved by [`Session::draft_json`] or
    /// [`Session::answers_json`] into this (fresh) session. Repeat entries
    /// are created as needed. Nothing is marked as visited.
    pub fn load_answers(
        &mut self,
        json: &Json,
    ) -> Result<(Changes, LoadReport), crate::AnswerError> {
        let Json::Object(map) = json else {
            return Err(crate::AnswerError::NotAnObject);
        };
        let mut report = LoadReport::default();
        self.load_frame(ROOT, map, &mut report);
        let on = std::mem::replace(&mut self.triggers_on, false);
        let changes = self.finish();
        self.triggers_on = on;
        Ok((changes, report))
    }

    fn load_frame(&mut self, frame: FrameId, map: &Map<String, Json>, report: &mut LoadReport) {
        let scope = self.frames[frame].scope;
        let prefix = self.frame_prefix(frame);
        for (key, value) in map {
            let node = match self.form.lookup(key) {
                Some(n) if self.form.node(n).scope == scope => n,
                _ => {
                    report.unknown.push(format!("{prefix}{key}"));
                    continue;
                }
            };
            let n = self.form.node(node);
            if n.qtype == QType::Repeat {
                let Json::Array(items) = value else {
                    report.unknown.push(format!("{prefix}{key}"));
                    continue;
                };
                for (i, item) in items.iter().enumerate() {
                    let existing = self.instances(node, frame).get(i).copied();
                    let f = match existing {
                        Some(f) => f,
                        None => self.add_instance(node, frame),
                    };
                    if let Json::Object(m) = item {
                        self.load_frame(f, m, report);
                    }
                }
                continue;
            }
            if !n.keeps_answer() {
                report.computed.push(format!("{prefix}{key}"));
                continue;
            }
            let raw = match value {
                Json::Null => String::new(),
                Json::String(s) => s.clone(),
                Json::Array(items) => items.iter().map(json_text).collect::<Vec<_>>().join(" "),
                other => json_text(other),
            };
            let (answer, bad) = validate::parse_answer(&self.form, node, &raw);
            self.set_loaded(node, frame, answer, bad);
        }
    }
}

fn json_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// A value as it is stored: numbers stay numbers, dates are ISO text, a
/// `select_multiple` is a list of choice names. The stored shape is the
/// record type's, so a change to the expression language's values cannot
/// change what phones and bundles hold.
pub(crate) fn stored(v: &Value) -> StoredAnswer {
    match v {
        Value::Empty => StoredAnswer::Empty,
        Value::Bool(b) => StoredAnswer::Flag(*b),
        Value::Num(n) => StoredAnswer::number(*n),
        Value::Str(s) => StoredAnswer::Text(s.to_string()),
        Value::Date(_) | Value::Time(_) | Value::DateTime(_) => {
            StoredAnswer::Text(v.as_str().into_owned())
        }
        Value::Multi(items) => StoredAnswer::List(
            items
                .iter()
                .map(|c| StoredAnswer::Text(c.to_string()))
                .collect(),
        ),
        Value::Nodeset(items) => StoredAnswer::List(items.iter().map(stored).collect()),
    }
}

impl Session {
    fn set_loaded(&mut self, node: NodeId, frame: FrameId, answer: Value, raw: Option<String>) {
        let n = self.form.node(node);
        let (scope, slot) = (n.scope, n.slot);
        let f = self.up(frame, scope);
        let s = &mut self.frames[f].slots[slot];
        s.answer = answer;
        s.raw = raw;
        s.defaulted = true;
        self.enqueue(node.cell(Kind::Value), f);
        self.enqueue(node.cell(Kind::Valid), f);
    }
}
