//! Compiling a resolved form: a flat table of nodes, the scopes that repeats
//! introduce, every expression compiled once, and the static dependency graph
//! between cells in topological order.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use yim_expr::{ExprError, Program, RefInfo, Ty};
use yim_form::{Check, ChoiceList, Diagnostic, Expr, Form, Loc, QType, Question, Text};

/// A question, group or repeat: its place in [`CompiledForm::nodes`]. A
/// type of its own, so that a node can never be mixed up with a scope, a
/// frame or a cell, which are numbers too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub(crate) struct NodeId(u32);

impl NodeId {
    /// The node at `index` in [`CompiledForm::nodes`]. A form has far fewer
    /// than 2^32 nodes (the loader bounds its size), so the index fits.
    pub(crate) fn new(index: usize) -> NodeId {
        NodeId(index as u32)
    }

    /// The node's place in [`CompiledForm::nodes`] and in the per-node
    /// tables built alongside it.
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }

    /// The node the expression compiler's reference `id` names: the
    /// compiler knows nodes by the number that [`NodeId::expr_id`] gives.
    pub(crate) fn from_expr(id: u32) -> NodeId {
        NodeId(id)
    }

    /// The number by which compiled expressions refer to this node.
    pub(crate) fn expr_id(self) -> u32 {
        self.0
    }

    /// One computed property of this node.
    pub(crate) fn cell(self, kind: Kind) -> CellId {
        CellId { node: self, kind }
    }

    /// Every computed property of this node, in the order of [`Kind`].
    pub(crate) fn cells(self) -> impl Iterator<Item = CellId> {
        ALL_KINDS.into_iter().map(move |kind| self.cell(kind))
    }
}

/// Index of a scope: 0 is the whole form, every repeat adds one.
pub(crate) type ScopeId = u32;

/// A cell: one computed property of one node. The scheduler keeps its
/// tables (rank, dependents) in flat vectors with a slot for every cell;
/// [`CellId::dense`] is the only place that knows how a cell maps to its
/// slot, so no caller does arithmetic on ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct CellId {
    pub node: NodeId,
    pub kind: Kind,
}

impl CellId {
    /// The cell's slot in the scheduler's per-cell tables. Cells of one
    /// node are next to each other, in the order of [`Kind`].
    pub(crate) fn dense(self) -> usize {
        self.node.index() * KINDS + self.kind as usize
    }

    /// The cell in slot `index` of the per-cell tables: the inverse of
    /// [`CellId::dense`].
    pub(crate) fn from_dense(index: usize) -> CellId {
        CellId {
            node: NodeId::new(index / KINDS),
            kind: ALL_KINDS[index % KINDS],
        }
    }

    /// The number of slots the per-cell tables need for `nodes` nodes.
    pub(crate) fn dense_len(nodes: usize) -> usize {
        nodes * KINDS
    }
}

/// The computed properties of a node, each one a cell in the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub(crate) enum Kind {
    /// Effective relevance: the node's own rule and its parent's relevance.
    Relevant = 0,
    /// The effective value: the answer or calculation, empty when not relevant.
    /// For a repeat it stands for the list of its instances.
    Value = 1,
    Required = 2,
    ReadOnly = 3,
    /// The error message, if any (required, type, constraint, checks).
    Valid = 4,
    /// The choices left after `choice_filter`.
    Choices = 5,
    /// The number of instances that `repeat_count` asks for.
    Count = 6,
    /// Labels and hints that show answers (`How old is ${child_name}?`).
    /// The text is filled in when a view is built; the cell only marks the
    /// node as changed when an answer it shows changes.
    Label = 7,
}

const KINDS: usize = 8;
const ALL_KINDS: [Kind; KINDS] = [
    Kind::Relevant,
    Kind::Value,
    Kind::Required,
    Kind::ReadOnly,
    Kind::Valid,
    Kind::Choices,
    Kind::Count,
    Kind::Label,
];

/// A default answer: a literal, or an expression evaluated once when the
/// question first appears (ODK's dynamic defaults such as `today()`).
pub(crate) enum Default {
    Literal(String),
    Dynamic(Program),
}

/// One question, group or repeat, with its expressions compiled.
pub(crate) struct Node {
    pub name: String,
    pub qtype: QType,
    pub ty: Ty,
    pub label: Option<Text>,
    pub hint: Option<Text>,
    pub required_message: Option<Text>,
    pub constraint_message: Option<Text>,
    pub appearance: Option<String>,
    /// A range's limits and an image's size (XLSForm's `parameters`).
    pub parameters: yim_form::Parameters,
    pub checks: Vec<CompiledCheck>,
    pub default: Option<Default>,
    /// Index into [`CompiledForm::lists`] for select questions.
    pub list: Option<usize>,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    /// The scope this node's own state lives in. A repeat lives in the scope
    /// around it and introduces `inner` for its children.
    pub scope: ScopeId,
    /// Index of the node's slot inside a frame of `scope`.
    pub slot: usize,
    /// For a repeat, the scope of its instances.
    pub inner: Option<ScopeId>,
    pub relevant: Option<Program>,
    pub required: Option<Program>,
    pub read_only: Option<Program>,
    pub constraint: Option<Program>,
    pub calculation: Option<Program>,
    pub choice_filter: Option<Program>,
    pub repeat_count: Option<Program>,
    /// With a `trigger`, the calculation is not a cell: it runs when one of
    /// the trigger questions changes, and its result is stored as the
    /// node's answer (XLSForm's `trigger`, ODK's `setvalue`).
    pub on_trigger: Option<Program>,
    /// Columns of the node's choice list (`name` first), numbered for the
    /// bare names of its `choice_filter`.
    pub choice_columns: Vec<String>,
    /// Whether any expression of this node calls `position()`, whose result
    /// changes when an earlier repeat entry is removed. Found from the source
    /// text, which at worst recomputes a little more than needed.
    pub uses_position: bool,
    /// Questions whose answers the label or hint shows.
    pub label_refs: Vec<NodeId>,
}

