//! docs/guide-sv.md and docs/guide-en.md walk through the same real run: their command and output blocks are
//! identical, and the run's output lines (not cut with …) are what itcost prints for that command today.

use crate::util::{itcost, root, temp_dir};

/// The ```sh and ```text blocks of a guide, in order.
fn blocks(lang: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(format!("docs/guide-{lang}.md"))).unwrap();
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("```") {
        let after = &rest[i + 3..];
        let end = after.find("\n```").expect("a closed block");
        out.push(after[..end].to_string());
        rest = &after[end + 4..];
    }
    out
}

#[test]
fn both_guides_show_the_same_run() {
    let (sv, en) = (blocks("sv"), blocks("en"));
    assert!(sv.len() >= 12, "{} blocks", sv.len());
    assert_eq!(
        sv, en,
        "the Swedish and English guides show the same commands and outputs"
    );
}

#[test]
fn the_guides_run_output_is_real() {
    let b = blocks("en");
    let i = b
        .iter()
        .position(|x| x.starts_with("sh\nitcost run huvudbok-2024.tsv"))
        .expect("the run command");
    let cmd = b[i].trim_start_matches("sh\n").trim();
    let shown = b[i + 1].trim_start_matches("text\n");
    let tmp = temp_dir();
    std::fs::copy(
        root().join("sample-ledgers/fargelanda-2024.tsv"),
        tmp.path().join("huvudbok-2024.tsv"),
    )
    .unwrap();
    // The command as shown, split like a shell would (no quoting in it).
    let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
    let out = itcost()
        .current_dir(tmp.path())
        .args(&args)
        .assert()
        .success();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.get_output().stdout),
        String::from_utf8_lossy(&out.get_output().stderr)
    );
    let mut checked = 0;
    for line in shown
        .lines()
        .filter(|l| !l.contains('…') && !l.trim().is_empty())
    {
        assert!(
            text.lines().any(|t| t == line),
            "guide line not in the output: {line:?}\n{text}"
        );
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} lines checked");
    assert!(tmp.path().join("rapport.xlsx").exists() && tmp.path().join("rapport.html").exists());
}
