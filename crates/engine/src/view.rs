//! The view-model: plain snapshots of a response in the current language,
//! for the UI to render. Nothing here holds a reference into the session.

use serde::Serialize;
use yim_expr::Value;
use yim_form::QType;

use crate::compile::NodeId;
use crate::session::{FrameId, Session, ROOT};
use crate::validate;

/// The identity of one question, group or repeat in one entry of a
/// response: opaque, `Copy` and cheap to hash, so that the UI can key its
/// state by it without parsing a path. A key never names another node
/// later: the entry it belongs to may move (an earlier one was removed) or
/// go, and [`Session::path`] says where it is now. Paths are for people,
/// URLs, storage and messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct NodeKey {
    node: NodeId,
    /// The frame of the node's own scope (the entry it is in).
    frame: FrameId,
}

/// What kind of node a view shows, so that the UI picks a control with a
/// `match` that the compiler checks, not by comparing type names.
/// It serializes as the XLSForm keyword (`select_one`, `datetime`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// Free text.
    Text,
    /// A whole number.
    Integer,
    /// A number with a fractional part.
    Decimal,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and a time.
    #[serde(rename = "datetime")]
    DateTime,
    /// One choice from a list.
    SelectOne,
    /// One of the device's cases (`select_one_case`): its choices are the
    /// cases given with `Session::set_cases`, each with search text.
    SelectOneCase,
    /// Any number of choices from a list.
    SelectMultiple,
    /// A read-only message.
    Note,
    /// A hidden computed value.
    Calculate,
    /// A single "OK" box.
    Acknowledge,
    /// A location.
    Geopoint,
    /// A number picked on a slider between a start and an end, in steps
    /// (`RangeView` gives them).
    Range,
    /// A photo: the answer is the stored photo's file name.
    Image,
    /// A line of locations.
    Geotrace,
    /// An area bounded by locations.
    Geoshape,
    /// Every choice of a list, in the volunteer's order.
    Rank,
    /// Questions shown together.
    Group,
    /// Questions filled in once per entry.
    Repeat,
}

impl NodeKind {
    /// The kind of a question of type `q`.
    pub fn of(q: &QType) -> NodeKind {
        match q {
            QType::Text => NodeKind::Text,
            QType::Integer => NodeKind::Integer,
            QType::Decimal => NodeKind::Decimal,
            QType::Date => NodeKind::Date,
            QType::Time => NodeKind::Time,
            QType::DateTime => NodeKind::DateTime,
            QType::SelectOne { .. } => NodeKind::SelectOne,
            QType::SelectOneCase => NodeKind::SelectOneCase,
            QType::SelectMultiple { .. } => NodeKind::SelectMultiple,
            QType::Note => NodeKind::Note,
            QType::Calculate => NodeKind::Calculate,
            QType::Acknowledge => NodeKind::Acknowledge,
            QType::Geopoint => NodeKind::Geopoint,
            QType::Range => NodeKind::Range,
            QType::Image => NodeKind::Image,
            QType::Geotrace => NodeKind::Geotrace,
            QType::Geoshape => NodeKind::Geoshape,
            QType::Rank { .. } => NodeKind::Rank,
            QType::Group => NodeKind::Group,
            QType::Repeat => NodeKind::Repeat,
        }
    }
}

/// What a command changed, as keys, so the UI re-renders only those.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// Questions (and groups and repeats) whose view may have changed,
    /// including those of entries that moved up a place or were removed:
    /// their paths changed or they are gone.
    pub changed: Vec<NodeKey>,
    /// Repeats whose list of entries changed (added, removed, renumbered),
    /// or which are inside an entry that moved or was removed.
    pub repeats: Vec<NodeKey>,
}

/// One choice as offered to the person filling the form.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChoiceView {
    /// The value stored when this choice is picked.
    pub name: String,
    /// What is shown, in the current language.
    pub label: String,
    /// For a case picker's choices: more text to search by (the case's
    /// properties, such as the child's name, nickname and village) than
    /// the label shows. `None` for ordinary choices, searched by label.
    pub search: Option<String>,
}

/// The values a range question's slider offers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RangeView {
    /// The smallest value.
    pub start: f64,
    /// The largest value.
    pub end: f64,
    /// The distance between neighbouring values.
    pub step: f64,
}

