//! Choice lists kept in GeoJSON files, as ODK reads them for
//! `select_one_from_file places.geojson`: one choice per feature of a
//! `FeatureCollection`, named by the feature's `id` (or its `id` property)
//! and labelled by its `title` property. Every other property whose value
//! is text, a number or a boolean becomes an extra column for
//! `choice_filter`, and a point's position is the `geometry` column in
//! ODK's `lat lon 0 0` form.
//!
//! Outside input is bounded: the file's size, the number of features and
//! serde_json's own nesting limit. A JSON syntax error is reported at its
//! line and column; a feature's problem names the feature by its number,
//! since a parsed JSON value no longer knows its line.

use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::Value;

use crate::{Choice, Diagnostic, Loc, Text};

/// The largest GeoJSON file read as a choice list: a province's villages
/// with their points take a few megabytes.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;
/// The most features read from one file.
pub const MAX_FEATURES: usize = 100_000;

/// Reads the choices of a GeoJSON file, reporting every bad feature. `None`
/// means the file could not be read at all.
pub(crate) fn parse(path: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Vec<Choice>> {
    let file: Arc<str> = path.into();
    let at = |line: usize, col: usize| Loc {
        file: file.clone(),
        line: line as u32,
        col: col as u32,
    };
    // A file too large is refused before it is parsed.
    let too_many = |count: usize, max: usize, what: &str, diags: &mut Vec<Diagnostic>| {
        let over = count > max;
        if over {
            diags.push(Diagnostic::new(
                at(1, 1),
                format!("the file has {count} {what}, more than the {max} a GeoJSON choice list may have"),
            ));
        }
        over
    };
    if too_many(text.len(), MAX_BYTES, "bytes", diags) {
        return None;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(Diagnostic::new(
                at(e.line().max(1), e.column().max(1)),
                format!("this is not valid JSON ({e})"),
            ));
            return None;
        }
    };
    let features = match (
        root.get("type").and_then(Value::as_str),
        root.get("features"),
    ) {
        (Some("FeatureCollection"), Some(Value::Array(features))) => features,
        _ => {
            diags.push(Diagnostic::new(
                at(1, 1),
                "expected a GeoJSON FeatureCollection: an object with `\"type\": \"FeatureCollection\"` and a `features` list",
            ));
            return None;
        }
    };
    if too_many(features.len(), MAX_FEATURES, "features", diags) {
        return None;
    }
    let mut choices = Vec::with_capacity(features.len());
    for (i, feature) in features.iter().enumerate() {
        let number = i + 1;
        let empty = serde_json::Map::new();
        let properties = feature
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let name = feature
            .get("id")
            .or_else(|| properties.get("id"))
            .and_then(scalar);
        let Some(name) = name.filter(|n| !n.trim().is_empty()) else {
            diags.push(Diagnostic::new(
                at(1, 1),
                format!("feature {number} has no `id`, as a string or a number, on the feature or in its properties"),
            ));
            continue;
        };
        let Some(label) = properties
            .get("title")
            .and_then(scalar)
            .filter(|t| !t.trim().is_empty())
        else {
            diags.push(Diagnostic::new(
                at(1, 1),
                format!("feature {number} (`{name}`) has no `title` property, which is its label"),
            ));
            continue;
        };
        let mut extra = IndexMap::new();
        for (key, value) in properties {
            if key == "id" || key == "title" {
                continue;
            }
            if let Some(v) = scalar(value) {
                extra.insert(key.clone(), v);
            }
        }
        if let Some(point) = point(feature) {
            extra.insert("geometry".to_owned(), point);
        }
        choices.push(Choice {
            name: name.trim().to_owned(),
            label: Text::Any(label),
            extra,
            loc: at(1, 1),
        });
    }
    Some(choices)
}

/// A property value as a cell: text as it is, numbers and booleans as JSON
/// writes them; lists, objects and nulls are not cells.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A `Point` geometry as ODK's geopoint text. GeoJSON writes longitude
/// first; ODK writes latitude first.
fn point(feature: &Value) -> Option<String> {
    let geometry = feature.get("geometry")?;
    if geometry.get("type")?.as_str()? != "Point" {
        return None;
    }
    let coordinates = geometry.get("coordinates")?.as_array()?;
    let lon = coordinates.first()?.as_f64()?;
    let lat = coordinates.get(1)?.as_f64()?;
    Some(format!("{lat} {lon} 0 0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> (Option<usize>, Vec<String>) {
        let mut diags = Vec::new();
        let choices = parse("places.geojson", text, &mut diags);
        (
            choices.map(|c| c.len()),
            diags.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn a_file_past_the_bounds_is_refused_before_its_features_are_read() {
        let big = format!(
            "{{\"type\": \"FeatureCollection\", \"features\": [], \"pad\": \"{}\"}}",
            "x".repeat(MAX_BYTES)
        );
        let (choices, diags) = messages(&big);
        assert_eq!(choices, None);
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].contains("bytes, more than the 16777216"),
            "{diags:?}"
        );

        let feature = r#"{"type": "Feature", "id": 1, "properties": {"title": "t"}}"#;
        let many = format!(
            "{{\"type\": \"FeatureCollection\", \"features\": [{}]}}",
            vec![feature; MAX_FEATURES + 1].join(",")
        );
        let (choices, diags) = messages(&many);
        assert_eq!(choices, None);
        assert!(
            diags[0].contains("100001 features, more than the 100000"),
            "{diags:?}"
        );
    }

    #[test]
    fn nesting_deeper_than_serde_json_allows_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let (choices, diags) = messages(&deep);
        assert_eq!(choices, None);
        assert!(diags[0].contains("not valid JSON"), "{diags:?}");
    }
}
