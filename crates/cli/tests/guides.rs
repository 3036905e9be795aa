//! `yim guides`: the guides in Thai made into the pages the app links.
//! Refresh the expected output with `UPDATE_EXPECT=1`.

mod common;

use std::fs;
use std::path::Path;

use expect_test::expect;

/// A folder with two guides, a screenshot and a style sheet.
fn guides_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    fs::create_dir_all(docs.join("img")).unwrap();
    fs::write(
        docs.join("README.md"),
        "# คู่มือ\n\n[คู่มืออาสาสมัคร](volunteer.md) และ[รูปแบบแบบฟอร์ม](../form-format.md)\n",
    )
    .unwrap();
    fs::write(
        docs.join("volunteer.md"),
        "# คู่มืออาสาสมัคร\n\n![หน้าแรก](img/home.png)\n",
    )
    .unwrap();
    fs::write(docs.join("img/home.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    fs::write(dir.path().join("guides.css"), "body { margin: 0; }\n").unwrap();
    dir
}

fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).unwrap()
}

#[test]
fn guides_become_pages_with_their_images_and_a_list_of_files() {
    let dir = guides_folder();
    let args = ["guides", "docs", "--css", "guides.css", "-o", "site/guides"];
    expect![[r#"
        stderr: yim: wrote 2 guides and 2 other files to site/guides
    "#]]
    .assert_eq(&common::run(dir.path(), &args, 0));
    let out = dir.path().join("site/guides");
    expect![[r#"
        {
          "files": [
            "img/home.png",
            "guides.css",
            "index.html",
            "volunteer.html"
          ]
        }
    "#]]
    .assert_eq(&read(&out, "files.json"));
    let index = read(&out, "index.html");
    assert!(index.contains("<a href=\"volunteer.html\">คู่มืออาสาสมัคร</a> และรูปแบบแบบฟอร์ม"));
    assert!(index.contains("<title>คู่มือ</title>"));
    assert!(read(&out, "volunteer.html").contains("<img src=\"img/home.png\" alt=\"หน้าแรก\" />"));
    assert_eq!(
        fs::read(out.join("img/home.png")).unwrap(),
        b"\x89PNG\r\n\x1a\n"
    );
}

#[test]
fn a_missing_or_outside_image_writes_nothing() {
    let dir = guides_folder();
    fs::write(
        dir.path().join("docs/volunteer.md"),
        "# คู่มือ\n\n![ไม่มี](img/missing.png) ![นอก](../guides.css)\n",
    )
    .unwrap();
    let args = ["guides", "docs", "--css", "guides.css", "-o", "site/guides"];
    expect![[r#"
        docs/volunteer.md: the image img/missing.png is not a file in docs
        docs/volunteer.md: the image ../guides.css is not a file in docs
        stderr: yim: no guide was written
    "#]]
    .assert_eq(&common::run(dir.path(), &args, 1));
    assert!(!dir.path().join("site").exists());
}

#[test]
fn guides_usage_errors_exit_2() {
    let dir = guides_folder();
    let out = common::run(dir.path(), &["guides", "docs", "-o", "site"], 2);
    assert!(
        out.starts_with("stderr: yim: guides needs --css FILE"),
        "{out}"
    );
    let out = common::run(
        dir.path(),
        &["guides", "--css", "guides.css", "-o", "site"],
        2,
    );
    assert!(
        out.starts_with("stderr: yim: guides takes one folder of guides, but found 0"),
        "{out}"
    );
    let out = common::run(
        dir.path(),
        &["guides", "nowhere", "--css", "guides.css", "-o", "site"],
        2,
    );
    assert!(
        out.starts_with("stderr: yim: cannot read folder nowhere"),
        "{out}"
    );
}
