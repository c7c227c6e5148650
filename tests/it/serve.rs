//! `itcost serve` over HTTP: the security checks (token, Host, size, file names, the private directory) and every
//! endpoint, on a real server (the built binary) on a loopback port.

use crate::serve_support::*;
use std::time::Duration;

const RUN_LIMIT: Duration = Duration::from_secs(120);

#[test]
fn a_request_without_the_token_is_refused_with_401() {
    let s = Server::start(&[]);
    let r = request(&s.addr, "GET", "/", None, &[], b"");
    assert_eq!(r.status, 401);
    assert!(r.text().contains("token"));
    let r = request(&s.addr, "GET", "/?token=wrong", None, &[], b"");
    assert_eq!(r.status, 401);
    let r = request(&s.addr, "GET", "/static/app.js", None, &[], b"");
    assert_eq!(r.status, 401, "assets need the token too");
    let r = request(&s.addr, "POST", "/run", None, &[], b"");
    assert_eq!(r.status, 401);
    let r = request(&s.addr, "GET", "/runs/1/files/config.toml", None, &[], b"");
    assert_eq!(r.status, 401);
    // The printed URL's token is accepted and set as a strict, HttpOnly cookie; the cookie then suffices.
    let r = request(
        &s.addr,
        "GET",
        &format!("/?token={}", s.token),
        None,
        &[],
        b"",
    );
    assert_eq!(r.status, 200);
    let cookie = r.header("set-cookie").expect("a cookie").to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();
    let r = request(&s.addr, "GET", "/", None, &[("Cookie", &pair)], b"");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("up-files"));
    let r = s.get("/");
    assert_eq!(r.status, 200, "Authorization: token …");
}

#[test]
fn a_foreign_host_header_is_refused_with_421() {
    let s = Server::start(&[]);
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    let auth = format!("token {}", s.token);
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("127.0.0.1:{}", port.parse::<u16>().unwrap().wrapping_add(1)),
    ] {
        let r = request(
            &s.addr,
            "GET",
            "/",
            Some(&host),
            &[("Authorization", &auth)],
            b"",
        );
        assert_eq!(r.status, 421, "Host: {host}");
    }
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let r = request(
            &s.addr,
            "GET",
            "/",
            Some(&host),
            &[("Authorization", &auth)],
            b"",
        );
        assert_eq!(r.status, 200, "Host: {host}");
    }
}

