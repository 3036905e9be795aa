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

    /// The words of the form studio in this language.
    pub fn studio(self) -> &'static StudioText {
        &self.text().studio
    }

    /// The words of the export page in this language.
    pub fn export(self) -> &'static ExportText {
        &self.text().export
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
    /// A trace's or a shape's point, followed by its number.
    pub point: &'static str,
    pub no_points: &'static str,
    pub add_point: &'static str,
    pub add_my_position: &'static str,
    /// Followed by the point's number.
    pub remove_point: &'static str,
    /// A ranking's buttons, read with the choice's label after them.
    pub move_up: &'static str,
    pub move_down: &'static str,
    pub keep_order: &'static str,
    pub not_ranked: &'static str,
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
    /// The form studio's words.
    pub studio: StudioText,
    /// The export page's words.
    pub export: ExportText,
    // The upload code for the intake (src/upload.rs).
    pub upload_heading: &'static str,
    pub upload_intro: &'static str,
    pub upload_label: &'static str,
    pub upload_save: &'static str,
    pub upload_saved: &'static str,
    pub upload_have: &'static str,
    pub upload_none: &'static str,
    pub upload_forget: &'static str,
    pub upload_forgotten: &'static str,
    pub upload_empty: &'static str,
    pub upload_malformed: &'static str,
    pub upload_not_stored: &'static str,
    pub followed_heading: &'static str,
    pub show_more: &'static str,
    pub show_closed: &'static str,
    pub hide_closed: &'static str,
    pub case_open: &'static str,
    pub case_referred: &'static str,
    pub case_closed: &'static str,
    pub case_status: &'static str,
    pub case_unnamed: &'static str,
    pub case_risk: &'static str,
    pub case_next_visit: &'static str,
    pub case_no_visit: &'static str,
    pub case_overdue: &'static str,
    pub case_this_week: &'static str,
    pub case_no_follow_up: &'static str,
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
    point: "จุดที่",
    no_points: "ยังไม่มีจุด",
    add_point: "เพิ่มจุดนี้",
    add_my_position: "เพิ่มตำแหน่งปัจจุบันของฉัน",
    remove_point: "ลบจุดที่",
    move_up: "เลื่อนขึ้น",
    move_down: "เลื่อนลง",
    keep_order: "ใช้ลำดับนี้",
    not_ranked: "ยังไม่ได้เรียงลำดับ กดเลื่อนขึ้นหรือลง หรือกดใช้ลำดับนี้",
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
    forgot_explain: "ถ้าไม่มีรหัส PIN จะเปิดฉบับร่างในเครื่องนี้ไม่ได้อีก ไม่มีใครกู้คืนได้ ถ้ายืนยัน แอปจะลบฉบับร่างที่เข้ารหัสไว้ (และแบบฟอร์มที่ยืนยันแล้วแต่ยังไม่ได้ปิดผนึก ถ้ามี) และรายชื่อเด็กที่ติดตามซึ่งเข้ารหัสไว้ แล้วยกเลิกรหัส PIN แบบฟอร์มที่ปิดผนึกแล้วและบันทึกการส่งออกยังอยู่ครบ",
    forgot_confirm: "ลบฉบับร่างและยกเลิกรหัส PIN",
    pin_too_short: "รหัส PIN ต้องเป็นตัวเลขอย่างน้อย 6 หลัก",
    pin_too_long: "รหัส PIN ยาวได้ไม่เกิน 12 หลัก",
    pin_not_digits: "รหัส PIN ใช้ได้เฉพาะตัวเลข",
    pin_mismatch: "รหัส PIN ที่พิมพ์สองครั้งไม่ตรงกัน",
    open_other_version: "เปิดฉบับของอีกแท็บ (สำเนาของคุณยังอยู่ในรายการฉบับร่าง)",
    studio: STUDIO_THAI,
    export: EXPORT_THAI,
    upload_heading: "รหัสส่งข้อมูล",
    upload_intro: "ไฟล์ที่ส่งออกจะส่งไปยังสำนักงานข้อมูลเองเมื่อมีอินเทอร์เน็ต ผู้ประสานงานจะให้รหัสส่งข้อมูล ใส่ครั้งเดียวในเครื่องนี้ รหัสนี้ใช้ส่งไฟล์ได้อย่างเดียว เปิดอ่านข้อมูลไม่ได้",
    upload_label: "รหัสส่งข้อมูลจากผู้ประสานงาน",
    upload_save: "บันทึกรหัส",
    upload_saved: "บันทึกรหัสส่งข้อมูลแล้ว ไฟล์ที่รออยู่จะเริ่มส่ง",
    upload_have: "เครื่องนี้มีรหัสส่งข้อมูลแล้ว ถ้าได้รหัสใหม่ ใส่ด้านล่างเพื่อแทนรหัสเดิม",
    upload_none: "เครื่องนี้ยังไม่มีรหัสส่งข้อมูล",
    upload_forget: "ลบรหัสออกจากเครื่องนี้",
    upload_forgotten: "ลบรหัสส่งข้อมูลออกจากเครื่องนี้แล้ว",
    upload_empty: "กรุณาใส่รหัสส่งข้อมูล",
    upload_malformed: "รหัสนี้ไม่ใช่รหัสส่งข้อมูล กรุณาคัดลอกรหัสจากผู้ประสานงานอีกครั้ง",
    upload_not_stored: "เบราว์เซอร์ไม่ยอมเก็บรหัส (เช่น โหมดส่วนตัว) กรุณาเปิดแอปในหน้าต่างปกติ",
    followed_heading: "เด็กที่ฉันติดตาม",
    show_more: "แสดงเพิ่ม",
    show_closed: "แสดงรายที่ปิดแล้ว",
    hide_closed: "ซ่อนรายที่ปิดแล้ว",
    case_open: "ติดตามอยู่",
    case_referred: "ส่งต่อแล้ว",
    case_closed: "ปิดแล้ว",
    case_status: "สถานะ:",
    case_unnamed: "(ไม่มีชื่อ)",
    case_risk: "ความเสี่ยง:",
    case_next_visit: "เยี่ยมครั้งถัดไป",
    case_no_visit: "ยังไม่ได้นัดเยี่ยมครั้งถัดไป",
    case_overdue: "เลยกำหนดเยี่ยม",
    case_this_week: "ถึงกำหนดภายในสัปดาห์นี้",
    case_no_follow_up: "ยังไม่มีแบบติดตามสำหรับรายนี้ในแอป",
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
    point: "Point",
    no_points: "No points yet",
    add_point: "Add this point",
    add_my_position: "Add my current position",
    remove_point: "Remove point",
    move_up: "Move up",
    move_down: "Move down",
    keep_order: "Use this order",
    not_ranked: "Not ranked yet: move the items up or down, or use this order",
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
    forgot_explain: "Without the PIN, the drafts on this phone cannot be opened again; nobody can recover them. If you confirm, the app deletes the encrypted drafts (and any finalized response not yet sealed) and the encrypted list of children you follow, and removes the PIN. Sealed responses and the export log stay.",
    forgot_confirm: "Delete the drafts and remove the PIN",
    pin_too_short: "A PIN needs at least 6 digits.",
    pin_too_long: "A PIN has at most 12 digits.",
    pin_not_digits: "A PIN is digits only.",
    pin_mismatch: "The two PINs are not the same.",
    open_other_version: "Open the other tab's version (your copy stays in the drafts list)",
    studio: STUDIO_ENGLISH,
    export: EXPORT_ENGLISH,
    followed_heading: "Children I follow",
    show_more: "Show more",
    show_closed: "Show closed",
    hide_closed: "Hide closed",
    case_open: "open",
    case_referred: "referred",
    case_closed: "closed",
    case_status: "Status:",
    case_unnamed: "(no name)",
    case_risk: "Risk:",
    case_next_visit: "Next visit",
    case_no_visit: "No next visit set",
    case_overdue: "Visit overdue",
    case_this_week: "Due this week",
    case_no_follow_up: "No follow-up form for this case in the app",
    upload_heading: "Upload code",
    upload_intro: "Exported files go to the data office by themselves when the phone is online. Your coordinator gives you an upload code; enter it once on this phone. The code can only send files; it cannot read any data.",
    upload_label: "Upload code from your coordinator",
    upload_save: "Save the code",
    upload_saved: "Upload code saved. Files that wait start to upload.",
    upload_have: "This phone has an upload code. If you were given a new one, enter it below to replace it.",
    upload_none: "This phone has no upload code yet.",
    upload_forget: "Remove the code from this phone",
    upload_forgotten: "The upload code was removed from this phone.",
    upload_empty: "Please enter the upload code.",
    upload_malformed: "This is not an upload code. Copy the code from your coordinator again.",
    upload_not_stored: "The browser would not keep the code (a private window?). Open the app in a normal window.",
};