impl Node {
    /// Whether the node's answer is kept in a draft: what a person typed,
    /// or what a trigger set.
    pub fn keeps_answer(&self) -> bool {
        self.is_answerable() || self.on_trigger.is_some()
    }

    /// Whether a person can type or pick an answer for this node.
    pub fn is_answerable(&self) -> bool {
        self.calculation.is_none()
            && !matches!(
                self.qtype,
                QType::Group | QType::Repeat | QType::Note | QType::Calculate
            )
    }
}

/// A `checks:` rule, with its regular expression compiled (anchored at both
/// ends, since the whole answer must match).
pub(crate) enum CompiledCheck {
    Email,
    Url,
    ThaiId,
    Phone,
    Length { min: Option<u64>, max: Option<u64> },
    Range { min: Option<f64>, max: Option<f64> },
    Regex(yim_expr::Pattern),
}

impl CompiledCheck {
    /// The rule as written, for its message; a pattern's text is not kept,
    /// since no message shows it.
    pub(crate) fn source(&self) -> Check {
        match self {
            CompiledCheck::Email => Check::Email,
            CompiledCheck::Url => Check::Url,
            CompiledCheck::ThaiId => Check::ThaiId,
            CompiledCheck::Phone => Check::Phone,
            CompiledCheck::Length { min, max } => Check::Length {
                min: *min,
                max: *max,
            },
            CompiledCheck::Range { min, max } => Check::Range {
                min: *min,
                max: *max,
            },
            CompiledCheck::Regex(_) => Check::Regex(String::new()),
        }
    }
}

/// A repeat's instances all share one scope: the slots of the nodes directly
/// inside it (not inside a nested repeat).
pub(crate) struct Scope {
    pub parent: Option<ScopeId>,
    /// The repeat that introduces this scope; `None` for the whole form.
    pub repeat: Option<NodeId>,
    /// Nodes with a slot in this scope, in form order.
    pub nodes: Vec<NodeId>,
    /// Repeats whose instance lists hang off frames of this scope.
    pub repeats: Vec<NodeId>,
    pub depth: u32,
}

/// A form compiled for filling: build once, share between sessions.
pub struct CompiledForm {
    /// The resolved form this was compiled from, shared rather than copied:
    /// a form's choice lists can hold thousands of choices.
    pub form: Arc<Form>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) by_name: HashMap<String, NodeId>,
    /// For each cell, the cells that read it.
    pub(crate) dependents: Vec<Vec<CellId>>,
    /// For each cell, its position in a topological order of all cells.
    pub(crate) rank: Vec<u32>,
    /// Nodes in each scope that use `position()`; they change when an earlier
    /// sibling instance is removed. Stored as cells to recompute.
    pub(crate) volatile_cells: Vec<CellId>,
    /// `settings.instance_name`, compiled at the top level of the form.
    pub(crate) instance_name: Option<Program>,
    /// The pages, in form order (see [`crate::Page`]).
    pub(crate) pages: Vec<crate::Page>,
    /// The page of each node (the page of its top-level ancestor); `None`
    /// for calculations at the top level, which are never shown.
    pub(crate) page_of: Vec<Option<u32>>,
    /// For each node, the nodes whose `trigger` names it: their calculation
    /// runs when its value changes.
    pub(crate) triggered: Vec<Vec<NodeId>>,
    /// For each choice list, its columns as `instance('list')/root/item`
    /// paths and `pulldata` name them: `name`, `label`, then the other
    /// columns in the order they first appear. A column's id is its index.
    pub(crate) list_columns: Vec<Vec<String>>,
    /// What the form does to a case, compiled; `None` without `case:`.
    pub(crate) case: Option<crate::case::CompiledCase>,
}

impl std::fmt::Debug for CompiledForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledForm")
            .field("id", &self.form.id)
            .field("version", &self.form.version)
            .field("nodes", &self.nodes.len())
            .finish()
    }
}

impl CompiledForm {
    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// The choice list at this index of the form's lists.
    pub(crate) fn list(&self, index: usize) -> &ChoiceList {
        &self.form.choices[index]
    }

    /// Every node, in form order.
    pub(crate) fn node_ids(&self) -> impl Iterator<Item = NodeId> {
        (0..self.nodes.len()).map(NodeId::new)
    }

    /// Looks a question up by name.
    pub(crate) fn lookup(&self, name: &str) -> Option<NodeId> {
        self.by_name.get(name).copied()
    }

