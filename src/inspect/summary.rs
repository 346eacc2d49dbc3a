//! An `explain` report in one sentence: accepted, or which checks fail and why, so a token
//! checked against the app's own configuration says in words why it is refused.

use crate::prelude::*;

use crate::jose::explain::{Report, Status};

pub fn summary(report: &Report) -> String {
    if report.ok {
        return "Accepted: every check passes under this configuration.".into();
    }
    let failures: Vec<String> = report.failures().map(|c| format!("{}: {}", c.id, c.reason)).collect();
    if !failures.is_empty() {
        let n = failures.len();
        return format!(
            "Refused: {n} check{} fail{}. {}.",
            if n == 1 { "" } else { "s" },
            if n == 1 { "s" } else { "" },
            failures.join("; ")
        );
    }
    match report.check(crate::check_id::SIGNATURE) {
        Some(c) if c.status == Status::Skipped => {
            format!("Not verified: the claims pass, but the signature was not checked ({}).", c.reason)
        }
        _ => "Not verified.".into(),
    }
}
