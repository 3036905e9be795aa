//! Finalizing a response: the order in which its problems, its data, the
//! seal and the write happen.
//!
//! A response is finalized only when the form has no problem left; its
//! finalized data is taken only then (with the end time stamped); the
//! attachments it names (photos) are sealed, then the record itself, to
//! the form's recipients when it has any; and only a sealed (or unsealable)
//! record is handed to the write, with its sealed attachments, so that both
//! are stored in one write. When any step fails, nothing after it happens:
//! the answers and the photos stay on the phone as a draft.

/// What finalizing needs of the open form. The app implements it with the
/// engine session, the autosave and the seal; the tests with a recording
/// fake.
pub trait Finalizing {
    /// A problem that stops finalizing (a required question unanswered, an
    /// answer that breaks a rule).
    type Problem;
    /// The finalized record to store.
    type Record;
    /// The record's attachments (photos) sealed with it, to be stored in
    /// the same write.
    type Attachments;
    /// Why the record could not be sealed.
    type SealError;

    /// Every problem of the response, which from now on shows its errors.
    fn problems(&mut self) -> Vec<Self::Problem>;
    /// Stamps the end time and gives the finalized record, holding the
    /// finalized data. Called only when there is no problem.
    fn finalized(&mut self) -> Self::Record;
    /// Seals `record` for the data office when the form has recipients, or
    /// gives it back unchanged when it has none.
    fn seal(&mut self, record: Self::Record) -> Result<Self::Record, Self::SealError>;
    /// Seals the attachments that the finalized `record` names, to the
    /// same recipients as the record, before the record itself is sealed
    /// (sealing takes its data away). Gives none when the form seals
    /// nothing: the attachments then stay as they are kept.
    fn seal_attachments(
        &mut self,
        record: &Self::Record,
    ) -> Result<Self::Attachments, Self::SealError>;
}

/// What pressing Finalize leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Step<P, R, A, E> {
    /// Not finalized: these problems are to be listed.
    Problems(Vec<P>),
    /// Not finalized: sealing failed, so nothing is to be stored, and the
    /// volunteer is told why.
    NotSealed(E),
    /// Ready: this record and its sealed attachments are to be stored, in
    /// one write. The screen closes only once the write succeeded; after a
    /// failed write it stays open with a retry.
    Store(R, A),
}

/// Finalizes the response of `form`: problems first, then the data, then
/// the seal of its attachments and of the record.
pub fn finalize<F: Finalizing>(
    form: &mut F,
) -> Step<F::Problem, F::Record, F::Attachments, F::SealError> {
    let problems = form.problems();
    if !problems.is_empty() {
        return Step::Problems(problems);
    }
    let record = form.finalized();
    let attachments = match form.seal_attachments(&record) {
        Ok(attachments) => attachments,
        Err(error) => return Step::NotSealed(error),
    };
    match form.seal(record) {
        Ok(record) => Step::Store(record, attachments),
        Err(error) => Step::NotSealed(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A form that records what finalizing asked of it.
    struct Fake {
        problems: Vec<&'static str>,
        seals: Result<(), &'static str>,
        seals_photos: Result<(), &'static str>,
        calls: Vec<&'static str>,
    }

    impl Finalizing for Fake {
        type Problem = &'static str;
        type Record = String;
        type Attachments = Vec<String>;
        type SealError = &'static str;

        fn problems(&mut self) -> Vec<&'static str> {
            self.calls.push("problems");
            self.problems.clone()
        }
        fn finalized(&mut self) -> String {
            self.calls.push("finalized");
            "record".to_string()
        }
        fn seal(&mut self, record: String) -> Result<String, &'static str> {
            self.calls.push("seal");
            self.seals.map(|()| format!("sealed {record}"))
        }
        fn seal_attachments(&mut self, record: &String) -> Result<Vec<String>, &'static str> {
            self.calls.push("seal photos");
            self.seals_photos
                .map(|()| vec![format!("sealed photo of {record}")])
        }
    }

    type Outcome = Step<&'static str, String, Vec<String>, &'static str>;

    fn check(
        problems: &[&'static str],
        (seals_photos, seals): (Result<(), &'static str>, Result<(), &'static str>),
        step: Outcome,
        calls: &[&str],
    ) {
        let mut fake = Fake {
            problems: problems.to_vec(),
            seals,
            seals_photos,
            calls: Vec::new(),
        };
        assert_eq!(finalize(&mut fake), step);
        assert_eq!(fake.calls, calls);
    }

    #[test]
    fn problems_stop_finalizing_before_the_data_is_taken() {
        check(
            &["age: required", "name: required"],
            (Ok(()), Ok(())),
            Step::Problems(vec!["age: required", "name: required"]),
            &["problems"],
        );
    }

    #[test]
    fn a_response_without_problems_is_sealed_then_stored() {
        check(
            &[],
            (Ok(()), Ok(())),
            Step::Store(
                "sealed record".to_string(),
                vec!["sealed photo of record".to_string()],
            ),
            &["problems", "finalized", "seal photos", "seal"],
        );
    }

    #[test]
    fn a_failed_seal_stores_nothing() {
        check(
            &[],
            (Ok(()), Err("no recipient")),
            Step::NotSealed("no recipient"),
            &["problems", "finalized", "seal photos", "seal"],
        );
    }

    #[test]
    fn a_photo_that_cannot_be_sealed_stores_nothing_and_seals_no_answer() {
        check(
            &[],
            (Err("the photo could not be read"), Ok(())),
            Step::NotSealed("the photo could not be read"),
            &["problems", "finalized", "seal photos"],
        );
    }
}