/// The words of the form studio (`#/studio`).
#[allow(missing_docs)]
pub struct StudioText {
    pub title: &'static str,
    pub intro: &'static str,
    pub open_file: &'static str,
    pub drop_hint: &'static str,
    pub start_from: &'static str,
    pub choose: &'static str,
    pub new_form: &'static str,
    pub download: &'static str,
    pub editor_label: &'static str,
    pub problems: &'static str,
    pub no_problems: &'static str,
    pub preview: &'static str,
    pub no_preview: &'static str,
    pub replace: &'static str,
    pub same_id: &'static str,
    pub not_read: &'static str,
    pub link: &'static str,
    pub link_hint: &'static str,
    pub publish: &'static str,
    pub published: &'static str,
    pub not_published: &'static str,
}

const STUDIO_THAI: StudioText = StudioText {
    title: "สตูดิโอแบบฟอร์ม",
    intro: "เขียนหรือแก้แบบฟอร์ม YAML แล้วดูผลทันที ข้อความอยู่ในเครื่องนี้เท่านั้น ไม่ส่งไปที่ใด",
    open_file: "เปิดไฟล์ YAML",
    drop_hint: "หรือลากไฟล์ .yaml มาวางในช่องแก้ไข",
    start_from: "เริ่มจาก",
    choose: "— เลือกแบบฟอร์ม —",
    new_form: "แบบฟอร์มใหม่",
    download: "ดาวน์โหลด YAML",
    editor_label: "ข้อความ YAML ของแบบฟอร์ม",
    problems: "ปัญหา",
    no_problems: "ไม่พบปัญหา",
    preview: "ตัวอย่าง",
    no_preview: "ยังแสดงตัวอย่างไม่ได้ แก้ปัญหาด้านบนก่อน",
    replace: "แทนที่ข้อความที่แก้ไว้หรือไม่",
    same_id: "รหัสของแบบฟอร์มนี้ซ้ำกับแบบฟอร์มในแอป ฉบับร่างของทั้งสองจะใช้ร่วมกัน",
    not_read: "อ่านไฟล์นี้ไม่ได้",
    link: "สตูดิโอแบบฟอร์ม",
    link_hint: "สำหรับผู้ออกแบบแบบฟอร์ม: ลองแบบฟอร์มใหม่ก่อนเผยแพร่",
    publish: "ไฟล์สำหรับเผยแพร่",
    published: "ดาวน์โหลดแล้ว 2 ไฟล์: คัดลอก index.json และไฟล์แบบฟอร์มไปไว้ในโฟลเดอร์ forms บนเว็บเซิร์ฟเวอร์ ไฟล์แบบฟอร์มอยู่ที่ ",
    not_published: "ยังเผยแพร่ไม่ได้ แก้ปัญหาเหล่านี้ก่อน:",
};

