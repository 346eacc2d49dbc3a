//! The parity corpus: one set of cases for every build and runtime. Its sources are the
//! jose-signed tokens committed in `tests/parity/jose-corpus.json` (made once by
//! `tests/parity/make-jose-corpus.mjs`, each with the outcome tokenward must give) and the
//! compact-JWS vectors read here from the shared vectors (Wycheproof json_web_signature /
//! json_web_key, RFC 7520 section 4 and RFC 8037; never copied into the repository).
//!
//! This test gives each case its native verdict (`verify`, `verify_start` / `verify_finish`,
//! `explain`), asserts the jose cases' committed outcome, and writes the whole corpus with the
//! verdicts to `target/parity/corpus.json` (or `$TOKENWARD_PARITY_CORPUS`). The JS tests
//! (tests/js/fixtures/parity-compare.mjs) then run every case through the wasm32 build in
//! Node, Chromium and workerd and compare each answer with the native verdict.
//!
//! A verdict is `{ keys, rejected, verify, explain, signature, reachesSignature }`: `keys` is
//! "ok" or the code the key set's construction failed with (then nothing else is set);
//! `rejected` the number of keys the set refused; `verify` "ok" or the error code; `explain`
//! "ok" or the code of the first failed check; `signature` the status of explain's signature
//! check (explain carries on past a payload that is not JSON, so this is where the vectors'
//! signatures are compared); `reachesSignature` whether `verify` gets as far as the signature
//! check (`explain_signature_input` succeeds), which the runtimes' exceptions refer to.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};
use tokenward::{
    explain, explain_signature_input, verify, verify_finish, verify_start, Algorithm, KeySet, Started, VerifyOptions,
};

use crate::common::{self, array, say, unb64u};
use crate::jose::public_jwk;

/// The clock for the vector cases (the jose cases carry their own).
const VECTOR_NOW: i64 = 1_767_225_600;
/// At least this many jose cases: the committed corpus has one set per algorithm (13).
const MIN_JOSE_CASES: usize = 13 * 15;

fn jose_corpus_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("parity").join("jose-corpus.json")
}

/// `$TOKENWARD_PARITY_CORPUS`, else `<crate>/target/parity/corpus.json` (the JS side reads
/// the same).
fn output_path() -> PathBuf {
    match std::env::var_os("TOKENWARD_PARITY_CORPUS") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("parity").join("corpus.json"),
    }
}

fn keyset(keys: &Value) -> Result<KeySet, tokenward::Error> {
    if let Some(jwks) = keys.get("jwks") {
        return KeySet::from_jwks(&jwks.to_string());
    }
    let s = &keys["secret"];
    let secret = unb64u(s["k"].as_str().expect("secret.k")).expect("secret.k is base64url");
    let alg: Algorithm = s["alg"].as_str().expect("secret.alg").parse()?;
    KeySet::from_secret(&secret, alg, s["kid"].as_str())
}

/// The JS options object (camelCase, `now` included) as the core's options. A member this
/// does not know fails the test: no option is dropped on the way.
fn options(id: &str, v: &Value) -> (VerifyOptions, i64) {
    let mut opts = VerifyOptions::default();
    let mut now = None;
    let strings = |v: &Value| -> Vec<String> {
        match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a.iter().map(|s| s.as_str().expect("option string").to_owned()).collect(),
            _ => panic!("{id}: option {v} is not a string or array"),
        }
    };
    for (name, value) in v.as_object().unwrap_or_else(|| panic!("{id}: options is not an object")) {
        match name.as_str() {
            "issuer" => opts.issuer = strings(value),
            "audience" => opts.audience = strings(value),
            "algorithms" => {
                let algs: Vec<Algorithm> = strings(value).iter().map(|a| a.parse().expect("algorithm")).collect();
                opts.algorithms = Some(algs);
            }
            "clockTolerance" => opts.clock_tolerance = value.as_u64().expect("clockTolerance"),
            "now" => now = Some(value.as_i64().expect("now")),
            other => panic!("{id}: option {other} is not known to the parity test"),
        }
    }
    (opts, now.unwrap_or_else(|| panic!("{id}: options has no now (the corpus must not depend on the clock)")))
}

fn code<T>(r: &Result<T, tokenward::Error>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => e.code().into(),
    }
}