#[test]
fn an_upload_over_the_limit_is_refused_with_413_and_leaves_nothing() {
    let s = Server::start(&["--max-upload", "100KB"]);
    let big = vec![b'x'; 300 * 1024];
    let auth = format!("token {}", s.token);
    // A declared length over the limit: refused before any byte of the body is read (none is sent), for ledgers
    // and for a config upload.
    let (ctype, body) = multipart(&[("municipality", "X")], &[("ledger", "big.csv", big)]);
    let len = body.len().to_string();
    for path in ["/upload", "/config"] {
        let declared = [
            ("Authorization", auth.as_str()),
            ("Content-Type", ctype.as_str()),
            ("Content-Length", len.as_str()),
        ];
        let r = request(&s.addr, "POST", path, None, &declared, b"");
        assert_eq!(r.status, 413, "{path}: {}", r.text());
    }
    // Without a Content-Length (chunked), the limit is enforced while streaming.
    let mut chunked = Vec::new();
    for c in body.chunks(16 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
        chunked.extend_from_slice(c);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let r = request(
        &s.addr,
        "POST",
        "/upload",
        None,
        &[
            ("Authorization", &auth),
            ("Content-Type", &ctype),
            ("Transfer-Encoding", "chunked"),
            ("Content-Length", ""),
        ],
        &chunked,
    );
    assert_eq!(r.status, 413, "{}", r.text());
    let left: Vec<_> = std::fs::read_dir(s.dir.join("uploads")).unwrap().collect();
    assert!(left.is_empty(), "partial uploads left: {left:?}");
}

#[test]
fn a_path_in_a_file_name_is_refused() {
    let s = Server::start(&[]);
    for name in [
        "../../etc/passwd",
        "/etc/passwd",
        "a/b.csv",
        "..\\x.csv",
        "..",
        ".hidden",
        "C:x.csv",
    ] {
        let r = s.post_multipart(
            "/upload",
            &[("municipality", "X")],
            &[("ledger", name, b"Konto;Belopp\n1;2\n".to_vec())],
        );
        assert_eq!(r.status, 400, "{name}: {}", r.text());
        assert!(r.text().contains("refused"), "{name}");
    }
    let left: Vec<_> = std::fs::read_dir(s.dir.join("uploads")).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    // A download name is never a path: only files the run wrote are served.
    let r = s.get("/runs/1/files/..~..~etc~passwd");
    assert_eq!(r.status, 404);
}

#[test]
fn uploads_live_in_a_private_directory_removed_on_exit() {
    let mut s = Server::start(&[]);
    assert_eq!(mode(&s.dir), 0o700, "{}", s.dir.display());
    let r = s.post_multipart(
        "/upload",
        &[("municipality", "Mellerud"), ("year", "2024")],
        &[("ledger", "mellerud-2024.csv", sample("mellerud-2024.csv"))],
    );
    assert_eq!(r.status, 303);
    assert_eq!(std::fs::read_dir(s.dir.join("uploads")).unwrap().count(), 1);
    let status = s.stop();
    assert!(status.success(), "{status:?}");
    assert!(!s.dir.exists(), "{} is still there", s.dir.display());
}

#[test]
fn a_bad_file_gets_the_clis_message_next_to_it() {
    let s = Server::start(&[]);
    let r = s.post_multipart(
        "/upload",
        &[("municipality", "Bad")],
        &[(
            "ledger",
            "not-a-ledger.csv",
            std::fs::read(crate::util::root().join("tests/bad_input/not-a-ledger.csv")).unwrap(),
        )],
    );
    assert_eq!(r.status, 303);
    let page = s.get(r.header("location").unwrap()).text();
    let cli = crate::util::itcost()
        .args(["inspect", "tests/bad_input/not-a-ledger.csv"])
        .current_dir(crate::util::root())
        .output()
        .unwrap();
    let msg = String::from_utf8_lossy(&cli.stderr)
        .trim()
        .trim_start_matches("itcost: ")
        .replace("tests/bad_input/", "")
        .to_string();
    let first = msg.lines().next().unwrap().to_string();
    assert!(page.contains("file-error"), "{page}");
    assert!(
        unhtml(&plain(&page)).contains(&first),
        "expected the CLI's message '{first}' on the page"
    );
}

#[test]
fn every_endpoint_from_upload_to_downloads() {
    let s = Server::start(&["--max-runs", "2"]);
    assert_eq!(s.get("/static/app.js").status, 200);
    assert_eq!(s.get("/static/report.js").status, 200);
    assert_eq!(s.get("/no-such-page").status, 404);
    assert_eq!(
        s.req("POST", "/run", &[], b"").status,
        400,
        "nothing to run yet"
    );
    setup_dalsland(&s);
    // The municipality page shows what inspect sees.
    let home = s.get("/").text();
    assert!(
        home.contains("Färgelanda") && home.contains("K310"),
        "{home}"
    );
    let id = s.run_and_wait(RUN_LIMIT);
    let page = s.get(&format!("/runs/{id}")).text();
    assert!(page.contains(&format!("/runs/{id}/report")));
    let report = plain(&s.get(&format!("/runs/{id}/report")).text());
    for want in ["1,82 %", "1,74 %", "1,26 %", "1,61 %", "27 193 755"] {
        assert!(report.contains(want), "the served report lacks {want}");
    }
    assert!(report.contains("/static/report.js"));
    // Drill-down: Mellerud's central IT Software; the sum is the pool table's figure.
    let d = s.get(&format!(
        "/runs/{id}/drill?unit=Mellerud&pool=Software&part=central"
    ));
    assert_eq!(d.status, 200, "{}", d.text());
    let d = plain(&d.text());
    assert!(d.contains("drill-keys") && d.contains("drill-lines"), "{d}");
    let d2 = s.get(&format!(
        "/runs/{id}/drill?unit=Mellerud&pool=Software&part=central&page=1"
    ));
    assert_eq!(d2.status, 200);
    assert_eq!(
        s.get(&format!("/runs/{id}/drill?unit=Mellerud&pool=Nope"))
            .status,
        400
    );
    // Benchmark figure: the central IT cost of Bengtsfors.
    let d = plain(
        &s.get(&format!(
            "/runs/{id}/drill?unit=Bengtsfors&year=2024&part=central"
        ))
        .text(),
    );
    assert!(d.contains("drill-total"), "{d}");
    // Suspects, a rule's effect before saving, saving.
    let sp = s.get(&format!("/runs/{id}/suspects"));
    assert_eq!(sp.status, 200);
    let pv = s.post_form(
        &format!("/runs/{id}/rule"),
        &[
            ("account", "6540"),
            ("keyword", ""),
            ("field", "text"),
            ("pool", "Software"),
            ("why", "6540 IT-tjänster"),
        ],
    );
    assert_eq!(pv.status, 200, "{}", pv.text());
    assert!(pv.text().contains("id=\"delta\""));
    let bad = s.post_form(
        &format!("/runs/{id}/rule"),
        &[
            ("account", ""),
            ("keyword", ""),
            ("pool", "Software"),
            ("why", "x"),
        ],
    );
    assert_eq!(bad.status, 400);
    let sv = s.post_form(
        "/rules/save",
        &[
            ("account", "6540"),
            ("keyword", ""),
            ("field", "text"),
            ("pool", "Software"),
            ("why", "6540 IT-tjänster"),
        ],
    );
    assert_eq!(sv.status, 303);
    assert!(s.get("/").text().contains("own-1"));
    // Downloads: config.toml reproduces the run from the command line.
    let cfg = s.get(&format!("/runs/{id}/files/config.toml"));
    assert_eq!(cfg.status, 200);
    let cfg = cfg.text();
    assert!(
        cfg.contains("fargelanda-2024.tsv") && cfg.contains("net_cost") && cfg.contains("K100"),
        "{cfg}"
    );
    let dir = temp();
    std::fs::write(dir.path().join("config.toml"), &cfg).unwrap();
    for (_, f, _) in DALSLAND {
        std::fs::write(dir.path().join(f), sample(f)).unwrap();
    }
    let out = crate::util::itcost()
        .args(["run", "--config"])
        .arg(dir.path().join("config.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("1.82") || text.contains("1,82"), "{text}");
    assert_eq!(
        s.get(&format!("/runs/{id}/files/rules.toml")).status,
        404,
        "no own rules at that run"
    );
    for f in [
        "report.html",
        "summary.json",
        "pools.csv",
        "benchmark.csv",
        "tables~pools.csv",
    ] {
        let r = s.get(&format!("/runs/{id}/files/{f}"));
        assert_eq!(r.status, 200, "{f}");
        assert!(r
            .header("content-disposition")
            .unwrap()
            .contains("attachment"));
    }
    // A second run takes the saved rule; its rules.toml is downloadable and parses.
    let id2 = s.run_and_wait(RUN_LIMIT);
    let rules = s.get(&format!("/runs/{id2}/files/rules.toml"));
    assert_eq!(rules.status, 200);
    assert!(rules.text().contains("own-1"));
    itcost::rules::parse_rules(
        &rules.text(),
        itcost::rules::RulesSource::File(std::path::Path::new("rules.toml")),
    )
    .expect("rules.toml parses");
    assert_eq!(s.post_form("/rules/0/delete", &[]).status, 303);
    // Language, a municipality removed.
    assert_eq!(s.post_form("/lang", &[("lang", "en")]).status, 303);
    assert!(s.get("/").text().contains("Upload ledgers"));
    assert_eq!(s.post_form("/m/99999/delete", &[]).status, 303);
    assert_eq!(s.get("/m/99999").status, 404);
    assert_eq!(s.get("/runs/99999").status, 404);
    assert_eq!(s.get("/runs/99999/status").status, 404);
}

#[test]
fn a_config_toml_with_its_ledgers_gives_the_dalsland_table() {
    let s = Server::start(&[]);
    let root = crate::util::root().join("sample-ledgers");
    let mut files = vec![(
        "config",
        "dalsland-2024.toml",
        std::fs::read(root.join("dalsland-2024.toml")).unwrap(),
    )];
    for f in [
        "bengtsfors-2024.csv",
        "mellerud-2024.csv",
        "mellerud-2023.csv",
        "amal-2024.csv",
        "fargelanda-2024.tsv",
        "dalsland-2024-work-areas.csv",
    ] {
        files.push(("ledger", f, sample(f)));
    }
    let r = s.post_multipart("/config", &[], &files);
    assert_eq!(r.status, 303, "{}", r.text());
    let id = s.run_and_wait(RUN_LIMIT);
    let report = plain(&s.get(&format!("/runs/{id}/report")).text());
    for want in ["1,82 %", "1,74 %", "1,26 %", "1,61 %", "27 193 755"] {
        assert!(report.contains(want), "lacks {want}");
    }
    // A config naming a ledger that was not uploaded is refused, naming it.
    let r = s.post_multipart(
        "/config",
        &[],
        &[(
            "config",
            "dalsland-2024.toml",
            std::fs::read(root.join("dalsland-2024.toml")).unwrap(),
        )],
    );
    assert_eq!(r.status, 400);
    assert!(r.text().contains("bengtsfors-2024.csv"));
}

#[test]
fn a_run_without_a_title_is_titled_by_its_municipalities() {
    let s = Server::start(&[]);
    setup_dalsland(&s);
    let r = s.post_form(
        "/settings",
        &[
            ("title", ""),
            ("denominator", "net_cost"),
            ("numerator", "central_it"),
            ("target", "2,5 %"),
            ("scope", "narrow"),
            ("extra", ""),
        ],
    );
    assert_eq!(r.status, 303, "settings: {}", r.text());
    let id = s.run_and_wait(RUN_LIMIT);
    let report = s.get(&format!("/runs/{id}/report")).text();
    let title = report
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or_default()
        .to_string();
    assert!(
        title.contains("Bengtsfors") && title.contains("Mellerud") && !title.contains('/'),
        "the served report's title: {title}"
    );
}
