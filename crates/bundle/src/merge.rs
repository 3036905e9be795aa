//! Merging opened bundles for the data office: each response once, however
//! many bundles carry it, with a report of missing exports and of responses
//! whose copies disagree.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::bundle::{BundleForm, OpenedBundle};
use crate::doc::Response;
use crate::time::Timestamp;

/// Where a copy of a response came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    /// The device that made the bundle.
    pub device_id: String,
    /// The bundle's sequence number on that device.
    pub sequence: u64,
    /// The bundle's id.
    pub bundle_id: String,
}

/// One version of a response that exists in different versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseCopy {
    /// The version's `updated` time.
    pub updated: String,
    /// Every bundle that carries this version.
    pub found_in: Vec<Origin>,
    /// The version itself, whole, so that a copy that was left out can
    /// still be read and put right by hand.
    pub response: Response,
}

/// Something about a response that the data office should look at. The
/// response is merged all the same: dropping it would lose answers, and the
/// report says what is odd about it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Warning {
    /// The response names another device than the bundle that carries it.
    /// A phone exports only what was filled on it, so either the device id
    /// was changed in the app's settings or the bundle was not made by the
    /// app.
    ForeignDevice {
        /// The response's id.
        response_id: String,
        /// The device the response names.
        device_id: String,
        /// The bundle that carries it.
        origin: Origin,
    },
    /// The response's status is not `finalized`, which is the only status
    /// the app seals and exports.
    NotFinalized {
        /// The response's id.
        response_id: String,
        /// The status it has.
        status: String,
        /// The bundle that carries it.
        origin: Origin,
    },
}

impl Warning {
    /// What is odd about `response`, which came in the bundle `origin`
    /// names. [`Merger`] reports these; a reader that merges in its own way
    /// (the data office's streaming merge) calls this to report the same.
    pub fn about(response: &Response, origin: &Origin) -> Vec<Warning> {
        Warning::about_fields(&response.id, &response.device_id, &response.status, origin)
    }

    /// [`Warning::about`] a response of which only its id, device and
    /// status were kept, as the data office's streaming merge keeps them.
    pub fn about_fields(
        response_id: &str,
        device_id: &str,
        status: &str,
        origin: &Origin,
    ) -> Vec<Warning> {
        let mut found = Vec::new();
        if device_id != origin.device_id {
            found.push(Warning::ForeignDevice {
                response_id: response_id.to_owned(),
                device_id: device_id.to_owned(),
                origin: origin.clone(),
            });
        }
        if status != "finalized" {
            found.push(Warning::NotFinalized {
                response_id: response_id.to_owned(),
                status: status.to_owned(),
                origin: origin.clone(),
            });
        }
        found
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::ForeignDevice {
                response_id,
                device_id,
                origin,
            } => write!(
                f,
                "response {response_id} was filled on device {device_id}, but came in device {}'s export {}",
                origin.device_id, origin.sequence
            ),
            Warning::NotFinalized {
                response_id,
                status,
                origin,
            } => write!(
                f,
                "response {response_id} has status `{status}`, but only finalized responses are exported (from device {} export {})",
                origin.device_id, origin.sequence
            ),
        }
    }
}

/// A response id that came with different contents. The data office keeps
/// the copy updated last (ties go to the copy whose JSON sorts last, so the
/// choice never depends on the order bundles are given in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The response's id.
    pub response_id: String,
    /// The copy that was kept.
    pub kept: ResponseCopy,
    /// The other copies, latest first.
    pub left_out: Vec<ResponseCopy>,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let copy = |c: &ResponseCopy| {
            let from: Vec<String> = c
                .found_in
                .iter()
                .map(|o| format!("device {} export {}", o.device_id, o.sequence))
                .collect();
            format!("the one updated {} (from {})", c.updated, from.join(", "))
        };
        let left: Vec<String> = self.left_out.iter().map(copy).collect();
        write!(
            f,
            "response {}: {} different copies; kept {}, left out {}",
            self.response_id,
            self.left_out.len() + 1,
            copy(&self.kept),
            left.join(" and ")
        )
    }
}

/// Which exports of one device were seen, as inclusive ranges of sequence
/// numbers. Displays as `device 3f2a: have 1-4, 6; missing 5`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceReport {
    /// The device.
    pub device_id: String,
    /// The sequence numbers seen.
    pub have: Vec<(u64, u64)>,
    /// The numbers from 1 to the highest seen that were not seen: exports
    /// the data office has not received.
    pub missing: Vec<(u64, u64)>,
    /// Sequence numbers that more than one bundle id claims, which happens
    /// only when a device's export log was lost and numbering restarted.
    pub reused: Vec<u64>,
}

impl fmt::Display for DeviceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "device {}: have {}", self.device_id, ranges(&self.have))?;
        if !self.missing.is_empty() {
            write!(f, "; missing {}", ranges(&self.missing))?;
        }
        for n in &self.reused {
            write!(f, "; export {n} appears as different bundles")?;
        }
        Ok(())
    }
}

fn ranges(r: &[(u64, u64)]) -> String {
    let parts: Vec<String> = r
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    parts.join(", ")
}