/// The native verdict of one case (see the module docs), each call on a fresh key set so no
/// answer comes from another call's cache.
fn native(case: &Value) -> Value {
    let id = case["id"].as_str().expect("id");
    let token = case["token"].as_str().expect("token");
    let (opts, now) = options(id, &case["options"]);
    let fresh = || keyset(case);
    let keys = match fresh() {
        Err(e) => return json!({ "keys": e.code() }),
        Ok(k) => k,
    };
    let one_call = code(&verify(token, &keys, &opts, now));
    let keys = fresh().expect("key set");
    let two_phase = code(&match verify_start(token, &keys, &opts, now) {
        Ok(Started::Verified(t)) => Ok(t),
        Ok(Started::NeedsSignature(p)) => {
            let verdict = p.verify_here(&keys);
            verify_finish(p, &verdict, &keys, &opts, now)
        }
        Err(e) => Err(e),
    });
    assert_eq!(two_phase, one_call, "{id}: verify_start/verify_finish disagrees with verify");
    let keys = fresh().expect("key set");
    let report = explain(token, Some(&keys), &opts, now);
    let first_failure = report.failures().next().map_or("ok", |c| c.code.unwrap_or("fail")).to_owned();
    assert_eq!(report.ok, one_call == "ok", "{id}: explain.ok is {}, verify {one_call}", report.ok);
    let signature = report.check(tokenward::check_id::SIGNATURE).map_or("absent", |c| c.status.name());
    json!({
        "keys": "ok",
        "rejected": keys.rejected().len(),
        "verify": one_call,
        "explain": first_failure,
        "signature": signature,
        "reachesSignature": explain_signature_input(token, &keys, &opts).is_ok(),
    })
}

fn case(id: String, source: &str, token: String, keys: Value, options: Value) -> Value {
    let mut c = Map::new();
    c.insert("id".into(), id.into());
    c.insert("source".into(), source.into());
    c.insert("token".into(), token.into());
    for (k, v) in keys.as_object().expect("keys spec") {
        c.insert(k.clone(), v.clone());
    }
    c.insert("options".into(), options);
    Value::Object(c)
}

/// An oct JWK as the corpus's `secret` (for `from_secret` / `KeySet.fromSecret`).
fn secret_of(jwk: &Value) -> Value {
    json!({ "secret": { "k": jwk["k"], "alg": jwk["alg"], "kid": jwk["kid"] } })
}

/// The key material of a Wycheproof JWS/JWK test group, as `jose::group_keyset` takes it:
/// the public JWK(S), else a single oct secret (through `from_secret`), else the private
/// JWKS (several oct keys, which `from_jwks` refuses).
fn group_keys(file: &str, group: &Value) -> Value {
    if let Some(public) = group.get("public") {
        return json!({ "jwks": public });
    }
    let private = &group["private"];
    let single = match private.get("keys") {
        None => Some(private),
        Some(Value::Array(keys)) if keys.len() == 1 => Some(&keys[0]),
        Some(_) => None,
    };
    match single {
        Some(jwk) if jwk["kty"] == "oct" => secret_of(jwk),
        Some(jwk) => panic!("{file}: a group with a private {} key and no public one: not in the corpus", jwk["kty"]),
        None => json!({ "jwks": private }),
    }
}

fn wycheproof_cases(file: &str, out: &mut Vec<Value>) -> Option<usize> {
    let doc = common::load("wycheproof", file)?;
    let before = out.len();
    for group in array(&doc, "testGroups") {
        let keys = group_keys(file, group);
        for test in array(group, "tests") {
            let tc = test["tcId"].as_u64().expect("tcId");
            // JSON serializations go in as their text: refused as malformed, like any non-compact input.
            let token = test["jws"].as_str().map_or_else(|| test["jws"].to_string(), str::to_owned);
            let id = format!("wycheproof:{file}#{tc}");
            out.push(case(id, &format!("wycheproof/{file}"), token, keys.clone(), json!({ "now": VECTOR_NOW })));
        }
    }
    Some(out.len() - before)
}

