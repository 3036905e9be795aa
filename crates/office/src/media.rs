//! Photos: each attachment of a response is written as a file of its own,
//! `media/<response id>/<file name>` next to the tables, and the image
//! question's cell holds the file name.

use std::io::Write;
use std::path::{Path, PathBuf};

use yim_bundle::Attachment;

use crate::names::file_name;

/// The folder, inside the output folder, that holds the photos.
pub(crate) const FOLDER: &str = "media";

/// The folder, inside the staging folder, where photos wait until their
/// bundle has opened. It starts with a dot and is removed before the
/// staging folder is renamed into place.
pub(crate) const PENDING: &str = ".photos";

/// A decrypted photo written to [`PENDING`] while its bundle is still
/// being read: it counts only once the bundle has opened.
pub(crate) struct Pending {
    /// The response the photo belongs to.
    pub(crate) response_id: String,
    /// The file name, as the response's answer names it.
    pub(crate) name: String,
    /// Where the bytes wait.
    pub(crate) file: PathBuf,
}

impl Pending {
    /// Writes the bytes of `attachment` to `file`, a new file, so that
    /// memory does not hold photos while they wait for their bundle.
    pub(crate) fn write(attachment: Attachment, file: PathBuf) -> std::io::Result<Pending> {
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&file)?;
        out.write_all(&attachment.bytes)?;
        Ok(Pending {
            response_id: attachment.response_id,
            name: attachment.name,
            file,
        })
    }
}

/// Removes the waiting photos of a bundle that did not open, so that none
/// of them reaches the output.
pub(crate) fn discard(photos: Vec<Pending>) {
    for p in photos {
        // The staging folder, and whatever is left in it, is removed when
        // the run ends anyway; this keeps a failed bundle's photos from
        // lying there in the meantime.
        let _ = std::fs::remove_file(&p.file);
    }
}

/// The photos written so far and what the data office should hear about.
#[derive(Default)]
pub(crate) struct Media {
    /// Files written.
    pub(crate) written: usize,
    /// Report lines: copies of a photo that disagree, names changed to be
    /// safe on Windows.
    pub(crate) notes: Vec<String>,
}

impl Media {
    /// Moves the waiting photos of one opened bundle under `dir/media/`.
    ///
    /// The bundle has already checked every response id (a UUID) and every
    /// name (ASCII letters, digits, `-`, `_` and `.`, not starting with a
    /// dot), so neither can climb out of the folder; [`file_name`] also
    /// keeps a name Windows reserves for a device (`con.jpg`) from naming a
    /// file. A photo that arrives twice (the same bundle given twice, or an
    /// export made again) is written once; a second copy with other bytes
    /// is left out and reported, since a sealed photo never changes.
    pub(crate) fn place(&mut self, dir: &Path, photos: Vec<Pending>) -> std::io::Result<()> {
        let mut photos = photos.into_iter();
        match photos
            .by_ref()
            .map(|p| self.place_one(dir, &p))
            .find_map(Result::err)
        {
            Some(e) => {
                discard(photos.collect());
                Err(e)
            }
            None => Ok(()),
        }
    }

    fn place_one(&mut self, dir: &Path, p: &Pending) -> std::io::Result<()> {
        let folder = dir.join(FOLDER).join(&p.response_id);
        std::fs::create_dir_all(&folder)?;
        let name = file_name(&p.name);
        if name != p.name {
            self.notes.push(format!(
                "response {}: the photo {} is written as {name}, a name Windows can use",
                p.response_id, p.name
            ));
        }
        let path = folder.join(&name);
        // One thread places photos, so nothing can appear between this
        // look and the rename, which would otherwise replace a file.
        if path.exists() {
            if std::fs::read(&path)? != std::fs::read(&p.file)? {
                self.notes.push(format!(
                    "response {}: two copies of the photo {} differ; the first one read is kept",
                    p.response_id, p.name
                ));
            }
            std::fs::remove_file(&p.file)
        } else {
            std::fs::rename(&p.file, &path)?;
            self.written += 1;
            Ok(())
        }
    }
}
