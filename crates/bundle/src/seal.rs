//! Sealing at rest: one finalized response encrypted to its form's recipients.

use crate::crypt;
use crate::doc::Response;
use crate::error::Error;
use crate::keys::{Identities, Recipients};

/// A sealed response: its clear record and its answers encrypted.
///
/// The clear fields are what the phone may keep readable for its lists and
/// what a bundle's manifest needs; `sealed` is the whole [`Response`] document
/// (clear fields included, so they are authenticated too) as an age file.
/// The phone stores exactly this and can no longer read the answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedResponse {
    /// The response's id.
    pub id: String,
    /// The form's id.
    pub form_id: String,
    /// The form's version.
    pub form_version: String,
    /// The hash of the resolved form the response was filled in with.
    pub form_hash: String,
    /// The age file holding the response document.
    pub sealed: Vec<u8>,
}

/// Encrypts a response to `to`, normally the form's `settings.recipients`.
///
/// The response is checked first: its id must be a UUID, its times RFC 3339,
/// its form hash a SHA-256 and its answers a JSON object.
pub fn seal(response: &Response, to: &Recipients) -> Result<SealedResponse, Error> {
    response.check()?;
    let sealed = crypt::encrypt(&response.to_json(), to)?;
    Ok(SealedResponse {
        id: response.id.clone(),
        form_id: response.form_id.clone(),
        form_version: response.form_version.clone(),
        form_hash: response.form_hash.clone(),
        sealed,
    })
}

/// Decrypts a sealed response (the bytes of [`SealedResponse::sealed`], or a
/// `responses/<id>.json.age` file of a bundle).
pub fn unseal(sealed: &[u8], with: &Identities) -> Result<Response, Error> {
    let json = crypt::decrypt(sealed, with, "this response")?;
    Response::from_json(&json)
}
