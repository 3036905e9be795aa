//! Which version of a form reopens a stored response.
//!
//! A response is filled with the form it was started on, so that a newer
//! version (a question removed, a choice renamed) never changes what a
//! volunteer already answered. The app keeps the source of every form a
//! response was started with, under its hash; the rules below pick between
//! that kept source and the form the app publishes now.

/// What a stored response says about the form it was started on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Started {
    /// The form's version when the response was started.
    pub version: String,
    /// The hash of the form's source when the response was started; `None`
    /// for a response from before hashes were kept.
    pub hash: Option<String>,
}

/// Why a response opens with another form than the published one, for the
/// note on the form screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionNote {
    /// It opens with the older version it was started on.
    Older {
        /// That version.
        version: String,
    },
    /// The version it was started on was not kept, so it opens with the
    /// published one; answers to questions that no longer exist stay stored.
    Current {
        /// The version it was started on.
        started: String,
    },
}

/// The form to reopen a response with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// The form published now, with a note when it is not the one the
    /// response was started on.
    Published {
        /// The note to show, if any.
        note: Option<VersionNote>,
    },
    /// The kept source with this hash, which opens with
    /// [`VersionNote::Older`]; `otherwise` says what to do when it is not
    /// kept after all.
    Kept {
        /// The hash of the kept source.
        hash: String,
        /// The choice when no source with that hash is kept.
        otherwise: Fallback,
    },
    /// Neither the published form nor a kept source can open it.
    Gone,
}

/// What opens a response whose kept source is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// The published form, with this note.
    Published(VersionNote),
    /// Nothing: the form is gone.
    Gone,
}

/// The form published now under the response's form id.
#[derive(Clone, Copy, Debug)]
pub struct Published<'a, H> {
    /// Its version.
    pub version: &'a str,
    /// Gives the hash of its source; only called when the response has a
    /// hash to compare with, since hashing a large form costs time.
    pub hash: H,
}

/// Chooses the form that reopens a response started as `started`, given
/// the form published now under its id (`None` when there is none).
pub fn choose<H, S>(started: &Started, published: Option<Published<'_, H>>) -> Choice
where
    H: FnOnce() -> S,
    S: AsRef<str>,
{
    let published_version = published.as_ref().map(|p| p.version.to_string());
    if let Some(published) = published {
        let same = match &started.hash {
            None => true,
            Some(hash) => hash == (published.hash)().as_ref(),
        };
        if same {
            // The same form, or a response from before hashes were kept
            // whose form is still published: its version may still differ,
            // which the note says.
            let note =
                (started.hash.is_none() && started.version != published.version).then(|| {
                    VersionNote::Current {
                        started: started.version.clone(),
                    }
                });
            return Choice::Published { note };
        }
    }
    match &started.hash {
        Some(hash) => Choice::Kept {
            hash: hash.clone(),
            otherwise: match published_version {
                Some(_) => Fallback::Published(VersionNote::Current {
                    started: started.version.clone(),
                }),
                None => Fallback::Gone,
            },
        },
        None => Choice::Gone,
    }
}

/// The note for a response that opens with the kept source of `version`.
pub fn older(version: &str) -> VersionNote {
    VersionNote::Older {
        version: version.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn started(version: &str, hash: Option<&str>) -> Started {
        Started {
            version: version.to_string(),
            hash: hash.map(str::to_string),
        }
    }

    /// Chooses with a published form of `version` and `hash` (`None`: no
    /// published form), and checks that the hash is only read when the
    /// response has one.
    fn check(started: Started, published: Option<(&str, &str)>, expected: Choice) {
        let hashed = &std::cell::Cell::new(false);
        let choice = choose(
            &started,
            published.map(|(version, hash)| Published {
                version,
                hash: move || {
                    hashed.set(true);
                    hash
                },
            }),
        );
        assert_eq!(choice, expected, "{started:?} with {published:?}");
        if started.hash.is_none() {
            assert!(!hashed.get(), "hashed the published form for {started:?}");
        }
    }

    fn current(version: &str) -> VersionNote {
        VersionNote::Current {
            started: version.to_string(),
        }
    }

    #[test]
    fn the_same_form_opens_without_a_note() {
        check(
            started("2", Some("h2")),
            Some(("2", "h2")),
            Choice::Published { note: None },
        );
        check(
            started("2", None),
            Some(("2", "h2")),
            Choice::Published { note: None },
        );
    }

    #[test]
    fn a_response_without_a_hash_opens_with_the_published_form() {
        check(
            started("1", None),
            Some(("2", "h2")),
            Choice::Published {
                note: Some(current("1")),
            },
        );
        check(started("1", None), None, Choice::Gone);
    }

    #[test]
    fn another_version_opens_with_the_kept_source() {
        check(
            started("1", Some("h1")),
            Some(("2", "h2")),
            Choice::Kept {
                hash: "h1".into(),
                otherwise: Fallback::Published(current("1")),
            },
        );
        check(
            started("1", Some("h1")),
            None,
            Choice::Kept {
                hash: "h1".into(),
                otherwise: Fallback::Gone,
            },
        );
        assert_eq!(
            older("1"),
            VersionNote::Older {
                version: "1".into()
            }
        );
    }

    #[test]
    fn the_same_version_with_another_source_is_another_form() {
        // A form republished under the same version number with a changed
        // question is not the form the response was started on.
        check(
            started("2", Some("h-old")),
            Some(("2", "h-new")),
            Choice::Kept {
                hash: "h-old".into(),
                otherwise: Fallback::Published(current("2")),
            },
        );
    }
}
