//! What the `itcost serve` tests share: the server as a child process of the built binary (on a free loopback
//! port), a small HTTP/1.1 client over a TCP stream (so a test can send any Host header, file name or size), and
//! multipart bodies.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `itcost serve`.
pub struct Server {
    /// The child process.
    pub child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The token from the printed URL.
    pub token: String,
    /// The private upload directory it printed.
    pub dir: PathBuf,
}

impl Server {
    /// Starts `itcost serve --port 0 ARGS` and reads the URL and the upload directory it prints.
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("itcost"))
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("itcost serve starts");
        let out = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(out).lines();
        let url_line = lines.next().expect("a URL line").expect("utf-8");
        let dir_line = lines.next().expect("a directory line").expect("utf-8");
        // Keep reading stdout in the background so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let url = url_line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .expect("the URL")
            .to_string();
        let rest = url.trim_start_matches("http://");
        let (addr, q) = rest.split_once("/?token=").expect("URL with a token");
        let dir = dir_line
            .split(" in ")
            .nth(1)
            .and_then(|s| s.split(" until").next())
            .expect("the upload directory")
            .to_string();
        Server {
            child,
            addr: addr.to_string(),
            token: q.to_string(),
            dir: PathBuf::from(dir),
        }
    }

    /// The base URL with the token.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A request with the token (Authorization header) and the right Host.
    pub fn req(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        let auth = format!("token {}", self.token);
        let mut h: Vec<(&str, &str)> = vec![("Authorization", auth.as_str())];
        h.extend_from_slice(headers);
        request(&self.addr, method, path, None, &h, body)
    }

    /// GET with the token.
    pub fn get(&self, path: &str) -> Resp {
        self.req("GET", path, &[], b"")
    }

    /// POST of a form (`application/x-www-form-urlencoded`).
    pub fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> Resp {
        let body: String = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.req(
            "POST",
            path,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        )
    }

    /// POST of a multipart form: text fields and files (field, file name, bytes).
    pub fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, Vec<u8>)],
    ) -> Resp {
        let (ctype, body) = multipart(fields, files);
        self.req("POST", path, &[("Content-Type", ctype.as_str())], &body)
    }

    /// Queues a run, waits until it is done (at most `limit`), and returns its id.
    pub fn run_and_wait(&self, limit: Duration) -> u64 {
        let r = self.req("POST", "/run", &[], b"");
        assert_eq!(r.status, 303, "POST /run: {}", r.text());
        let loc = r.header("location").expect("a Location");
        let id: u64 = loc.trim_start_matches("/runs/").parse().expect("a run id");
        self.wait(id, limit);
        id
    }

    /// Waits until run `id` is done; panics when it failed or took longer than `limit`. A run whose result was
    /// already dropped for newer ones (`expired`, only ever a run that finished) counts as done.
    pub fn wait(&self, id: u64, limit: Duration) {
        let t = Instant::now();
        loop {
            let s = self.get(&format!("/runs/{id}/status"));
            assert_eq!(s.status, 200);
            let v: serde_json::Value = serde_json::from_slice(&s.body).expect("JSON status");
            match v["state"].as_str() {
                Some("done") | Some("expired") => return,
                Some("failed") => panic!("run {id} failed: {}", v["error"]),
                _ => {}
            }
            assert!(
                t.elapsed() < limit,
                "run {id} not done after {limit:?}: {v}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops the server with SIGTERM (as Ctrl-C would) and waits for it.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        // SAFETY: a signal to our own child.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let t = Instant::now();
        loop {
            if let Ok(Some(s)) = self.child.try_wait() {
                return s;
            }
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "the server did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Peak resident memory of the server so far, in MB (VmHWM).
    pub fn peak_rss_mb(&self) -> f64 {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc status");
        let kb: f64 = s
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .expect("VmHWM");
        kb / 1024.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.stop();
        }
    }
}

/// Percent-encodes a form value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A multipart body and its content type.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, Vec<u8>)]) -> (String, Vec<u8>) {
    let b = "itcostboundary7d1f0a";
    let mut body = Vec::new();
    for (k, v) in fields {
        write!(
            body,
            "--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        )
        .unwrap();
    }
    for (k, name, bytes) in files {
        write!(
            body,
            "--{b}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .unwrap();
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    write!(body, "--{b}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={b}"), body)
}

/// A response.
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Headers (names lower case).
    pub headers: Vec<(String, String)>,
    /// Body (de-chunked).
    pub body: Vec<u8>,
}

impl Resp {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on a new connection (`Connection: close`). `host` overrides the Host header.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    host: Option<&str>,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Resp {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        host.unwrap_or(addr)
    );
    let mut has_len = false;
    for (k, v) in headers {
        has_len |= k.eq_ignore_ascii_case("content-length");
        // An empty value only suppresses the header (a chunked body has no length).
        if !v.is_empty() {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    if !has_len && (method == "POST" || !body.is_empty()) {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    // The server may answer (413) before it has read the body: a failed write is not an error here.
    let _ = s.write_all(head.as_bytes()).and_then(|_| s.write_all(body));
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    parse(&raw)
}

fn parse(raw: &[u8]) -> Resp {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP response: {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(p) = rest.windows(2).position(|w| w == b"\r\n") {
            let n =
                usize::from_str_radix(String::from_utf8_lossy(&rest[..p]).trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            out.extend_from_slice(&rest[p + 2..p + 2 + n]);
            rest = &rest[p + 2 + n + 2..];
        }
        body = out;
    }
    Resp {
        status,
        headers,
        body,
    }
}

/// A sample ledger's bytes.
pub fn sample(name: &str) -> Vec<u8> {
    std::fs::read(crate::util::root().join("sample-ledgers").join(name)).expect("sample ledger")
}

/// The four Dalsland municipalities of 2024: (name, file, central IT cost centres).
pub const DALSLAND: [(&str, &str, &[&str]); 4] = [
    ("Bengtsfors", "bengtsfors-2024.csv", &["2200", "2210"]),
    ("Mellerud", "mellerud-2024.csv", &["1510", "1511"]),
    ("Åmål", "amal-2024.csv", &["171", "172"]),
    ("Färgelanda", "fargelanda-2024.tsv", &["K310"]),
];

/// Sets up the four Dalsland 2024 ledgers over HTTP as the forms do (uploads, Färgelanda's mapping and internal
/// counterpart, central IT, net cost, 2,5 %).
pub fn setup_dalsland(s: &Server) {
    for (name, file, central) in DALSLAND {
        let r = s.post_multipart(
            "/upload",
            &[("municipality", name), ("year", "2024")],
            &[("ledger", file, sample(file))],
        );
        assert_eq!(r.status, 303, "upload {file}: {}", r.text());
        let m = r.header("location").expect("Location").to_string();
        let mut form: Vec<(&str, &str)> = vec![("name", name), ("year", "2024")];
        for c in central {
            form.push(("cc", c));
        }
        if name == "Färgelanda" {
            form.extend([
                ("internal", "K100"),
                ("col:Ansvarsenhet", "cost_centre"),
                ("col:Utfall", "amount"),
                ("col:Fritext", "text"),
                ("col:Kontobenämning", "account_text"),
            ]);
        }
        let r = s.post_form(&m, &form);
        assert_eq!(r.status, 303, "set up {name}: {}", r.text());
        let page = s.get(&m).text();
        assert!(
            !page.contains("file-error"),
            "{name}: the file is not readable after set-up: {page}"
        );
    }
    let r = s.post_form(
        "/settings",
        &[
            ("title", "Dalsland 2024"),
            ("denominator", "net_cost"),
            ("numerator", "central_it"),
            ("target", "2,5 %"),
            ("scope", "narrow"),
            ("extra", ""),
        ],
    );
    assert_eq!(r.status, 303, "settings: {}", r.text());
}

/// HTML text with its entities undone (for comparing with plain messages).
pub fn unhtml(s: &str) -> String {
    s.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The report's text with its no-break spaces made plain spaces.
pub fn plain(s: &str) -> String {
    s.replace(['\u{a0}', '\u{202f}'], " ")
        .replace("&nbsp;", " ")
}

/// A temporary directory for a test.
pub fn temp() -> tempfile::TempDir {
    crate::util::temp_dir()
}

/// A path's permission bits.
pub fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0)
}