const STUDIO_ENGLISH: StudioText = StudioText {
    title: "Form studio",
    intro: "Write or edit a YAML form and see it at once. The text stays on this device; nothing is sent anywhere.",
    open_file: "Open a YAML file",
    drop_hint: "or drop a .yaml file on the editor",
    start_from: "Start from",
    choose: "— choose a form —",
    new_form: "A new form",
    download: "Download YAML",
    editor_label: "The form's YAML text",
    problems: "Problems",
    no_problems: "No problems found",
    preview: "Preview",
    no_preview: "No preview yet: fix the problems above first",
    replace: "Replace the text you have edited?",
    same_id: "This form has the id of a form in the app; the two share their drafts",
    not_read: "This file could not be read",
    link: "Form studio",
    link_hint: "For form authors: try a new form before publishing it",
    publish: "Files to publish",
    published: "Two files were downloaded: copy index.json and the form file into the forms folder on the web host. The form file goes to ",
    not_published: "This form cannot be published yet. Fix these problems first:",
};

/// The words of the export page (`#/export`).
#[allow(missing_docs)]
pub struct ExportText {
    pub link: &'static str,
    pub link_hint: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub loading: &'static str,
    pub choose: &'static str,
    pub all_forms: &'static str,
    pub waiting: &'static str,
    pub exported_total: &'static str,
    pub no_recipients_before: &'static str,
    pub no_recipients_after: &'static str,
    pub keygen_advice: &'static str,
    pub sealed_item: &'static str,
    pub more: &'static str,
    pub export: &'static str,
    pub exporting: &'static str,
    pub nothing: &'static str,
    pub ready: &'static str,
    pub save: &'static str,
    pub share: &'static str,
    pub log_heading: &'static str,
    pub log_empty: &'static str,
    pub sequence: &'static str,
    pub responses: &'static str,
    pub again: &'static str,
    pub failed: &'static str,
    pub back: &'static str,
    // The upload of each bundle to the intake (src/upload.rs).
    pub up_waiting: &'static str,
    pub up_no_code: &'static str,
    pub up_offline: &'static str,
    pub up_uploading: &'static str,
    pub up_received: &'static str,
    pub up_receipt: &'static str,
    pub up_failed: &'static str,
    pub up_retry_at: &'static str,
    pub up_retry_now: &'static str,
    pub up_network: &'static str,
    pub up_busy: &'static str,
    pub up_bad_receipt: &'static str,
    pub up_refused: &'static str,
    pub up_too_large: &'static str,
    pub up_other: &'static str,
}