/// The same cases as rfc7520.rs: the compact form (and, for detached content, the payload
/// put back), signature N of the JSON form rebuilt as a compact JWS, and the JSON forms.
fn rfc7520_cases(file: &str, out: &mut Vec<Value>) -> Option<usize> {
    let doc = common::load("rfc7520", file)?;
    let before = out.len();
    let keys_of = |jwk: &Value| -> Value {
        if jwk["kty"] == "oct" {
            secret_of(jwk)
        } else {
            json!({ "jwks": public_jwk(jwk) })
        }
    };
    let keys: Vec<Value> = match &doc["input"]["key"] {
        Value::Array(keys) => keys.iter().map(keys_of).collect(),
        jwk => vec![keys_of(jwk)],
    };
    let key = |i: usize| keys[if keys.len() == 1 { 0 } else { i }].clone();
    let output = &doc["output"];
    let payload = doc["input"]["payload"].as_str().expect("input.payload");
    let payload_b64 =
        output["json"]["payload"].as_str().map(str::to_owned).unwrap_or_else(|| common::b64u(payload.as_bytes()));
    let mut add = |name: &str, token: String, keys: Value| {
        out.push(case(
            format!("rfc7520:{file}#{name}"),
            &format!("rfc7520/{file}"),
            token,
            keys,
            json!({ "now": VECTOR_NOW }),
        ));
    };
    if let Some(compact) = output["compact"].as_str() {
        add("compact", compact.to_owned(), key(0));
        let segments: Vec<&str> = compact.split('.').collect();
        if segments.len() == 3 && segments[1].is_empty() {
            add("compact_reattached", format!("{}.{payload_b64}.{}", segments[0], segments[2]), key(0));
        }
    } else {
        let signatures = output["json"]["signatures"].as_array().expect("output.json.signatures");
        for (i, sig) in signatures.iter().enumerate() {
            let protected = sig["protected"].as_str().unwrap_or("");
            let token = format!("{protected}.{payload_b64}.{}", sig["signature"].as_str().expect("signature"));
            add(&format!("signature{i}"), token, key(i));
        }
    }
    for form in ["json", "json_flat"] {
        if let Some(json) = output.get(form) {
            add(form, json.to_string(), key(0));
        }
    }
    Some(out.len() - before)
}

const WYCHEPROOF: &[&str] = &["json_web_signature_test.json", "json_web_key_test.json"];

#[test]
fn parity_corpus_native_verdicts() {
    let text = std::fs::read_to_string(jose_corpus_path()).expect("tests/parity/jose-corpus.json");
    let jose_doc: Value = serde_json::from_str(&text).expect("jose-corpus.json parses");
    let mut cases: Vec<Value> = array(&jose_doc, "cases").to_vec();
    let jose_count = cases.len();
    assert!(
        jose_count >= MIN_JOSE_CASES,
        "jose-corpus.json has {jose_count} cases, expected at least {MIN_JOSE_CASES}"
    );

    let mut sources = Map::new();
    sources.insert("jose".into(), json!({ "cases": jose_count }));
    let mut skipped = Vec::new();
    let rfc7520 = common::rfc7520_files();
    for (sub, files, add) in [
        ("wycheproof", WYCHEPROOF, wycheproof_cases as fn(&str, &mut Vec<Value>) -> Option<usize>),
        ("rfc7520", rfc7520.as_slice(), rfc7520_cases),
    ] {
        for file in files {
            // `common::load` fails under CI=true when the file is missing, and says SKIPPED otherwise.
            match add(file, &mut cases) {
                Some(n) => sources.insert(format!("{sub}/{file}"), json!({ "cases": n })),
                None => {
                    skipped.push(format!("{sub}/{file}"));
                    sources.insert(format!("{sub}/{file}"), json!({ "skipped": "vectors not found" }))
                }
            };
        }
    }

    let mut ids = std::collections::BTreeSet::new();
    let mut wrong = Vec::new();
    for c in &mut cases {
        let id = c["id"].as_str().expect("id").to_owned();
        assert!(ids.insert(id.clone()), "case {id} appears twice");
        let verdict = native(c);
        if let Some(expect) = c.get("expect").and_then(Value::as_str) {
            let got = if verdict["keys"] == "ok" { &verdict["verify"] } else { &verdict["keys"] };
            if got != expect {
                wrong.push(format!("  {id}: expected {expect}, native verify gave {got}"));
            }
        }
        c["native"] = verdict;
    }
    assert!(wrong.is_empty(), "jose corpus cases with another outcome than committed:\n{}", wrong.join("\n"));

    let tally = |field: &str| {
        let mut t = std::collections::BTreeMap::<String, usize>::new();
        for c in &cases {
            *t.entry(c["native"][field].as_str().unwrap_or("-").to_owned()).or_default() += 1;
        }
        t.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
    };
    say(&format!(
        "parity corpus: {} cases ({jose_count} jose, {} from vectors{}); verify: {}; signature: {}",
        cases.len(),
        cases.len() - jose_count,
        if skipped.is_empty() { String::new() } else { format!(", SKIPPED {}", skipped.join(", ")) },
        tally("verify"),
        tally("signature"),
    ));

    let doc = json!({
        "about": "Generated by tests/vectors/parity.rs (cargo test --test vectors parity): the parity corpus with each case's native verdict. Not committed.",
        "sources": sources,
        "skipped": skipped,
        "cases": cases,
    });
    let path = output_path();
    std::fs::create_dir_all(path.parent().expect("corpus path has a parent")).expect("create the corpus directory");
    // Written whole, then renamed: a JS test never reads half a file.
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_string(&doc).expect("corpus serializes")).expect("write the corpus");
    std::fs::rename(&tmp, &path).expect("rename the corpus");
    say(&format!("parity corpus written to {}", path.display()));
}
