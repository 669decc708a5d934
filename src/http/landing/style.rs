//! The landing page's style sheet, inline so the page needs nothing else: the exporter often runs
//! where nothing outside the cluster is reachable, and the page's CSP forbids loading more.
//!
//! States have a colour each, and the page never relies on it alone: every state also has a
//! symbol and a word. Below 46em the collector table turns into one card per collector.

/// The style sheet, minified by hand (the page is served on every request).
pub(super) const CSS: &str = "\
:root{--ok:#1a7f37;--stale:#9a6700;--failing:#cf222e;--unavailable:#57606a;--pending:#0969da;\
--line:#d0d7de;--muted:#57606a}\
*{box-sizing:border-box}\
body{margin:0;font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif;\
color:#1f2328;background:#f6f8fa}\
header{background:#24292f;color:#f6f8fa;padding:.7em 1.5em;display:flex;flex-wrap:wrap;\
align-items:baseline;gap:.3em 1.5em}\
h1{font-size:1.3em;margin:0}\
header a{color:#f6f8fa}\
.ver{color:#afb8c1;font-size:.9em}\
nav{margin-left:auto;display:flex;flex-wrap:wrap;gap:.3em 1.2em}\
main{max-width:84em;margin:0 auto;padding:1em 1.5em}\
h2{font-size:1.05em;margin:0 0 .6em}\
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.8em 1em;\
margin:0 0 1em}\
.banner{border-left-width:6px}\
.banner p{margin:.3em 0 0}\
.alert{border-color:var(--failing);background:#ffebe9}\
.demo{border-color:#8250df;background:#fbefff}\
.msg{white-space:pre-wrap;overflow-wrap:anywhere}\
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(24em,1fr));gap:0 1em}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1.2em;margin:0}\
dt{color:var(--muted)}\
dd{margin:0;overflow-wrap:anywhere}\
.tiles{display:flex;flex-wrap:wrap;gap:.7em}\
.tile{flex:1 1 15em;border:1px solid var(--line);border-left-width:6px;border-radius:6px;\
padding:.4em .8em}\
.good{border-left-color:var(--ok)}.bad{border-left-color:var(--failing)}\
.tile b{display:block;font-size:1.2em}.tile b span{white-space:nowrap}\
.k{color:var(--muted);font-size:.85em}\
.scroll{overflow-x:auto}\
table{border-collapse:collapse;width:100%}\
th,td{text-align:left;vertical-align:top;padding:.45em .6em;border-bottom:1px solid var(--line)}\
thead th{font-size:.85em;color:var(--muted);border-bottom:2px solid var(--line);\
vertical-align:bottom}\
tbody th{border-left:4px solid transparent;white-space:nowrap}\
th small{font-weight:400}\
td{white-space:nowrap}\
.num{text-align:right;font-variant-numeric:tabular-nums}\
.err{white-space:pre-wrap;overflow-wrap:anywhere;min-width:22em;\
font:.85em/1.4 ui-monospace,\"DejaVu Sans Mono\",monospace}\
.st{display:inline-block;white-space:nowrap;padding:0 .55em;border:1px solid;border-radius:1em;\
font-weight:600;font-size:.9em}\
.ok{color:var(--ok);border-color:var(--ok)}.st.ok{background:#dafbe1}\
.stale{color:var(--stale);border-color:var(--stale)}.st.stale{background:#fff8c5}\
.failing{color:var(--failing);border-color:var(--failing)}.st.failing{background:#ffebe9}\
.unavailable{color:var(--unavailable);border-color:var(--unavailable)}\
.st.unavailable{background:#eaeef2}\
.pending{color:var(--pending);border-color:var(--pending)}.st.pending{background:#ddf4ff}\
.r-stale th{border-left-color:var(--stale)}.r-failing th{border-left-color:var(--failing)}\
.r-unavailable th{border-left-color:var(--line)}.r-pending th{border-left-color:var(--pending)}\
small{display:block;color:var(--muted);font-size:.85em}\
small code{white-space:nowrap}\
.none{color:var(--muted)}\
.bar{height:.6em;background:#eaeef2;border-radius:.3em;overflow:hidden;max-width:22em;\
margin:.3em 0 .1em}\
.bar i{display:block;height:100%;background:currentColor}\
footer{color:var(--muted);font-size:.85em}\
@media (max-width:46em){\
header,main{padding-left:.8em;padding-right:.8em}nav{margin-left:0}\
thead{display:none}table,tbody{display:block}\
tr{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.2em 1em;\
border-bottom:2px solid var(--line);padding:.5em 0}\
td,tbody th{border-bottom:0;padding:0 .3em;white-space:normal}\
tbody th,td:last-child{grid-column:1/-1}.num{text-align:left}.err{min-width:0}\
td::before{content:attr(data-label);display:block;color:var(--muted);font-size:.8em}}\
";