    /// Number of questions, groups and repeats.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of compiled expressions.
    pub fn expression_count(&self) -> usize {
        self.nodes
            .iter()
            .map(|n| {
                [
                    &n.relevant,
                    &n.required,
                    &n.read_only,
                    &n.constraint,
                    &n.calculation,
                    &n.choice_filter,
                    &n.repeat_count,
                ]
                .iter()
                .filter(|p| p.is_some())
                .count()
            })
            .sum()
    }

    /// Whether `ancestor` is `scope` or one of its enclosing scopes.
    pub(crate) fn scope_contains(&self, ancestor: ScopeId, mut scope: ScopeId) -> bool {
        loop {
            if scope == ancestor {
                return true;
            }
            match self.scopes[scope as usize].parent {
                Some(p) => scope = p,
                None => return false,
            }
        }
    }

    /// The deepest scope enclosing both `a` and `b`.
    pub(crate) fn common_scope(&self, mut a: ScopeId, mut b: ScopeId) -> ScopeId {
        while self.scopes[a as usize].depth > self.scopes[b as usize].depth {
            a = self.scopes[a as usize].parent.unwrap_or(0);
        }
        while self.scopes[b as usize].depth > self.scopes[a as usize].depth {
            b = self.scopes[b as usize].parent.unwrap_or(0);
        }
        while a != b {
            a = self.scopes[a as usize].parent.unwrap_or(0);
            b = self.scopes[b as usize].parent.unwrap_or(0);
        }
        a
    }

    /// Compiles an extra expression against the form, as if it were written
    /// at the top level (outside every repeat). Used by `yim eval`.
    pub fn compile_expression(&self, src: &str) -> Result<Program, Vec<ExprError>> {
        let scope = ExprScope {
            form: self,
            from: 0,
            current: None,
            choice_columns: &[],
            case_columns: None,
        };
        yim_expr::compile(src, &scope)
    }
}

/// The compile-time view of the form that one expression sees.
pub(crate) struct ExprScope<'a> {
    pub(crate) form: &'a CompiledForm,
    /// The scope the expression is evaluated in.
    pub(crate) from: ScopeId,
    pub(crate) current: Option<Ty>,
    /// Columns of the choice list, for `choice_filter` expressions where a
    /// bare name such as `province` means the choice's own column.
    pub(crate) choice_columns: &'a [String],
    /// The columns of the case list that expressions read, numbered as
    /// they are met: a case's properties are not known when the form is
    /// compiled, since another form writes them. `None` after compiling,
    /// when only the columns already numbered can be read.
    pub(crate) case_columns: Option<&'a RefCell<Vec<String>>>,
}

/// Bare names in a choice filter are rewritten to `${` + this prefix + name `}`,
/// and resolve to ids above every node id.
pub(crate) const CHOICE_COLUMN_BASE: u32 = 1 << 30;

impl yim_expr::Scope for ExprScope<'_> {
    fn resolve(&self, name: &str) -> Option<RefInfo> {
        if let Some(column) = name.strip_prefix(CHOICE_PREFIX) {
            let index = self.choice_columns.iter().position(|c| c == column)?;
            return Some(RefInfo {
                id: CHOICE_COLUMN_BASE + index as u32,
                ty: Ty::Text,
                repeated: false,
            });
        }
        let id = self.form.lookup(name)?;
        let node = self.form.node(id);
        // A reference yields one value when the target lives in a scope that
        // encloses the expression's scope (the same instance, or an outer
        // one); otherwise it reaches into repeat instances and yields all of
        // them. A repeat itself always stands for its list of instances.
        let repeated =
            node.qtype == QType::Repeat || !self.form.scope_contains(node.scope, self.from);
        Some(RefInfo {
            id: id.expr_id(),
            ty: node.ty,
            repeated,
        })
    }

    fn current(&self) -> Option<Ty> {
        self.current
    }

    fn candidates(&self) -> Vec<String> {
        self.form.by_name.keys().cloned().collect()
    }

    fn list(&self, name: &str) -> Option<u32> {
        match self.form.form.choices.get_index_of(name) {
            Some(i) => Some(i as u32),
            None => self
                .form
                .form
                .case
                .as_ref()
                .filter(|case| case.list == name)
                .map(|_| crate::case::case_list_id(&self.form.form)),
        }
    }

    fn list_column(&self, list: u32, column: &str) -> Option<u32> {
        if list == crate::case::case_list_id(&self.form.form) {
            return crate::case::column_id(self.form, self.case_columns, column);
        }
        self.form
            .list_columns
            .get(list as usize)?
            .iter()
            .position(|c| c == column)
            .map(|i| i as u32)
    }
}

/// The marker that [`rewrite_choice_filter`] puts in front of column names.
pub(crate) const CHOICE_PREFIX: &str = "choice.";

