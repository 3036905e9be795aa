//! Bounds that keep loading from crashing: nesting too deep for the YAML
//! tree builder is refused before it recurses. Mutated and generated form
//! files in general are covered by the property tests in tests/fuzz.rs.

use yim_form::{load, MemFiles};

#[test]
fn defect_3_deeply_nested_yaml_is_refused() {
    // 20,000 levels of `- - - ...` (40 KB) overflowed the stack of the YAML
    // tree builder; flow lists nest through the same builder. Each case is
    // refused at the first value past the bound, before the tree is built.
    let cases = [
        (
            format!("form: {{id: deep}}\nquestions:\n  {}x\n", "- ".repeat(20_000)),
            "form.yaml:3:201: expected lists and mappings nested at most 100 levels deep, but found more here",
        ),
        (
            format!("form: {{id: deep}}\nquestions: {}{}\n", "[".repeat(200), "]".repeat(200)),
            "form.yaml:2:111: expected lists and mappings nested at most 100 levels deep, but found more here",
        ),
        (
            format!("form: {{id: deep}}\nquestions:\n{}", (0..150).map(|n| format!("{}- a:\n", "  ".repeat(n))).collect::<String>()),
            "form.yaml:52:101: expected lists and mappings nested at most 100 levels deep, but found more here",
        ),
    ];
    for (text, expected) in cases {
        let files = MemFiles::new().with("form.yaml", text);
        let (form, diagnostics) = load("form.yaml", &files);
        let found: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(form.is_none());
        assert_eq!(found, [expected]);
    }
}
