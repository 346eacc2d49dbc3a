//! JSON parsing (RFC 8259), strict where serde_json is lenient or silent: duplicate member
//! names are refused (RFC 7515 5.2 / RFC 8725 3.9: two parsers must never see different
//! claims) and nesting deeper than `MAX_JSON_DEPTH` is refused. Hand-written into
//! `serde_json::Value` rather than through serde's deserializer: one small parser for every
//! document (tokens, keys, provider answers, the session's events), and none of serde's
//! error-formatting code in the Wasm.

use crate::prelude::*;

use serde_json::{Map, Number, Value};

use crate::jose::error::{Error, Result};
use crate::jose::limits::MAX_JSON_DEPTH;

/// Parse a JSON object strictly. `what` names the document in error messages.
pub fn parse_object(what: &str, bytes: &[u8]) -> Result<Map<String, Value>> {
    match parse_value(what, bytes)? {
        Value::Object(map) => Ok(map),
        _ => Err(Error::malformed(format!("{what} is not a JSON object"))),
    }
}

pub fn parse_value(what: &str, bytes: &[u8]) -> Result<Value> {
    parse(what, bytes, false)
}

/// Parse text that `JSON.stringify` wrote from a JS value: as `parse_value`, except that a
/// lone surrogate escape (`"\ud800"`, from a JS string that is not well-formed UTF-16, such
/// as half of a typed emoji) reads as U+FFFD, as JS itself does when it encodes such a string
/// as UTF-8, instead of failing the whole value. (Two member names that differ only in such
/// halves then read the same, and the object is refused as having a duplicate member.)
#[cfg(any(all(target_arch = "wasm32", feature = "session"), test))]
pub fn parse_js_value(what: &str, bytes: &[u8]) -> Result<Value> {
    parse(what, bytes, true)
}

fn parse(what: &str, bytes: &[u8], lossy: bool) -> Result<Value> {
    let invalid = |why: &str| Error::malformed(format!("{what} is not valid JSON: {why}"));
    let text = core::str::from_utf8(bytes).map_err(|_| invalid("it is not UTF-8"))?;
    let mut p = Parser { text, at: 0, lossy };
    let v = p.value(0).map_err(|e| invalid(&e))?;
    p.space();
    if p.at != text.len() {
        return Err(invalid("trailing characters"));
    }
    Ok(v)
}

/// Why a document is not JSON: fixed text, or (a duplicate member) one naming the member.
type Fail = alloc::borrow::Cow<'static, str>;

struct Parser<'a> {
    text: &'a str,
    at: usize,
    /// Lone surrogate escapes read as U+FFFD (`parse_js_value`) instead of failing.
    lossy: bool,
}