/// One entry of a repeat.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InstanceView {
    /// `household[2]`: the path used to remove it.
    pub path: String,
    /// 1-based position.
    pub index: usize,
    /// The entry's questions.
    pub children: Vec<NodeView>,
}

/// Everything the UI needs to render one question, group or repeat.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeView {
    /// Which node this is, for keying the UI's state.
    pub key: NodeKey,
    /// Where this node is in the response, e.g. `household[2]/member_age`.
    pub path: String,
    /// The question's name in the form.
    pub name: String,
    /// What kind of question, group or repeat it is.
    pub kind: NodeKind,
    /// The author's `appearance`, if any.
    pub appearance: Option<String>,
    /// Label in the current language (empty for calculations).
    pub label: String,
    /// Hint in the current language.
    pub hint: Option<String>,
    /// Whether it is shown at all.
    pub relevant: bool,
    /// Whether an answer is required right now.
    pub required: bool,
    /// Whether the person may change it.
    pub read_only: bool,
    /// The effective value.
    pub value: Value,
    /// What an input should show: the text that could not be read as the
    /// type when there is one, otherwise the value in ODK's text form.
    pub text: String,
    /// The problem with the answer, in the current language.
    pub error: Option<String>,
    /// Whether the UI should show `error` yet: the question was visited, or
    /// finalizing was attempted.
    pub show_error: bool,
    /// Something to tell the volunteer that does not block finalizing: on a
    /// case picker (`select_one_case`), that the picked case is closed or
    /// not on this device.
    pub warning: Option<String>,
    /// Offered choices (after `choice_filter`) for select questions.
    pub choices: Vec<ChoiceView>,
    /// The questions inside a group.
    pub children: Vec<NodeView>,
    /// The entries of a repeat.
    pub instances: Vec<InstanceView>,
    /// True when the number of entries is set by `repeat_count`, so the UI
    /// offers no add or remove.
    pub count_fixed: bool,
    /// For a range question, the slider's values.
    pub range: Option<RangeView>,
    /// For an image question, the longest side in pixels that a photo is
    /// made smaller to before it is stored.
    pub max_pixels: Option<u32>,
}

/// A problem that blocks finalizing, pointing at its question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Path of the question.
    pub path: String,
    /// Its label in the current language.
    pub label: String,
    /// What is wrong, in the current language.
    pub message: String,
    /// The page that shows the question (see [`crate::Page`]).
    pub page: Option<usize>,
    /// True when the only problem is that a required question has no answer
    /// yet: the person may leave its page and come back to it. A wrong
    /// answer must be corrected or cleared first.
    pub missing: bool,
}

/// The whole response in the current language.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FormView {
    /// Form id.
    pub id: String,
    /// Form version.
    pub version: String,
    /// Title in the current language.
    pub title: String,
    /// The language of this view.
    pub language: String,
    /// Languages the form offers, every one of them (a language a province
    /// added with partial translations too; its missing texts are in Thai).
    pub languages: Vec<String>,
    /// Whether the form asks for numbers to be shown with Thai digits
    /// (`settings.thai_digits`). The view's texts and values keep ASCII
    /// digits; converting them for display is the UI's job
    /// (`yim_expr::thai::to_thai_digits`).
    pub thai_digits: bool,
    /// Top-level questions, groups and repeats.
    pub items: Vec<NodeView>,
}

impl Session {
    /// A snapshot of the whole response.
    pub fn view(&self) -> FormView {
        let f = &self.form.form;
        let top: Vec<NodeId> = self
            .form
            .node_ids()
            .filter(|&n| self.form.node(n).parent.is_none())
            .collect();
        FormView {
            id: f.id.clone(),
            version: f.version.clone(),
            title: f.title.get(&self.lang, &f.default_language).to_owned(),
            language: self.lang.clone(),
            languages: f.languages.clone(),
            thai_digits: f.settings.thai_digits,
            items: top.into_iter().map(|n| self.node_view(n, ROOT)).collect(),
        }
    }

    /// A snapshot of one question, group (with its children) or repeat (with
    /// its entries); `None` when the path names nothing.
    pub fn node(&self, path: &str) -> Option<NodeView> {
        let (node, frame) = self.resolve(path).ok()?;
        Some(self.node_view(node, frame))
    }

    /// The key of the node that `path` names now; `None` when it names
    /// nothing.
    pub fn key(&self, path: &str) -> Option<NodeKey> {
        let (node, frame) = self.resolve(path).ok()?;
        Some(self.key_of(node, frame))
    }