/// Collects opened bundles; [`Merger::finish`] gives the merged result.
///
/// Adding the same bundle twice, or bundles that overlap, changes nothing:
/// responses are keyed by id and identical copies are one.
#[derive(Default)]
pub struct Merger {
    bundles: BTreeMap<String, usize>,
    sequences: BTreeMap<String, BTreeMap<u64, BTreeSet<String>>>,
    forms: BTreeMap<String, BundleForm>,
    copies: BTreeMap<String, Vec<(Response, Vec<Origin>)>>,
    warnings: BTreeSet<Warning>,
}

impl Merger {
    /// Nothing merged yet.
    pub fn new() -> Merger {
        Merger::default()
    }

    /// Adds a bundle's forms and responses. Returns false when a bundle with
    /// the same id was added before (its responses are merged all the same,
    /// which changes nothing when it is truly the same bundle).
    pub fn add(&mut self, bundle: OpenedBundle) -> bool {
        let m = &bundle.manifest;
        let origin = Origin {
            device_id: m.device_id.clone(),
            sequence: m.sequence,
            bundle_id: m.bundle_id.clone(),
        };
        let seen = self.bundles.entry(m.bundle_id.clone()).or_insert(0);
        *seen += 1;
        let first = *seen == 1;
        self.sequences
            .entry(m.device_id.clone())
            .or_default()
            .entry(m.sequence)
            .or_default()
            .insert(m.bundle_id.clone());
        for form in bundle.forms {
            self.forms.entry(form.hash()).or_insert(form);
        }
        for response in bundle.responses {
            self.warnings.extend(Warning::about(&response, &origin));
            let copies = self.copies.entry(response.id.clone()).or_default();
            match copies.iter_mut().find(|(r, _)| *r == response) {
                Some((_, origins)) => {
                    if !origins.contains(&origin) {
                        origins.push(origin.clone());
                        origins.sort();
                    }
                }
                None => copies.push((response, vec![origin.clone()])),
            }
        }
        first
    }

    /// The merged forms and responses, and what the data office should know.
    pub fn finish(self) -> Merged {
        let mut responses = Vec::with_capacity(self.copies.len());
        let mut conflicts = Vec::new();
        for (id, mut copies) in self.copies {
            // Latest `updated` first; equal times are ordered by content so
            // the outcome does not depend on the order of the bundles.
            copies.sort_by_cached_key(|(r, _)| {
                let at = Timestamp::parse(&r.updated).ok();
                std::cmp::Reverse((at, serde_json::to_string(r).unwrap_or_default()))
            });
            let mut copies = copies.into_iter();
            let (kept, kept_from) = copies.next().expect("every id has a copy");
            let left_out: Vec<ResponseCopy> = copies
                .map(|(r, found_in)| ResponseCopy {
                    updated: r.updated.clone(),
                    found_in,
                    response: r,
                })
                .collect();
            if !left_out.is_empty() {
                conflicts.push(Conflict {
                    response_id: id,
                    kept: ResponseCopy {
                        updated: kept.updated.clone(),
                        found_in: kept_from,
                        response: kept.clone(),
                    },
                    left_out,
                });
            }
            responses.push(kept);
        }
        let devices = self
            .sequences
            .into_iter()
            .map(|(device_id, seqs)| device_report(device_id, &seqs))
            .collect();
        let mut forms: Vec<BundleForm> = self.forms.into_values().collect();
        forms.sort_by(|a, b| (&a.id, &a.version).cmp(&(&b.id, &b.version)));
        Merged {
            bundles: self.bundles.len(),
            repeated_bundles: self
                .bundles
                .into_iter()
                .filter(|(_, n)| *n > 1)
                .map(|(id, _)| id)
                .collect(),
            forms,
            responses,
            devices,
            conflicts,
            warnings: self.warnings.into_iter().collect(),
        }
    }
}

fn device_report(device_id: String, seqs: &BTreeMap<u64, BTreeSet<String>>) -> DeviceReport {
    let mut have: Vec<(u64, u64)> = Vec::new();
    let mut missing = Vec::new();
    // The number expected next; None once u64::MAX was seen, since a
    // forged bundle may claim any sequence number.
    let mut next = Some(1u64);
    for &n in seqs.keys() {
        let Some(expected) = next else { break };
        if n > expected {
            missing.push((expected, n - 1));
        }
        match have.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => have.push((n, n)),
        }
        next = n.checked_add(1);
    }
    DeviceReport {
        device_id,
        have,
        missing,
        reused: seqs
            .iter()
            .filter(|(_, ids)| ids.len() > 1)
            .map(|(n, _)| *n)
            .collect(),
    }
}

/// Every response once, with what the data office should know.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged {
    /// How many different bundles (by id) were added.
    pub bundles: usize,
    /// Ids of bundles that were added more than once.
    pub repeated_bundles: Vec<String>,
    /// Every form, once per hash, ordered by id and version.
    pub forms: Vec<BundleForm>,
    /// Every response once, ordered by id (which is creation order for
    /// UUID v7 ids).
    pub responses: Vec<Response>,
    /// Per device, which exports were seen and which are missing.
    pub devices: Vec<DeviceReport>,
    /// Responses whose copies disagree, ordered by id.
    pub conflicts: Vec<Conflict>,
    /// Responses that were merged but look odd, ordered by kind and id.
    pub warnings: Vec<Warning>,
}