impl Parser<'_> {
    /// The text from `a` to `b`. Every bound the parser takes is at an ASCII byte, so a char
    /// boundary; `get` rather than indexing keeps core's slicing panic, and the formatting
    /// it brings, out of the Wasm.
    fn slice(&self, a: usize, b: usize) -> &str {
        self.text.get(a..b).expect("the parser's bounds are at ASCII bytes")
    }

    /// The text not read yet.
    fn rest(&self) -> &str {
        self.slice(self.at, self.text.len())
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Skip `byte` (after white space), or fail with `expected`.
    fn expect(&mut self, byte: u8, expected: &'static str) -> core::result::Result<(), Fail> {
        self.space();
        if self.peek() != Some(byte) {
            return Err(expected.into());
        }
        self.at += 1;
        Ok(())
    }

    fn value(&mut self, depth: usize) -> core::result::Result<Value, Fail> {
        self.space();
        let b = self.peek().ok_or("unexpected end")?;
        if matches!(b, b'{' | b'[') && depth >= MAX_JSON_DEPTH {
            return Err(format!("nested deeper than {MAX_JSON_DEPTH} levels").into());
        }
        match b {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(Value::String),
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'n' => self.word("null", Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err("expected a value".into()),
        }
    }

    fn word(&mut self, word: &str, v: Value) -> core::result::Result<Value, Fail> {
        if !self.rest().starts_with(word) {
            return Err("expected a value".into());
        }
        self.at += word.len();
        Ok(v)
    }

    fn object(&mut self, depth: usize) -> core::result::Result<Value, Fail> {
        self.at += 1;
        let mut out = Map::new();
        self.space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(out));
        }
        loop {
            self.space();
            if self.peek() != Some(b'"') {
                return Err("expected a member name".into());
            }
            let key = self.string()?;
            if out.contains_key(&key) {
                return Err(format!("duplicate member \"{}\"", crate::jose::error::sanitize(&key, 40)).into());
            }
            self.expect(b':', "expected `:`")?;
            let v = self.value(depth)?;
            out.insert(key, v);
            self.space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Object(out));
                }
                _ => return Err("expected `,` or `}`".into()),
            }
        }
    }

    fn array(&mut self, depth: usize) -> core::result::Result<Value, Fail> {
        self.at += 1;
        let mut out = Vec::new();
        self.space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(out));
        }
        loop {
            out.push(self.value(depth)?);
            self.space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(out));
                }
                _ => return Err("expected `,` or `]`".into()),
            }
        }
    }

    /// A string, the opening quote at `at`.
    fn string(&mut self) -> core::result::Result<String, Fail> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            let bytes = self.text.as_bytes();
            while self.at < bytes.len() && !matches!(bytes[self.at], b'"' | b'\\' | 0..=0x1f) {
                self.at += 1;
            }
            // Stopped at an ASCII byte (or the end): a char boundary.
            out.push_str(self.slice(start, self.at));
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                Some(_) => return Err("control character in a string".into()),
                None => return Err("unterminated string".into()),
            }
        }
    }

    /// The character an escape stands for, the backslash already read.
    fn escape(&mut self) -> core::result::Result<char, Fail> {
        let b = self.peek().ok_or("unterminated string")?;
        self.at += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                let lossy = self.lossy;
                let lone = || if lossy { Ok('\u{fffd}') } else { Err("lone surrogate in a \\u escape") };
                match hi {
                    0xD800..=0xDBFF => {
                        // Only a low surrogate escape completes the pair; anything else is
                        // left for the next read.
                        let back = self.at;
                        let lo = if self.rest().starts_with("\\u") {
                            self.at += 2;
                            self.hex4().ok().filter(|lo| (0xDC00..=0xDFFF).contains(lo))
                        } else {
                            None
                        };
                        match lo {
                            Some(lo) => char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                .ok_or("invalid \\u escape")?,
                            None => {
                                self.at = back;
                                lone()?
                            }
                        }
                    }
                    0xDC00..=0xDFFF => lone()?,
                    c => char::from_u32(c).ok_or("invalid \\u escape")?,
                }
            }
            _ => return Err("invalid escape".into()),
        })
    }

    fn hex4(&mut self) -> core::result::Result<u32, Fail> {
        let digits = self.text.get(self.at..self.at + 4).ok_or("invalid \\u escape")?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("invalid \\u escape".into());
        }
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|_| "invalid \\u escape".into())
    }

    /// A number: integers as u64 / i64 when they fit, anything else as a finite f64.
    fn number(&mut self) -> core::result::Result<Value, Fail> {
        let start = self.at;
        let bytes = self.text.as_bytes();
        let digits = |at: &mut usize| {
            let from = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at > from
        };
        let mut at = self.at;
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        let int_start = at;
        if !digits(&mut at) || (bytes[int_start] == b'0' && at > int_start + 1) {
            return Err("invalid number".into());
        }
        let mut integer = true;
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            integer = false;
            if !digits(&mut at) {
                return Err("invalid number".into());
            }
        }
        if let Some(b'e' | b'E') = bytes.get(at) {
            at += 1;
            integer = false;
            if let Some(b'+' | b'-') = bytes.get(at) {
                at += 1;
            }
            if !digits(&mut at) {
                return Err("invalid number".into());
            }
        }
        self.at = at;
        let t = self.slice(start, at);
        if integer {
            if let Ok(n) = t.parse::<u64>() {
                return Ok(Value::Number(n.into()));
            }
            if let Ok(n) = t.parse::<i64>() {
                return Ok(Value::Number(n.into()));
            }
        }
        Number::from_f64(decimal_to_f64(t)).map(Value::Number).ok_or_else(|| "number out of range".into())
    }
}

