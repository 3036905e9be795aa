//! The streaming merge: decrypted responses go to a spill file in the
//! private staging folder as they come, and memory keeps only an index of
//! them by response id.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use sha2::{Digest, Sha256};
use yim_bundle::{
    Conflict, Identities, Manifest, Merger, OpenedBundle, Origin, Part, Response, Timestamp,
    Warning,
};

use crate::media;

/// The spill file's name inside the staging folder. It starts with a dot
/// and is removed before the folder is renamed into place.
pub(crate) const FILE: &str = ".responses.jsonl";

/// How many bundles are opened at once at most: decrypting is what takes
/// the time. Each worker holds one file of its bundle at a time (a sealed
/// response, a form or the manifest) and what it remembers of the bundle's
/// files until the manifest comes, so memory does not grow with the size
/// of a bundle.
const MAX_WORKERS: usize = 3;

/// Responses waiting between the workers and the thread that spills them:
/// a few hundred kilobytes, enough that a worker seldom waits.
const QUEUE: usize = 256;

/// A response as a worker hands it over: its JSON and what the index keeps.
pub(crate) struct Spilled {
    json: Vec<u8>,
    digest: [u8; 32],
    id: Box<str>,
    form: (String, String),
    updated: Option<Timestamp>,
    /// The device and the status, for the warnings, which need the bundle's
    /// manifest.
    device_id: String,
    status: String,
}

impl Spilled {
    fn new(response: &Response) -> Result<Spilled, String> {
        let json = serde_json::to_vec(response).map_err(|e| e.to_string())?;
        Ok(Spilled {
            digest: Sha256::digest(&json).into(),
            json,
            id: response.id.as_str().into(),
            form: (response.form_id.clone(), response.form_hash.clone()),
            updated: Timestamp::parse(&response.updated).ok(),
            device_id: response.device_id.clone(),
            status: response.status.clone(),
        })
    }
}

/// What a worker reports about the bundle file at a position in `paths`.
pub(crate) enum Opened {
    /// One response, decrypted, which counts only if the bundle then opens.
    Response(Spilled),
    /// One photo, decrypted and waiting in a file, which counts only if
    /// the bundle then opens.
    Photo(media::Pending),
    /// The bundle's end: its manifest and forms, or why it did not open.
    Bundle(Result<OpenedBundle, String>),
}

/// Reads and opens every bundle file, several at a time, each as a stream,
/// and hands what comes to `each` on the calling thread, with the file's
/// position in `paths`. Photos are written by the workers into `photos`,
/// an existing private folder, so that the queue holds only their names.
pub(crate) fn open_all(
    paths: &[String],
    identities: &Identities,
    photos: &Path,
    mut each: impl FnMut(usize, Opened),
) {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_WORKERS)
        .min(paths.len().max(1));
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        // A bounded channel: a worker that is ahead waits instead of piling
        // responses up in memory.
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        for _ in 0..workers {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = paths.get(i) else { break };
                let mut broken = None;
                let mut count = 0usize;
                let result = File::open(path)
                    .map_err(|e| crate::io_message(&e))
                    .and_then(|file| {
                        yim_bundle::open_reader(file, identities, |part| {
                            let opened = match part {
                                Part::Response(response) => Spilled::new(&response)
                                    .map(Opened::Response)
                                    .map_err(|e| format!("a response could not be written: {e}")),
                                Part::Attachment(a) => {
                                    // Named by the bundle's position and a
                                    // count, unique in the run whatever the
                                    // photo's own name.
                                    count += 1;
                                    media::Pending::write(a, photos.join(format!("{i}-{count}")))
                                        .map(Opened::Photo)
                                        .map_err(|e| {
                                            format!(
                                                "a photo could not be written: {}",
                                                crate::io_message(&e)
                                            )
                                        })
                                }
                            };
                            match opened {
                                Ok(o) => {
                                    // A closed channel means the run is
                                    // over; the bundle's end says nothing.
                                    let _ = tx.send((i, o));
                                }
                                Err(e) => broken = broken.take().or(Some(e)),
                            }
                        })
                        .map_err(|e| e.to_string())
                    })
                    .and_then(|bundle| match broken.take() {
                        None => Ok(bundle),
                        Some(e) => Err(e),
                    });
                if tx.send((i, Opened::Bundle(result))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (i, opened) in rx {
            each(i, opened);
        }
    });
}

/// One distinct copy of a response, as the index remembers it.
struct Copy {
    /// SHA-256 of the copy's JSON, which tells identical copies apart from
    /// different ones without keeping either.
    digest: [u8; 32],
    /// Where its JSON lies in the spill file.
    at: u64,
    len: u32,
    /// The origin it came from first; [`Index::more`] holds any others.
    origin: u32,
    /// Its (form id, form hash), interned.
    form: u32,
    updated: Option<Timestamp>,
    /// The next distinct copy of the same id, or `NONE`.
    next: u32,
    /// An index into [`Index::more`], or `NONE`.
    more: u32,
}

