//! `yim guides`: the guides for volunteers and coordinators (Markdown in
//! `docs/th/`) as static pages that the app links from its home page and
//! its service worker keeps for offline use.
//!
//! Markdown is read by `pulldown-cmark`. What the pages may hold is
//! narrowed on the way: raw HTML in a guide is shown as text (the pages
//! carry the app's Content-Security-Policy and run no script), links to
//! other guides point at their pages, links that leave the guides' folder
//! (the developer documentation) keep their text but lose the link, and
//! every image must be a file inside the folder, which is copied beside the
//! pages.

use std::path::{Component, Path};

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::publish::write_atomically;
use crate::Fatal;

/// The list of every file written, which the service worker reads to keep
/// the guides for offline use (`public/sw.js`).
pub(crate) const FILES_LIST: &str = "files.json";

/// The style sheet's name beside the pages.
const STYLE: &str = "guides.css";

/// Bounds on what is read: a guide is a few pages of text, and the
/// screenshots are small PNGs of a 360 px screen.
const MAX_GUIDES: usize = 50;
const MAX_GUIDE_BYTES: u64 = 1 << 20;
const MAX_IMAGE_BYTES: u64 = 4 << 20;
const MAX_IMAGES: usize = 200;

// The app's own Content-Security-Policy (`index.html`, checked against it by
// the intake's tests), so that a guide page may do no more than the app may.
use yim_intake::CSP;

/// One guide made into a page.
#[derive(Debug, PartialEq)]
pub(crate) struct Page {
    /// The text of its first level-one heading.
    pub title: String,
    /// The whole HTML document.
    pub html: String,
    /// The images it shows, as paths relative to the guides' folder.
    pub images: Vec<String>,
}

/// Renders every `*.md` file of `folder` into `out`: `README.md` becomes
/// `index.html`, any other `NAME.md` becomes `NAME.html`; the images they
/// show and the style sheet `style` are copied beside them. True when
/// every guide was rendered; an image that is missing or leaves the folder
/// is reported and nothing is written.
pub(crate) fn guides(folder: &str, style: &str, out: &str) -> Result<bool, Fatal> {
    let root = Path::new(folder);
    let mut names: Vec<String> = std::fs::read_dir(root)
        .map_err(|e| Fatal(format!("cannot read folder {folder}: {e}")))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md") && !name.starts_with('.'))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(Fatal(format!(
            "expected Markdown guides (*.md) in {folder}, but found none"
        )));
    }
    if names.len() > MAX_GUIDES {
        return Err(Fatal(format!(
            "expected at most {MAX_GUIDES} guides in {folder}, but found {}",
            names.len()
        )));
    }

    let mut pages = Vec::new();
    let mut problems = Vec::new();
    for name in &names {
        let path = root.join(name);
        let text = read_bounded(&path, MAX_GUIDE_BYTES)?;
        let text = String::from_utf8(text).map_err(|_| {
            Fatal(format!(
                "{}: expected UTF-8 text, but found other bytes",
                path.display()
            ))
        })?;
        let page = render(&text);
        for image in &page.images {
            if !stays_inside(image) || !root.join(image).is_file() {
                problems.push(format!(
                    "{}: the image {image} is not a file in {folder}",
                    path.display()
                ));
            }
        }
        pages.push((page_name(name), page));
    }
    let mut images: Vec<&String> = pages.iter().flat_map(|(_, p)| &p.images).collect();
    images.sort();
    images.dedup();
    if images.len() > MAX_IMAGES {
        problems.push(format!(
            "expected at most {MAX_IMAGES} images in the guides, but found {}",
            images.len()
        ));
    }
    for problem in &problems {
        println!("{problem}");
    }
    if !problems.is_empty() {
        eprintln!("yim: no guide was written");
        return Ok(false);
    }

    let out = Path::new(out);
    let mut written = Vec::new();
    for image in images {
        let bytes = read_bounded(&root.join(image), MAX_IMAGE_BYTES)?;
        write_atomically(&out.join(image), &bytes)?;
        written.push(image.clone());
    }
    let css = read_bounded(Path::new(style), MAX_GUIDE_BYTES)?;
    write_atomically(&out.join(STYLE), &css)?;
    written.push(STYLE.to_string());
    for (name, page) in &pages {
        write_atomically(&out.join(name), page.html.as_bytes())?;
        written.push(name.clone());
    }
    // The list goes last, so that it never names a file not yet written.
    let list = serde_json::json!({ "files": written });
    write_atomically(&out.join(FILES_LIST), format!("{list:#}\n").as_bytes())?;
    eprintln!(
        "yim: wrote {} guides and {} other files to {}",
        pages.len(),
        written.len() - pages.len(),
        out.display()
    );
    Ok(true)
}

