//! What the data office's tests share to make bundles: forms resolved the
//! way the app resolves them before export, and the published TEST ONLY
//! keys of `tests/fixtures/bundles/`.

use yim_bundle::{build, seal, BundleForm, BundleHeader, Identity, Recipients, Response};

/// The public key of the first identity in the key file `path`.
pub fn recipients(path: &str) -> Recipients {
    let text = std::fs::read_to_string(path).unwrap();
    Recipients::Keys(vec![Identity::parse_file(&text)
        .unwrap()
        .remove(0)
        .to_public()])
}

/// The source form `file` of folder `dir`, resolved as the app resolves it
/// before export.
pub fn resolved(dir: &str, file: &str) -> BundleForm {
    let text = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
    let files = yim_form::MemFiles::new().with(file, text);
    let (form, diagnostics) = yim_form::load(file, &files);
    assert!(diagnostics.is_empty(), "{file}: {diagnostics:?}");
    let form = form.unwrap();
    BundleForm {
        id: form.id.clone(),
        version: form.version.clone(),
        yaml: yim_form::to_yaml(&form),
    }
}

/// A bundle with `header` and `forms` whose `responses` are each sealed to
/// `to`, as bytes.
pub fn sealed_bundle(
    header: &BundleHeader,
    forms: &[&BundleForm],
    responses: &[Response],
    to: &Recipients,
) -> Vec<u8> {
    let sealed: Vec<_> = responses.iter().map(|r| seal(r, to).unwrap()).collect();
    let forms = forms.iter().map(|f| (*f).clone()).collect();
    build(header, forms, &sealed, to).unwrap()
}