const NONE: u32 = u32::MAX;

/// A kept response: what rendering needs without reading it back.
pub(crate) struct Kept {
    pub(crate) id: Box<str>,
    pub(crate) updated: Option<Timestamp>,
    form: u32,
    at: u64,
    len: u32,
}

/// What the merge decided.
pub(crate) struct Decided {
    /// One copy per response id, ordered by id.
    pub(crate) kept: Vec<Kept>,
    /// Responses whose copies disagree, ordered by id.
    pub(crate) conflicts: Vec<Conflict>,
    /// Responses that look odd, ordered by kind and id.
    pub(crate) warnings: BTreeSet<Warning>,
}

/// The index of every response copy seen, and the spill file that holds
/// them.
pub(crate) struct Index {
    path: PathBuf,
    writer: BufWriter<File>,
    reader: std::cell::RefCell<File>,
    written: u64,
    ids: HashMap<Box<str>, u32>,
    copies: Vec<Copy>,
    more: Vec<Vec<u32>>,
    /// Distinct origins (a bundle given twice is one), each with its
    /// manifest without lists, for the merge of disagreeing copies.
    origins: Vec<(Origin, Manifest)>,
    origin_ids: BTreeMap<Origin, u32>,
    forms: Vec<(String, String)>,
    form_ids: HashMap<(String, String), u32>,
    warnings: BTreeSet<Warning>,
    /// The spilled responses of bundles still being opened, by the bundle's
    /// position among the files.
    pending: HashMap<usize, Vec<Pending>>,
}

/// A spilled response of a bundle that has not finished opening.
struct Pending {
    id: Box<str>,
    digest: [u8; 32],
    at: u64,
    len: u32,
    form: u32,
    updated: Option<Timestamp>,
    device_id: String,
    status: String,
}

impl Index {
    pub(crate) fn create(path: &Path) -> std::io::Result<Index> {
        let file = std::fs::OpenOptions::new()
            .create_new(true)
            .read(true)
            .write(true)
            .open(path)?;
        let reader = file.try_clone()?;
        Ok(Index {
            path: path.to_path_buf(),
            writer: BufWriter::with_capacity(1 << 20, file),
            reader: std::cell::RefCell::new(reader),
            written: 0,
            ids: HashMap::new(),
            copies: Vec::new(),
            more: Vec::new(),
            origins: Vec::new(),
            origin_ids: BTreeMap::new(),
            forms: Vec::new(),
            form_ids: HashMap::new(),
            warnings: BTreeSet::new(),
            pending: HashMap::new(),
        })
    }

    /// Writes a response of the bundle at `bundle` (a position among the
    /// files) to the spill file. It is not counted until [`Index::commit`]:
    /// a bundle that turns out to be cut short or changed is dropped with
    /// [`Index::discard`], and its responses stay unread in the spill file,
    /// which is removed with the staging folder.
    pub(crate) fn spill(&mut self, bundle: usize, s: Spilled) -> std::io::Result<()> {
        let len = u32::try_from(s.json.len() + 1).map_err(std::io::Error::other)?;
        let form = match self.form_ids.get(&s.form) {
            Some(&f) => f,
            None => {
                let f = self.forms.len() as u32;
                self.forms.push(s.form.clone());
                self.form_ids.insert(s.form, f);
                f
            }
        };
        self.writer.write_all(&s.json)?;
        self.writer.write_all(b"\n")?;
        self.pending.entry(bundle).or_default().push(Pending {
            id: s.id,
            digest: s.digest,
            at: self.written,
            len,
            form,
            updated: s.updated,
            device_id: s.device_id,
            status: s.status,
        });
        self.written += u64::from(len);
        Ok(())
    }

    /// Forgets the responses of a bundle that did not open.
    pub(crate) fn discard(&mut self, bundle: usize) {
        self.pending.remove(&bundle);
    }

    /// Counts the responses of a bundle that opened: its manifest and forms
    /// go to `merger` (which keeps the per-device report and the forms), its
    /// spilled responses into the index.
    pub(crate) fn commit(
        &mut self,
        bundle: usize,
        opened: OpenedBundle,
        merger: &mut Merger,
    ) -> std::io::Result<()> {
        let mut manifest = opened.manifest;
        manifest.forms.clear();
        manifest.responses.clear();
        let origin = Origin {
            device_id: manifest.device_id.clone(),
            sequence: manifest.sequence,
            bundle_id: manifest.bundle_id.clone(),
        };
        let origin_index = match self.origin_ids.get(&origin) {
            Some(&o) => o,
            None => {
                let o = self.origins.len() as u32;
                self.origins.push((origin.clone(), manifest.clone()));
                self.origin_ids.insert(origin.clone(), o);
                o
            }
        };
        merger.add(OpenedBundle {
            manifest,
            forms: opened.forms,
            responses: Vec::new(),
            attachments: Vec::new(),
        });
        for p in self.pending.remove(&bundle).unwrap_or_default() {
            self.warnings.extend(Warning::about_fields(
                &p.id,
                &p.device_id,
                &p.status,
                &origin,
            ));
            self.add_copy(p, origin_index)?;
        }
        Ok(())
    }