const EXPORT_THAI: ExportText = ExportText {
    link: "ส่งออกข้อมูล",
    link_hint: "สำหรับผู้ประสานงาน: รวมแบบบันทึกฉบับสมบูรณ์เป็นไฟล์เดียว เพื่อส่งให้สำนักงานข้อมูล",
    heading: "ส่งออกข้อมูล",
    intro: "แบบบันทึกฉบับสมบูรณ์ของแบบฟอร์มที่มีกุญแจของสำนักงานข้อมูลจะเข้ารหัสไว้ มีเพียงสำนักงานข้อมูลที่เปิดอ่านได้ หน้านี้รวมแบบบันทึกเหล่านั้นเป็นไฟล์เดียว ให้บันทึกไฟล์หรือแชร์ไฟล์ส่งให้สำนักงานข้อมูล",
    loading: "กำลังนับแบบบันทึก…",
    choose: "ส่งออกแบบฟอร์มใด",
    all_forms: "ทุกแบบฟอร์ม",
    waiting: "รอส่งออก",
    exported_total: "ส่งออกแล้ว",
    no_recipients_before: "มีแบบบันทึก ",
    no_recipients_after: " ฉบับที่ยังไม่ได้เข้ารหัส เพราะแบบฟอร์มนี้ยังไม่มีกุญแจของสำนักงานข้อมูล จึงเก็บไว้ในเครื่องนี้และยังส่งออกไม่ได้",
    keygen_advice: "โปรดแจ้งสำนักงานข้อมูลให้เพิ่มกุญแจในแบบฟอร์มนี้ แบบบันทึกที่ทำหลังจากนั้นจะส่งออกได้",
    sealed_item: "บันทึกฉบับสมบูรณ์และเข้ารหัสแล้ว",
    more: "และอีก",
    export: "ส่งออก",
    exporting: "กำลังส่งออก",
    nothing: "ไม่มีแบบบันทึกที่รอส่งออก",
    ready: "ไฟล์พร้อมแล้ว",
    save: "บันทึกไฟล์",
    share: "แชร์ไฟล์ (LINE, อีเมล)",
    log_heading: "ประวัติการส่งออก",
    log_empty: "ยังไม่เคยส่งออก",
    sequence: "ครั้งที่",
    responses: "แบบบันทึก",
    again: "สร้างไฟล์นี้อีกครั้ง",
    failed: "ส่งออกไม่สำเร็จ แบบบันทึกทั้งหมดยังอยู่ครบในเครื่องนี้",
    back: "กลับไปที่แบบฟอร์มทั้งหมด",
    up_waiting: "สร้างไฟล์แล้ว รอส่งไปยังสำนักงานข้อมูล",
    up_no_code: "เครื่องนี้ยังไม่มีรหัสส่งข้อมูล กรุณาใส่รหัสที่ได้จากผู้ประสานงานในหน้าตั้งค่า",
    up_offline: "เครื่องนี้ไม่ได้เชื่อมต่ออินเทอร์เน็ต ไฟล์จะส่งเองเมื่อกลับมาออนไลน์",
    up_uploading: "กำลังส่งไปยังสำนักงานข้อมูล…",
    up_received: "สำนักงานข้อมูลได้รับแล้ว",
    up_receipt: "ใบรับ",
    up_failed: "ส่งไม่สำเร็จ",
    up_retry_at: "จะลองส่งใหม่เองเวลา",
    up_retry_now: "ลองส่งอีกครั้งตอนนี้",
    up_network: "ติดต่อเซิร์ฟเวอร์รับข้อมูลไม่ได้",
    up_busy: "เซิร์ฟเวอร์รับข้อมูลไม่ว่างหรือขัดข้อง",
    up_bad_receipt: "ใบรับจากเซิร์ฟเวอร์ไม่ตรงกับไฟล์นี้",
    up_refused: "รหัสส่งข้อมูลในเครื่องนี้ถูกปฏิเสธ กรุณาขอรหัสใหม่จากผู้ประสานงาน แล้วใส่ในหน้าตั้งค่า",
    up_too_large: "ไฟล์ใหญ่เกินกว่าที่เซิร์ฟเวอร์รับได้ กรุณาบันทึกไฟล์แล้วส่งให้สำนักงานข้อมูลด้วยวิธีอื่น",
    up_other: "เซิร์ฟเวอร์ไม่รับไฟล์นี้ กรุณาบันทึกไฟล์แล้วแจ้งสำนักงานข้อมูล",
};