/// XLSForm choice filters name the choice list's columns bare, as in
/// `province = ${province}`. The expression language only has `${...}`
/// references, so bare names that are columns of the list are rewritten to
/// references with a prefix that no question name can start with. The
/// rewrite keeps every character position up to the first rewritten name, so
/// errors before it still point at the right column; later ones shift.
pub(crate) fn rewrite_choice_filter(src: &str, columns: &[String]) -> String {
    let mut out = String::with_capacity(src.len() + 16);
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut quote: Option<char> = None;
    // Inside the brackets of an `instance(...)` path, and in its steps, bare
    // names belong to the list being looked up, not to the choice.
    let mut brackets = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
            out.push(c);
            i += 1;
            continue;
        }
        if c == '$' && chars.get(i + 1) == Some(&'{') {
            // Copy a `${...}` reference untouched.
            while i < chars.len() {
                out.push(chars[i]);
                i += 1;
                if chars[i - 1] == '}' {
                    break;
                }
            }
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '-' | ':' | '.'))
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let is_call = chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&'(');
            let is_operator = matches!(word.as_str(), "and" | "or" | "div" | "mod");
            let is_step = chars[..start].iter().rev().find(|c| !c.is_whitespace()) == Some(&'/');
            if !is_call && !is_operator && !is_step && brackets == 0 && columns.contains(&word) {
                out.push_str("${");
                out.push_str(CHOICE_PREFIX);
                out.push_str(&word);
                out.push('}');
            } else {
                out.push_str(&word);
            }
            continue;
        }
        match c {
            '[' => brackets += 1,
            ']' => brackets = brackets.saturating_sub(1),
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    out
}

fn type_of(qtype: &QType) -> Ty {
    match qtype {
        QType::Text => Ty::Text,
        QType::Integer => Ty::Integer,
        QType::Decimal => Ty::Number,
        QType::Date => Ty::Date,
        QType::Time => Ty::Time,
        QType::DateTime => Ty::DateTime,
        QType::SelectOne { .. } => Ty::SelectOne,
        QType::SelectOneCase => Ty::Text,
        QType::SelectMultiple { .. } => Ty::SelectMultiple,
        QType::Note => Ty::Text,
        QType::Calculate => Ty::Any,
        QType::Acknowledge => Ty::Text,
        QType::Geopoint => Ty::Geopoint,
        QType::Range => Ty::Number,
        // A photo's answer is its file name; the bytes are the app's.
        QType::Image => Ty::Text,
        // `area()` and `distance()` read a trace or a shape as text.
        QType::Geotrace | QType::Geoshape => Ty::Text,
        // A ranking is stored like a select_multiple, so `selected()` and
        // `selected-at()` read it the same way.
        QType::Rank { .. } => Ty::SelectMultiple,
        QType::Group => Ty::Group,
        QType::Repeat => Ty::Repeat,
    }
}

/// The columns of a list's items: `name`, `label`, then every other column
/// in the order it first appears.
fn item_columns(list: &ChoiceList) -> Vec<String> {
    let mut cols: Vec<String> = vec!["name".to_owned(), "label".to_owned()];
    for choice in list.choices.iter() {
        for k in choice.extra.keys() {
            if !cols.contains(k) {
                cols.push(k.clone());
            }
        }
    }
    cols
}

/// Compiles a resolved form. Returns the compiled form whenever the form's
/// structure allows it, together with every problem found; a form with
/// diagnostics still compiles so that authors can try the parts that work,
/// but expressions with errors are left out.
pub fn compile(form: &Form) -> (Option<Arc<CompiledForm>>, Vec<Diagnostic>) {
    compile_shared(Arc::new(form.clone()))
}

/// Compiles a resolved form that the caller keeps too, without copying it:
/// the same as [`compile`].
pub fn compile_shared(form: Arc<Form>) -> (Option<Arc<CompiledForm>>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut compiled = CompiledForm {
        form: Arc::clone(&form),
        nodes: Vec::new(),
        scopes: vec![Scope {
            parent: None,
            repeat: None,
            nodes: Vec::new(),
            repeats: Vec::new(),
            depth: 0,
        }],
        by_name: HashMap::new(),
        dependents: Vec::new(),
        rank: Vec::new(),
        volatile_cells: Vec::new(),
        instance_name: None,
        pages: Vec::new(),
        page_of: Vec::new(),
        list_columns: form.choices.values().map(item_columns).collect(),
        triggered: Vec::new(),
        case: None,
    };
    let case_columns = RefCell::new(crate::case::FIXED_COLUMNS.map(String::from).to_vec());
    let list_index: HashMap<&str, usize> = form
        .choices
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();

    // First pass: lay out nodes and scopes, so that every name is known
    // before any expression is compiled (expressions may refer forward).
    let mut sources: Vec<&Question> = Vec::new();
    for q in &form.questions {
        layout(
            &mut compiled,
            &mut sources,
            q,
            None,
            0,
            &list_index,
            &mut diags,
        );
    }

    compiled.triggered = vec![Vec::new(); compiled.nodes.len()];
    // Second pass: compile every expression in the scope it is evaluated in.
    for (id, q) in sources.iter().enumerate() {
        compile_node(&mut compiled, NodeId::new(id), q, &case_columns, &mut diags);
    }

    // The record's name is read at the top level, like `yim eval`.
    if let Some(expr) = &form.settings.instance_name {
        let scope = ExprScope {
            form: &compiled,
            from: 0,
            current: None,
            choice_columns: &[],
            case_columns: Some(&case_columns),
        };
        compiled.instance_name = compile_one(&scope, expr, &expr.src, "instance_name", &mut diags);
    }
    compiled.case = crate::case::compile(&compiled, &case_columns, &mut diags);
    crate::pages::lay_out(&mut compiled);

    build_graph(&mut compiled, &mut diags);
    (Some(Arc::new(compiled)), diags)
}