    /// Where the node with this key is now; `None` when its entry was
    /// removed.
    pub fn path(&self, key: NodeKey) -> Option<String> {
        let frame = self.frames.get(key.frame.index())?;
        frame.alive.then(|| self.path_of(key.node, key.frame))
    }

    pub(crate) fn key_of(&self, node: NodeId, frame: FrameId) -> NodeKey {
        NodeKey {
            node,
            frame: self.up(frame, self.form.node(node).scope),
        }
    }

    /// A snapshot of one node without the views of its children or entries
    /// (`children` and `instances` are empty): what a group's heading or a
    /// repeat's count needs, at a cost that does not grow with the number of
    /// questions and entries inside it.
    pub fn node_shallow(&self, path: &str) -> Option<NodeView> {
        let (node, frame) = self.resolve(path).ok()?;
        Some(self.node_view_at(node, frame, false))
    }

    /// A snapshot of one repeat entry (`household[2]`) with its questions;
    /// `None` when the path names no entry. Rendering entries one at a time
    /// keeps adding entry 200 as cheap as adding entry 1.
    pub fn entry(&self, path: &str) -> Option<InstanceView> {
        let (node, holder, index) = self.resolve_instance(path).ok()?;
        let frame = *self.instances(node, holder).get(index)?;
        Some(self.instance_view(node, holder, index, frame))
    }

    fn instance_view(
        &self,
        repeat: NodeId,
        holder: FrameId,
        index: usize,
        frame: FrameId,
    ) -> InstanceView {
        let n = self.form.node(repeat);
        let prefix = self.frame_prefix(self.up(holder, n.scope));
        InstanceView {
            path: format!("{prefix}{}[{}]", n.name, index + 1),
            index: index + 1,
            children: n
                .children
                .iter()
                .map(|&c| self.node_view(c, frame))
                .collect(),
        }
    }

    pub(crate) fn node_view(&self, node: NodeId, frame: FrameId) -> NodeView {
        self.node_view_at(node, frame, true)
    }

    fn node_view_at(&self, node: NodeId, frame: FrameId, deep: bool) -> NodeView {
        let n = self.form.node(node);
        let slot = self.slot(node, frame);
        let lang = self.lang.as_str();
        let fallback = self.form.form.default_language.as_str();
        let choices = match n.list {
            Some(l) => {
                let list = self.form.list(l);
                let offered: Box<dyn Iterator<Item = &yim_form::Choice>> = match &slot.choices {
                    Some(kept) => Box::new(kept.iter().map(|&i| &list.choices[i as usize])),
                    None => Box::new(list.choices.iter()),
                };
                offered
                    .map(|c| ChoiceView {
                        name: c.name.clone(),
                        label: c.label.get(lang, fallback).to_owned(),
                        search: None,
                    })
                    .collect()
            }
            None if n.qtype == QType::SelectOneCase => self.case_choices(),
            None => Vec::new(),
        };
        let (children, instances) = match n.qtype {
            _ if !deep => (Vec::new(), Vec::new()),
            QType::Group => (
                n.children
                    .iter()
                    .map(|&c| self.node_view(c, frame))
                    .collect(),
                Vec::new(),
            ),
            QType::Repeat => {
                let instances = self
                    .instances(node, frame)
                    .iter()
                    .enumerate()
                    .map(|(i, &f)| self.instance_view(node, frame, i, f))
                    .collect();
                (Vec::new(), instances)
            }
            _ => (Vec::new(), Vec::new()),
        };
        NodeView {
            key: self.key_of(node, frame),
            path: self.path_of(node, frame),
            name: n.name.clone(),
            kind: NodeKind::of(&n.qtype),
            appearance: n.appearance.clone(),
            label: n
                .label
                .as_ref()
                .map(|t| self.fill(t.get(lang, fallback), node, frame))
                .unwrap_or_default(),
            hint: n
                .hint
                .as_ref()
                .map(|t| self.fill(t.get(lang, fallback), node, frame)),
            relevant: slot.relevant,
            required: slot.required,
            read_only: slot.read_only || !n.is_answerable(),
            value: slot.value.clone(),
            text: match &slot.raw {
                Some(raw) => raw.clone(),
                None => slot.answer_text(n.is_answerable()),
            },
            error: slot
                .fault
                .map(|f| validate::message(self, node, f, slot.raw.as_deref())),
            show_error: slot.touched || self.finalize_attempted,
            warning: self.case_warning(node),
            choices,
            children,
            instances,
            count_fixed: n.repeat_count.is_some(),
            range: (n.qtype == QType::Range).then(|| {
                let r = n.parameters.range();
                RangeView {
                    start: r.start,
                    end: r.end,
                    step: r.step,
                }
            }),
            max_pixels: (n.qtype == QType::Image).then(|| n.parameters.max_pixels()),
        }
    }

