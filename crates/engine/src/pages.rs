//! Pages, and the way a person moves through them.
//!
//! Each top-level group or repeat is a page, and the top-level questions
//! between them share one; `settings.one_page` puts everything on one page.
//! A page is shown when at least one of its questions is: a page whose group
//! is hidden, or whose questions are all hidden, is skipped by Next and Back
//! and not counted.
//!
//! [`Pager`] is the workflow of the form screen, kept here so that it runs
//! under `cargo test`: Next checks the page it leaves and stays when the
//! page has problems, offering to go on anyway when the only problems are
//! answers not given yet; Back never checks; Finalize lists every problem
//! but shows errors only on the pages the person has seen. The screen calls
//! these functions and shows what they return.

use yim_form::QType;

use crate::compile::{CompiledForm, NodeId};
use crate::session::{FrameId, Session, ROOT};
use crate::view::{Changes, Problem};

/// One page of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// The names of the top-level questions, groups or repeats on the page,
    /// in form order. Top-level calculations are on no page: they are never
    /// shown.
    pub items: Vec<String>,
    /// Whether the page is one group or repeat, whose label is its heading.
    pub container: bool,
}

/// Splits the top-level nodes into pages and records the page of every node.
pub(crate) fn lay_out(c: &mut CompiledForm) {
    let top: Vec<NodeId> = c
        .node_ids()
        .filter(|&n| c.node(n).parent.is_none() && c.node(n).qtype != QType::Calculate)
        .collect();
    let mut pages: Vec<(Vec<NodeId>, bool)> = Vec::new();
    if c.form.settings.one_page {
        pages.push((top, false));
    } else {
        let mut loose = Vec::new();
        for n in top {
            if matches!(c.node(n).qtype, QType::Group | QType::Repeat) {
                if !loose.is_empty() {
                    pages.push((std::mem::take(&mut loose), false));
                }
                pages.push((vec![n], true));
            } else {
                loose.push(n);
            }
        }
        if !loose.is_empty() {
            pages.push((loose, false));
        }
    }
    let mut page_of = vec![None; c.nodes.len()];
    for (i, (nodes, _)) in pages.iter().enumerate() {
        for &n in nodes {
            page_of[n.index()] = Some(i as u32);
        }
    }
    // Nodes come in form order, so every parent is numbered before its
    // children.
    for n in 0..c.nodes.len() {
        if let Some(parent) = c.nodes[n].parent {
            page_of[n] = page_of[parent.index()];
        }
    }
    c.page_of = page_of;
    c.pages = pages
        .into_iter()
        .map(|(nodes, container)| Page {
            items: nodes.iter().map(|&n| c.node(n).name.clone()).collect(),
            container,
        })
        .collect();
}

impl CompiledForm {
    /// The form's pages, in order.
    pub fn pages(&self) -> &[Page] {
        &self.pages
    }

    /// The top-level nodes of page `page`.
    fn page_nodes(&self, page: usize) -> impl Iterator<Item = NodeId> + '_ {
        self.pages
            .get(page)
            .into_iter()
            .flat_map(|p| p.items.iter())
            .filter_map(|name| self.lookup(name))
    }
}

impl Session {
    /// Whether page `page` shows anything right now: a question, a note or
    /// a repeat of it is relevant.
    pub fn page_shown(&self, page: usize) -> bool {
        let form = self.form.clone();
        let shown = form.page_nodes(page).any(|n| self.shows(n, ROOT));
        shown
    }

    fn shows(&self, node: NodeId, frame: FrameId) -> bool {
        let n = self.form.node(node);
        if !self.slot(node, frame).relevant {
            return false;
        }
        match n.qtype {
            QType::Calculate => false,
            // A repeat shows its heading and its Add button even when empty.
            QType::Group => n.children.iter().any(|&c| self.shows(c, frame)),
            _ => true,
        }
    }

    /// The problems on page `page`, in form order.
    pub fn page_problems(&self, page: usize) -> Vec<Problem> {
        self.problems_on(page)
    }

    /// Marks every question of page `page` (in every repeat entry) as
    /// visited, so that the page's errors show, including those of questions
    /// that appear later.
    pub fn check_page(&mut self, page: usize) -> Changes {
        let form = self.form.clone();
        for n in form.page_nodes(page) {
            self.touch_all(n, ROOT);
        }
        self.finish()
    }

    fn touch_all(&mut self, node: NodeId, frame: FrameId) {
        self.mark_touched(node, frame);
        let form = self.form.clone();
        let n = form.node(node);
        match n.qtype {
            QType::Group => {
                for &c in &n.children {
                    self.touch_all(c, frame);
                }
            }
            QType::Repeat => {
                let entries = self.instances(node, frame).to_vec();
                for entry in entries {
                    for &c in &n.children {
                        self.touch_all(c, entry);
                    }
                }
            }
            _ => {}
        }
    }

    /// The record's name for lists and confirmations: `settings.instance_name`
    /// evaluated now, with runs of spaces closed up. A form without one is
    /// named by its first text answer outside repeats (a respondent's or
    /// household's name, usually). `None` while the name is empty.
    pub fn instance_name(&self) -> Option<String> {
        let text = match &self.form.instance_name {
            Some(program) => self.evaluate(program).as_str().to_string(),
            None if self.form.form.settings.instance_name.is_some() => String::new(),
            None => self
                .form
                .scopes
                .first()
                .into_iter()
                .flat_map(|scope| scope.nodes.iter())
                .map(|&n| (n, self.form.node(n)))
                .filter(|(_, n)| n.qtype == QType::Text && n.is_answerable())
                .map(|(id, _)| self.slot(id, ROOT).answer.as_str().to_string())
                .find(|text| !text.trim().is_empty())
                .unwrap_or_default(),
        };
        let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
        (!name.is_empty()).then_some(name)
    }
}

