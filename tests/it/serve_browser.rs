//! `itcost serve` in a real browser: headless Chromium driven over the DevTools protocol (`--remote-debugging-pipe`:
//! JSON messages on file descriptors 3 and 4, so no WebDriver and no WebSocket client is needed). The test uploads
//! the four Dalsland samples through the page, sets them up with the forms, runs, reads the Dalsland table from
//! the report and drills into one pool. With `ITCOST_SCREENSHOTS=DIR` it also saves the README's screenshots.
//!
//! Skipped (with a message) only when no Chromium is installed; `.ci/run` installs it.

use crate::serve_support::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Chromium as installed (Debian: /usr/bin/chromium), or CHROMIUM.
fn chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// A browser page over the DevTools pipe.
struct Browser {
    child: Child,
    to: std::fs::File,
    from: BufReader<std::fs::File>,
    next: u64,
    session: String,
    _profile: tempfile::TempDir,
}

fn pipe() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two new descriptors, each then owned by one File.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(rc, 0, "pipe2");
    unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::fs::File::from_raw_fd(fds[1]),
        )
    }
}

impl Browser {
    fn launch(exe: &Path) -> Browser {
        use std::os::fd::AsRawFd;
        let profile = temp();
        let (cmd_r, cmd_w) = pipe(); // we write commands, Chromium reads fd 3
        let (ev_r, ev_w) = pipe(); // Chromium writes fd 4, we read
        let (r3, w4) = (cmd_r.as_raw_fd(), ev_w.as_raw_fd());
        let mut c = Command::new(exe);
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-pipe",
            "--window-size=1280,1400",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        // SAFETY: only dup2 between fork and exec.
        unsafe {
            c.pre_exec(move || {
                if libc::dup2(r3, 3) < 0 || libc::dup2(w4, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = c.spawn().expect("chromium starts");
        drop(cmd_r);
        drop(ev_w);
        let mut b = Browser {
            child,
            to: cmd_w,
            from: BufReader::new(ev_r),
            next: 0,
            session: String::new(),
            _profile: profile,
        };
        let t = b.call("Target.createTarget", json!({"url": "about:blank"}));
        let target = t["targetId"].as_str().expect("targetId").to_string();
        let a = b.call(
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        );
        b.session = a["sessionId"].as_str().expect("sessionId").to_string();
        b.call("Page.enable", json!({}));
        b.call("Runtime.enable", json!({}));
        b
    }

    /// Sends a command and waits for its answer (events in between are skipped).
    fn call(&mut self, method: &str, params: Value) -> Value {
        match self.try_call(method, params) {
            Ok(v) => v,
            Err(e) => panic!("{method}: {e}"),
        }
    }

    /// Sends a command; its error (a page being replaced, say) as Err.
    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).expect("write to chromium");
        loop {
            let mut buf = Vec::new();
            let n = self
                .from
                .read_until(0, &mut buf)
                .expect("read from chromium");
            assert!(n > 0, "chromium closed the pipe");
            buf.pop();
            let v: Value = serde_json::from_slice(&buf).expect("JSON from chromium");
            if v["id"].as_u64() == Some(id) {
                if let Some(e) = v.get("error") {
                    return Err(e.clone());
                }
                return Ok(v["result"].clone());
            }
        }
    }

    /// Evaluates JavaScript in the page and returns its value.
    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{js}: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Evaluates JavaScript while the page may be navigating: None when Chromium answers that the document it ran
    /// in went away ("Inspected target navigated or closed") or the script threw, so that a caller polls again.
    fn try_eval(&mut self, js: &str) -> Option<Value> {
        let r = self
            .try_call(
                "Runtime.evaluate",
                json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
            )
            .ok()?;
        if r.get("exceptionDetails").is_some() {
            return None;
        }
        Some(r["result"]["value"].clone())
    }

    fn goto(&mut self, url: &str) {
        self.eval("window.__old = true");
        self.call("Page.navigate", json!({"url": url}));
        // The new document: the old one (also complete) carries the marker.
        self.wait_for(
            "window.__old === undefined && document.readyState === 'complete' && !!document.body",
        );
    }

    /// Polls a JavaScript condition until it is true (at most 120 s).
    fn wait_for(&mut self, cond: &str) {
        let t = Instant::now();
        loop {
            // A page that navigates while this runs answers with an error, not a value: poll again.
            let ok = self.try_eval(&format!(
                "(function(){{try{{return !!({cond});}}catch(e){{return false;}}}})()"
            ));
            if ok == Some(json!(true)) {
                return;
            }
            assert!(
                t.elapsed() < Duration::from_secs(120),
                "timed out waiting for {cond}; page: {:?}",
                self.try_eval("location.href")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Clicks an element and waits for the next page to be loaded.
    fn click_and_wait(&mut self, selector: &str) {
        self.eval("window.__old = true");
        // The click may replace the document before Chromium answers; the wait below is what checks it happened.
        let click = format!("document.querySelector({}).click()", json!(selector));
        let answer = self.try_call(
            "Runtime.evaluate",
            json!({"expression": click, "returnByValue": true}),
        );
        if let Ok(r) = answer {
            if let Some(e) = r.get("exceptionDetails") {
                panic!("{click}: {e}");
            }
        }
        self.wait_for("window.__old === undefined && document.readyState === 'complete'");
    }

    fn set_files(&mut self, selector: &str, files: &[PathBuf]) {
        let doc = self.call("DOM.getDocument", json!({"depth": 0}));
        let root = doc["root"]["nodeId"].as_i64().expect("root");
        let n = self.call(
            "DOM.querySelector",
            json!({"nodeId": root, "selector": selector}),
        );
        let node = n["nodeId"].as_i64().expect("node");
        assert!(node > 0, "no {selector}");
        let files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        self.call(
            "DOM.setFileInputFiles",
            json!({"files": files, "nodeId": node}),
        );
    }

    fn text(&mut self) -> String {
        self.eval("document.body.innerText")
            .as_str()
            .unwrap_or("")
            .replace(['\u{a0}', '\u{202f}'], " ")
    }

    fn screenshot(&mut self, path: &Path) {
        let r = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": false}),
        );
        let data = r["data"].as_str().expect("PNG data");
        std::fs::write(path, base64_decode(data)).expect("screenshot written");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Decodes standard base64 (the screenshots' PNG).
fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for ch in bytes.chunks(4) {
        let v: Vec<u32> = ch.iter().map(|c| val(*c) as u32).collect();
        let n = v
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, x)| acc | (x << (18 - 6 * i)));
        out.push((n >> 16) as u8);
        if v.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if v.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}

#[test]
fn a_person_gets_the_dalsland_table_in_a_browser() {
    let Some(exe) = chromium() else {
        eprintln!("SKIPPED serve_browser: no Chromium installed (apt-get install chromium); .ci/run installs it");
        return;
    };
    let shots = std::env::var_os("ITCOST_SCREENSHOTS").map(PathBuf::from);
    let s = Server::start(&[]);
    let mut b = Browser::launch(&exe);
    b.goto(&s.url(&format!("/?token={}", s.token)));
    let samples = crate::util::root().join("sample-ledgers");
    for (name, file, central) in DALSLAND {
        b.goto(&s.url("/"));
        b.eval(&format!(
            "document.getElementById('up-name').value = {}",
            json!(name)
        ));
        b.eval("document.getElementById('up-year').value = '2024'");
        b.set_files("#up-files", &[samples.join(file)]);
        if name == "Bengtsfors" {
            if let Some(d) = &shots {
                b.screenshot(&d.join("serve-upload.png"));
            }
        }
        // The upload goes through XMLHttpRequest (progress bar), then the page opens the municipality.
        b.eval("document.getElementById('up-send').click()");
        b.wait_for("location.pathname.indexOf('/m/') === 0 && document.readyState === 'complete' && !!document.getElementById('muni')");
        if name == "Färgelanda" {
            // Färgelanda's export says Utfall/Ansvarsenhet/Fritext/Kontobenämning. The reader recognises those
            // names now (issue 14, item 3), so the file reads as uploaded; a person still confirms or changes the
            // mapping with the drop-downs, as the sample config does, and the saved mapping must keep it readable.
            for (col, field) in [
                ("Ansvarsenhet", "cost_centre"),
                ("Utfall", "amount"),
                ("Fritext", "text"),
                ("Kontobenämning", "account_text"),
            ] {
                assert_eq!(
                    b.eval(&format!(
                        "!!document.querySelector('select[name=\"col:{col}\"]')"
                    )),
                    json!(true),
                    "Färgelanda: no drop-down for column {col}"
                );
                b.eval(&format!(
                    "document.querySelector('select[name=\"col:{col}\"]').value = '{field}'"
                ));
            }
            b.eval("document.getElementById('internal').value = 'K100'");
            b.click_and_wait("#save-muni");
            assert!(
                b.eval("!document.querySelector('.file-error')") == json!(true),
                "Färgelanda still unreadable: {}",
                b.text()
            );
        }
        // Tick the central IT cost centres, found with the search box.
        for c in central {
            b.eval(&format!("var s = document.getElementById('cc-search'); s.value = {}; s.dispatchEvent(new Event('input'))", json!(c)));
            let visible = b.eval(&format!(
                "!document.getElementById('cc-{c}').closest('tr').hidden"
            ));
            assert_eq!(
                visible,
                json!(true),
                "{name}: cost centre {c} not found by the search"
            );
            b.eval(&format!("document.getElementById('cc-{c}').checked = true"));
        }
        if name == "Mellerud" {
            if let Some(d) = &shots {
                b.eval("var s = document.getElementById('cc-search'); s.value = '15'; s.dispatchEvent(new Event('input'))");
                b.screenshot(&d.join("serve-mapping.png"));
            }
        }
        b.click_and_wait("#save-muni");
    }
    b.goto(&s.url("/"));
    b.eval("document.getElementById('denominator').value = 'net_cost'");
    b.eval("document.getElementById('target').value = '2,5 %'");
    b.click_and_wait("#save-settings");
    b.click_and_wait("#run");
    b.wait_for("!!document.getElementById('report')");
    b.click_and_wait("#report");
    let text = b.text();
    for want in ["1,82 %", "1,74 %", "1,26 %", "1,61 %", "27 193 755"] {
        assert!(text.contains(want), "the report page lacks {want}");
    }
    if let Some(d) = &shots {
        b.screenshot(&d.join("serve-report.png"));
    }
    // Drill into one pool: the first linked figure of the pool table; the drill-down's sum is that figure.
    let clicked = b
        .eval("document.querySelector('#t-pools a.drill').textContent")
        .as_str()
        .unwrap_or("")
        .replace(['\u{a0}', '\u{202f}'], " ");
    assert!(!clicked.is_empty(), "no clickable figure in the pool table");
    b.click_and_wait("#t-pools a.drill");
    let total = b
        .eval("document.getElementById('drill-total').innerText")
        .as_str()
        .unwrap_or("")
        .replace(['\u{a0}', '\u{202f}'], " ");
    let digits = |s: &str| s.chars().filter(|c| c.is_ascii_digit()).collect::<String>();
    assert!(
        digits(&total).starts_with(&digits(&clicked)),
        "drill-down sum {total} is not the clicked figure {clicked}"
    );
    let rows = b
        .eval("document.querySelectorAll('#drill-lines tbody tr').length")
        .as_u64()
        .unwrap_or(0);
    assert!(rows > 0, "no lines behind the figure");
}