fn layout<'f>(
    c: &mut CompiledForm,
    sources: &mut Vec<&'f Question>,
    q: &'f Question,
    parent: Option<NodeId>,
    scope: ScopeId,
    lists: &HashMap<&str, usize>,
    diags: &mut Vec<Diagnostic>,
) {
    let id = NodeId::new(c.nodes.len());
    let list = q.qtype.list().and_then(|l| lists.get(l).copied());
    let checks = q
        .checks
        .iter()
        .filter_map(|check| compile_check(check, q, diags))
        .collect();
    let default = q.default.as_ref().map(|d| {
        if d.contains("${") || d.contains('(') {
            // Compiled in the second pass, once every name is known.
            Default::Literal(String::new())
        } else {
            Default::Literal(d.clone())
        }
    });
    let slot = c.scopes[scope as usize].nodes.len();
    c.scopes[scope as usize].nodes.push(id);
    // Duplicate names are reported by the form loader; the first one wins
    // here so that references stay stable.
    c.by_name.entry(q.name.clone()).or_insert(id);
    let inner = if q.qtype == QType::Repeat {
        let inner = c.scopes.len() as ScopeId;
        let depth = c.scopes[scope as usize].depth + 1;
        c.scopes.push(Scope {
            parent: Some(scope),
            repeat: Some(id),
            nodes: Vec::new(),
            repeats: Vec::new(),
            depth,
        });
        c.scopes[scope as usize].repeats.push(id);
        Some(inner)
    } else {
        None
    };
    c.nodes.push(Node {
        name: q.name.clone(),
        qtype: q.qtype.clone(),
        ty: type_of(&q.qtype),
        label: q.label.clone(),
        hint: q.hint.clone(),
        required_message: q.required_message.clone(),
        constraint_message: q.constraint_message.clone(),
        appearance: q.appearance.clone(),
        parameters: q.parameters.clone(),
        checks,
        default,
        list,
        parent,
        children: Vec::new(),
        scope,
        slot,
        inner,
        relevant: None,
        required: None,
        read_only: None,
        constraint: None,
        calculation: None,
        choice_filter: None,
        repeat_count: None,
        on_trigger: None,
        choice_columns: Vec::new(),
        uses_position: false,
        label_refs: Vec::new(),
    });
    sources.push(q);
    if let Some(p) = parent {
        c.nodes[p.index()].children.push(id);
    }
    let child_scope = inner.unwrap_or(scope);
    for child in &q.children {
        layout(c, sources, child, Some(id), child_scope, lists, diags);
    }
}

fn compile_check(
    check: &Check,
    q: &Question,
    diags: &mut Vec<Diagnostic>,
) -> Option<CompiledCheck> {
    Some(match check {
        Check::Email => CompiledCheck::Email,
        Check::Url => CompiledCheck::Url,
        Check::ThaiId => CompiledCheck::ThaiId,
        Check::Phone => CompiledCheck::Phone,
        Check::Length { min, max } => CompiledCheck::Length {
            min: *min,
            max: *max,
        },
        Check::Range { min, max } => CompiledCheck::Range {
            min: *min,
            max: *max,
        },
        Check::Regex(pattern) => {
            // The whole answer must match, as in XLSForm's regex constraints
            // that authors usually anchor by hand.
            match yim_expr::Pattern::new(&format!("^(?:{pattern})$")) {
                Ok(compiled) => CompiledCheck::Regex(compiled),
                Err(reason) => {
                    let loc = q.loc_of("checks").clone();
                    diags.push(Diagnostic::new(
                        loc,
                        format!("invalid regular expression in checks: {reason}"),
                    ));
                    return None;
                }
            }
        }
    })
}

