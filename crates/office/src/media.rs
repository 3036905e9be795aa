//! Photos: each attachment of a response is written as a file of its own,
//! `media/<response id>/<file name>` next to the tables, and the image
//! question's cell holds the file name.

use std::io::Write;
use std::path::Path;

use yim_bundle::Attachment;

use crate::names::file_name;

/// The folder, inside the output folder, that holds the photos.
pub(crate) const FOLDER: &str = "media";

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
    /// Writes the attachments of one opened bundle under `dir/media/`.
    ///
    /// The bundle has already checked every response id (a UUID) and every
    /// name (ASCII letters, digits, `-`, `_` and `.`, not starting with a
    /// dot), so neither can climb out of the folder; [`file_name`] also
    /// keeps a name Windows reserves for a device (`con.jpg`) from naming a
    /// file. A photo that arrives twice (the same bundle given twice, or an
    /// export made again) is written once; a second copy with other bytes
    /// is left out and reported, since a sealed photo never changes.
    pub(crate) fn write(&mut self, dir: &Path, attachments: &[Attachment]) -> std::io::Result<()> {
        for a in attachments {
            let folder = dir.join(FOLDER).join(&a.response_id);
            std::fs::create_dir_all(&folder)?;
            let name = file_name(&a.name);
            if name != a.name {
                self.notes.push(format!(
                    "response {}: the photo {} is written as {name}, a name Windows can use",
                    a.response_id, a.name
                ));
            }
            let path = folder.join(&name);
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut file) => {
                    file.write_all(&a.bytes)?;
                    self.written += 1;
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if std::fs::read(&path)? != a.bytes {
                        self.notes.push(format!(
                            "response {}: two copies of the photo {} differ; the first one read is kept",
                            a.response_id, a.name
                        ));
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
