//! What can go wrong when the app stores something, in words for the person
//! holding the phone.

use std::fmt;

use super::record::Status;
use crate::i18n::Lang;

/// Why a storage operation failed.
///
/// Each kind says what happened ([`fmt::Display`], for logs and tests) and
/// what the volunteer can do about it ([`StorageError::user_message`], in
/// Thai or English). Whatever the kind, the answers on screen stay where they
/// are: the app never discards what was typed because a write failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// The browser refused the write because the site's storage is full
    /// (`QuotaExceededError`). Freeing space on the phone, or exporting and
    /// removing old responses, makes room.
    QuotaExceeded,
    /// The browser closed the database under the app (`InvalidStateError`,
    /// or WebKit's `UnknownError` after iOS reclaims memory). The storage
    /// layer reopens it and retries once by itself; this error means the
    /// retry failed too.
    Closed,
    /// Another tab or window still holds the database open at an older
    /// version and did not let go, so the upgrade waits.
    Blocked,
    /// The database was written by a newer version of the app than this one
    /// (`VersionError`), for example after going back to an older copy.
    TooNew,
    /// The browser gives this site no database at all: private browsing,
    /// storage blocked in the settings, or no IndexedDB.
    Unavailable {
        /// What the browser said.
        reason: String,
    },
    /// No response has this id.
    NotFound {
        /// The id that was asked for.
        id: String,
    },
    /// The response was finalized or exported and can no longer change this
    /// way (for example, a draft saved over a finalized response).
    ReadOnly {
        /// The response's id.
        id: String,
        /// Its status in the database.
        status: Status,
    },
    /// Another tab wrote the response after this copy of it was read, so
    /// writing this copy would lose that tab's answers; nothing was written.
    /// Two tabs open on one draft cause it: the one that saves second gets
    /// it, and its answers are then kept as a copy (`Storage::save`).
    Conflict {
        /// The response's id.
        id: String,
        /// The revision this copy was read at.
        based_on: u64,
        /// The revision in the database.
        stored: u64,
    },
    /// Another tab logged an export with this number (or a later one) after
    /// this export read the log; nothing was logged or marked, and the
    /// export can be made again with the next number.
    SequenceTaken {
        /// The number this export was made with.
        sequence: u64,
        /// The next free number.
        next: u64,
    },
    /// The drafts on this phone are locked with a PIN and this tab holds no
    /// key for them (it is locked, or the PIN was set, removed or changed in
    /// another tab). Nothing was read or written; the app asks for the PIN.
    Locked,
    /// The PIN typed is not the one that was set. `wait_ms` is how long the
    /// next try must wait after several wrong ones.
    WrongPin {
        /// Milliseconds before the next try is taken.
        wait_ms: u64,
    },
    /// A PIN operation that needs a PIN found none set, or setting one found
    /// one set already (in another tab, say).
    PinState {
        /// Whether a PIN is set now.
        set: bool,
    },
    /// A stored record could not be read back into a response.
    Unreadable {
        /// What did not fit.
        reason: String,
    },
    /// Anything else the browser reported, by its DOM exception name.
    Other {
        /// The exception's name, such as `DataCloneError`.
        name: String,
        /// The browser's message.
        message: String,
    },
}

