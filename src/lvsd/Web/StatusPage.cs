using System.Text.Json;

namespace LvsDirector.Daemon.Web;

/// <summary>
/// The read-only status page: one self-contained HTML document (inline CSS and script, nothing fetched from
/// elsewhere). The first table is rendered from JSON embedded in the page, so it shows data without waiting
/// for a request; the script then refreshes from /status.json every 2 seconds.
/// </summary>
internal static class StatusPage
{
    public const string ContentType = "text/html; charset=utf-8";

    private const string InitialMarker = "{{INITIAL_JSON}}";

    private const string Template =
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>lvsd status</title>
        <style>
        body { font: 13px/1.35 system-ui, sans-serif; margin: 16px; color: #1d2329; background: #f4f6f8; }
        h1 { font-size: 18px; margin: 0 0 4px; }
        #meta { color: #56606b; margin-bottom: 12px; }
        table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.15); }
        th, td { padding: 4px 8px; border-bottom: 1px solid #dde2e7; text-align: right; white-space: nowrap; }
        h2 { font-size: 16px; margin: 18px 0 6px; }
        th { background: #2b4a6b; color: #fff; position: sticky; top: 0; }
        th.l, td.l { text-align: left; }
        tr.svc td { background: #dfe9f3; font-weight: 600; border-top: 2px solid #2b4a6b; }
        tr.srv td.l:first-child { padding-left: 24px; }
        td.up { background: #c8efc8; color: #145214; }
        td.quiescent { background: #f3e6b3; color: #5c4a05; }
        td.down { background: #f4c2c2; color: #7a1010; }
        tr.overloaded td { color: #a0522d; }
        #empty { padding: 12px; color: #56606b; }
        #error { color: #a01010; }
        </style>
        </head>
        <body>
        <h1>lvsd status</h1>
        <div id="meta"><span id="version"></span><span id="vrrp"></span> &middot; updated <span id="time">never</span> &middot; refresh every 2 s <span id="error"></span></div>
        <table id="status">
        <thead><tr>
        <th class="l">Service / real server</th><th class="l">Scheduler / method</th><th>Weight</th><th class="l">Health</th>
        <th>ActiveConn</th><th>InActConn</th><th>PersistConn</th><th>Conns</th><th>CPS</th><th>InPPS</th><th>OutPPS</th>
        </tr></thead>
        <tbody id="rows"></tbody>
        </table>
        <div id="empty" hidden>No virtual services configured.</div>
        <h2>Packet workers</h2>
        <table id="workers">
        <thead><tr><th>Worker</th><th>CPU</th><th>Received</th><th>Forwarded</th><th>Ring drops</th></tr></thead>
        <tbody id="worker-rows"></tbody>
        </table>
        <script type="application/json" id="initial">{{INITIAL_JSON}}</script>
        <script>
        "use strict";
        (function () {
          function cell(tr, text, cls) {
            var td = document.createElement("td");
            td.textContent = text === undefined || text === null ? "" : String(text);
            if (cls) { td.className = cls; }
            tr.appendChild(td);
          }
          function render(doc) {
            var rows = document.getElementById("rows");
            var body = document.createDocumentFragment();
            doc.services.forEach(function (s) {
              var tr = document.createElement("tr");
              tr.className = "svc";
              cell(tr, s.name, "l"); cell(tr, s.scheduler, "l"); cell(tr, ""); cell(tr, "", "l");
              cell(tr, s.active_connections); cell(tr, s.inactive_connections); cell(tr, "");
              cell(tr, s.connections); cell(tr, s.cps); cell(tr, s.in_pps); cell(tr, s.out_pps);
              body.appendChild(tr);
              s.servers.forEach(function (r) {
                var tr2 = document.createElement("tr");
                tr2.className = "srv" + (r.overloaded ? " overloaded" : "");
                var host = r.address.indexOf(":") >= 0 ? "[" + r.address + "]" : r.address;
                cell(tr2, "\u2192 " + host + ":" + r.port + (r.sorry_server ? " (sorry server)" : ""), "l"); cell(tr2, r.method, "l"); cell(tr2, r.weight);
                cell(tr2, r.health, "l " + r.health);
                cell(tr2, r.active_connections); cell(tr2, r.inactive_connections); cell(tr2, r.persistent_connections);
                cell(tr2, r.connections); cell(tr2, r.cps); cell(tr2, r.in_pps); cell(tr2, r.out_pps);
                body.appendChild(tr2);
              });
            });
            rows.replaceChildren(body);
            var workers = document.createDocumentFragment();
            (doc.workers || []).forEach(function (w) {
              var tr = document.createElement("tr");
              cell(tr, w.worker); cell(tr, w.cpu === null ? "any" : w.cpu); cell(tr, w.received); cell(tr, w.forwarded);
              cell(tr, w.ring_drops, w.ring_drops > 0 ? "down" : "");
              workers.appendChild(tr);
            });
            document.getElementById("worker-rows").replaceChildren(workers);
            document.getElementById("empty").hidden = doc.services.length !== 0;
            document.getElementById("version").textContent = "lvsd " + doc.version;
            document.getElementById("vrrp").textContent = doc.vrrp ? " \u00b7 VRRP " + doc.vrrp : "";
            document.getElementById("time").textContent = new Date(doc.time).toLocaleTimeString();
          }
          function refresh() {
            fetch("/status.json", { cache: "no-store" })
              .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
              .then(function (doc) { document.getElementById("error").textContent = ""; render(doc); })
              .catch(function (e) { document.getElementById("error").textContent = "(refresh failed: " + e.message + ")"; });
          }
          render(JSON.parse(document.getElementById("initial").textContent));
          setInterval(refresh, 2000);
        })();
        </script>
        </body>
        </html>
        """;

    /// <summary>The page with <paramref name="document"/> embedded as its first content.</summary>
    public static string Render(StatusDocument document) =>
        // The default encoder escapes '<', '>' and '&', so the JSON cannot close the script element early.
        Template.Replace(InitialMarker, JsonSerializer.Serialize(document, StatusJsonContext.Default.StatusDocument), StringComparison.Ordinal);
}
