//! Writes small xlsx workbooks for tests, cell by cell, so that a test can
//! put a cell anywhere (XFD1048576 included) and claim any sheet dimension.
//!
//! The yim-cli tests include this file too, so that `yim import` is fed the
//! same hostile spreadsheets.

#![allow(dead_code)]

use std::io::Write;

/// One sheet: its name, the `<dimension ref>` it claims (if any), and its
/// cells as (reference such as `B3`, text).
pub struct SheetSpec<'a> {
    pub name: &'a str,
    pub dimension: Option<&'a str>,
    pub cells: Vec<(String, String)>,
}

/// The sheet's XML: one `<row>` per row number, cells as inline strings.
fn sheet_xml(sheet: &SheetSpec) -> String {
    let mut rows: Vec<(u32, Vec<(&str, &str)>)> = Vec::new();
    for (reference, text) in &sheet.cells {
        let digits = reference.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let row: u32 = digits.parse().unwrap_or(1);
        match rows.iter_mut().find(|(r, _)| *r == row) {
            Some((_, cells)) => cells.push((reference, text)),
            None => rows.push((row, vec![(reference, text)])),
        }
    }
    rows.sort_by_key(|(r, _)| *r);
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    if let Some(d) = sheet.dimension {
        xml += &format!(r#"<dimension ref="{d}"/>"#);
    }
    xml += "<sheetData>";
    for (row, cells) in rows {
        xml += &format!(r#"<row r="{row}">"#);
        for (reference, text) in cells {
            xml += &format!(
                r#"<c r="{reference}" t="inlineStr"><is><t>{}</t></is></c>"#,
                escape(text)
            );
        }
        xml += "</row>";
    }
    xml += "</sheetData></worksheet>";
    xml
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The workbook's bytes: a zip holding the parts Excel writes at the least.
pub fn workbook(sheets: &[SheetSpec]) -> Vec<u8> {
    zip(&parts(sheets))
}

/// The workbook's parts as (path in the zip, XML text), for tests that
/// change the XML before it is zipped.
pub fn parts(sheets: &[SheetSpec]) -> Vec<(String, String)> {
    let mut parts: Vec<(String, String)> = Vec::new();
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    );
    let mut book = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (i, sheet) in sheets.iter().enumerate() {
        let n = i + 1;
        types += &format!(
            r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        );
        book += &format!(
            r#"<sheet name="{}" sheetId="{n}" r:id="rId{n}"/>"#,
            escape(sheet.name)
        );
        rels += &format!(
            r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        );
        parts.push((format!("xl/worksheets/sheet{n}.xml"), sheet_xml(sheet)));
    }
    types += "</Types>";
    book += "</sheets></workbook>";
    rels += "</Relationships>";
    parts.push(("[Content_Types].xml".into(), types));
    parts.push((
        "_rels/.rels".into(),
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
    ));
    parts.push(("xl/workbook.xml".into(), book));
    parts.push(("xl/_rels/workbook.xml.rels".into(), rels));
    parts
}

/// Zips `parts` the way spreadsheet programs do (deflated).
pub fn zip(parts: &[(String, String)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A small XLSForm: a survey sheet with `rows` (type, name, label) and a
/// settings sheet.
pub fn xlsform(rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut cells = vec![
        ("A1".to_string(), "type".to_string()),
        ("B1".to_string(), "name".to_string()),
        ("C1".to_string(), "label".to_string()),
    ];
    for (i, (t, n, l)) in rows.iter().enumerate() {
        let r = i + 2;
        cells.push((format!("A{r}"), t.to_string()));
        cells.push((format!("B{r}"), n.to_string()));
        cells.push((format!("C{r}"), l.to_string()));
    }
    workbook(&[
        SheetSpec {
            name: "survey",
            dimension: None,
            cells,
        },
        SheetSpec {
            name: "settings",
            dimension: None,
            cells: vec![
                ("A1".into(), "form_id".into()),
                ("B1".into(), "version".into()),
                ("A2".into(), "visit".into()),
                ("B2".into(), "1".into()),
            ],
        },
    ])
}