/// A JSON number's value as f64, without core's float parser (its tables are about a tenth of
/// the browser's Wasm). Exact (Clinger's fast path: both operands exact, one rounding) when the
/// significant digits fit in 2^53 and the power of ten is at most 22, which covers every
/// NumericDate and everyday decimal; beyond that within a few units in the last place, as
/// serde_json reads numbers by default. Infinite when out of range.
fn decimal_to_f64(t: &str) -> f64 {
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (mantissa_text, exp_text) = t.split_once(['e', 'E']).unwrap_or((t, ""));
    // The significant digits in a u64 (19 of them; the rest only scale), and the power of ten.
    let mut m: u64 = 0;
    let mut exp: i64 = 0;
    let mut after_point = false;
    for b in mantissa_text.bytes() {
        match b {
            b'.' => after_point = true,
            d if m < 1_000_000_000_000_000_000 => {
                m = m * 10 + u64::from(d - b'0');
                exp -= i64::from(after_point);
            }
            _ => exp += i64::from(!after_point),
        }
    }
    let e: i64 = match exp_text.strip_prefix('-') {
        Some(digits) => -saturating_digits(digits),
        None => saturating_digits(exp_text.trim_start_matches('+')),
    };
    let exp = exp.saturating_add(e).clamp(-1000, 1000) as i32;
    let mut v = m as f64;
    if m != 0 {
        // 10^k is exact in f64 for k <= 22; beyond that, scaled in exact steps.
        let mut left = exp;
        while left > 22 {
            v *= 1e22;
            left -= 22;
        }
        while left < -22 {
            v /= 1e22;
            left += 22;
        }
        let p = POW10[left.unsigned_abs() as usize];
        v = if left >= 0 { v * p } else { v / p };
    }
    if negative {
        -v
    } else {
        v
    }
}

