//! The app's own words in Thai and English, and the remembered language.
//!
//! Form text (labels, hints, choices, messages) comes from the form through
//! the engine; only the words of the app itself live here.

use gloo_storage::Storage as _;

/// A language the app speaks. Thai comes first: it is the default whenever
/// the browser gives no clear answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Thai.
    Th,
    /// English.
    En,
}

/// The localStorage key that remembers the chosen language.
const STORAGE_KEY: &str = "yim.lang";

impl Lang {
    /// The language code used by forms and by the `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }

    /// Reads a language code such as `th`, `en-GB` or `TH-th`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("th") {
            Some(Lang::Th)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks a language from the browser's preference list: the first entry
    /// that is Thai or English wins, and Thai is the answer when none is.
    pub fn from_preferences<'a>(preferences: impl IntoIterator<Item = &'a str>) -> Lang {
        preferences
            .into_iter()
            .find_map(Lang::from_code)
            .unwrap_or(Lang::Th)
    }

    /// The words of the app in this language.
    pub fn text(self) -> &'static Text {
        match self {
            Lang::Th => &THAI,
            Lang::En => &ENGLISH,
        }
    }
}

/// The language remembered on this device, or else the one the browser
/// prefers.
pub fn initial_language() -> Lang {
    if let Ok(code) = gloo_storage::LocalStorage::get::<String>(STORAGE_KEY) {
        if let Some(lang) = Lang::from_code(&code) {
            return lang;
        }
    }
    let navigator = web_sys::window().map(|w| w.navigator());
    let preferences: Vec<String> = navigator
        .map(|n| n.languages().iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default();
    Lang::from_preferences(preferences.iter().map(String::as_str))
}

/// Remembers the language on this device. A browser that refuses storage
/// (private mode with storage blocked) still switches for this visit.
pub fn remember_language(lang: Lang) {
    let _ = gloo_storage::LocalStorage::set(STORAGE_KEY, lang.code());
}

/// Every sentence and word the app shows by itself. Field names say where
/// each is used.
#[allow(missing_docs)]
pub struct Text {
    pub app_name: &'static str,
    pub forms_heading: &'static str,
    pub national: &'static str,
    pub version: &'static str,
    pub drafts: &'static str,
    pub finalized: &'static str,
    pub no_forms: &'static str,
    pub broken_forms_heading: &'static str,
    /// Said when the published forms could not be read at all, before the
    /// technical reason.
    pub forms_unavailable: &'static str,
    pub language: &'static str,
    pub all_forms: &'static str,
    /// Under the link to the guides on the home page.
    pub guides_hint: &'static str,
    pub save_draft: &'static str,
    /// The label of the choice of the language a form's texts are shown in,
    /// offered when the form has a language besides Thai and English.
    pub form_language: &'static str,
    /// The label of the box where a date can be typed instead of picked.
    pub typed_date: &'static str,
    pub finalize: &'static str,
    pub next: &'static str,
    pub back: &'static str,
    pub add: &'static str,
    /// Put between `add` and the repeat's label: Thai writes no space there.
    pub add_joiner: &'static str,
    pub remove: &'static str,
    pub remove_confirm: &'static str,
    pub cancel: &'static str,
    pub entries: &'static str,
    pub page: &'static str,
    pub of: &'static str,
    pub required: &'static str,
    pub review_problems: &'static str,
    pub finalized_note: &'static str,
    pub finalized_sealed: &'static str,
    pub finalized_unsealed: &'static str,
    pub page_problems_heading: &'static str,
    pub missing_later: &'static str,
    pub wrong_first: &'static str,
    pub go_on_anyway: &'static str,
    pub show_problems_before: &'static str,
    pub show_problems_after: &'static str,
    pub hide_problems: &'static str,
    pub draft_saved: &'static str,
    pub form_not_found: &'static str,
    pub select_placeholder: &'static str,
    pub search_choices: &'static str,
    pub latitude: &'static str,
    pub longitude: &'static str,
    pub use_my_location: &'static str,
    pub locating: &'static str,
    pub location_failed: &'static str,
    /// Shown next to a slider that has no answer yet.
    pub not_answered: &'static str,
    /// Removes a slider's or a photo's answer.
    pub clear_answer: &'static str,
    /// Opens the camera for a photo question.
    pub take_photo: &'static str,
    /// Picks a photo already on the phone.
    pub choose_photo: &'static str,
    /// Describes the preview of the photo taken.
    pub photo_preview: &'static str,
    /// While a photo is made smaller and stored.
    pub photo_saving: &'static str,
    /// A photo that could not be read or stored, before the reason.
    pub photo_failed: &'static str,
    pub saving: &'static str,
    pub try_again: &'static str,
    pub opening: &'static str,
    pub cannot_open: &'static str,
    pub form_gone: &'static str,
    pub response_sealed: &'static str,
    pub older_version_note: &'static str,
    pub started_version: &'static str,
    pub current_version_note: &'static str,
    pub drafts_heading: &'static str,
    pub other_drafts_heading: &'static str,
    pub untitled_draft: &'static str,
    pub changed: &'static str,
    pub delete: &'static str,
    pub delete_draft_confirm: &'static str,
    pub delete_named_draft_before: &'static str,
    pub delete_named_draft_after: &'static str,
    pub storage_label: &'static str,
    pub used: &'static str,
    pub free: &'static str,
    pub persisted: &'static str,
    pub not_persisted: &'static str,
    // The PIN lock (src/lock.rs) and the conflict's action.
    pub settings: &'static str,
    pub pin_heading: &'static str,
    pub pin_intro: &'static str,
    pub pin_warning: &'static str,
    pub new_pin: &'static str,
    pub repeat_pin: &'static str,
    pub set_pin: &'static str,
    pub pin_set_done: &'static str,
    pub pin_on: &'static str,
    pub current_pin: &'static str,
    pub change_pin: &'static str,
    pub pin_changed: &'static str,
    pub remove_pin: &'static str,
    pub remove_pin_note: &'static str,
    pub pin_removed: &'static str,
    pub idle_label: &'static str,
    pub minutes: &'static str,
    pub lock_now: &'static str,
    pub locked_heading: &'static str,
    pub pin_label: &'static str,
    pub unlock: &'static str,
    pub checking_pin: &'static str,
    pub wait_before: &'static str,
    pub seconds: &'static str,
    pub forgot_pin: &'static str,
    pub forgot_explain: &'static str,
    pub forgot_confirm: &'static str,
    pub pin_too_short: &'static str,
    pub pin_too_long: &'static str,
    pub pin_not_digits: &'static str,
    pub pin_mismatch: &'static str,
    pub open_other_version: &'static str,
}

static THAI: Text = Text {
    app_name: "ยิ้ม",
    forms_heading: "แบบฟอร์ม",
    national: "ระดับประเทศ",
    version: "เวอร์ชัน",
    drafts: "ฉบับร่าง",
    finalized: "เสร็จสมบูรณ์",
    no_forms: "ยังไม่มีแบบฟอร์มในแอปนี้",
    broken_forms_heading: "แบบฟอร์มที่เปิดไม่ได้",
    forms_unavailable: "โหลดรายการแบบฟอร์มไม่ได้ ฉบับร่างที่บันทึกไว้ในเครื่องยังเปิดได้ตามปกติ กรุณาเชื่อมต่ออินเทอร์เน็ตแล้วเปิดแอปใหม่ หากยังไม่ได้ ให้แจ้งข้อความนี้แก่ผู้ประสานงาน:",
    language: "ภาษา",
    all_forms: "แบบฟอร์มทั้งหมด",
    guides_hint: "วิธีใช้แอป สำหรับอาสาสมัคร ผู้ประสานงาน และศูนย์ข้อมูล อ่านได้แม้ไม่มีอินเทอร์เน็ต",
    save_draft: "บันทึกฉบับร่าง",
    form_language: "ภาษาของแบบฟอร์ม",
    typed_date: "หรือพิมพ์วันที่ เช่น 5 มีนาคม 2568 หรือ 5/3/2568",
    // Finalizing sends nothing: it closes the record (and seals it when the
    // form has the data office's key). "Save as the complete version" says
    // that, next to "save draft".
    finalize: "บันทึกฉบับสมบูรณ์",
    next: "ถัดไป",
    back: "ย้อนกลับ",
    add: "เพิ่ม",
    add_joiner: "",
    remove: "ลบ",
    remove_confirm: "ลบรายการนี้และคำตอบทั้งหมดในรายการนี้หรือไม่",
    cancel: "ยกเลิก",
    entries: "จำนวนรายการ",
    page: "หน้า",
    of: "จาก",
    required: "จำเป็น",
    review_problems: "ยังมีคำถามที่ต้องแก้ไข",
    finalized_note: "บันทึกฉบับสมบูรณ์แล้ว",
    finalized_sealed: "ข้อมูลชุดนี้เข้ารหัสไว้สำหรับสำนักงานข้อมูลแล้ว มีเพียงสำนักงานข้อมูลที่เปิดอ่านได้ แม้แต่เครื่องนี้ก็เปิดดูไม่ได้อีก ขั้นต่อไป ผู้ประสานงานจะส่งออกข้อมูลไปให้สำนักงานข้อมูล",
    finalized_unsealed: "ข้อมูลชุดนี้ยังไม่ได้เข้ารหัส เพราะแบบฟอร์มนี้ยังไม่มีกุญแจของสำนักงานข้อมูล ข้อมูลจึงเก็บไว้ในเครื่องนี้ก่อน จนกว่าแบบฟอร์มจะมีกุญแจ และยังส่งออกไม่ได้",
    page_problems_heading: "หน้านี้ยังมีคำถามที่ต้องตอบหรือแก้ไข",
    missing_later: "คำถามที่ยังไม่ได้ตอบ กลับมาตอบทีหลังได้ แต่ต้องตอบให้ครบก่อนบันทึกฉบับสมบูรณ์",
    wrong_first: "มีคำตอบที่ไม่ถูกต้อง โปรดแก้หรือลบคำตอบนั้นก่อน จึงจะไปหน้าถัดไปได้",
    go_on_anyway: "ไปหน้าถัดไปก่อน แล้วค่อยกลับมาตอบ",
    show_problems_before: "ยังมีคำถามที่ต้องแก้ไขอีก ",
    show_problems_after: " ข้อ ดูรายการ",
    hide_problems: "ซ่อนรายการ",
    draft_saved: "เก็บฉบับร่างไว้ในเครื่องแล้ว",
    form_not_found: "ไม่พบแบบฟอร์มนี้",
    select_placeholder: "— เลือก —",
    search_choices: "ค้นหาตัวเลือก",
    latitude: "ละติจูด",
    longitude: "ลองจิจูด",
    use_my_location: "ใช้ตำแหน่งปัจจุบัน",
    locating: "กำลังหาตำแหน่ง…",
    location_failed: "หาตำแหน่งไม่ได้ กรุณากรอกเอง",
    not_answered: "ยังไม่ได้เลือก",
    clear_answer: "ล้างคำตอบ",
    take_photo: "ถ่ายรูป",
    choose_photo: "เลือกรูปจากเครื่อง",
    photo_preview: "รูปที่ถ่ายไว้",
    photo_saving: "กำลังบันทึกรูป…",
    photo_failed: "บันทึกรูปไม่ได้",
    saving: "กำลังบันทึก…",
    try_again: "ลองอีกครั้ง",
    opening: "กำลังเปิด…",
    cannot_open: "เปิดแบบฟอร์มที่บันทึกไว้นี้ไม่ได้",
    form_gone: "แบบฟอร์มของคำตอบนี้ไม่มีในแอปแล้ว",
    response_sealed:
        "คำตอบนี้ยืนยันแล้วและเข้ารหัสไว้สำหรับสำนักงานข้อมูล จึงเปิดอ่านในเครื่องนี้ไม่ได้ มีเพียงสำนักงานข้อมูลที่เปิดอ่านได้",
    older_version_note: "ฉบับร่างนี้เริ่มกรอกด้วยแบบฟอร์มเวอร์ชันเดิม และเปิดด้วยเวอร์ชันนั้น:",
    started_version: "ฉบับร่างนี้เริ่มกรอกด้วยเวอร์ชัน",
    current_version_note: "เวอร์ชันนั้นไม่ได้เก็บไว้ในเครื่อง จึงเปิดด้วยเวอร์ชันปัจจุบัน",
    drafts_heading: "ฉบับร่างที่กรอกต่อได้",
    other_drafts_heading: "ฉบับร่างของแบบฟอร์มที่ไม่มีในแอปแล้ว",
    untitled_draft: "ฉบับร่าง",
    changed: "แก้ไขล่าสุด",
    delete: "ลบ",
    delete_draft_confirm: "ลบฉบับร่างนี้และคำตอบทั้งหมดหรือไม่",
    delete_named_draft_before: "ลบฉบับร่าง ",
    delete_named_draft_after: " และคำตอบทั้งหมดหรือไม่",
    storage_label: "พื้นที่ในเครื่อง",
    used: "ใช้ไป",
    free: "ว่าง",
    persisted: "เบราว์เซอร์จะไม่ลบข้อมูลนี้เอง",
    not_persisted: "เบราว์เซอร์อาจลบข้อมูลนี้เมื่อพื้นที่ในเครื่องใกล้เต็ม",
    settings: "ตั้งค่า",
    pin_heading: "รหัส PIN ของเครื่องนี้",
    pin_intro: "รหัส PIN จะเข้ารหัสฉบับร่างที่เก็บในเครื่องนี้ คนที่หยิบโทรศัพท์ไปเปิดดูจะอ่านคำตอบไม่ได้ แอปจะล็อกเองเมื่อไม่ได้ใช้งานตามเวลาที่เลือก",
    pin_warning: "สำคัญ: ถ้าลืมรหัส PIN ฉบับร่างในเครื่องนี้จะหายไป ไม่มีใครกู้คืนได้ แต่แบบฟอร์มที่ยืนยันและปิดผนึกแล้วจะไม่หาย",
    new_pin: "รหัส PIN ใหม่ (ตัวเลข 6–12 หลัก)",
    repeat_pin: "พิมพ์รหัส PIN ใหม่อีกครั้ง",
    set_pin: "ตั้งรหัส PIN",
    pin_set_done: "ตั้งรหัส PIN แล้ว ฉบับร่างในเครื่องนี้ถูกเข้ารหัสแล้ว",
    pin_on: "เครื่องนี้ตั้งรหัส PIN ไว้แล้ว ฉบับร่างถูกเข้ารหัส",
    current_pin: "รหัส PIN ปัจจุบัน",
    change_pin: "เปลี่ยนรหัส PIN",
    pin_changed: "เปลี่ยนรหัส PIN แล้ว",
    remove_pin: "ยกเลิกรหัส PIN",
    remove_pin_note: "เมื่อยกเลิก ฉบับร่างจะถูกถอดรหัสและเก็บในเครื่องแบบไม่เข้ารหัสเหมือนเดิม",
    pin_removed: "ยกเลิกรหัส PIN แล้ว ฉบับร่างไม่ได้เข้ารหัสอีกต่อไป",
    idle_label: "ล็อกเมื่อไม่ได้ใช้งาน",
    minutes: "นาที",
    lock_now: "ล็อกเดี๋ยวนี้",
    locked_heading: "ใส่รหัส PIN เพื่อปลดล็อก",
    pin_label: "รหัส PIN",
    unlock: "ปลดล็อก",
    checking_pin: "กำลังตรวจรหัส…",
    wait_before: "ลองได้อีกครั้งในอีก",
    seconds: "วินาที",
    forgot_pin: "ลืมรหัส PIN",
    forgot_explain: "ถ้าไม่มีรหัส PIN จะเปิดฉบับร่างในเครื่องนี้ไม่ได้อีก ไม่มีใครกู้คืนได้ ถ้ายืนยัน แอปจะลบฉบับร่างที่เข้ารหัสไว้ (และแบบฟอร์มที่ยืนยันแล้วแต่ยังไม่ได้ปิดผนึก ถ้ามี) แล้วยกเลิกรหัส PIN แบบฟอร์มที่ปิดผนึกแล้วและบันทึกการส่งออกยังอยู่ครบ",
    forgot_confirm: "ลบฉบับร่างและยกเลิกรหัส PIN",
    pin_too_short: "รหัส PIN ต้องเป็นตัวเลขอย่างน้อย 6 หลัก",
    pin_too_long: "รหัส PIN ยาวได้ไม่เกิน 12 หลัก",
    pin_not_digits: "รหัส PIN ใช้ได้เฉพาะตัวเลข",
    pin_mismatch: "รหัส PIN ที่พิมพ์สองครั้งไม่ตรงกัน",
    open_other_version: "เปิดฉบับของอีกแท็บ (สำเนาของคุณยังอยู่ในรายการฉบับร่าง)",
};

static ENGLISH: Text = Text {
    app_name: "Yim",
    forms_heading: "Forms",
    national: "National",
    version: "Version",
    drafts: "Drafts",
    finalized: "Finalized",
    no_forms: "There are no forms in this app yet",
    broken_forms_heading: "Forms that cannot be opened",
    forms_unavailable: "The list of forms could not be loaded. Drafts saved on this phone still open as usual. Connect to the internet and open the app again; if that does not help, show this message to your coordinator:",
    language: "Language",
    all_forms: "All forms",
    guides_hint: "How to use the app, for volunteers, coordinators and the data office (in Thai), also offline",
    save_draft: "Save draft",
    form_language: "Language of the form",
    typed_date: "Or type the date, such as 5 มี.ค. 2568 or 5/3/2568 (Buddhist era)",
    finalize: "Finalize",
    next: "Next",
    back: "Back",
    add: "Add",
    add_joiner: " ",
    remove: "Remove",
    remove_confirm: "Remove this entry and all its answers?",
    cancel: "Cancel",
    entries: "Entries",
    page: "Page",
    of: "of",
    required: "required",
    review_problems: "Some questions still need attention",
    finalized_note: "This record is finalized",
    finalized_sealed: "This record is sealed for the data office: only the data office can read it, not even this phone. The coordinator exports it next.",
    finalized_unsealed: "This record is not sealed yet: the form does not have the data office's key, so the record is kept on this phone until the form has one, and it cannot be exported until then.",
    page_problems_heading: "This page still has questions to answer or correct",
    missing_later: "Questions not answered yet can wait, but they must be answered before finalizing.",
    wrong_first: "An answer is not right: correct it or clear it before going on.",
    go_on_anyway: "Go on anyway and come back later",
    show_problems_before: "Questions that still need attention: ",
    show_problems_after: ". Show the list",
    hide_problems: "Hide the list",
    draft_saved: "Draft kept on this phone",
    form_not_found: "This form was not found",
    select_placeholder: "— choose —",
    search_choices: "Search the choices",
    latitude: "Latitude",
    longitude: "Longitude",
    use_my_location: "Use my location",
    locating: "Finding the location…",
    location_failed: "The location could not be found; please type it in",
    not_answered: "Not chosen yet",
    clear_answer: "Clear the answer",
    take_photo: "Take a photo",
    choose_photo: "Choose a photo",
    photo_preview: "The photo taken",
    photo_saving: "Saving the photo…",
    photo_failed: "The photo could not be saved",
    saving: "Saving…",
    try_again: "Try again",
    opening: "Opening…",
    cannot_open: "This saved response cannot be opened",
    form_gone: "The form of this response is no longer in the app",
    response_sealed: "This response was finalized and sealed for the data office, so its answers cannot be read on this phone; only the data office can open them.",
    older_version_note: "This draft was started with an older version of the form and opens with it: version",
    started_version: "This draft was started with version",
    current_version_note: "That version was not kept on this phone, so it opens with the current one",
    drafts_heading: "Drafts to continue",
    other_drafts_heading: "Drafts of forms no longer in the app",
    untitled_draft: "Draft",
    changed: "Changed",
    delete: "Delete",
    delete_draft_confirm: "Delete this draft and all its answers?",
    delete_named_draft_before: "Delete the draft ",
    delete_named_draft_after: " and all its answers?",
    storage_label: "Storage on this phone",
    used: "used",
    free: "free",
    persisted: "The browser will not clear it by itself",
    not_persisted: "The browser may clear it when the phone runs out of space",
    settings: "Settings",
    pin_heading: "PIN for this phone",
    pin_intro: "A PIN encrypts the drafts kept on this phone, so someone who picks it up cannot read the answers. The app locks itself when it is not used for the time you choose.",
    pin_warning: "Important: if you forget the PIN, the drafts on this phone are lost; nobody can recover them. Finalized responses that are sealed are never lost.",
    new_pin: "New PIN (6–12 digits)",
    repeat_pin: "Type the new PIN again",
    set_pin: "Set PIN",
    pin_set_done: "PIN set. The drafts on this phone are now encrypted.",
    pin_on: "This phone has a PIN; its drafts are encrypted.",
    current_pin: "Current PIN",
    change_pin: "Change PIN",
    pin_changed: "PIN changed.",
    remove_pin: "Remove PIN",
    remove_pin_note: "Removing it decrypts the drafts and keeps them on this phone unencrypted, as before.",
    pin_removed: "PIN removed. The drafts are no longer encrypted.",
    idle_label: "Lock after no use for",
    minutes: "minutes",
    lock_now: "Lock now",
    locked_heading: "Enter your PIN to unlock",
    pin_label: "PIN",
    unlock: "Unlock",
    checking_pin: "Checking…",
    wait_before: "You can try again in",
    seconds: "seconds",
    forgot_pin: "Forgot PIN",
    forgot_explain: "Without the PIN, the drafts on this phone cannot be opened again; nobody can recover them. If you confirm, the app deletes the encrypted drafts (and any finalized response not yet sealed) and removes the PIN. Sealed responses and the export log stay.",
    forgot_confirm: "Delete the drafts and remove the PIN",
    pin_too_short: "A PIN needs at least 6 digits.",
    pin_too_long: "A PIN has at most 12 digits.",
    pin_not_digits: "A PIN is digits only.",
    pin_mismatch: "The two PINs are not the same.",
    open_other_version: "Open the other tab's version (your copy stays in the drafts list)",
};

#[cfg(test)]
mod tests {
    use super::Lang;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn check(preferences: &[&str], expected: Lang) {
        assert_eq!(
            Lang::from_preferences(preferences.iter().copied()),
            expected,
            "preferences {preferences:?}"
        );
    }

    #[wasm_bindgen_test]
    fn language_follows_the_browser_and_falls_back_to_thai() {
        check(&["en-US", "th"], Lang::En);
        check(&["th-TH", "en"], Lang::Th);
        check(&["fr-FR", "EN-gb"], Lang::En);
        check(&["fr-FR", "de"], Lang::Th);
        check(&[], Lang::Th);
        check(&["english"], Lang::Th);
    }
}
