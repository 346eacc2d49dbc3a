//! Time claims as absolute UTC dates and countdown phrases. The local date is the page's to
//! format (the core knows no time zone); the phrase is re-asked with a new `now` each second.

use crate::prelude::*;

use crate::jose::claims::Claims;
use crate::jose::time_fmt::{iso8601, span};

use super::view::TimeView;

/// The time claims the inspector shows, in this order.
const TIME_CLAIMS: [&str; 4] = ["exp", "nbf", "iat", "auth_time"];

pub(crate) fn of(c: &Claims, now: i64) -> Vec<TimeView> {
    TIME_CLAIMS
        .into_iter()
        .filter_map(|claim| {
            let at = match claim {
                "exp" => c.exp(),
                "nbf" => c.nbf(),
                "iat" => c.iat(),
                _ => c.auth_time(),
            }?;
            Some(TimeView { claim, at, utc: iso8601(at), relative: describe_time(claim, at, now), past: at <= now })
        })
        .collect()
}

/// "expires in 4m 12s" / "expired 3h 0m ago" and the like for a time claim.
pub fn describe_time(claim: &str, at: i64, now: i64) -> String {
    let d = span(at - now);
    let future = at > now;
    match (claim, future) {
        ("exp", true) => format!("expires in {d}"),
        ("exp", false) => format!("expired {d} ago"),
        ("nbf", true) => format!("not valid for another {d}"),
        ("nbf", false) => format!("valid since {d} ago"),
        ("iat", true) => format!("issued {d} in the future (clock skew?)"),
        ("iat", false) => format!("issued {d} ago"),
        ("auth_time", true) => format!("authenticated {d} in the future (clock skew?)"),
        ("auth_time", false) => format!("user authenticated {d} ago"),
        (_, true) => format!("in {d}"),
        (_, false) => format!("{d} ago"),
    }
}

#[cfg(test)]
mod tests {
    use super::describe_time;

    #[test]
    fn countdown_phrases() {
        assert_eq!(describe_time("exp", 1252, 1000), "expires in 4m 12s");
        assert_eq!(describe_time("exp", 1000, 1000 + 3 * 3600), "expired 3h 0m ago");
        assert_eq!(describe_time("iat", 880, 1000), "issued 2m 0s ago");
        assert_eq!(describe_time("nbf", 1030, 1000), "not valid for another 30s");
    }
}