impl StorageError {
    /// What the volunteer reads, in `lang`. Each message says what
    /// happened and what to do next.
    pub fn user_message(&self, lang: Lang) -> &'static str {
        let thai = lang == Lang::Th;
        match (self, thai) {
            (StorageError::QuotaExceeded, true) => {
                "พื้นที่เก็บข้อมูลในเครื่องเต็ม คำตอบยังอยู่บนหน้าจอ กรุณาลบไฟล์อื่นในเครื่องหรือส่งออกแบบฟอร์มที่เสร็จแล้ว แล้วกดลองอีกครั้ง"
            }
            (StorageError::QuotaExceeded, false) => {
                "The phone's storage is full. Your answers are still on screen. Free some space or export finished forms, then try again."
            }
            (StorageError::Closed, true) => {
                "เบราว์เซอร์ปิดที่เก็บข้อมูลชั่วคราว คำตอบยังอยู่บนหน้าจอ กรุณากดลองอีกครั้ง"
            }
            (StorageError::Closed, false) => {
                "The browser closed the app's storage for a moment. Your answers are still on screen. Please try again."
            }
            (StorageError::Blocked, true) => {
                "แอปนี้เปิดอยู่ในแท็บหรือหน้าต่างอื่น กรุณาปิดแท็บอื่นแล้วลองอีกครั้ง"
            }
            (StorageError::Blocked, false) => {
                "The app is open in another tab or window. Close the other one, then try again."
            }
            (StorageError::TooNew, true) => {
                "ข้อมูลในเครื่องนี้บันทึกโดยแอปรุ่นใหม่กว่า กรุณาโหลดหน้านี้ใหม่เมื่อมีอินเทอร์เน็ต"
            }
            (StorageError::TooNew, false) => {
                "The data on this phone was saved by a newer version of the app. Reload the page while online."
            }
            (StorageError::Unavailable { .. }, true) => {
                "เบราว์เซอร์นี้ไม่อนุญาตให้เก็บข้อมูล (เช่น โหมดส่วนตัว) คำตอบจะไม่ถูกบันทึกในเครื่อง กรุณาเปิดแอปในหน้าต่างปกติ"
            }
            (StorageError::Unavailable { .. }, false) => {
                "This browser does not let the app store data (private browsing?). Answers cannot be kept on this phone; open the app in a normal window."
            }
            (StorageError::NotFound { .. }, true) => "ไม่พบแบบฟอร์มที่บันทึกไว้นี้ในเครื่อง",
            (StorageError::NotFound { .. }, false) => "This saved response is not on this phone",
            (StorageError::ReadOnly { .. }, true) => "แบบฟอร์มนี้ยืนยันแล้ว จึงแก้ไขไม่ได้",
            (StorageError::ReadOnly { .. }, false) => "This response was finalized and can no longer be changed",
            (StorageError::Conflict { .. }, true) => {
                "ฉบับร่างนี้ถูกแก้ไขในอีกแท็บหนึ่งด้วย คำตอบในหน้านี้ไม่หายไปไหน และบันทึกแยกไว้เป็นสำเนา (ในรายการฉบับร่างมีคำว่า “สำเนาจากแท็บอื่น”) ส่วนฉบับของอีกแท็บก็เก็บไว้เช่นกัน กรุณาตรวจดูทั้งสองฉบับ แล้วยืนยันฉบับที่ถูกต้อง"
            }
            (StorageError::Conflict { .. }, false) => {
                "This draft was also changed in another tab. Nothing was lost: your answers here are saved as a separate copy (marked “copy from another tab” in the drafts list), and the other tab's version is kept too. Check both, then finalize the right one."
            }
            (StorageError::SequenceTaken { .. }, true) => {
                "มีการส่งออกจากอีกแท็บหนึ่งในเวลาเดียวกัน ยังไม่มีแบบฟอร์มใดถูกนับว่าส่งออกแล้ว กรุณากดส่งออกอีกครั้ง"
            }
            (StorageError::SequenceTaken { .. }, false) => {
                "Another tab exported at the same moment. Nothing was marked as exported; please export again."
            }
            (StorageError::Locked, true) => {
                "แอปล็อกอยู่ กรุณาใส่รหัส PIN คำตอบที่พิมพ์ไว้จะถูกบันทึกเมื่อปลดล็อก"
            }
            (StorageError::Locked, false) => {
                "The app is locked. Enter your PIN; what you typed is saved once it is unlocked."
            }
            (StorageError::WrongPin { wait_ms: 0 }, true) => "รหัส PIN ไม่ถูกต้อง กรุณาลองอีกครั้ง",
            (StorageError::WrongPin { wait_ms: 0 }, false) => "That PIN is not right. Please try again.",
            (StorageError::WrongPin { .. }, true) => {
                "รหัส PIN ไม่ถูกต้องหลายครั้ง กรุณารอสักครู่แล้วลองอีกครั้ง"
            }
            (StorageError::WrongPin { .. }, false) => {
                "Wrong PIN several times. Please wait a moment, then try again."
            }
            (StorageError::PinState { set: true }, true) => {
                "มีการตั้งรหัส PIN ไว้แล้ว (อาจตั้งจากอีกแท็บหนึ่ง) กรุณาโหลดหน้านี้ใหม่"
            }
            (StorageError::PinState { set: true }, false) => {
                "A PIN is already set (perhaps in another tab). Please reload the page."
            }
            (StorageError::PinState { set: false }, true) => {
                "ยังไม่ได้ตั้งรหัส PIN (อาจถูกลบจากอีกแท็บหนึ่ง) กรุณาโหลดหน้านี้ใหม่"
            }
            (StorageError::PinState { set: false }, false) => {
                "No PIN is set (perhaps it was removed in another tab). Please reload the page."
            }
            (StorageError::Unreadable { .. }, true) => "อ่านข้อมูลที่บันทึกไว้ไม่ได้",
            (StorageError::Unreadable { .. }, false) => "A saved record could not be read",
            (StorageError::Other { .. }, true) => "บันทึกไม่สำเร็จ คำตอบยังอยู่บนหน้าจอ กรุณาลองอีกครั้ง",
            (StorageError::Other { .. }, false) => {
                "Saving failed. Your answers are still on screen. Please try again."
            }
        }
    }

    /// Whether trying the same operation again may succeed, so that the
    /// screen offers a retry button.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            StorageError::QuotaExceeded
                | StorageError::Closed
                | StorageError::Blocked
                | StorageError::SequenceTaken { .. }
                | StorageError::Other { .. }
        )
    }

    /// Maps a DOM exception raised by IndexedDB.
    pub(crate) fn from_dom(exception: &web_sys::DomException) -> StorageError {
        StorageError::from_name(&exception.name(), &exception.message())
    }

    /// Maps a DOM exception by its name. Chromium and Firefox name a full
    /// disk `QuotaExceededError`; a closed connection is `InvalidStateError`
    /// everywhere, and WebKit reports a connection lost after a memory purge
    /// as `UnknownError`.
    pub(crate) fn from_name(name: &str, message: &str) -> StorageError {
        match name {
            "QuotaExceededError" => StorageError::QuotaExceeded,
            "InvalidStateError" | "UnknownError" => StorageError::Closed,
            "VersionError" => StorageError::TooNew,
            "SecurityError" => StorageError::Unavailable {
                reason: message.to_string(),
            },
            _ => StorageError::Other {
                name: name.to_string(),
                message: message.to_string(),
            },
        }
    }

    /// Maps an error from an operation on an open database.
    pub(crate) fn from_idb(error: indexed_db_futures::error::Error) -> StorageError {
        use indexed_db_futures::error::Error;
        match error {
            Error::DomException(exception) => StorageError::from_dom(&exception.into()),
            Error::Serialisation(error) => StorageError::Unreadable {
                reason: error.to_string(),
            },
            Error::MissingData(error) => StorageError::Other {
                name: "IndexedDB".to_string(),
                message: error.to_string(),
            },
            Error::Unknown(error) => StorageError::Other {
                name: "Error".to_string(),
                message: error.to_string(),
            },
        }
    }

    /// Maps an error from opening the database. At this stage the browser's
    /// refusals mean there is no usable database: Firefox's private mode
    /// answers `InvalidStateError`, older Safari `UnknownError`.
    pub(crate) fn from_open(error: indexed_db_futures::error::OpenDbError) -> StorageError {
        use indexed_db_futures::error::{Error, OpenDbError};
        match error {
            OpenDbError::Base(Error::DomException(exception)) => {
                let exception: web_sys::DomException = exception.into();
                match StorageError::from_dom(&exception) {
                    StorageError::Closed => StorageError::Unavailable {
                        reason: exception.message(),
                    },
                    other => other,
                }
            }
            OpenDbError::Base(error) => StorageError::from_idb(error),
            OpenDbError::VersionZero => StorageError::Other {
                name: "VersionError".to_string(),
                message: "expected a database version above zero, but found zero".to_string(),
            },
            error @ (OpenDbError::UnsupportedEnvironment | OpenDbError::NullFactory) => {
                StorageError::Unavailable {
                    reason: error.to_string(),
                }
            }
        }
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::QuotaExceeded => f.write_str("the site's storage is full"),
            StorageError::Closed => {
                f.write_str("the browser closed the database, and reopening it did not help")
            }
            StorageError::Blocked => f.write_str(
                "the database upgrade waits for another tab that holds an older version open",
            ),
            StorageError::TooNew => {
                f.write_str("the database was written by a newer version of the app")
            }
            StorageError::Unavailable { reason } => {
                write!(f, "expected a database this site may write to, but the browser gives none: {reason}")
            }
            StorageError::NotFound { id } => write!(f, "no response has the id {id}"),
            StorageError::ReadOnly { id, status } => {
                write!(
                    f,
                    "the response {id} is {} and can no longer be changed this way",
                    status.as_str()
                )
            }
            StorageError::Conflict {
                id,
                based_on,
                stored,
            } => write!(
                f,
                "expected the response {id} at revision {based_on}, but found revision {stored}, written by another tab"
            ),
            StorageError::SequenceTaken { sequence, next } => write!(
                f,
                "expected export number {sequence} to be the next on this device, but found {next} next"
            ),
            StorageError::Locked => {
                f.write_str("the drafts are locked with a PIN and this tab holds no key for them")
            }
            StorageError::WrongPin { wait_ms } => {
                write!(f, "the PIN is not the one set; next try in {wait_ms} ms")
            }
            StorageError::PinState { set: true } => f.write_str("expected no PIN, but one is set"),
            StorageError::PinState { set: false } => f.write_str("expected a PIN, but none is set"),
            StorageError::Unreadable { reason } => {
                write!(f, "a stored record could not be read: {reason}")
            }
            StorageError::Other { name, message } => {
                write!(f, "the browser refused: {name}: {message}")
            }
        }
    }
}

impl std::error::Error for StorageError {}