    /// Fills `${name}` in a label or hint with the answer, as seen from the
    /// node's own entry. A name that reaches into several entries shows
    /// them joined by commas.
    fn fill(&self, text: &str, node: NodeId, frame: FrameId) -> String {
        if self.form.node(node).label_refs.is_empty() {
            return text.to_owned();
        }
        let ctx = crate::session::Ctx {
            s: self,
            node: Some(node),
            frame,
            choice: None,
        };
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.split_once('}') {
                Some((name, tail)) => {
                    if let Some(id) = self.form.lookup(name.trim()) {
                        match yim_expr::Host::get(&ctx, id.expr_id()) {
                            Value::Nodeset(items) => {
                                let parts: Vec<String> =
                                    items.iter().map(Value::to_odk_string).collect();
                                out.push_str(&parts.join(", "));
                            }
                            v => out.push_str(&v.as_str()),
                        }
                    }
                    rest = tail;
                }
                None => {
                    out.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Every problem that blocks finalizing, in form order, and marks the
    /// attempt so that views show every error from now on.
    pub fn finalize_problems(&mut self) -> Vec<Problem> {
        self.finalize_attempted = true;
        self.problems()
    }

    /// Every problem that blocks finalizing, in form order.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        self.collect_problems(ROOT, None, &mut out);
        out
    }

    /// The problems of page `page` only, in form order, without building
    /// the messages of the other pages: the page buttons ask after every
    /// answer.
    pub(crate) fn problems_on(&self, page: usize) -> Vec<Problem> {
        let mut out = Vec::new();
        self.collect_problems(ROOT, Some(page as u32), &mut out);
        out
    }

    fn collect_problems(&self, frame: FrameId, page: Option<u32>, out: &mut Vec<Problem>) {
        let scope = self.frames[frame].scope;
        for &node in &self.form.scopes[scope as usize].nodes {
            // Every node of a repeat entry is on the repeat's page.
            if page.is_some() && self.form.page_of[node.index()] != page {
                continue;
            }
            let n = self.form.node(node);
            let slot = &self.frames[frame].slots[n.slot];
            if let Some(fault) = slot.fault {
                let lang = self.lang.as_str();
                out.push(Problem {
                    path: self.path_of(node, frame),
                    label: n
                        .label
                        .as_ref()
                        .map(|t| t.get(lang, &self.form.form.default_language).to_owned())
                        .unwrap_or_else(|| n.name.clone()),
                    message: validate::message(self, node, fault, slot.raw.as_deref()),
                    page: self.form.page_of[node.index()].map(|p| p as usize),
                    missing: fault == validate::Fault::Required,
                });
            }
            if n.qtype == QType::Repeat && slot.relevant {
                for &f in self.instances(node, frame) {
                    self.collect_problems(f, page, out);
                }
            }
        }
    }
}

impl crate::session::Slot {
    /// The text an input shows: the stored answer for questions a person
    /// answers (even while hidden), the value for computed ones.
    fn answer_text(&self, answerable: bool) -> String {
        if answerable {
            self.answer.to_odk_string()
        } else {
            self.value.to_odk_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_serializes_as_the_keyword_of_its_type() {
        let list = || "l".to_owned();
        let types = [
            QType::Text,
            QType::Integer,
            QType::Decimal,
            QType::Date,
            QType::Time,
            QType::DateTime,
            QType::SelectOne { list: list() },
            QType::SelectMultiple { list: list() },
            QType::Note,
            QType::Calculate,
            QType::Acknowledge,
            QType::Geopoint,
            QType::Range,
            QType::Image,
            QType::Geotrace,
            QType::Geoshape,
            QType::Rank { list: list() },
            QType::Group,
            QType::Repeat,
        ];
        for q in types {
            let kind = serde_json::to_value(NodeKind::of(&q)).unwrap();
            assert_eq!(kind, q.keyword(), "{q:?}");
        }
    }
}
