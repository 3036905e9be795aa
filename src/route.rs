//! Where the app is: the screen named by the URL fragment (`#/form/ID`),
//! read and written here and nowhere else, so that every screen links to
//! every other through [`Route`] without importing the screens themselves.

use leptos::prelude::window;

/// Which screen is showing. Screens live in the URL fragment (`#/form/ID`)
/// so that the browser's back button works and any static file server can
/// host the app without rewriting paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The list of forms.
    Home,
    /// Filling in the form with this id.
    Form(String),
    /// Filling in the follow-up form `form` for the case `case`, which the
    /// home page's "children I follow" picked (`#/form/ID?case=CASE`).
    FollowUp {
        /// The follow-up form's id.
        form: String,
        /// The case's id.
        case: String,
    },
    /// Continuing (or, once finalized, reading) the stored response with
    /// this id.
    Response(String),
    /// The form studio, for authors.
    Studio,
    /// The coordinator's export page.
    Export,
    /// The device's settings: the PIN lock.
    Settings,
}

impl Route {
    /// Reads a route from a URL fragment such as `#/form/child-core`.
    pub fn from_hash(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        match path.strip_prefix("form/") {
            Some(rest) if !rest.is_empty() => match rest.split_once("?case=") {
                Some((form, case)) if !form.is_empty() && !case.is_empty() => Route::FollowUp {
                    form: decode_component(form),
                    case: decode_component(case),
                },
                _ => Route::Form(decode_component(rest)),
            },
            _ if path.starts_with("response/") && path.len() > "response/".len() => {
                Route::Response(decode_component(&path["response/".len()..]))
            }
            _ if path == "studio" => Route::Studio,
            _ if path == "export" => Route::Export,
            _ if path == "settings" => Route::Settings,
            _ => Route::Home,
        }
    }

    /// The URL fragment that shows this route.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Home => "#/".to_string(),
            Route::Form(id) => format!("#/form/{}", encode_component(id)),
            Route::FollowUp { form, case } => format!(
                "#/form/{}?case={}",
                encode_component(form),
                encode_component(case)
            ),
            Route::Response(id) => format!("#/response/{}", encode_component(id)),
            Route::Studio => "#/studio".to_string(),
            Route::Export => "#/export".to_string(),
            Route::Settings => "#/settings".to_string(),
        }
    }
}

fn encode_component(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

fn decode_component(text: &str) -> String {
    js_sys::decode_uri_component(text)
        .map(String::from)
        .unwrap_or_else(|_| text.to_string())
}

/// The route the address bar names now.
pub fn current_route() -> Route {
    Route::from_hash(&window().location().hash().unwrap_or_default())
}

/// Puts `hash` in the address bar in place of the current one, so that a
/// reload opens the response the screen now writes to. It fires no
/// `hashchange`: the screen stays as it is. (`History` is reached through
/// `Reflect` so that web-sys needs no further feature for one call.)
pub fn replace_url(hash: &str) {
    use wasm_bindgen::{JsCast, JsValue};
    let history = js_sys::Reflect::get(&window(), &JsValue::from_str("history"));
    let Ok(history) = history else {
        return;
    };
    let Ok(replace) = js_sys::Reflect::get(&history, &JsValue::from_str("replaceState")) else {
        return;
    };
    if let Some(replace) = replace.dyn_ref::<js_sys::Function>() {
        let _ = replace.call3(
            &history,
            &JsValue::NULL,
            &JsValue::from_str(""),
            &JsValue::from_str(hash),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::Route;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn check(hash: &str, route: Route) {
        assert_eq!(Route::from_hash(hash), route, "reading {hash}");
        assert_eq!(Route::from_hash(&route.to_hash()), route, "writing {hash}");
    }

    #[wasm_bindgen_test]
    fn a_follow_up_names_its_form_and_its_case() {
        check("#/form/child-core", Route::Form("child-core".into()));
        check(
            "#/form/child-follow-up?case=01890a5d-ac96-774b-bcce-b302099a8057",
            Route::FollowUp {
                form: "child-follow-up".into(),
                case: "01890a5d-ac96-774b-bcce-b302099a8057".into(),
            },
        );
        // Without a case, the text after the form's id is part of the id,
        // as it always was.
        check("#/form/a?case=", Route::Form("a?case=".into()));
        check("#/", Route::Home);
    }
}