fn compile_node(
    c: &mut CompiledForm,
    id: NodeId,
    q: &Question,
    case_columns: &RefCell<Vec<String>>,
    diags: &mut Vec<Diagnostic>,
) {
    let node = c.node(id);
    let own_scope = node.scope;
    let ty = node.ty;
    let is_container = matches!(q.qtype, QType::Group | QType::Repeat);
    // `.` means the question's own answer; containers have none.
    let current = if is_container { None } else { Some(ty) };
    let list_columns: Vec<String> = node
        .list
        .map(|l| {
            let mut cols: Vec<String> = vec!["name".to_owned()];
            for choice in c.list(l).choices.iter() {
                for k in choice.extra.keys() {
                    if !cols.contains(k) {
                        cols.push(k.clone());
                    }
                }
            }
            cols
        })
        .unwrap_or_default();

    // `.` is the answer being checked (constraint) or the calculation's own
    // previous value (for `once()`). Relevance, required and read-only
    // decide whether there is an answer at all, so reading it there would
    // be a cycle that hides a question forever.
    let run = |c: &CompiledForm,
               expr: &Option<Expr>,
               what: &str,
               dot: bool,
               diags: &mut Vec<Diagnostic>|
     -> Option<Program> {
        let expr = expr.as_ref()?;
        let current = if dot { current } else { None };
        let scope = ExprScope {
            form: c,
            from: own_scope,
            current,
            choice_columns: &[],
            case_columns: Some(case_columns),
        };
        compile_one(&scope, expr, &expr.src, what, diags)
    };
    let relevant = run(c, &q.relevant, "relevant", false, diags);
    let required = run(c, &q.required, "required", false, diags);
    let read_only = run(c, &q.read_only, "read_only", false, diags);
    let constraint = run(c, &q.constraint, "constraint", true, diags);
    let calculation = run(c, &q.calculation, "calculation", true, diags);
    let triggers = q
        .trigger
        .as_ref()
        .map(|t| trigger_sources(c, id, q, t, diags));
    let repeat_count = q.repeat_count.as_ref().and_then(|expr| {
        // `repeat_count` is evaluated around the repeat, not inside it.
        let scope = ExprScope {
            form: c,
            from: own_scope,
            current: None,
            choice_columns: &[],
            case_columns: Some(case_columns),
        };
        compile_one(&scope, expr, &expr.src, "repeat_count", diags)
    });
    let choice_filter = q.choice_filter.as_ref().and_then(|expr| {
        let src = rewrite_choice_filter(&expr.src, &list_columns);
        let scope = ExprScope {
            form: c,
            from: own_scope,
            current: None,
            choice_columns: &list_columns,
            case_columns: Some(case_columns),
        };
        compile_one(&scope, expr, &src, "choice_filter", diags)
    });
    let default = match (&q.default, &c.node(id).default) {
        (Some(src), Some(Default::Literal(l))) if l.is_empty() && !src.is_empty() => {
            let expr = Expr {
                src: src.clone(),
                loc: q.loc_of("default").clone(),
            };
            let scope = ExprScope {
                form: c,
                from: own_scope,
                current: None,
                choice_columns: &[],
                case_columns: Some(case_columns),
            };
            compile_one(&scope, &expr, src, "default", diags).map(Default::Dynamic)
        }
        _ => None,
    };
    if q.repeat_count.is_some() && q.qtype != QType::Repeat {
        diags.push(Diagnostic::new(
            q.loc_of("repeat_count").clone(),
            "`repeat_count` only applies to a repeat",
        ));
    }
    if q.choice_filter.is_some() && node_list_missing(&q.qtype) {
        diags.push(Diagnostic::new(
            q.loc_of("choice_filter").clone(),
            "`choice_filter` only applies to select_one and select_multiple questions",
        ));
    }
    let (on_trigger, calculation) = match triggers {
        Some(sources) => {
            for s in sources {
                c.triggered[s.index()].push(id);
            }
            (calculation, None)
        }
        None => (None, calculation),
    };
    let label_refs = label_refs(c, q, diags);
    let node = &mut c.nodes[id.index()];
    node.label_refs = label_refs;
    node.relevant = relevant;
    node.required = required;
    node.read_only = read_only;
    node.constraint = constraint;
    node.on_trigger = on_trigger;
    node.calculation = calculation;
    node.repeat_count = repeat_count;
    node.choice_filter = choice_filter;
    node.choice_columns = list_columns;
    node.uses_position = [
        &q.relevant,
        &q.required,
        &q.read_only,
        &q.constraint,
        &q.calculation,
        &q.choice_filter,
    ]
    .iter()
    .any(|e| e.as_ref().is_some_and(|e| e.src.contains("position")));
    if let Some(d) = default {
        node.default = Some(d);
    } else if matches!(&node.default, Some(Default::Literal(l)) if l.is_empty()) {
        node.default = None;
    }
}

/// The questions a `trigger` names: one or more `${name}` separated by
/// spaces or commas, each a question that holds a value in the same group
/// or repeat level as the triggered one, so that a change sets the value in
/// the same entry. A trigger without a calculation has nothing to set.
fn trigger_sources(
    c: &CompiledForm,
    id: NodeId,
    q: &Question,
    trigger: &Expr,
    diags: &mut Vec<Diagnostic>,
) -> Vec<NodeId> {
    // The expression's own location: the importer's rows are found by it.
    let loc = &trigger.loc;
    let mut sources = Vec::new();
    if q.calculation.is_none() {
        diags.push(Diagnostic::new(
            loc.clone(),
            "`trigger` needs a `calculation`: the value to set when the trigger question changes",
        ));
    }
    let words = trigger
        .src
        .split(|ch: char| ch == ',' || ch.is_whitespace())
        .filter(|w| !w.is_empty());
    for word in words {
        let name = word.strip_prefix("${").and_then(|w| w.strip_suffix('}'));
        let Some(name) = name else {
            diags.push(Diagnostic::new(
                loc.clone(),
                format!("`trigger` names questions as `${{name}}`, but found `{word}`"),
            ));
            continue;
        };
        let Some(source) = c.lookup(name) else {
            diags.push(Diagnostic::new(
                loc.clone(),
                format!("in trigger: unknown question `${{{name}}}`"),
            ));
            continue;
        };
        let s = c.node(source);
        if matches!(s.qtype, QType::Group | QType::Repeat) || source == id {
            diags.push(Diagnostic::new(
                loc.clone(),
                format!(
                    "`trigger` names a question whose answer changes, but `${{{name}}}` is {}",
                    if source == id {
                        "this question itself"
                    } else {
                        "a group or repeat"
                    }
                ),
            ));
            continue;
        }
        if s.scope != c.node(id).scope {
            diags.push(Diagnostic::new(
                loc.clone(),
                format!("`trigger` must name a question at the same level as `{}` (in the same repeat, or outside every repeat when `{}` is), but `${{{name}}}` is not", q.name, q.name),
            ));
            continue;
        }
        if !sources.contains(&source) {
            sources.push(source);
        }
    }
    if trigger.src.trim().is_empty() {
        diags.push(Diagnostic::new(
            loc.clone(),
            "`trigger` names no question; write `${name}`",
        ));
    }
    sources
}

