//! `itcost serve` under load on loopback: 20 runs of the Dalsland samples asked for at once (from 20 threads),
//! at most 4 running at a time. Every run finishes without error within the time bound, and the server's peak
//! resident memory (VmHWM) stays under 1 GB.

use crate::serve_support::*;
use std::time::{Duration, Instant};

#[test]
fn twenty_concurrent_runs_finish_within_bounds() {
    let s = Server::start(&["--max-runs", "4"]);
    setup_dalsland(&s);
    let t = Instant::now();
    let limit = Duration::from_secs(600);
    let ids: Vec<u64> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..20)
            .map(|_| {
                sc.spawn(|| {
                    let r = s.req("POST", "/run", &[], b"");
                    assert_eq!(r.status, 303, "{}", r.text());
                    let id: u64 = r
                        .header("location")
                        .unwrap()
                        .trim_start_matches("/runs/")
                        .parse()
                        .unwrap();
                    s.wait(id, limit);
                    id
                })
            })
            .collect();
        hs.into_iter()
            .map(|h| h.join().expect("a run thread"))
            .collect()
    });
    assert_eq!(ids.len(), 20);
    let elapsed = t.elapsed();
    // The results of the last runs to finish are kept (in finishing order, not by id), and every kept one
    // reads the same figures; the others say they were dropped.
    let mut kept = 0;
    for id in &ids {
        let st = s.get(&format!("/runs/{id}/status")).text();
        if st.contains("\"done\"") {
            kept += 1;
            let report = plain(&s.get(&format!("/runs/{id}/report")).text());
            assert!(report.contains("1,82 %") && report.contains("27 193 755"));
        } else {
            assert!(st.contains("\"expired\""), "run {id}: {st}");
        }
    }
    assert_eq!(kept, 8, "the newest 8 results are kept");
    let rss = s.peak_rss_mb();
    eprintln!(
        "serve load: 20 runs in {:.1} s, server peak RSS {rss:.0} MB",
        elapsed.as_secs_f64()
    );
    assert!(rss < 1024.0, "server peak RSS {rss:.0} MB");
    assert!(elapsed < limit);
}
