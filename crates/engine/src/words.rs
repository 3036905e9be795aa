//! The engine's own words: the messages it gives when an answer breaks a
//! rule the author did not write a message for, and the case picker's
//! warnings. One table per language, keyed by [`Lang`]; a form language
//! becomes a `Lang` by [`Lang::for_code`], the rule the app uses for its own
//! words too.

use yim_form::Lang;

/// Every built-in message in one language. Messages that name a number or
/// what was typed are functions, since Thai and English put it in different
/// places.
pub(crate) struct Words {
    pub required: &'static str,
    pub constraint: &'static str,
    pub not_a_choice: &'static str,
    pub expected_integer: &'static str,
    pub expected_decimal: &'static str,
    pub expected_date: &'static str,
    pub expected_time: &'static str,
    pub expected_datetime: &'static str,
    pub expected_choice: &'static str,
    pub expected_ranking: &'static str,
    pub expected_line: &'static str,
    pub expected_area: &'static str,
    pub expected_location: &'static str,
    pub expected_ok: &'static str,
    pub expected_photo: &'static str,
    /// A slider's expectation: `(start, end, step)`.
    pub expected_range: fn(f64, f64, f64) -> String,
    pub expected_other: &'static str,
    /// What a type message says after the expectation: `(expected, typed)`.
    pub but_found: fn(&str, &str) -> String,
    pub thai_id_not_digits: &'static str,
    pub thai_id_length: fn(usize) -> String,
    pub thai_id_check_digit: &'static str,
    pub check_email: &'static str,
    pub check_url: &'static str,
    pub check_phone: &'static str,
    pub check_thai_id: &'static str,
    /// A length check, given the bounds as [`Words::between`] and its
    /// neighbours word them.
    pub check_length: fn(&str) -> String,
    /// A range check, given the bounds likewise.
    pub check_range: fn(&str) -> String,
    pub check_pattern: &'static str,
    pub between: fn(&str, &str) -> String,
    pub at_least: fn(&str) -> String,
    pub at_most: fn(&str) -> String,
    pub case_closed: &'static str,
    pub case_missing: &'static str,
}

/// The words for `lang`.
pub(crate) fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Th => &THAI,
        Lang::En => &ENGLISH,
    }
}

/// The words next to a form shown in the language `code`.
pub(crate) fn for_code(code: &str) -> &'static Words {
    words(Lang::for_code(code))
}