/// The questions that a label or hint shows with `${name}`, in any of its
/// languages. Unknown names are reported at the label.
fn label_refs(c: &CompiledForm, q: &Question, diags: &mut Vec<Diagnostic>) -> Vec<NodeId> {
    let mut refs = Vec::new();
    for (key, text) in [("label", &q.label), ("hint", &q.hint)] {
        let Some(text) = text else { continue };
        let texts: Vec<&str> = match text {
            Text::Any(s) => vec![s.as_str()],
            Text::Langs(m) => m.values().map(String::as_str).collect(),
        };
        for t in texts {
            for name in interpolated_names(t) {
                match c.lookup(name) {
                    Some(n) if !matches!(c.node(n).qtype, QType::Group | QType::Repeat) => {
                        refs.push(n)
                    }
                    _ => diags.push(Diagnostic::new(
                        q.loc_of(key).clone(),
                        format!("the {key} shows `${{{name}}}`, but no question has that name"),
                    )),
                }
            }
        }
    }
    refs.sort_unstable();
    refs.dedup();
    refs
}

/// The names inside `${...}` in a label.
pub(crate) fn interpolated_names(text: &str) -> impl Iterator<Item = &str> {
    text.split("${")
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.trim()))
}

fn node_list_missing(qtype: &QType) -> bool {
    qtype.list().is_none()
}

/// Compiles one expression and turns its errors into located diagnostics.
pub(crate) fn compile_one(
    scope: &ExprScope<'_>,
    expr: &Expr,
    src: &str,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Program> {
    match yim_expr::compile(src, scope) {
        Ok(p) => Some(p),
        Err(errors) => {
            for e in errors {
                diags.push(Diagnostic::new(
                    locate(&expr.loc, src, e.span.start),
                    format!("in {what}: {}", e.message),
                ));
            }
            None
        }
    }
}

/// The file position of byte `offset` of an expression that starts at `loc`.
/// Expressions on one line shift the column; multi-line ones move lines too.
pub(crate) fn locate(loc: &Loc, src: &str, offset: usize) -> Loc {
    let before = &src[..offset.min(src.len())];
    let lines = before.matches('\n').count() as u32;
    if lines == 0 {
        Loc::new(
            loc.file.clone(),
            loc.line,
            loc.col + before.chars().count() as u32,
        )
    } else {
        let tail = before.rsplit('\n').next().unwrap_or("");
        Loc::new(
            loc.file.clone(),
            loc.line + lines,
            1 + tail.chars().count() as u32,
        )
    }
}

/// Builds the cell graph: who reads what, ranks in topological order, and
/// reports cycles with their path.
fn build_graph(c: &mut CompiledForm, diags: &mut Vec<Diagnostic>) {
    let n_cells = CellId::dense_len(c.nodes.len());
    let mut reads: Vec<Vec<CellId>> = vec![Vec::new(); n_cells];
    let mut volatile = Vec::new();
    for (id, node) in c.nodes.iter().enumerate() {
        let id = NodeId::new(id);
        let mut add = |kind: Kind, program: &Option<Program>, reads: &mut Vec<Vec<CellId>>| {
            let Some(p) = program else { return };
            let me = id.cell(kind);
            for &dep in p.deps() {
                if dep >= CHOICE_COLUMN_BASE {
                    continue;
                }
                reads[me.dense()].push(NodeId::from_expr(dep).cell(Kind::Value));
                // A reference that reaches into repeat instances also changes
                // when instances come and go, which the repeats' Value cells
                // announce.
                let target = c.node(NodeId::from_expr(dep));
                let mut s = target.scope;
                while !c.scope_contains(s, node.scope) {
                    if let Some(r) = c.scopes[s as usize].repeat {
                        reads[me.dense()].push(r.cell(Kind::Value));
                    }
                    s = c.scopes[s as usize].parent.unwrap_or(0);
                }
            }
            if p.is_volatile() || node.uses_position {
                volatile.push(me);
            }
        };
        add(Kind::Relevant, &node.relevant, &mut reads);
        add(Kind::Value, &node.calculation, &mut reads);
        add(Kind::Required, &node.required, &mut reads);
        add(Kind::ReadOnly, &node.read_only, &mut reads);
        add(Kind::Valid, &node.constraint, &mut reads);
        add(Kind::Choices, &node.choice_filter, &mut reads);
        add(Kind::Count, &node.repeat_count, &mut reads);
        if let Some(Default::Dynamic(p)) = &node.default {
            let p = Some(p.clone());
            add(Kind::Value, &p, &mut reads);
        }
        for &r in &node.label_refs {
            reads[id.cell(Kind::Label).dense()].push(r.cell(Kind::Value));
        }
        // Structural reads.
        let me = |k: Kind| id.cell(k).dense();
        if let Some(parent) = node.parent {
            reads[me(Kind::Relevant)].push(parent.cell(Kind::Relevant));
        }
        reads[me(Kind::Value)].push(id.cell(Kind::Relevant));
        if node.qtype == QType::Repeat {
            reads[me(Kind::Value)].push(id.cell(Kind::Count));
        }
        for k in [Kind::Value, Kind::Required, Kind::Relevant, Kind::Choices] {
            reads[me(Kind::Valid)].push(id.cell(k));
        }
    }
    for r in &mut reads {
        r.sort_unstable();
        r.dedup();
    }

    // Topological order by depth-first search over reads; a back edge is a
    // cycle, reported once with the questions along it.
    let mut state = vec![0u8; n_cells]; // 0 new, 1 on stack, 2 done
    let mut order: Vec<CellId> = Vec::with_capacity(n_cells);
    let mut reported = std::collections::HashSet::new();
    for start in 0..n_cells {
        if state[start] != 0 {
            continue;
        }
        // Iterative DFS: (cell, next read index).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if *i < reads[v].len() {
                let w = reads[v][*i].dense();
                *i += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => {
                        let pos = stack.iter().position(|&(x, _)| x == w).unwrap_or(0);
                        let cycle: Vec<usize> = stack[pos..].iter().map(|&(x, _)| x).collect();
                        report_cycle(c, &cycle, &mut reported, diags);
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                order.push(CellId::from_dense(v));
                stack.pop();
            }
        }
    }
    let mut rank = vec![0u32; n_cells];
    for (i, &cell) in order.iter().enumerate() {
        rank[cell.dense()] = i as u32;
    }
    let mut dependents: Vec<Vec<CellId>> = vec![Vec::new(); n_cells];
    for (reader, rs) in reads.iter().enumerate() {
        for &r in rs {
            // Edges that close a cycle are dropped, so evaluation still
            // terminates on a form that has errors.
            if rank[r.dense()] < rank[reader] {
                dependents[r.dense()].push(CellId::from_dense(reader));
            }
        }
    }
    c.dependents = dependents;
    c.rank = rank;
    c.volatile_cells = volatile;
}