    fn add_copy(&mut self, p: Pending, origin: u32) -> std::io::Result<()> {
        let first = self.ids.get(&p.id).copied();
        let mut last = NONE;
        let mut at = first.unwrap_or(NONE);
        while at != NONE {
            let c = &self.copies[at as usize];
            if c.digest == p.digest {
                // The same copy again: one more origin, and its second
                // spilled copy is never read.
                if c.origin != origin {
                    if c.more == NONE {
                        self.copies[at as usize].more = self.more.len() as u32;
                        self.more.push(vec![origin]);
                    } else {
                        let more = &mut self.more[c.more as usize];
                        if !more.contains(&origin) {
                            more.push(origin);
                        }
                    }
                }
                return Ok(());
            }
            last = at;
            at = c.next;
        }
        let index = u32::try_from(self.copies.len())
            .ok()
            .filter(|&i| i != NONE)
            .ok_or_else(|| std::io::Error::other("more response copies than yim can count"))?;
        self.copies.push(Copy {
            digest: p.digest,
            at: p.at,
            len: p.len,
            origin,
            form: p.form,
            updated: p.updated,
            next: NONE,
            more: NONE,
        });
        if last == NONE {
            self.ids.insert(p.id, index);
        } else {
            self.copies[last as usize].next = index;
        }
        Ok(())
    }

    /// Picks one copy per id. An id with one distinct copy keeps it; the
    /// copies of an id that came in different versions are read back and
    /// merged by [`Merger`], whose rules decide which is kept.
    pub(crate) fn decide(&mut self) -> std::io::Result<Decided> {
        self.writer.flush()?;
        let mut kept = Vec::with_capacity(self.ids.len());
        let mut conflicts = Vec::new();
        let ids = std::mem::take(&mut self.ids);
        for (id, first) in ids {
            let mut chosen = first;
            if self.copies[first as usize].next != NONE {
                let (conflict, index) = self.merge_copies(first)?;
                chosen = index;
                conflicts.extend(conflict);
            }
            let c = &self.copies[chosen as usize];
            kept.push(Kept {
                id,
                updated: c.updated,
                form: c.form,
                at: c.at,
                len: c.len,
            });
        }
        kept.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        conflicts.sort_by(|a: &Conflict, b| a.response_id.cmp(&b.response_id));
        Ok(Decided {
            kept,
            conflicts,
            warnings: std::mem::take(&mut self.warnings),
        })
    }

    /// Merges the distinct copies of one id with [`Merger`], each with the
    /// bundles it came in, and returns the conflict and the kept copy.
    fn merge_copies(&self, first: u32) -> std::io::Result<(Option<Conflict>, u32)> {
        let mut merger = Merger::new();
        let mut read = Vec::new();
        let mut at = first;
        while at != NONE {
            let c = &self.copies[at as usize];
            let response = self.read_at(c.at, c.len)?;
            let mut origins = vec![c.origin];
            if c.more != NONE {
                origins.extend(&self.more[c.more as usize]);
            }
            for o in origins {
                merger.add(OpenedBundle {
                    manifest: self.origins[o as usize].1.clone(),
                    forms: Vec::new(),
                    responses: vec![response.clone()],
                    attachments: Vec::new(),
                });
            }
            read.push((at, response));
            at = c.next;
        }
        let mut merged = merger.finish();
        let kept = merged.responses.pop().expect("one id gives one response");
        let index = read
            .iter()
            .find(|(_, r)| *r == kept)
            .map(|(i, _)| *i)
            .expect("the kept copy is one of the copies");
        Ok((merged.conflicts.pop(), index))
    }

    fn read_at(&self, at: u64, len: u32) -> std::io::Result<Response> {
        let mut reader = self.reader.borrow_mut();
        reader.seek(SeekFrom::Start(at))?;
        let mut buf = vec![0; len as usize];
        reader.read_exact(&mut buf)?;
        serde_json::from_slice(&buf).map_err(std::io::Error::other)
    }

    /// Reads a kept copy back.
    pub(crate) fn read(&self, k: &Kept) -> std::io::Result<Response> {
        self.read_at(k.at, k.len)
    }

    pub(crate) fn form_id(&self, k: &Kept) -> &str {
        &self.forms[k.form as usize].0
    }

    pub(crate) fn form_hash(&self, k: &Kept) -> &str {
        &self.forms[k.form as usize].1
    }

    /// Removes the spill file, before the staging folder becomes the
    /// output.
    pub(crate) fn remove(self) -> std::io::Result<()> {
        drop(self.writer);
        drop(self.reader);
        std::fs::remove_file(&self.path)
    }
}
