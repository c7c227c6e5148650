#!/usr/bin/env bash
# Renders the sample report in headless Chromium and fails if the page logs a console error, loads anything
# from outside the file, has a chart without a visible mark, a label that runs outside its chart, or a pool drawn
# in two colours. Run by .ci/run; usable by hand:
#   bash tests/browser/check-report.sh [REPORT.html] [SCREENSHOT.png]
# Without arguments it builds the report from the bundled samples. Needs Debian's chromium (apt-get install
# chromium); .ci/run installs it when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [[ -z "$CHROMIUM" ]]; then
    echo "check-report: chromium not found (apt-get install chromium)" >&2
    exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
report="${1:-}"
if [[ -z "$report" ]]; then
    report="$work/report.html"
    cargo run --release --quiet -- run --config sample-ledgers/dalsland-2024.toml --html "$report" >/dev/null
fi
# The checker is added to a copy: the report itself has no script.
python3 - "$report" "$work/checked.html" <<'PY'
import sys
src = open(sys.argv[1], encoding="utf-8").read()
checker = """<script>
(function () {
  var problems = [];
  window.addEventListener('error', function (e) { problems.push('error: ' + e.message); });
  var orig = console.error;
  console.error = function () { problems.push('console.error: ' + Array.from(arguments).join(' ')); orig.apply(console, arguments); };
  function check() {
    var charts = document.querySelectorAll('svg.chart');
    if (charts.length < 5) problems.push('expected at least 5 charts, found ' + charts.length);
    charts.forEach(function (svg, i) {
      var marks = Array.from(svg.querySelectorAll('.mark')).filter(function (m) {
        var b = m.getBBox(); return b.width > 0 && b.height > 0;
      });
      if (marks.length === 0) problems.push('chart ' + i + ' (' + svg.getAttribute('aria-label') + ') is empty');
      var r = svg.getBoundingClientRect();
      if (r.width < 100 || r.height < 40) problems.push('chart ' + i + ' is not visible');
    });
    // No label may run outside its chart (labels are fitted or cut with a <title>, never clipped).
    charts.forEach(function (svg, i) {
      var vb = svg.viewBox.baseVal;
      svg.querySelectorAll('text').forEach(function (t) {
        var b = t.getBBox();
        if (b.width > 0 && (b.x < vb.x - 0.5 || b.x + b.width > vb.x + vb.width + 0.5)) {
          problems.push('chart ' + i + ' (' + svg.getAttribute('aria-label') + '): label "' + t.textContent +
                        '" overflows (' + b.x.toFixed(1) + '..' + (b.x + b.width).toFixed(1) + ' of ' + vb.width + ')');
        }
      });
    });
    // A pool has one colour in every chart.
    var poolFill = {};
    document.querySelectorAll('svg.chart [data-pool]').forEach(function (m) {
      var p = m.getAttribute('data-pool'), f = m.getAttribute('fill');
      if (poolFill[p] && poolFill[p] !== f) problems.push('pool ' + p + ' is drawn in ' + poolFill[p] + ' and ' + f);
      poolFill[p] = f;
    });
    if (Object.keys(poolFill).length < 3) problems.push('expected pools coloured by pool, found ' + Object.keys(poolFill).length);
    var res = performance.getEntriesByType('resource');
    if (res.length) problems.push('loaded ' + res.length + ' resource(s): ' + res[0].name);
    if (document.querySelectorAll('table tbody tr').length < 20) problems.push('too few table rows');
    var out = document.createElement('pre');
    out.id = 'report-check';
    out.textContent = problems.length ? 'REPORT-CHECK FAILED\\n' + problems.join('\\n') : 'REPORT-CHECK OK';
    document.body.appendChild(out);
  }
  window.addEventListener('load', check);
})();
</script>"""
open(sys.argv[2], "w", encoding="utf-8").write(src.replace("</body>", checker + "</body>"))
PY
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars)
"$CHROMIUM" "${flags[@]}" --user-data-dir="$work/profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 --dump-dom "file://$work/checked.html" >"$work/dom.html" 2>"$work/chromium.log" || true
if grep -E "CONSOLE" "$work/chromium.log" | grep -v "REPORT-CHECK" >"$work/console.log"; then
    echo "check-report: the page logged to the console:" >&2
    cat "$work/console.log" >&2
    exit 1
fi
result="$(python3 -c 'import re,sys; m=re.search(r"<pre id=\"report-check\">(.*?)</pre>", open(sys.argv[1]).read(), re.S); print(m.group(1) if m else "REPORT-CHECK MISSING (the page did not load)")' "$work/dom.html")"
echo "$result"
[[ "$result" == "REPORT-CHECK OK" ]] || exit 1
if [[ -n "${2:-}" ]]; then
    "$CHROMIUM" "${flags[@]}" --user-data-dir="$work/profile2" --window-size=1200,2600 \
        --screenshot="$2" "file://$(realpath "$report")" 2>/dev/null
    echo "screenshot: $2"
fi