/// The powers of ten f64 holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// An exponent's digits as a number, saturating (`1e99999999999999999999` is simply too big).
fn saturating_digits(digits: &str) -> i64 {
    digits.bytes().fold(0i64, |n, d| n.saturating_mul(10).saturating_add(i64::from(d - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_members_are_refused() {
        let err = parse_object("payload", br#"{"sub":"a","sub":"b"}"#).unwrap_err();
        assert_eq!(err.code(), "malformed");
        assert!(err.message().contains("duplicate member \"sub\""), "{}", err.message());
    }

    #[test]
    fn nested_duplicates_are_refused() {
        assert!(parse_object("payload", br#"{"a":{"x":1,"x":2}}"#).is_err());
    }

    #[test]
    fn depth_is_bounded() {
        // The object is one level, so MAX_JSON_DEPTH arrays inside it are one too many.
        let deep = format!("{}1{}", "[".repeat(MAX_JSON_DEPTH), "]".repeat(MAX_JSON_DEPTH));
        let doc = format!("{{\"a\":{deep}}}");
        let err = parse_object("payload", doc.as_bytes()).unwrap_err();
        assert!(err.message().contains("nested deeper"), "{}", err.message());
        let ok = format!("{{\"a\":{}1{}}}", "[".repeat(MAX_JSON_DEPTH - 1), "]".repeat(MAX_JSON_DEPTH - 1));
        assert!(parse_object("payload", ok.as_bytes()).is_ok());
    }

    #[test]
    fn text_from_json_stringify_reads_lone_surrogates_as_replacement_characters() {
        for (text, want) in [
            (r#"["a\ud800b"]"#, "a\u{fffd}b"),
            (r#"["\udc00"]"#, "\u{fffd}"),
            (r#"["\ud800\u0041"]"#, "\u{fffd}A"),
            (r#"["\ud800\ud800\udc00"]"#, "\u{fffd}\u{10000}"),
            (r#"["\ud83d\ude00"]"#, "\u{1f600}"),
        ] {
            assert_eq!(parse_js_value("event", text.as_bytes()).unwrap(), serde_json::json!([want]), "{text}");
        }
        // Everything else stays strict.
        assert!(parse_js_value("event", br#"["\u12"]"#).is_err());
        assert!(parse_js_value("event", br#"{"a":1,"a":2}"#).is_err());
    }

    // (Not long decimals: neither parser promises the nearest f64 there.)
    #[test]
    fn it_reads_what_rfc_8259_allows_as_serde_json_does() {
        for text in [
            r#"{"a":[1,-2,3.5,1e3,-0.25E-2,18446744073709551615,-9223372036854775808,1e20,12345678901234567890]}"#,
            r#"{ "s" : "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00é" , "t":true,"f":false,"n":null,"o":{},"e":[] }"#,
            "\t\r\n {\"a\" :\n[ ]}\n",
        ] {
            let ours = parse_value("doc", text.as_bytes()).unwrap();
            let theirs: Value = serde_json::from_str(text).unwrap();
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn it_refuses_what_rfc_8259_does_not_allow() {
        for text in [
            "",
            " ",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "[1,]",
            "[01]",
            "[1.]",
            "[.5]",
            "[1e]",
            "[-]",
            "[+1]",
            "[NaN]",
            "[tru]",
            "{'a':1}",
            "{a:1}",
            "[\"\\x\"]",
            "[\"\\u12\"]",
            "[\"\\ud800\"]",
            "[\"\\udc00\"]",
            "[\"\\ud800\\u0041\"]",
            "[\"a\tb\"]",
            "[\"abc]",
            "[1] [2]",
            "[1e999]",
            "[-1e999]",
        ] {
            let err = parse_value("doc", text.as_bytes()).unwrap_err();
            assert_eq!(err.code(), "malformed", "{text}");
            assert!(serde_json::from_str::<Value>(text).is_err(), "serde_json accepts {text}");
        }
        assert!(parse_value("doc", b"[\"\xff\"]").is_err());
    }

    #[test]
    fn decimals_are_exact_where_f64_can_be_and_close_elsewhere() {
        let exact = [
            "0.5",
            "-0.25",
            "3.14159",
            "1700000000.5",
            "1e22",
            "9007199254740991e-22",
            "12.5e-3",
            "-0.0",
            "0e5",
            "1e-7",
        ];
        for t in exact {
            assert_eq!(decimal_to_f64(t).to_bits(), t.parse::<f64>().unwrap().to_bits(), "{t}");
        }
        let close = [
            "1.7976931348623157e308",
            "2.2250738585072014e-308",
            "123456789012345678901234.5",
            "6.02214076e23",
            "1e-300",
            "0.1e-310",
        ];
        for t in close {
            let (ours, core) = (decimal_to_f64(t), t.parse::<f64>().unwrap());
            assert!(((ours - core) / core).abs() < 1e-15, "{t}: {ours} vs {core}");
        }
        assert!(decimal_to_f64("1e309").is_infinite());
        assert_eq!(decimal_to_f64("1e-400"), 0.0);
        assert_eq!(decimal_to_f64("1e99999999999999999999999"), f64::INFINITY);
        assert_eq!(decimal_to_f64("0.000001e99999999999999999999999"), f64::INFINITY);
        assert_eq!(decimal_to_f64("0e99999999999999999999999"), 0.0);
        // Digits that scale the exponent, added to one already at its limit: saturates.
        assert_eq!(decimal_to_f64("100000000000000000000e9223372036854775807"), f64::INFINITY);
        assert_eq!(decimal_to_f64("0.01e-9223372036854775807"), 0.0);
    }

    use proptest::prelude::*;

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            // Decimals f64 holds exactly, printed by serde_json in any of its forms.
            (any::<i32>(), 0u32..6).prop_map(|(m, k)| Value::from(f64::from(m) / f64::from(2u32.pow(k)))),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(any::<String>(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        // Small documents, many of them: each case takes microseconds.
        #![proptest_config(ProptestConfig::with_cases(8192))]

        // Whatever serde_json writes (compact or pretty, every escape it uses), this parser reads
        // back as the same value.
        #[test]
        fn it_reads_back_whatever_serde_json_writes(v in any_json()) {
            let compact = serde_json::to_string(&v).unwrap();
            prop_assert_eq!(&parse_value("doc", compact.as_bytes()).unwrap(), &v);
            let pretty = serde_json::to_string_pretty(&v).unwrap();
            prop_assert_eq!(&parse_value("doc", pretty.as_bytes()).unwrap(), &v);
        }

        // One edit away from valid JSON (a byte inserted, removed or replaced), it agrees with
        // serde_json on whether the text is JSON, unless it refuses for a reason serde_json does
        // not have (a duplicate member, the depth limit).
        #[test]
        fn it_accepts_exactly_what_serde_json_accepts(
            v in any_json(),
            at in any::<proptest::sample::Index>(),
            edit in 0u8..3,
            byte in proptest::sample::select(b"[]{}\",:0123456789eE.+- \\/u\x01tfn".to_vec()),
        ) {
            let mut text = serde_json::to_string(&v).unwrap().into_bytes();
            let i = at.index(text.len() + 1);
            match edit {
                0 => text.insert(i, byte),
                1 if i < text.len() => { text.remove(i); }
                _ if i < text.len() => text[i] = byte,
                _ => text.push(byte),
            }
            let ours = parse_value("doc", &text);
            let theirs = serde_json::from_slice::<Value>(&text);
            let ours_only = ours.as_ref().err().is_some_and(|e| e.message().contains("duplicate") || e.message().contains("nested"));
            if !ours_only {
                prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{}", String::from_utf8_lossy(&text));
            }
        }
    }

    #[test]
    fn trailing_garbage_and_non_objects_are_refused() {
        assert!(parse_object("payload", br#"{"a":1} x"#).is_err());
        assert!(parse_object("payload", br#"[1]"#).is_err());
        assert!(parse_object("payload", br#"{"a":1e400}"#).is_err());
    }
}