const EXPORT_ENGLISH: ExportText = ExportText {
    link: "Export",
    link_hint: "For coordinators: put the finalized records into one file for the data office",
    heading: "Export",
    intro: "Finalized records of forms that have the data office's key are sealed: only the data office can read them. This page puts them into one file for you to save or share with the data office.",
    loading: "Counting records…",
    choose: "Which form to export",
    all_forms: "All forms",
    waiting: "waiting for export",
    exported_total: "exported",
    no_recipients_before: "Records not sealed yet: ",
    no_recipients_after: ". This form does not have the data office's key, so they stay on this phone and cannot be exported yet.",
    keygen_advice: "Ask the data office to add its key to this form. Records finalized after that can be exported.",
    sealed_item: "finalized, sealed",
    more: "and more:",
    export: "Export",
    exporting: "Exporting",
    nothing: "No records are waiting for export.",
    ready: "The file is ready",
    save: "Save the file",
    share: "Share the file (LINE, e-mail)",
    log_heading: "Export log",
    log_empty: "Nothing was exported yet.",
    sequence: "No.",
    responses: "records",
    again: "Make this file again",
    failed: "The export failed. Every record is still on this phone.",
    back: "Back to all forms",
    up_waiting: "Made, waiting to be uploaded to the data office",
    up_no_code: "This phone has no upload code yet. Enter the code from your coordinator in Settings.",
    up_offline: "This phone is offline. The file goes by itself when the phone is online again.",
    up_uploading: "Uploading to the data office…",
    up_received: "Received by the data office",
    up_receipt: "Receipt",
    up_failed: "Upload failed",
    up_retry_at: "It is tried again by itself at",
    up_retry_now: "Try again now",
    up_network: "the intake server could not be reached",
    up_busy: "the intake server is busy or down",
    up_bad_receipt: "the intake server's receipt does not match this file",
    up_refused: "The upload code on this phone was refused. Ask your coordinator for a new one and enter it in Settings.",
    up_too_large: "The file is larger than the intake server accepts. Save the file and send it to the data office another way.",
    up_other: "The intake server did not accept this file. Save the file and tell the data office.",
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
