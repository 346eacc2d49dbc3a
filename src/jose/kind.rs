//! What a token is for. Keycloak says it in the payload `typ` claim (Bearer, ID, Refresh,
//! Offline); RFC 9068 access tokens say it in the header `typ` (`at+jwt`).

use core::fmt;
use core::str::FromStr;

use crate::jose::error::{Error, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Access,
    Id,
    Refresh,
    Offline,
    Unknown,
}

impl TokenKind {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Id => "id",
            Self::Refresh => "refresh",
            Self::Offline => "offline",
            Self::Unknown => "unknown",
        }
    }

    /// Classify from the header `typ` and the payload `typ`. When the two disagree the
    /// token is `Unknown`: a kind check then fails closed.
    pub fn classify(header_typ: Option<&str>, payload_typ: Option<&str>) -> TokenKind {
        let from_payload = payload_typ.and_then(|t| match t {
            "Bearer" | "bearer" => Some(Self::Access),
            "ID" => Some(Self::Id),
            "Refresh" => Some(Self::Refresh),
            "Offline" => Some(Self::Offline),
            _ => None,
        });
        let from_header = header_typ.and_then(|t| {
            let t = t.strip_prefix("application/").unwrap_or(t);
            t.eq_ignore_ascii_case("at+jwt").then_some(Self::Access)
        });
        match (from_header, from_payload) {
            (Some(h), Some(p)) if h != p => Self::Unknown,
            (Some(k), _) | (None, Some(k)) => k,
            (None, None) => Self::Unknown,
        }
    }
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TokenKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "access" => Ok(Self::Access),
            "id" => Ok(Self::Id),
            "refresh" => Ok(Self::Refresh),
            "offline" => Ok(Self::Offline),
            _ => Err(Error::new(
                ErrorKind::InvalidOption,
                "kind must be one of \"access\", \"id\", \"refresh\", \"offline\"",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TokenKind::{self, *};

    #[test]
    fn keycloak_and_rfc9068_kinds() {
        assert_eq!(TokenKind::classify(Some("JWT"), Some("Bearer")), Access);
        assert_eq!(TokenKind::classify(Some("JWT"), Some("ID")), Id);
        assert_eq!(TokenKind::classify(Some("JWT"), Some("Refresh")), Refresh);
        assert_eq!(TokenKind::classify(None, Some("Offline")), Offline);
        assert_eq!(TokenKind::classify(Some("at+jwt"), None), Access);
        assert_eq!(TokenKind::classify(Some("application/at+jwt"), None), Access);
        assert_eq!(TokenKind::classify(Some("JWT"), None), Unknown);
        assert_eq!(TokenKind::classify(None, Some("Something")), Unknown);
    }

    #[test]
    fn disagreement_is_unknown() {
        assert_eq!(TokenKind::classify(Some("at+jwt"), Some("ID")), Unknown);
        assert_eq!(TokenKind::classify(Some("at+jwt"), Some("Refresh")), Unknown);
    }
}