fn report_cycle(
    c: &CompiledForm,
    cycle: &[usize],
    reported: &mut std::collections::HashSet<Vec<NodeId>>,
    diags: &mut Vec<Diagnostic>,
) {
    // Name the questions along the cycle, each once, in reading order.
    let mut names: Vec<NodeId> = Vec::new();
    for &cell in cycle.iter() {
        let n = CellId::from_dense(cell).node;
        if names.last() != Some(&n) {
            names.push(n);
        }
    }
    if names.len() > 1 && names.first() == names.last() {
        names.pop();
    }
    let mut key = names.clone();
    key.sort_unstable();
    key.dedup();
    if !reported.insert(key) {
        return;
    }
    // The cycle runs against reading order: cell A reads B reads C reads A.
    // Authors think in "A depends on B", which is the same direction.
    let first = c.node(names[0]);
    let mut path: Vec<String> = names
        .iter()
        .map(|&n| format!("${{{}}}", c.node(n).name))
        .collect();
    path.push(format!("${{{}}}", first.name));
    let kind = CellId::from_dense(cycle[0]).kind;
    let what = match kind {
        Kind::Relevant => "relevant",
        Kind::Value => "calculation",
        Kind::Required => "required",
        Kind::ReadOnly => "read_only",
        Kind::Valid => "constraint",
        Kind::Choices => "choice_filter",
        Kind::Count => "repeat_count",
        Kind::Label => "label",
    };
    let loc = first_loc(c, names[0], what);
    diags.push(Diagnostic::new(
        loc,
        format!(
            "these expressions depend on each other in a cycle: {}",
            path.join(" → ")
        ),
    ));
}

fn first_loc(c: &CompiledForm, id: NodeId, key: &str) -> Loc {
    let name = &c.node(id).name;
    match c.form.question(name) {
        Some(q) => q.loc_of(key).clone(),
        None => c.form.loc.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::{rewrite_choice_filter, CellId, NodeId};

    #[test]
    fn every_cell_has_its_own_dense_slot_and_comes_back_from_it() {
        let nodes = 5;
        let slots: Vec<usize> = (0..nodes)
            .flat_map(|n| NodeId::new(n).cells())
            .map(CellId::dense)
            .collect();
        // The slots of all cells fill the table exactly, in order, so the
        // scheduler's flat tables have no gaps and no two cells share one.
        assert_eq!(slots, (0..CellId::dense_len(nodes)).collect::<Vec<_>>());
        for slot in slots {
            assert_eq!(CellId::from_dense(slot).dense(), slot);
        }
        let cell = NodeId::new(3).cell(super::Kind::Valid);
        assert_eq!(CellId::from_dense(cell.dense()), cell);
    }

    #[test]
    fn bare_columns_become_references_outside_look_ups() {
        let columns = ["name".to_owned(), "Gov".to_owned(), "code".to_owned()];
        let check = |src: &str, want: &str| assert_eq!(rewrite_choice_filter(src, &columns), want);
        check("Gov = ${gov}", "${choice.Gov} = ${gov}");
        check(
            "(Gov = 'x' or Gov = 'other') and name != 'Gov'",
            "(${choice.Gov} = 'x' or ${choice.Gov} = 'other') and ${choice.name} != 'Gov'",
        );
        check("gov = ${gov}", "gov = ${gov}");
        check(
            "Gov = instance('govs')/root/item[name = ${region}]/code",
            "${choice.Gov} = instance('govs')/root/item[name = ${region}]/code",
        );
        check(
            "code div 2 = 1 and name()",
            "${choice.code} div 2 = 1 and name()",
        );
    }
}