/// What the forward button of a page does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forward {
    /// Check this page and go to the next.
    Next,
    /// Check the whole response and close it.
    Finalize,
}

/// What pressing Next did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Turn {
    /// The page had no problem: this page is now showing.
    Moved(usize),
    /// The page has problems and stays; their errors show. `skip_to` is the
    /// page that "go on anyway" opens: only when every problem is an answer
    /// not given yet (a wrong answer must be corrected or cleared first),
    /// and only when a later page is shown.
    Stay {
        /// The page's problems, in form order.
        problems: Vec<Problem>,
        /// Where going on anyway leads, if it is allowed.
        skip_to: Option<usize>,
    },
    /// The page had no problem and no later page is shown: the response is
    /// ready to finalize.
    Last,
}

/// Where a person is in a form, and which pages they have seen. It holds no
/// reference into the session: every call takes the session it works on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pager {
    current: usize,
    visited: Vec<bool>,
}

impl Pager {
    /// Starts on page `start` (a stored draft reopens where it was left),
    /// or on the nearest shown page when that one is not shown.
    pub fn new(s: &Session, start: usize) -> Pager {
        let count = s.form.pages.len();
        let start = start.min(count.saturating_sub(1));
        let start = if s.page_shown(start) {
            start
        } else {
            (start..count)
                .chain((0..start).rev())
                .find(|&p| s.page_shown(p))
                .unwrap_or(0)
        };
        let mut visited = vec![false; count];
        if let Some(v) = visited.get_mut(start) {
            *v = true;
        }
        Pager {
            current: start,
            visited,
        }
    }

    /// The page showing.
    pub fn current(&self) -> usize {
        self.current
    }

    /// Whether the person has seen page `page` in this visit.
    pub fn visited(&self, page: usize) -> bool {
        self.visited.get(page).copied().unwrap_or(false)
    }

    /// The pages shown now, in order.
    pub fn shown(&self, s: &Session) -> Vec<usize> {
        (0..s.form.pages.len())
            .filter(|&p| s.page_shown(p))
            .collect()
    }

    /// "Page X of Y": the place of the current page among the shown ones,
    /// and how many are shown, both at least 1.
    pub fn position(&self, s: &Session) -> (usize, usize) {
        let shown = self.shown(s);
        let here = shown.iter().filter(|&&p| p <= self.current).count();
        (here.max(1), shown.len().max(1))
    }

    /// The next shown page after the current one.
    pub fn next_shown(&self, s: &Session) -> Option<usize> {
        (self.current + 1..s.form.pages.len()).find(|&p| s.page_shown(p))
    }

    /// The shown page before the current one.
    pub fn previous_shown(&self, s: &Session) -> Option<usize> {
        (0..self.current).rev().find(|&p| s.page_shown(p))
    }

    /// What the forward button does. It is Finalize on the last shown page,
    /// except while this page has problems and pages after it are hidden:
    /// answering here may still open them (before consent every later page
    /// is hidden), so the button checks the page instead.
    pub fn forward(&self, s: &Session) -> Forward {
        if self.next_shown(s).is_some() {
            return Forward::Next;
        }
        let later_pages = self.current + 1 < s.form.pages.len();
        if later_pages && !s.page_problems(self.current).is_empty() {
            Forward::Next
        } else {
            Forward::Finalize
        }
    }

    /// Next: checks the current page and moves on only when it has no
    /// problem.
    pub fn next(&mut self, s: &mut Session) -> (Changes, Turn) {
        let changes = s.check_page(self.current);
        let problems = s.page_problems(self.current);
        let next = self.next_shown(s);
        let turn = match next {
            Some(page) if problems.is_empty() => {
                self.go(page);
                Turn::Moved(page)
            }
            None if problems.is_empty() => Turn::Last,
            _ => {
                let skip_to = next.filter(|_| problems.iter().all(|p| p.missing));
                Turn::Stay { problems, skip_to }
            }
        };
        (changes, turn)
    }

    /// "Go on anyway": moves to the next shown page when the current page's
    /// problems are all answers not given yet. Returns the page, or `None`
    /// when going on is not allowed.
    pub fn skip(&mut self, s: &Session) -> Option<usize> {
        let next = self.next_shown(s)?;
        if !s.page_problems(self.current).iter().all(|p| p.missing) {
            return None;
        }
        self.go(next);
        Some(next)
    }

    /// Back: the previous shown page, without checking this one.
    pub fn back(&mut self, s: &Session) -> Option<usize> {
        let page = self.previous_shown(s)?;
        self.go(page);
        Some(page)
    }

    /// Opens page `page` from a problem's link: the page counts as seen and
    /// checked, so the error the person came to fix shows.
    pub fn open(&mut self, s: &mut Session, page: usize) -> Changes {
        if page < s.form.pages.len() {
            self.go(page);
        }
        s.check_page(self.current)
    }

    /// Finalize: every problem of the response, in form order (none means
    /// it may be finalized). The errors of the pages seen in this visit show
    /// from now on; the others show when their page is opened.
    pub fn finalize(&self, s: &mut Session) -> (Changes, Vec<Problem>) {
        let seen: Vec<usize> = (0..self.visited.len())
            .filter(|&p| self.visited(p))
            .collect();
        let mut changes = Changes::default();
        for page in seen {
            let more = s.check_page(page);
            changes.changed.extend(more.changed);
            changes.repeats.extend(more.repeats);
        }
        (changes, s.problems())
    }

    fn go(&mut self, page: usize) {
        self.current = page;
        if let Some(v) = self.visited.get_mut(page) {
            *v = true;
        }
    }
}