/// Reads a file of at most `limit` bytes.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, Fatal> {
    let size = std::fs::metadata(path)
        .map_err(|e| Fatal(format!("cannot read {}: {e}", path.display())))?
        .len();
    if size > limit {
        return Err(Fatal(format!(
            "{}: expected at most {limit} bytes, but found {size}",
            path.display()
        )));
    }
    std::fs::read(path).map_err(|e| Fatal(format!("cannot read {}: {e}", path.display())))
}

/// The page a guide becomes: `README.md` is the guides' index.
fn page_name(markdown: &str) -> String {
    match markdown.strip_suffix(".md") {
        Some("README") | None => "index.html".to_string(),
        Some(stem) => format!("{stem}.html"),
    }
}

/// Whether `path` is relative and stays inside the guides' folder.
fn stays_inside(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(':')
        && !path.starts_with('/')
        && !path.contains('\\')
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Where a link of a guide points on the pages: another guide's page, the
/// same address for the web, or `None` for a file the pages do not carry.
fn link_target(dest: &str) -> Option<String> {
    if dest.starts_with('#') || dest.starts_with("https://") || dest.starts_with("http://") {
        return Some(dest.to_string());
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((path, anchor)) => (path, format!("#{anchor}")),
        None => (dest, String::new()),
    };
    (stays_inside(path) && path.ends_with(".md") && !path.contains('/'))
        .then(|| format!("{}{anchor}", page_name(path)))
}

/// The id a heading gets, as GitHub makes it, so that a guide's table of
/// contents works on the pages as it does where the guides are read as
/// Markdown: lower case, punctuation left out (Thai vowel and tone marks
/// are kept), spaces as hyphens.
fn heading_id(text: &str) -> String {
    static PUNCTUATION: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let punctuation = PUNCTUATION
        .get_or_init(|| regex::Regex::new(r"[^\p{L}\p{M}\p{N}\p{Pc} -]").expect("a valid pattern"));
    punctuation
        .replace_all(&text.to_lowercase(), "")
        .replace(' ', "-")
}

/// One guide as a page of its own.
pub(crate) fn render(markdown: &str) -> Page {
    let mut title = String::new();
    let mut in_title = false;
    // The heading being read: where its start is among the events, and its
    // text so far, for its id.
    let mut heading: Option<(usize, String)> = None;
    let mut images = Vec::new();
    // Links whose target the pages do not carry are left out with their
    // end tags; links do not nest, so one flag is enough.
    let mut dropped_link = false;
    let mut events = Vec::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        let event = match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) if title.is_empty() => {
                in_title = true;
                heading = Some((events.len(), String::new()));
                event
            }
            Event::Start(Tag::Heading { .. }) => {
                heading = Some((events.len(), String::new()));
                event
            }
            Event::End(TagEnd::Heading(_)) => {
                in_title = false;
                if let Some((start, text)) = heading.take() {
                    if let Event::Start(Tag::Heading { id, .. }) = &mut events[start] {
                        *id = Some(CowStr::from(heading_id(&text)));
                    }
                }
                event
            }
            Event::Text(ref text) | Event::Code(ref text) if heading.is_some() => {
                if let Some((_, heading)) = &mut heading {
                    heading.push_str(text);
                }
                if in_title {
                    title.push_str(text);
                }
                event
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match link_target(&dest_url) {
                Some(target) => Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(target),
                    title,
                    id,
                }),
                None => {
                    dropped_link = true;
                    continue;
                }
            },
            Event::End(TagEnd::Link) if dropped_link => {
                dropped_link = false;
                continue;
            }
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                // An image the pages do not carry is still named, so that
                // `guides` reports it instead of leaving a broken picture.
                images.push(dest_url.to_string());
                event
            }
            // The pages run no script and take no style from a guide.
            Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
            event => event,
        };
        events.push(event);
    }
    let mut body = String::new();
    html::push_html(&mut body, events.into_iter());
    let mut escaped_title = String::new();
    html::push_html(
        &mut escaped_title,
        std::iter::once(Event::Text(CowStr::from(title.as_str()))),
    );
    let html = format!(
        r#"<!doctype html>
<html lang="th">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="{CSP}">
  <meta name="color-scheme" content="light">
  <title>{escaped_title}</title>
  <link rel="stylesheet" href="{STYLE}">
</head>
<body>
  <nav class="guide-nav" aria-label="คู่มือ / Guides">
    <a href="../">← กลับไปที่แอป / Back to the app</a>
    <a href="index.html">คู่มือทั้งหมด / All guides</a>
  </nav>
  <main class="guide">
{body}  </main>
</body>
</html>
"#
    );
    Page {
        title,
        html,
        images,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(markdown: &str, body: &str) {
        let page = render(markdown);
        let marker = "<main class=\"guide\">\n";
        let start = page.html.find(marker).unwrap() + marker.len();
        let end = page.html.find("  </main>").unwrap();
        assert_eq!(&page.html[start..end], body, "{markdown}");
    }

    #[test]
    fn guides_become_pages() {
        check(
            "# คู่มือ <b>1</b>\n\nอ่าน[คู่มืออาสาสมัคร](volunteer.md#ฉบับร่าง)และ[รูปแบบ](../form-format.md)\n",
            "<h1 id=\"คู่มือ-1\">คู่มือ &lt;b&gt;1&lt;/b&gt;</h1>\n<p>อ่าน<a href=\"volunteer.html#%E0%B8%89%E0%B8%9A%E0%B8%B1%E0%B8%9A%E0%B8%A3%E0%B9%88%E0%B8%B2%E0%B8%87\">คู่มืออาสาสมัคร</a>และรูปแบบ</p>\n",
        );
        // Headings get GitHub's ids, so a table of contents works.
        check(
            "## \"ยืนยันแล้ว เข้ารหัสแล้ว\" หมายความว่าอะไร\n\n[ไป](#ยืนยันแล้ว-เข้ารหัสแล้ว-หมายความว่าอะไร)\n",
            "<h2 id=\"ยืนยันแล้ว-เข้ารหัสแล้ว-หมายความว่าอะไร\">\"ยืนยันแล้ว เข้ารหัสแล้ว\" หมายความว่าอะไร</h2>\n<p><a href=\"#%E0%B8%A2%E0%B8%B7%E0%B8%99%E0%B8%A2%E0%B8%B1%E0%B8%99%E0%B9%81%E0%B8%A5%E0%B9%89%E0%B8%A7-%E0%B9%80%E0%B8%82%E0%B9%89%E0%B8%B2%E0%B8%A3%E0%B8%AB%E0%B8%B1%E0%B8%AA%E0%B9%81%E0%B8%A5%E0%B9%89%E0%B8%A7-%E0%B8%AB%E0%B8%A1%E0%B8%B2%E0%B8%A2%E0%B8%84%E0%B8%A7%E0%B8%B2%E0%B8%A1%E0%B8%A7%E0%B9%88%E0%B8%B2%E0%B8%AD%E0%B8%B0%E0%B9%84%E0%B8%A3\">ไป</a></p>\n",
        );
        check(
            "[หน้าแรก](README.md) [web](https://example.org/a) [x](javascript:alert(1)) [y](/etc/passwd)\n",
            "<p><a href=\"index.html\">หน้าแรก</a> <a href=\"https://example.org/a\">web</a> x y</p>\n",
        );
        check(
            "<script>alert(1)</script>\n",
            "&lt;script&gt;alert(1)&lt;/script&gt;\n",
        );
        check(
            "| ก | ข |\n| --- | --- |\n| 1 | 2 |\n",
            "<table><thead><tr><th>ก</th><th>ข</th></tr></thead><tbody>\n<tr><td>1</td><td>2</td></tr>\n</tbody></table>\n",
        );
        let page = render("# คู่มือ <อาสา> & ผู้ดูแล\n\n![หน้าแรก](img/home.png)\n");
        assert_eq!(page.title, "คู่มือ <อาสา> & ผู้ดูแล");
        assert!(page
            .html
            .contains("<title>คู่มือ &lt;อาสา&gt; &amp; ผู้ดูแล</title>"));
        assert!(page.html.contains(CSP));
        assert_eq!(page.images, ["img/home.png"]);
        assert_eq!(page_name("README.md"), "index.html");
        assert_eq!(page_name("volunteer.md"), "volunteer.html");
        assert!(stays_inside("img/home.png"));
        for outside in ["../secret.png", "/etc/passwd", "img/../../x", "c:x", ""] {
            assert!(!stays_inside(outside), "{outside}");
        }
    }
}
