//! Register lints beyond what the model rejects.
//!
//! Everything the register model refuses (malformed ids and versions,
//! duplicates, dates that contradict the status, unknown `supersedes`) is
//! already a build error and reaches the report with the build's
//! diagnostics. What only the build date can tell is here: a standard
//! still shown as "in Kommentierung" after its comment period ended.

use super::Finding;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::Site;
use crate::parse::Kind;
use crate::parse::front_matter::Status;

pub(crate) fn check(site: &Site) -> Vec<Finding> {
    let today = site
        .publication
        .build_date
        .to_zoned_datetime(crate::parse::dates::berlin())
        .date();
    let mut findings = Vec::new();
    for page in &site.pages {
        let Kind::Standard(standard) = &page.doc.kind else {
            continue;
        };
        if standard.status != Status::Consultation {
            continue;
        }
        let Some(until) = &standard.comments_until else {
            continue;
        };
        if until.date >= today {
            continue;
        }
        let (line, column) = page.doc.position_of("comments_until");
        findings.push(Finding::in_file(
            Diagnostic::warning(
                Code::RegisterConsultationClosed,
                &page.doc.path,
                format!(
                    "{} {} is still shown as in consultation (in Kommentierung), but comments closed on {}",
                    standard.id, standard.version.0, until.date
                ),
                "record the decision: `status: adopted` with `adopted:`, or `status: draft` for a revised draft; or extend `comments_until:` if the consultation goes on",
            )
            .at(line, column),
        ));
    }
    findings
}
