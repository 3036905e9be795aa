//! XLSForm features one at a time: a spreadsheet in pyxform's CSV layout
//! goes in, the import report and the printed form come out. Every printed
//! form must also load and compile without problems, except for what the
//! report lists. Refresh the expectations with `UPDATE_EXPECT=1`.

use expect_test::{expect, Expect};
use yim_form::MemFiles;

/// Imports `csv`, and compares the notes and the printed form (without its
/// comment header) with `expect`, followed by whatever `yim lint` would say.
fn check(csv: &str, expect: Expect) {
    let csv = unindent(csv);
    let (form, notes) = yim_xlsform::import("test.csv", csv.as_bytes());
    let mut out = String::new();
    for n in &notes {
        out.push_str(&format!("{n}\n"));
    }
    if let Some(form) = form {
        let yaml = yim_xlsform::to_yaml(&form, &notes, "test.csv");
        out.push_str("---\n");
        for line in yaml
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            out.push_str(line);
            out.push('\n');
        }
        let files = MemFiles::new().with("form.yaml", yaml);
        let (_, diags) = yim_engine::load_and_compile("form.yaml", &files);
        for d in diags {
            out.push_str(&format!("lint: {d}\n"));
        }
    }
    expect.assert_eq(&out);
}

/// Removes the indentation of a test's CSV text, so cases read as tables.
fn unindent(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_survey_sheet_alone_with_every_supported_column() {
    check(
        r#"
        type,name,label,hint,required,required_message,relevant,constraint,constraint_message,calculation,default,read_only,appearance
        integer,age,Age,In years,yes,Please give the age,,. >= 0 and . < 130,Not a plausible age,,,,
        text,school,School,,1,,${age} >= 6,,,,,,multiline
        decimal,weight,Weight,,true(),,,,,,3.5,,
        date,dob,Date of birth,,${age} < 18,,,. <= today(),,,,,
        time,t,Time,,,,,,,,,,
        dateTime,dt,When,,,,,,,,,,
        calculate,age2,,,,,,,,${age} * 2,,,
        note,hello,Hello,,,,,,,,,,
        acknowledge,ok,Is this fine?,,,,,,,,,,
        trigger,ok2,Really?,,,,,,,,,,
        geopoint,where,Where?,,,,,,,,,,
        text,fixed,Fixed,,,,,,,,abc,yes,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: age
                type: integer
                label: Age
                hint: In years
                required: yes
                constraint: . >= 0 and . < 130
                required_message: Please give the age
                constraint_message: Not a plausible age
              - name: school
                type: text
                label: School
                required: yes
                relevant: "${age} >= 6"
                appearance: multiline
              - name: weight
                type: decimal
                label: Weight
                required: yes
                default: "3.5"
              - name: dob
                type: date
                label: Date of birth
                required: "${age} < 18"
                constraint: . <= today()
              - name: t
                type: time
                label: Time
              - name: dt
                type: datetime
                label: When
              - name: age2
                type: calculate
                calculation: "${age} * 2"
              - name: hello
                type: note
                label: Hello
              - name: ok
                type: acknowledge
                label: Is this fine?
              - name: ok2
                type: acknowledge
                label: Really?
              - name: where
                type: geopoint
                label: Where?
              - name: fixed
                type: text
                label: Fixed
                read_only: yes
                default: abc
        "#]],
    );
}

#[test]
fn groups_repeats_and_their_columns() {
    check(
        r#"
        type,name,label,relevant,repeat_count,appearance,required
        integer,n,How many?,,,,
        begin group,hh,Household,${n} > 0,,field-list,
        begin_repeat,member,Member,,${n},,
        text,mname,Name,,,,yes
        begin group,inner,,,,,
        integer,mage,Age,,,,
        end group,,,,,,
        end_repeat,,,,,,
        end group,,,,,,
        begin group,empty,Nothing here,,,,yes
        end group,,,,,,
        end group,,,,,,
        begin_repeat,open,Never closed,,,,
        text,last,Last,,,,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!6: the group `inner` has no label; its name is used as the label
            survey!11: 'required' does not apply to a group; it is left out
            survey!11: the group `empty` has no questions left; it is left out
            survey!13: 'end group' has no matching begin; it is ignored
            survey!14: the repeat `open` is never closed; it ends at the end of the sheet
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: "n"
                type: integer
                label: How many?
              - name: hh
                type: group
                label: Household
                relevant: "${n} > 0"
                appearance: field-list
                questions:
                  - name: member
                    type: repeat
                    label: Member
                    repeat_count: "${n}"
                    questions:
                      - name: mname
                        type: text
                        label: Name
                        required: yes
                      - name: inner
                        type: group
                        label: inner
                        questions:
                          - name: mage
                            type: integer
                            label: Age
              - name: open
                type: repeat
                label: Never closed
                questions:
                  - name: last
                    type: text
                    label: Last
        "#]],
    );
}

#[test]
fn choices_filters_and_settings_in_the_multi_sheet_csv_layout() {
    check(
        r#"
        survey,,,,
        ,type,name,label,choice_filter
        ,select_one province,province,Province,
        ,select_one district,district,District,province=${province}
        ,select_multiple risks,risks,Risks,
        choices,,,,
        ,list_name,name,label,province
        ,province,32,Surin,
        ,province,57,Chiang Rai,
        ,district,3201,Mueang Surin,32
        ,district,5701,Mueang Chiang Rai,57
        ,risks,labour,,
        ,risks,labour,Child labour (again),
        ,,orphan,Orphan,
        settings,,,,
        ,form_id,version,form_title,style
        ,child-core,2026.1,Child record,pages
        "#,
        expect![[r#"
            choices!12: the choice `labour` has no label; its name is used as the label
            choices!13: the choice name `labour` is already used in the list `risks` on row 12; this one is left out
            choices!14: the choice has no list_name; it is left out
            ---
            form:
              id: child-core
              version: "2026.1"
              title: Child record
            questions:
              - name: province
                type: select_one province
                label: Province
              - name: district
                type: select_one district
                label: District
                choice_filter: "province=${province}"
              - name: risks
                type: select_multiple risks
                label: Risks
            choices:
              province:
                - {name: "32", label: Surin}
                - {name: "57", label: Chiang Rai}
              district:
                - {name: "3201", label: Mueang Surin, province: "32"}
                - {name: "5701", label: Mueang Chiang Rai, province: "57"}
              risks:
                - {name: labour, label: labour}
        "#]],
    );
}

/// Choice filters as KoboToolbox authors write them: the choices sheet's
/// columns named bare, with their case, as in an MSNA household survey.
#[test]
fn choice_filters_name_capitalised_columns_bare() {
    check(
        r#"
        survey,,,,
        ,type,name,label,choice_filter
        ,select_one gov,governorate,Governorate,
        ,select_one dist,district,District,Gov = ${governorate}
        ,select_one comm,community,Community,(Dist = ${district} and Gov = ${governorate}) or (Gov = 'other')
        choices,,,,,
        ,list_name,name,label,Gov,Dist
        ,gov,g1,Baghdad,,
        ,dist,d1,Karkh,g1,
        ,comm,c1,Mansour,g1,d1
        ,comm,c9,Elsewhere,other,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: governorate
                type: select_one gov
                label: Governorate
              - name: district
                type: select_one dist
                label: District
                choice_filter: "Gov = ${governorate}"
              - name: community
                type: select_one comm
                label: Community
                choice_filter: "(Dist = ${district} and Gov = ${governorate}) or (Gov = 'other')"
            choices:
              gov:
                - {name: g1, label: Baghdad}
              dist:
                - {name: d1, label: Karkh, Gov: g1}
              comm:
                - {name: c1, label: Mansour, Gov: g1, Dist: d1}
                - {name: c9, label: Elsewhere, Gov: other}
        "#]],
    );
}

/// The `trigger` column: the calculation runs when the named question
/// changes.
#[test]
fn the_trigger_column_is_kept() {
    check(
        r#"
        survey,,,,,
        ,type,name,label,calculation,trigger
        ,integer,weight,Weight,,
        ,calculate,weighed_at,,now(),${weight}
        ,text,remark,Remark,"concat('w=', ../weight)",../weight
        ,calculate,broken,,1,${nowhere}
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!6: the trigger `${nowhere}` is left out: unknown question `${nowhere}`
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: weight
                type: integer
                label: Weight
              - name: weighed_at
                type: calculate
                calculation: now()
                trigger: "${weight}"
              - name: remark
                type: text
                label: Remark
                calculation: "concat('w=', ${weight})"
                trigger: "${weight}"
              - name: broken
                type: calculate
                calculation: "1"
        "#]],
    );
}

#[test]
fn languages_from_column_headers() {
    check(
        r#"
        survey,,,,,,,
        ,type,name,label::Thai (th),label::English (en),hint::English (en),constraint_message::ไทย,label::Lao
        ,integer,age,อายุ,Age,In years,ต้องไม่ติดลบ,
        ,text,nick,ชื่อเล่น,,,,
        ,note,both,,,,,
        ,select_one yn,ok,ตกลง,OK,,,
        choices,,,,,,,
        ,list_name,name,label::Thai (th),label::English (en),,,
        ,yn,yes,ใช่,Yes,,,
        ,yn,no,ไม่,,,,
        settings,,,,,,,
        ,form_id,version,default_language,,,,
        ,langs,1,English (en),,,,
        "#,
        expect![[r#"
            survey!2: the language 'Lao' has no texts in any column; it is left out
            survey!3: the hint has no `th` text; the `en` text is used
            survey!3: the constraint message has no `en` text; the `th` text is used
            survey!4: the label has no `en` text; the `th` text is used
            survey!5: the note `both` has no label; its name is used as the label
            choices!10: the label has no `en` text; the `th` text is used
            ---
            form:
              id: langs
              version: "1"
              title: langs
              languages: [th, en]
              default_language: en
            questions:
              - name: age
                type: integer
                label: {th: อายุ, en: Age}
                hint: {th: In years, en: In years}
                constraint_message: {th: ต้องไม่ติดลบ, en: ต้องไม่ติดลบ}
              - name: nick
                type: text
                label: {th: ชื่อเล่น, en: ชื่อเล่น}
              - name: both
                type: note
                label: both
              - name: ok
                type: select_one yn
                label: {th: ตกลง, en: OK}
            choices:
              yn:
                - {name: "yes", label: {th: ใช่, en: "Yes"}}
                - {name: "no", label: {th: ไม่, en: ไม่}}
        "#]],
    );
}

#[test]
fn types_yim_does_not_have() {
    check(
        r#"
        type,name,label,parameters,relevant
        start,start,,,
        end,end,,,
        today,day,,,
        deviceid,dev,,,
        range,stars,Stars,start=0;end=5;step=1,
        range,temp,Temperature,start=35.5 end=42 step=0.5,
        barcode,code,Code,,
        image,photo,Photo,max-pixels=1024,
        text,caption,Caption,,${photo} != ''
        geotrace,path,Path,,
        select_one_from_file villages.csv,village,Village,,
        rank opt,order,Order,,
        begin_loop over opt,loop,Loop,,
        text,in_loop,Inside,,
        end_loop,,,,
        hologram,holo,Hologram,,
        text,t,Text,randomize=true,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!2: metadata type 'start' is imported as a calculate question with `once(now())`
            survey!3: metadata type 'end' is imported as a calculate question with `property('end')`, which the app fills in
            survey!4: metadata type 'today' is imported as a calculate question with `once(today())`
            survey!5: metadata type 'deviceid' is imported as a calculate question with `property('deviceid')`, which the app fills in
            survey!8: unsupported type 'barcode'; imported as a text question, so the code is typed instead of scanned
            survey!12: 'select_one_from_file villages.csv' is imported as `select_one villages`, with the list declared as `villages: {csv: villages.csv}`; put villages.csv next to the form, since the workbook does not hold it
            survey!13: there is no choice list `opt` on the choices sheet; the question `order` is left out
            survey!14: unsupported type 'begin_loop over opt'; the loop and everything in it are left out
            survey!15: left out with the loop begun on row 14
            survey!17: unknown type 'hologram'; the question `holo` is left out
            survey!18: unsupported parameters 'randomize=true'
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: start
                type: calculate
                calculation: once(now())
              - name: end
                type: calculate
                calculation: property('end')
              - name: day
                type: calculate
                calculation: once(today())
              - name: dev
                type: calculate
                calculation: property('deviceid')
              - name: stars
                type: range
                label: Stars
                parameters: {start: 0, end: 5, step: 1}
              - name: temp
                type: range
                label: Temperature
                parameters: {start: 35.5, end: 42, step: 0.5}
              - name: code
                type: text
                label: Code
              - name: photo
                type: image
                label: Photo
                parameters: {max-pixels: 1024}
              - name: caption
                type: text
                label: Caption
                relevant: "${photo} != ''"
              - name: path
                type: geotrace
                label: Path
              - name: village
                type: select_one villages
                label: Village
              - name: t
                type: text
                label: Text
            choices:
              villages: {csv: villages.csv}
            lint: form.yaml:63:19: cannot read `villages.csv`, the CSV file of the choice list `villages`, expected next to the form file: the file does not exist
        "#]],
    );
}

#[test]
fn or_other_adds_a_choice_and_a_question() {
    check(
        r#"
        survey,,,
        ,type,name,label
        ,select_one colour or_other,fav,Favourite colour
        ,select_multiple colour or_other,all,All colours
        ,select_one size or_other,size,Size
        choices,,,
        ,list_name,name,label
        ,colour,red,Red
        ,colour,blue,Blue
        ,size,small,Small
        ,size,other,Other size
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!3: 'or_other' is imported as an `other` choice and the text question `fav_other`
            survey!4: 'or_other' is imported as an `other` choice and the text question `all_other`
            survey!5: 'or_other' is imported as an `other` choice and the text question `size_other`
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: fav
                type: select_one colour_or_other
                label: Favourite colour
              - name: fav_other
                type: text
                label: Specify other.
                relevant: "selected(${fav}, 'other')"
              - name: all
                type: select_multiple colour_or_other
                label: All colours
              - name: all_other
                type: text
                label: Specify other.
                relevant: "selected(${all}, 'other')"
              - name: size
                type: select_one size
                label: Size
              - name: size_other
                type: text
                label: Specify other.
                relevant: "selected(${size}, 'other')"
            choices:
              colour:
                - {name: red, label: Red}
                - {name: blue, label: Blue}
              size:
                - {name: small, label: Small}
                - {name: other, label: Other size}
              colour_or_other:
                - {name: red, label: Red}
                - {name: blue, label: Blue}
                - {name: other, label: Other}
        "#]],
    );
}

#[test]
fn xpath_paths_become_names_where_they_lead_to_a_question() {
    check(
        r#"
        type,name,label,relevant,calculation,constraint
        integer,n,N,,,
        begin_repeat,kids,Kids,,,
        integer,kid_age,Age,,,
        text,school,School,../kid_age >= 6,,
        integer,older,Older sibling's age,,,. > current()/../kid_age
        calculate,twice,,,/data/kids/kid_age * 2,
        calculate,wrong,,,/data/kid_age,
        end_repeat,,,,,
        calculate,c,,,instance('list')/root/item[name = ${n}]/label,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!8: the calculation `/data/kid_age` is left out: the XPath path `/data/kid_age` does not lead to a question; Yim refers to questions as `${name}`; without it, the calculate question `wrong` is left out too
            survey!10: the calculation `instance('list')/root/item[name = ${n}]/label` is left out: Yim looks up `instance(...)` paths only in the form's own choice lists, as instance('list')/root/item[...]/column (unknown choice list `list`); without it, the calculate question `c` is left out too
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: "n"
                type: integer
                label: "N"
              - name: kids
                type: repeat
                label: Kids
                questions:
                  - name: kid_age
                    type: integer
                    label: Age
                  - name: school
                    type: text
                    label: School
                    relevant: "${kid_age} >= 6"
                  - name: older
                    type: integer
                    label: Older sibling's age
                    constraint: ". > ${kid_age}"
                  - name: twice
                    type: calculate
                    calculation: "${kid_age} * 2"
        "#]],
    );
}

#[test]
fn names_are_made_unique_in_the_whole_form() {
    check(
        r#"
        type,name,label,relevant
        begin group,consent,Consent,
        select_one yn,consent,Do you agree?,
        end group,,,
        begin group,a,A,
        text,dup,First,
        end group,,,
        begin group,b,B,
        text,dup,Second,
        end group,,,
        text,after,After,${consent} = 'yes' and ${dup} != ''
        text,ชื่อ,Thai name,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!2: the group `consent` has no questions left; it is left out
            survey!3: there is no choice list `yn` on the choices sheet; the question `consent` is left out
            survey!9: the name `dup` is also used on row 6, and Yim needs names unique in the whole form; this question is called `dup_2`
            survey!11: the relevant `${consent} = 'yes' and ${dup} != ''` is left out: it refers to `${consent}`, which is left out (survey!3)
            survey!12: `ชื่อ` is not a valid Yim name (English letters, digits, `_`, `-` and `.`, starting with a letter or `_`); rename it in the form
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: a
                type: group
                label: A
                questions:
                  - name: dup
                    type: text
                    label: First
              - name: b
                type: group
                label: B
                questions:
                  - name: dup_2
                    type: text
                    label: Second
              - name: after
                type: text
                label: After
              - name: ชื่อ
                type: text
                label: Thai name
            lint: form.yaml:33:11: `ชื่อ` is not a valid question name; names start with a letter or `_` and contain only letters, digits, `_`, `-` and `.`
        "#]],
    );
}

#[test]
fn choice_names_with_spaces_are_renamed_everywhere() {
    check(
        r#"
        survey,,,,,
        ,type,name,label,choice_filter,relevant
        ,select_one town,town,Town,,
        ,select_one village,village,Village,town=${town},
        ,text,note_t1,Why Town 1?,,${town} = 'Town 1'
        choices,,,,,
        ,list_name,name,label,town,
        ,town,Town 1,First town,,
        ,town,Town  2,Second town,,
        ,village,v1,Village 1,Town 1,
        ,village,v2,Village 2,Town  2,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            choices!8: choice names in `town` contain spaces, which Yim does not allow; spaces are replaced by `_` (`Town 1` becomes `Town_1` and 1 more), in filter columns and expressions too
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: town
                type: select_one town
                label: Town
              - name: village
                type: select_one village
                label: Village
                choice_filter: "town=${town}"
              - name: note_t1
                type: text
                label: Why Town 1?
                relevant: "${town} = 'Town_1'"
            choices:
              town:
                - {name: Town_1, label: First town}
                - {name: Town_2, label: Second town}
              village:
                - {name: v1, label: Village 1, town: Town_1}
                - {name: v2, label: Village 2, town: Town_2}
        "#]],
    );
}

#[test]
fn columns_yim_does_not_read_are_reported_per_row() {
    check(
        r#"
        type,name,label,hint,guidance_hint,image,media::audio::English (en),body::accuracyThreshold
        text,a,A,,For reviewers,,,
        geopoint,b,B ${a},See ${a},,map.png,b.mp3,5
        calculate,c,,,,,,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!2: unsupported column 'guidance_hint' (hints for the person reviewing the data)
            survey!3: unsupported column 'image' (pictures, sounds and videos)
            survey!3: unsupported column 'media::audio' (pictures, sounds and videos)
            survey!3: unsupported column 'body::accuracyThreshold'
            survey!4: the calculate question `c` has no calculation; it is left out
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: a
                type: text
                label: A
              - name: b
                type: geopoint
                label: "B ${a}"
                hint: "See ${a}"
        "#]],
    );
}

#[test]
fn files_that_are_not_xlsforms() {
    check(
        "",
        expect![[r#"
        settings: there is no form_id; the id `test` is made from the file name
        settings: there is no version; `1` is used, because Yim stores a version with every record
        survey: expected questions on the survey sheet, but none could be converted
    "#]],
    );
    let (form, notes) = yim_xlsform::import("x.xlsx", b"PK\x03\x04 not really a zip");
    assert!(form.is_none());
    expect![[r#"
        [
            "file: the file cannot be read as a spreadsheet (cannot detect file format)",
        ]
    "#]]
    .assert_debug_eq(&notes.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    let (form, notes) = yim_xlsform::import("x.csv", &[0xff, 0xfe, 0x00]);
    assert!(form.is_none());
    expect![[r#"
        [
            "file: the file is neither a spreadsheet (xlsx, xls) nor UTF-8 text (a CSV file)",
        ]
    "#]]
    .assert_debug_eq(&notes.iter().map(|n| n.to_string()).collect::<Vec<_>>());
}

#[test]
fn instance_name_names_the_records() {
    check(
        r#"
        survey,,,
        ,type,name,label
        ,text,child_name,Child's name
        ,text,village,Village
        settings,,,
        ,form_id,version,instance_name
        ,child,1,"concat(${child_name}, ' ', ${village})"
        "#,
        expect![[r#"
            ---
            form:
              id: child
              version: "1"
              title: child
              settings:
                instance_name: "concat(${child_name}, ' ', ${village})"
            questions:
              - name: child_name
                type: text
                label: Child's name
              - name: village
                type: text
                label: Village
        "#]],
    );
    // A reference to no question is reported at the settings row.
    check(
        r#"
        survey,,,
        ,type,name,label
        ,text,child_name,Child's name
        settings,,,
        ,form_id,version,instance_name
        ,child,1,${name}
        "#,
        expect![[r#"
            settings!6: in instance_name: unknown question `${name}`
            ---
            form:
              id: child
              version: "1"
              title: child
              settings:
                instance_name: "${name}"
            questions:
              - name: child_name
                type: text
                label: Child's name
            lint: form.yaml:10:21: in instance_name: unknown question `${name}`
        "#]],
    );
}

/// An ODK Entities follow-up form: the picker selects from the entity
/// list's CSV file, `entity_id` names it, and a question that ODK starts
/// with the case's value through a triggered look-up is what `save_to`
/// already does in Yim. Other look-ups of the case are kept as they are,
/// and a calculated `save_to` starts with nothing, in ODK as in Yim.
#[test]
fn an_entities_follow_up_form_becomes_a_case_follow_up() {
    check(
        r#"
        survey,,,,,,
        ,type,name,label,save_to,calculation,trigger
        ,select_one_from_file children.csv,child,Child,,,
        ,select_one risk,risk_level,Risk now,risk_level,"instance('children')/root/item[name = ${child}]/risk_level",${child}
        ,text,notes,Notes,notes,,
        ,calculate,village,,,instance('children')/root/item[name=${child}]/village,
        ,calculate,seen,,last_seen,today(),
        ,select_one yes_no,met,Met the child?,,,
        choices,,,,,,
        ,list_name,name,label,,,
        ,risk,low,Low,,,
        ,risk,high,High,,,
        ,yes_no,yes,Yes,,,
        ,yes_no,no,No,,,
        entities,,,,,,
        ,list_name,entity_id,update_if,label,,
        ,children,${child},${met} = 'yes',,,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!5: in Yim `notes` starts with the picked case's `notes`, which the volunteer may change; in ODK it did not
            ---
            form:
              id: test
              version: "1"
              title: test
            case:
              list: children
              pick: child
              update_if: "${met} = 'yes'"
            questions:
              - name: child
                type: select_one_case
                label: Child
              - name: risk_level
                type: select_one risk
                label: Risk now
                save_to: risk_level
              - name: notes
                type: text
                label: Notes
                save_to: notes
              - name: village
                type: calculate
                calculation: "instance('children')/root/item[name=${child}]/village"
              - name: seen
                type: calculate
                calculation: today()
                save_to: last_seen
              - name: met
                type: select_one yes_no
                label: Met the child?
            choices:
              risk:
                - {name: low, label: Low}
                - {name: high, label: High}
              yes_no:
                - {name: "yes", label: "Yes"}
                - {name: "no", label: "No"}
        "#]],
    );
}

/// A form that opens cases, with every `save_to` Yim cannot keep: each is
/// left out with its reason, and the answers are still collected.
#[test]
fn save_to_that_cannot_be_kept_is_reported_per_row() {
    check(
        r#"
        survey,,,,
        ,type,name,label,save_to
        ,text,first_name,First name,first_name
        ,text,full_name,Full name,name
        ,text,shown,Shown as,label
        ,text,version,Version,__version
        ,text,odd,Odd,two words
        ,text,again,Again,first_name
        ,text,other,Other list,households#size
        ,select_one st,state,State,status
        ,integer,next,Next visit in days,next_visit
        ,begin_group,g,Group,g
        ,text,inside,Inside,inside
        ,end_group,,,
        ,begin_repeat,r,Members,
        ,text,member,Member,member
        ,end_repeat,,,
        choices,,,,
        ,list_name,name,label,
        ,st,active,Active,
        entities,,,,
        ,list_name,label,,
        ,children,${first_name},,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!4: `save_to: name` is left out: `name` is reserved for the case's id, in ODK Entities as in Yim
            survey!5: `save_to: label` is left out: `label` is reserved for the case's label, which the entities sheet's `label` sets, in ODK Entities as in Yim
            survey!6: `save_to: __version` is left out: names starting with `__` are reserved for ODK's own entity properties
            survey!7: `save_to: two words` is left out: `two words` is not a valid property name (a letter or `_` first, then letters, digits, `_`, `-` or `.`)
            survey!8: `save_to: first_name` is left out: the property `first_name` is already saved by survey!3, and each property is saved by one question
            survey!9: `save_to: households#size` is left out: the entities sheet names no entity list `households`
            survey!10: Yim reads the case property `status` as the case's status, which only a select_one with the choices open, referred and closed can save; `state` cannot, so its answer is saved to `odk_status`
            survey!11: Yim reads the case property `next_visit` as the date of the next visit, which the home page sorts cases by and only a date question can save; `next` cannot, so its answer is saved to `odk_next_visit`
            survey!12: 'save_to' does not apply to a group; it is left out
            survey!16: `save_to: member` is left out: the question is inside a repeat, so it has one answer per entry; a Yim case property holds one value (entities saved from a repeat, as ODK Entities 2025.1 allows, are not supported)
            ---
            form:
              id: test
              version: "1"
              title: test
            case:
              list: children
              label: "${first_name}"
            questions:
              - name: first_name
                type: text
                label: First name
                save_to: first_name
              - name: full_name
                type: text
                label: Full name
              - name: shown
                type: text
                label: Shown as
              - name: version
                type: text
                label: Version
              - name: odd
                type: text
                label: Odd
              - name: again
                type: text
                label: Again
              - name: other
                type: text
                label: Other list
              - name: state
                type: select_one st
                label: State
                save_to: odk_status
              - name: next
                type: integer
                label: Next visit in days
                save_to: odk_next_visit
              - name: g
                type: group
                label: Group
                questions:
                  - name: inside
                    type: text
                    label: Inside
                    save_to: inside
              - name: r
                type: repeat
                label: Members
                questions:
                  - name: member
                    type: text
                    label: Member
            choices:
              st:
                - {name: active, label: Active}
        "#]],
    );
}

/// Entities sheets that are odd or hostile: a row without a list name,
/// a second list, columns ODK does not have, `dataset` for `list_name`,
/// an update that names no picker, `update_if` without an entity id, and
/// `save_to` with no entities sheet at all. Each is a note; nothing stops
/// the import.
#[test]
fn odd_entities_sheets_are_reported_row_by_row() {
    check(
        r#"
        survey,,,,
        ,type,name,label,save_to
        ,text,first_name,First name,first_name
        ,text,hh,Household,households#size
        entities,,,,
        ,dataset,label,colour,update_if
        ,,${first_name},red,
        ,children,${first_name},,${first_name} != ''
        ,households,${hh},,
        ,children,${first_name},,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!4: `save_to: households#size` is left out: the entity list `households` (entities!9) is left out
            entities!6: the column 'colour' is not one of ODK Entities' (list_name, label, create_if, update_if, entity_id); it is not read
            entities!7: the row has no list_name naming the entity list; it is left out
            entities!8: `update_if` needs an `entity_id` naming the entity to update; without one the form only opens cases, so `${first_name} != ''` is left out
            entities!9: a Yim form opens or follows the cases of one list, `children` (entities!8); the entity list `households` is left out, with the save_to columns that name it
            entities!10: the entity list `children` is declared already on entities!8; this row is left out
            ---
            form:
              id: test
              version: "1"
              title: test
            case:
              list: children
              label: "${first_name}"
            questions:
              - name: first_name
                type: text
                label: First name
                save_to: first_name
              - name: hh
                type: text
                label: Household
        "#]],
    );
    check(
        r#"
        survey,,,
        ,type,name,label
        ,text,child,Child
        entities,,,
        ,list_name,entity_id,update_if
        ,children,${child},true()
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            entities!6: the entity_id `${child}` names no select_one_from_file question of `children.csv`; Yim updates the case such a question picks, so the entity list is left out, with the save_to columns
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: child
                type: text
                label: Child
        "#]],
    );
    // A label the expression checker refuses is left out; lint then asks
    // for one, since a form that opens cases names each case.
    check(
        r#"
        survey,,,
        ,type,name,label,save_to
        ,text,child,Child,child_name
        entities,,,
        ,list_name,label,
        ,children,${missing},
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            entities!6: the label `${missing}` is left out: in the case label: unknown question `${missing}`
            ---
            form:
              id: test
              version: "1"
              title: test
            case:
              list: children
            questions:
              - name: child
                type: text
                label: Child
                save_to: child_name
            lint: form.yaml:11:1: a form that opens cases needs a `label` under `case`, the expression that names each case, such as `concat(${child_name}, ' (', ${nickname}, ')')`
        "#]],
    );
    // An "upsert" (update the entity given, else create one) becomes an
    // update; the picker's file and parameters are not the list's own.
    check(
        r#"
        survey,,,,
        ,type,name,label,parameters
        ,select_one_from_file kids.csv,child,Child,value=key
        ,text,note,Note,
        entities,,,,
        ,list_name,entity_id,create_if,update_if
        ,children,${child},${note} = 'new',${note} != 'new'
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!3: `kids.csv` is not the file of the entity list `children` the form updates; the question picks a case of `children`
            survey!3: the parameters 'value=key' are not read: the case picker shows each case's label and stores its id, as ODK does without them
            entities!7: `create_if` `${note} = 'new'` is left out: the form both updates the entity it is given and creates one when this holds; a Yim follow-up form only updates the case it picks
            ---
            form:
              id: test
              version: "1"
              title: test
            case:
              list: children
              pick: child
              update_if: "${note} != 'new'"
            questions:
              - name: child
                type: select_one_case
                label: Child
              - name: note
                type: text
                label: Note
        "#]],
    );
    check(
        r#"
        survey,,,
        ,type,name,label,save_to
        ,text,child,Child,child_name
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!3: `save_to: child_name` is left out: the form has no entities sheet naming the entity list it saves to
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: child
                type: text
                label: Child
        "#]],
    );
    check(
        r#"
        survey,,,
        ,type,name,label
        ,text,child,Child
        entities,,,
        ,list_name,label,
        ,__children,${child},
        ,children,,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            entities!6: `__children` is not a valid entity list name (letters, digits, `_` and `-`, not starting with `__`); the entity list is left out, with the save_to columns that name it
            entities!7: a form that opens cases needs a `label`, the expression that names each case; the entity list `children` is left out, with the save_to columns
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: child
                type: text
                label: Child
        "#]],
    );
}

/// Choices read from a file attached to the ODK form: a list declared by
/// the file, named after it, and a select question of it. The filter on the
/// file's columns is kept for lint to check once the file is there.
#[test]
fn choices_from_a_csv_file() {
    check(
        r#"
        type,name,label,choice_filter,parameters
        select_one_from_file villages.csv,village,Village,district=${district},
        select_multiple_from_file villages.csv,visited,Villages visited,,value=name label=label
        text,district,District,,
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!2: 'select_one_from_file villages.csv' is imported as `select_one villages`, with the list declared as `villages: {csv: villages.csv}`; put villages.csv next to the form, since the workbook does not hold it
            survey!3: 'select_multiple_from_file villages.csv' is imported as `select_multiple villages`, with the list declared as `villages: {csv: villages.csv}`; put villages.csv next to the form, since the workbook does not hold it
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: village
                type: select_one villages
                label: Village
                choice_filter: "district=${district}"
              - name: visited
                type: select_multiple villages
                label: Villages visited
              - name: district
                type: text
                label: District
            choices:
              villages: {csv: villages.csv}
            lint: form.yaml:16:21: in choice_filter: unexpected name `district`; refer to questions as `${district}` and quote text as 'district'
            lint: form.yaml:24:19: cannot read `villages.csv`, the CSV file of the choice list `villages`, expected next to the form file: the file does not exist
        "#]],
    );
}

#[test]
fn choices_from_a_geojson_file_with_other_columns() {
    check(
        r#"
        type,name,label,parameters
        select_one_from_file schools.geojson,school,School,value=code label=school_name
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!2: 'select_one_from_file schools.geojson' is imported as `select_one schools`, with the list declared as `schools: {geojson: schools.geojson}`; put schools.geojson next to the form, since the workbook does not hold it
            survey!2: the parameter 'value=code' is not read: Yim takes each choice's value from `id`, so rename `code` to `id` in the file
            survey!2: the parameter 'label=school_name' is not read: Yim takes each choice's label from `title`, so rename `school_name` to `title` in the file
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: school
                type: select_one schools
                label: School
            choices:
              schools: {geojson: schools.geojson}
            lint: form.yaml:18:22: cannot read `schools.geojson`, the GeoJSON file of the choice list `schools`, expected next to the form file: the file does not exist
        "#]],
    );
}

/// A list of the choices sheet already has the file's name, so the file's
/// list takes another; a file name that is not a Yim name is made one.
#[test]
fn a_file_list_whose_name_is_taken() {
    check(
        r#"
        survey,,,
        ,type,name,label
        ,select_one villages,home,Home village
        ,select_one_from_file villages.csv,village,Village
        ,select_one_from_file 2024-sites.csv,site,Site
        choices,,,
        ,list_name,name,label
        ,villages,a,Ban A
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!4: the choice list for the file is called `villages_2`, since the list `villages` is already on the choices sheet
            survey!4: 'select_one_from_file villages.csv' is imported as `select_one villages_2`, with the list declared as `villages_2: {csv: villages.csv}`; put villages.csv next to the form, since the workbook does not hold it
            survey!5: the choice list for the file is called `_2024-sites`, since `2024-sites` is not a valid Yim name
            survey!5: 'select_one_from_file 2024-sites.csv' is imported as `select_one _2024-sites`, with the list declared as `_2024-sites: {csv: 2024-sites.csv}`; put 2024-sites.csv next to the form, since the workbook does not hold it
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: home
                type: select_one villages
                label: Home village
              - name: village
                type: select_one villages_2
                label: Village
              - name: site
                type: select_one _2024-sites
                label: Site
            choices:
              villages:
                - {name: a, label: Ban A}
              villages_2: {csv: villages.csv}
              _2024-sites: {csv: 2024-sites.csv}
            lint: form.yaml:27:21: cannot read `villages.csv`, the CSV file of the choice list `villages_2`, expected next to the form file: the file does not exist
            lint: form.yaml:28:22: cannot read `2024-sites.csv`, the CSV file of the choice list `_2024-sites`, expected next to the form file: the file does not exist
        "#]],
    );
}

/// ODK also reads choices from XML files; Yim does not, and says so.
#[test]
fn choices_from_an_xml_file_are_left_out() {
    check(
        r#"
        type,name,label
        select_one_from_file villages.xml,village,Village
        text,t,Text
        "#,
        expect![[r#"
            settings: there is no form_id; the id `test` is made from the file name
            settings: there is no version; `1` is used, because Yim stores a version with every record
            survey!2: unsupported type 'select_one_from_file villages.xml' (Yim reads choices from CSV and GeoJSON files, not XML files); the question `village` is left out. Save the choices as villages.csv with the columns name and label, and write the question as `select_one_from_file villages.csv`
            ---
            form:
              id: test
              version: "1"
              title: test
            questions:
              - name: t
                type: text
                label: Text
        "#]],
    );
}

/// With the file next to it, the imported form loads the choices from it;
/// printed for its author, it names the file again, and printed to be kept
/// with records, it holds the choices themselves.
#[test]
fn an_imported_file_list_loads_with_its_file() {
    let csv = "type,name,label,choice_filter\n\
               text,district,District,\n\
               select_one_from_file villages.csv,village,Village,district = ${district}\n";
    let (form, notes) = yim_xlsform::import("test.csv", csv.as_bytes());
    let yaml = yim_xlsform::to_yaml(&form.expect("imports"), &notes, "test.csv");
    assert!(yaml.contains("  villages: {csv: villages.csv}\n"), "{yaml}");
    let files = MemFiles::new().with("form.yaml", yaml).with(
        "villages.csv",
        "name,label,district\nb1,Ban Nong,d1\nb2,Ban Khok,d2\n".to_owned(),
    );
    let (_, diags) = yim_engine::load_and_compile("form.yaml", &files);
    assert!(diags.is_empty(), "{diags:?}");
    let form = yim_form::load("form.yaml", &files).0.expect("loads");
    let list = &form.choices["villages"];
    let names: Vec<&str> = list.choices.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["b1", "b2"]);
    assert!(yim_form::to_yaml_with_files(&form).contains("  villages: {csv: villages.csv}\n"));
    let kept = yim_form::to_yaml(&form);
    assert!(
        kept.contains("    - {name: b1, label: Ban Nong, district: d1}\n"),
        "{kept}"
    );
    let (again, diags) = yim_form::load("kept.yaml", &MemFiles::new().with("kept.yaml", kept));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(again.expect("loads").choices["villages"].choices.len(), 2);
}
