//! Property tests over every parser that reads untrusted bytes: no panic, no hang, and the
//! round-trips that must hold. Case counts are bounded so CI stays fast.

use jsonfmt::write_sorted;
use proptest::prelude::*;
use spec_kitty_tracker::config::edit::set_tracker;
use spec_kitty_tracker::config::TrackerConfig;
use spec_kitty_tracker::local::fp::{find_issue_id, parse_line};
use spec_kitty_tracker::local::model::{IsoTime, Issue};
use spec_kitty_tracker::saas::envelopes::{
    typed, PullEnvelope, PushEnvelope, RunEnvelope, StatusEnvelope,
};

/// 512 cases per property, from a fixed seed so CI is repeatable; `FUZZ_CASES=N` and
/// `FUZZ_SEED=N` explore further locally (a failure prints the minimal input).
fn config() -> ProptestConfig {
    let env = |k: &str| std::env::var(k).ok().and_then(|n| n.parse::<u64>().ok());
    ProptestConfig {
        cases: env("FUZZ_CASES").map_or(512, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        rng_seed: proptest::test_runner::RngSeed::Fixed(env("FUZZ_SEED").unwrap_or(0x5eed_2026)),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fp_lines_never_panic(line in "\\PC{0,80}") {
        let _ = parse_line(&line);
        let _ = find_issue_id(&line);
    }

    #[test]
    fn fp_lines_round_trip(
        prefix in prop::sample::select(vec!["", "├── ", "│   └── ", "  "]),
        id in "[A-Z]{1,3}-[a-z0-9]{1,6}",
        status in "[a-z-]{1,12}",
        priority in prop::option::of("[a-z]{1,8}"),
        title in "[A-Za-z0-9][A-Za-z0-9 ]{0,30}[A-Za-z0-9]",
    ) {
        let line = match &priority {
            Some(p) => format!("{prefix}{id} [{status}] [{p}] {title}"),
            None => format!("{prefix}{id} [{status}] {title}"),
        };
        let parsed = parse_line(&line).expect("valid line parses");
        prop_assert_eq!(&parsed.id, &id);
        prop_assert_eq!(&parsed.status, &status);
        prop_assert_eq!(&parsed.priority, &priority);
        prop_assert_eq!(&parsed.title, &title);
        prop_assert_eq!(find_issue_id(&format!("Created issue {id}")), Some(id.clone()));
    }

    #[test]
    fn timestamps_never_panic(text in "\\PC{0,40}") {
        let _ = IsoTime::parse(&text).map(|t| t.format());
    }

    #[test]
    fn timestamp_like_text_never_panics(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[T t]?[0-9:.]{0,15}(Z|[+-][0-9:]{0,8}|\\PC{0,4})") {
        let _ = IsoTime::parse(&text).map(|t| (t.format(), t.day_before()));
    }

    #[test]
    fn timestamps_round_trip(
        secs in 0i64..4_000_000_000,
        nanos in 0u32..1_000_000_000,
        offset_min in -14i32 * 60..=14 * 60,
        form in 0u8..4,
    ) {
        let ts = jiff::Timestamp::new(secs, i32::try_from(nanos).unwrap_or(0)).expect("valid");
        let text = match form {
            0 => ts.to_string(),
            1 => ts.strftime("%Y-%m-%dT%H:%M:%S%.f").to_string(),
            2 => ts.strftime("%Y-%m-%d").to_string(),
            _ => {
                let off = jiff::tz::Offset::from_seconds(offset_min * 60).expect("offset");
                off.to_datetime(ts).strftime("%Y-%m-%dT%H:%M:%S%.f").to_string() + &format!("{}{:02}:{:02}", if offset_min < 0 { '-' } else { '+' }, offset_min.abs() / 60, offset_min.abs() % 60)
            }
        };
        let parsed = IsoTime::parse(&text).expect("parses");
        let again = IsoTime::parse(&parsed.format()).expect("formatted value parses");
        prop_assert_eq!(parsed, again);
        if form != 2 {
            prop_assert_eq!(parsed.ts.as_microsecond(), ts.as_microsecond());
        }
    }

    #[test]
    fn envelopes_never_panic(body in "\\PC{0,200}") {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&body) {
            let _ = typed::<PullEnvelope>(&v);
            let _ = typed::<PushEnvelope>(&v);
            let _ = typed::<RunEnvelope>(&v);
            let _ = typed::<StatusEnvelope>(&v);
        }
        let mut out = Vec::new();
        let _ = write_sorted(body.as_bytes(), &mut out);
    }

    #[test]
    fn payloads_never_panic(body in "\\PC{0,200}") {
        let _ = Issue::from_payload(&body);
    }

    #[test]
    fn credentials_toml_never_panics(text in "\\PC{0,200}") {
        if let Ok(doc) = text.parse::<toml_edit::DocumentMut>() {
            let _ = spec_kitty_tracker::auth::session::read(&doc);
            let _ = spec_kitty_tracker::credentials::provider_settings(&doc, "beads");
        }
    }

    #[test]
    fn config_edits_never_panic_and_keep_other_keys(
        keys in prop::collection::vec("[a-z]{1,8}", 0..5),
        comment in "[ -~]{0,20}",
        crlf in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("#{comment}{eol}");
        for (i, k) in keys.iter().enumerate() {
            if k != "tracker" {
                text.push_str(&format!("{k}{i}: value{i}{eol}"));
            }
        }
        let doc: yaml_serde::Value = yaml_serde::from_str(&text).unwrap_or(yaml_serde::Value::Null);
        let block = TrackerConfig::default().slug_block("linear", "s");
        let edited = set_tracker(&text, &doc, &block).expect("plain files can be edited");
        prop_assert!(edited.starts_with(&text));
    }

    #[test]
    fn arbitrary_yaml_never_panics_the_editor(text in "\\PC{0,120}") {
        if let Ok(doc) = yaml_serde::from_str::<yaml_serde::Value>(&text) {
            // The block carries the old block's unknown keys and egress, whatever they hold.
            let old = TrackerConfig::from_value(doc.get("tracker"));
            let block = old.local_block("fp", "w", "split_ownership", vec![("title".into(), "local".into())]);
            if let Ok(edited) = set_tracker(&text, &doc, &block) {
                let reread: yaml_serde::Value = yaml_serde::from_str(&edited).expect("an accepted edit parses");
                let again = TrackerConfig::from_value(reread.get("tracker"));
                prop_assert_eq!(again.extra, old.extra);
                prop_assert_eq!(again.egress, old.egress);
            }
        }
    }
}