static THAI: Words = Words {
    required: "กรุณาตอบคำถามนี้",
    constraint: "คำตอบนี้ไม่ถูกต้อง",
    not_a_choice: "คำตอบนี้ไม่อยู่ในตัวเลือกที่มีให้",
    expected_integer: "ต้องเป็นจำนวนเต็ม",
    expected_decimal: "ต้องเป็นตัวเลข",
    expected_date: "ต้องเป็นวันที่ เช่น 5 มีนาคม 2568 หรือ 5/3/2568",
    expected_time: "ต้องเป็นเวลา (ชช:นน)",
    expected_datetime: "ต้องเป็นวันที่และเวลา",
    expected_choice: "ต้องเลือกจากตัวเลือกที่มีให้",
    expected_ranking: "ต้องเรียงลำดับตัวเลือกที่มีให้ โดยแต่ละตัวเลือกมีครั้งเดียว",
    expected_line: "ต้องเป็นเส้นทางอย่างน้อย 2 จุด แต่ละจุดเป็น ละติจูด ลองจิจูด คั่นด้วย ;",
    expected_area: "ต้องเป็นพื้นที่อย่างน้อย 3 จุดที่ไม่ซ้ำกัน แต่ละจุดเป็น ละติจูด ลองจิจูด คั่นด้วย ;",
    expected_location: "ต้องเป็นพิกัด ละติจูด ลองจิจูด",
    expected_ok: "ต้องกดยืนยัน",
    expected_photo: "ต้องเป็นชื่อไฟล์รูปภาพ",
    expected_range: |a, b, c| format!("ต้องเป็นตัวเลขตั้งแต่ {a} ถึง {b} ทีละ {c}"),
    expected_other: "คำตอบไม่ถูกต้อง",
    but_found: |expected, raw| format!("{expected} แต่ได้รับ '{raw}'"),
    thai_id_not_digits: "เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น ไม่มีตัวอักษร",
    thai_id_length: |count| format!("เลขประจำตัวประชาชนต้องมี 13 หลัก แต่กรอกไว้ {count} หลัก"),
    thai_id_check_digit:
        "เลขประจำตัวประชาชนนี้ไม่ถูกต้อง หลักสุดท้ายไม่ตรงกับเลขหลักอื่น อาจพิมพ์ผิดบางหลัก โปรดตรวจกับบัตรอีกครั้ง",
    check_email: "อีเมลไม่ถูกต้อง",
    check_url: "ที่อยู่เว็บไม่ถูกต้อง",
    check_phone: "เบอร์โทรศัพท์ไม่ถูกต้อง (ตัวเลข 9 หรือ 10 หลัก ขึ้นต้นด้วย 0)",
    check_thai_id: "เลขประจำตัวประชาชนไม่ถูกต้อง (13 หลัก และเลขตรวจสอบต้องถูกต้อง)",
    check_length: |bounds| format!("ความยาว{bounds} ตัวอักษร"),
    check_range: |bounds| format!("ค่าต้อง{bounds}"),
    check_pattern: "รูปแบบคำตอบไม่ถูกต้อง",
    between: |min, max| format!("อยู่ระหว่าง {min} ถึง {max}"),
    at_least: |min| format!("อย่างน้อย {min}"),
    at_most: |max| format!("ไม่เกิน {max}"),
    case_closed: "เคสนี้ปิดแล้ว บันทึกการเยี่ยมนี้เฉพาะเมื่อต้องติดตามเด็กอีกครั้ง และเลือกสถานะของเคสใหม่",
    case_missing: "ไม่พบเคสนี้ในเครื่องนี้",
};

static ENGLISH: Words = Words {
    required: "this question is required",
    constraint: "this answer is not allowed",
    not_a_choice: "this answer is not one of the choices offered",
    expected_integer: "expected a whole number",
    expected_decimal: "expected a number",
    expected_date: "expected a date such as 5 March 2025, 5/3/2568 or 2025-03-05",
    expected_time: "expected a time (HH:MM)",
    expected_datetime: "expected a date and time",
    expected_choice: "expected one of the choices",
    expected_ranking: "expected the choices in order, each once",
    expected_line: "expected a line of at least 2 points, each latitude and longitude, separated by ;",
    expected_area: "expected an area of at least 3 different points, each latitude and longitude, separated by ;",
    expected_location: "expected a location as latitude and longitude",
    expected_ok: "expected OK",
    expected_photo: "expected the file name of a photo",
    expected_range: |a, b, c| format!("expected a number from {a} to {b} in steps of {c}"),
    expected_other: "this answer is not valid",
    but_found: |expected, raw| format!("{expected}, but found '{raw}'"),
    thai_id_not_digits: "expected only digits in a Thai national ID, but found other characters",
    thai_id_length: |count| format!("expected 13 digits in a Thai national ID, but found {count}"),
    thai_id_check_digit: "the last digit of this Thai national ID does not match the others, so a digit may be mistyped; check it against the card",
    check_email: "expected an e-mail address",
    check_url: "expected a web address",
    check_phone: "expected a phone number of 9 or 10 digits starting with 0",
    check_thai_id: "expected a 13-digit Thai national ID with a valid check digit",
    check_length: |bounds| format!("expected a length {bounds} characters"),
    check_range: |bounds| format!("expected a number {bounds}"),
    check_pattern: "this answer does not have the expected form",
    between: |min, max| format!("from {min} to {max}"),
    at_least: |min| format!("of at least {min}"),
    at_most: |max| format!("of at most {max}"),
    case_closed: "this case is closed; save this visit only if the case needs following again, and set its status",
    case_missing: "this case is not among the cases on this device",
};
