#!/usr/bin/env python3
"""Parses what bench/run.sh recorded and prints it; never runs a load itself.

  report.py row DIR         one row's figures (DIR = RESULTS/round-N/KEY-NAME), a few lines
  report.py counters DIR    lvsd's own counters of that row (lvsadm --stats, metrics page drop counters)
  report.py summary RESULTS medians over the rounds, ratios to rows a and b: writes results.tsv, summary.json and
                            summary.md into RESULTS and prints summary.md
"""
import glob
import json
import os
import re
import statistics
import sys



def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def wrk(directory, name):
    """Sums the clients' wrk runs of one load: requests/s, errors; p50 weighted by requests, p99 the worst client's."""
    runs = []
    for path in sorted(glob.glob(os.path.join(directory, f"wrk-{name}-*.txt"))):
        m = re.search(r"^WRKRESULT (.*)$", read(path) or "", re.M)
        if m:
            runs.append({k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())})
    if not runs:
        return {}
    requests = sum(r["requests"] for r in runs)
    errors = sum(r[k] for r in runs for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    out = {
        "rate": sum(r["requests"] / (r["duration_us"] / 1e6) for r in runs if r["duration_us"] > 0),
        "errors": errors,
        "clients": len(runs),
    }
    if requests > 0:
        out["p50_us"] = sum(r["p50_us"] * r["requests"] for r in runs) / requests
        out["p99_us"] = max(r["p99_us"] for r in runs if r["requests"] > 0)
    return out


def udp(directory):
    """iperf3 -u: datagrams the servers received per second (sent minus lost, over the test time) and the loss."""
    sent = lost = 0
    rate = 0.0
    failures = []
    paths = sorted(glob.glob(os.path.join(directory, "iperf3-*.json")))
    for path in paths:
        text = read(path) or ""
        try:
            doc = json.loads(text[text.index("{"):]) if "{" in text else {}
        except ValueError:
            doc = {}
        s = doc.get("end", {}).get("sum", {})
        if doc.get("error") or "packets" not in s:
            failures.append(f"{os.path.basename(path)}: {doc.get('error') or text.strip()[:120] or 'no output'}")
            continue
        sent += s["packets"]
        lost += s["lost_packets"]
        if s.get("seconds"):
            rate += (s["packets"] - s["lost_packets"]) / s["seconds"]
    if not paths:
        return {}
    out = {"failures": failures}
    if sent:
        out.update(rx_rate=rate, loss_pct=100.0 * lost / sent, sent=sent, lost=lost)
    return out


def connect_times(directory):
    text = read(os.path.join(directory, "connect.txt"))
    if text is None:
        return {}
    lines = text.split()
    ok = [int(x) for x in lines if x.isdigit()]
    out = {"fail": len(lines) - len(ok), "count": len(lines)}
    if ok:
        out.update(p50_us=percentile(ok, 50), p99_us=percentile(ok, 99))
    return out


def ping(directory, name):
    text = read(os.path.join(directory, f"ping-{name}.txt"))
    if text is None:
        return {}
    times = [float(x) * 1000 for x in re.findall(r"time=([0-9.]+) ms", text)]
    if not times:
        return {"replies": 0}
    return {"replies": len(times), "p50_us": percentile(times, 50), "p99_us": percentile(times, 99)}


def lvsd_counters(directory):
    """Frames received/forwarded and drops by reason from the metrics page; None when the row had no lvsd."""
    text = read(os.path.join(directory, "lvsd-metrics.txt"))
    if text is None:
        return None
    counters = {"received": 0, "forwarded": 0, "drops": {}}
    for m in re.finditer(r'^lvsd_datapath_frames_total\{result="(\w+)"\} (\d+)', text, re.M):
        counters[m.group(1)] = int(m.group(2))
    for m in re.finditer(r'^lvsd_drops_total\{reason="(\w+)"\} (\d+)', text, re.M):
        if int(m.group(2)):
            counters["drops"][m.group(1)] = int(m.group(2))
    # Whatever lvsd may add later about its capture rings (kernel-side drops, freezes) is shown as well.
    for m in re.finditer(r'^(lvsd_\w*(?:ring|kernel|rx_drop)\w*)(\{[^}]*\})? (\d+)', text, re.M):
        if int(m.group(3)):
            counters["drops"][m.group(1) + (m.group(2) or "")] = int(m.group(3))
    # Collections and allocation while the loads ran: the end of the row minus lvsd's counters once it was ready.
    before = read(os.path.join(directory, "lvsd-metrics-before.txt")) or ""
    gc_end, gc_start = runtime_gc(text), runtime_gc(before)
    counters["gc"] = {g: n - gc_start.get(g, 0) for g, n in gc_end.items()}
    allocated_end, allocated_start = runtime_allocated(text), runtime_allocated(before)
    counters["allocated"] = allocated_end - allocated_start if allocated_end is not None and allocated_start is not None else None
    counters["metrics_ok"] = "lvsd_datapath_frames_total" in text
    counters["interfaces_rx"] = interfaces_rx(directory)
    return counters


def runtime_gc(text):
    return {int(m.group(1)): int(m.group(2)) for m in re.finditer(r'^lvsd_dotnet_gc_collections_total\{generation="(\d)"\} (\d+)', text, re.M)}


def runtime_allocated(text):
    found = re.search(r'^lvsd_dotnet_allocated_bytes_total\{[^}]*\} (\d+)', text, re.M)
    return int(found.group(1)) if found else None


def interfaces_rx(directory):
    """Frames the director's kernel counted on its eth* interfaces while lvsd ran (ip -s -j link, after - before)."""
    totals = []
    for name in ("before", "after"):
        try:
            links = json.loads(read(os.path.join(directory, f"dir-links-{name}.json")) or "")
        except ValueError:
            return None
        totals.append(sum(l["stats64"]["rx"]["packets"] for l in links if l.get("ifname", "").startswith("eth")))
    return totals[1] - totals[0]


def row_metrics(directory):
    """Flat metrics of one row in one round: the figures the summary takes medians of."""
    m = {}
    ka, close = wrk(directory, "ka"), wrk(directory, "close")
    if "rate" in ka:
        m.update(ka_rps=ka["rate"], ka_errors=ka["errors"])
        if "p50_us" in ka:
            m.update(ka_p50_us=ka["p50_us"], ka_p99_us=ka["p99_us"])
    if "rate" in close:
        m.update(close_cps=close["rate"], close_errors=close["errors"])
    u = udp(directory)
    if "rx_rate" in u:
        m.update(udp_rx_pps=u["rx_rate"], udp_loss_pct=u["loss_pct"])
    if u:
        m["udp_failures"] = len(u["failures"])
    c = connect_times(directory)
    if "p50_us" in c:
        m.update(connect_p50_us=c["p50_us"], connect_p99_us=c["p99_us"])
    if c:
        m["connect_fail"] = c["fail"]
    for name in ("target", "dir"):
        p = ping(directory, name)
        if "p50_us" in p:
            m.update({f"ping_{name}_p50_us": p["p50_us"], f"ping_{name}_p99_us": p["p99_us"]})
    lc = lvsd_counters(directory)
    if lc is not None and lc["metrics_ok"]:
        m["lvsd_drops"] = sum(lc["drops"].values())
        if lc["interfaces_rx"] is not None:
            m["lvsd_ring_missed"] = lc["interfaces_rx"] - lc["received"]
    return m


def fmt(v, digits=0):
    if v is None:
        return "—"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def cmd_row(directory):
    failed = read(os.path.join(directory, "failed.txt"))
    if failed is not None:
        print(f"row FAILED ({failed.strip().splitlines()[0] if failed.strip() else '?'}): no figures")
        return
    ka, close, u = wrk(directory, "ka"), wrk(directory, "close"), udp(directory)
    c, pt, pd = connect_times(directory), ping(directory, "target"), ping(directory, "dir")
    if ka:
        print(f"keep-alive  {fmt(ka['rate'])} req/s, p50 {fmt(ka.get('p50_us'))} µs, p99 {fmt(ka.get('p99_us'))} µs, "
              f"{ka['errors']} errors ({ka['clients']} clients)")
    if close:
        print(f"close       {fmt(close['rate'])} conn/s, {close['errors']} errors")
    if os.path.exists(os.path.join(directory, "udp-skipped.txt")):
        print("udp         — (HAProxy mode tcp proxies no UDP)")
    elif u:
        if "rx_rate" in u:
            print(f"udp         {fmt(u['rx_rate'])} datagrams/s received by the servers, loss {u['loss_pct']:.1f}% "
                  f"({fmt(u['lost'])} of {fmt(u['sent'])})")
        for failure in u["failures"]:
            print(f"udp FAILED  {failure}")
    if c:
        print(f"connect     p50 {fmt(c.get('p50_us'))} µs, p99 {fmt(c.get('p99_us'))} µs, {c['fail']} failed of {c['count']}")
    if pt or pd:
        print(f"ping        target p50 {fmt(pt.get('p50_us'))} µs p99 {fmt(pt.get('p99_us'))} µs ({pt.get('replies', 0)} replies); "
              f"director p50 {fmt(pd.get('p50_us'))} µs p99 {fmt(pd.get('p99_us'))} µs ({pd.get('replies', 0)} replies)")


def cmd_counters(directory):
    stats = read(os.path.join(directory, "lvsadm-stats.txt")) or ""
    for line in stats.splitlines():
        if re.match(r"^(TCP|UDP)\s", line) and ":80 " in line + " ":
            print("lvsadm -L -n --stats:  " + " ".join(line.split()) + "   (service: conns inpkts outpkts inbytes outbytes)")
    lc = lvsd_counters(directory)
    if lc is None or not lc["metrics_ok"]:
        print("lvsd counters: metrics page did not answer")
        return
    drops = ", ".join(f"{k}={v:,}" for k, v in sorted(lc["drops"].items())) or "none"
    print(f"lvsd data path: {lc['received']:,} frames received, {lc['forwarded']:,} forwarded; drops: {drops}")
    if lc["gc"]:
        gc = ", ".join(f"gen{g} {n}" for g, n in sorted(lc["gc"].items()))
        allocated = f"{lc['allocated']:,} bytes" if lc["allocated"] is not None else "?"
        per_frame = f" ({lc['allocated'] / lc['received']:.3f} per frame received; the control plane's scrapes, lvsadm and timers included)" if lc["allocated"] is not None and lc["received"] else ""
        print(f"lvsd runtime during the loads: collections {gc}; allocated {allocated}{per_frame}")
    rx = lc["interfaces_rx"]
    if rx is not None:
        missed = rx - lc["received"]
        print(f"director interfaces: {rx:,} frames received by the kernel while lvsd ran; {missed:,} "
              f"({100.0 * missed / rx if rx else 0:.1f}%) never reached lvsd (lost in its capture rings; lvsd_worker_ring_drops_total among the drops above counts the same)")


THROUGHPUT = ["ka_rps", "close_cps", "udp_rx_pps"]


def cmd_summary(results):
    rounds, labels = {}, {}
    for directory in sorted(glob.glob(os.path.join(results, "round-*", "*-*"))):
        rnd = int(os.path.basename(os.path.dirname(directory)).split("-")[1])
        key, name = os.path.basename(directory).split("-", 1)
        rounds.setdefault(key, {})[rnd] = row_metrics(directory)
        # run.sh writes the row's name and where its balancer runs (row.txt: two lines).
        label = (read(os.path.join(directory, "row.txt")) or f"{name}\n?").splitlines()
        labels.setdefault(key, (label[0], label[1] if len(label) > 1 else "?"))

    with open(os.path.join(results, "results.tsv"), "w") as tsv:
        tsv.write("round\tpath\tname\tmetric\tvalue\n")
        for key in sorted(rounds):
            for rnd, metrics in sorted(rounds[key].items()):
                for metric, value in sorted(metrics.items()):
                    tsv.write(f"{rnd}\t{key}\t{labels[key][0]}\t{metric}\t{value:.3f}\n")

    med = {}
    for key, by_round in rounds.items():
        names = {n for m in by_round.values() for n in m}
        med[key] = {n: statistics.median([m[n] for m in by_round.values() if n in m]) for n in names}

    def ratio(key, metric, base):
        v, b = med.get(key, {}).get(metric), med.get(base, {}).get(metric)
        return v / b if v is not None and b else None

    run = dict(line.split("=", 1) for line in (read(os.path.join(results, "run.txt")) or "").split("\n") if "=" in line)
    summary = {"run": run, "medians": med,
               "ratios": {k: {f"{m}_vs_{b}": ratio(k, m, b) for m in THROUGHPUT for b in ("a", "b")} for k in med},
               "rounds": {k: {str(r): m for r, m in v.items()} for k, v in rounds.items()}}
    with open(os.path.join(results, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)

    def r(key, metric, base):
        x = ratio(key, metric, base)
        return "—" if x is None else f"{x:.2f}"

    def errors(m):
        n = [m.get(k) for k in ("ka_errors", "close_errors", "connect_fail", "udp_failures") if m.get(k) is not None]
        return fmt(sum(n)) if n else "—"

    lines = [
        f"Lab benchmark, {run.get('date', '?')}, commit {run.get('commit', '?')}, {run.get('rounds', '?')} round(s) of "
        f"{run.get('duration', '?')} s loads, {run.get('connections', '?')} wrk connections, {run.get('connects', '?')} connects, "
        f"nproc {run.get('nproc', '?')}, load average {run.get('load_before', '?')} before / {run.get('load_after', '?')} after, "
        f"{run.get('elapsed_s', '?')} s in all; "
        f"lvsd --workers: {run.get('workers_flag', '?')}",
        "",
        "| row | balancer runs on | keep-alive req/s | ×a | ×b | p50 µs | p99 µs | Connection: close conn/s | ×a | ×b "
        "| UDP 64 B rx datagrams/s | loss % | ×a | ×b | errors | lvsd drops | missed by lvsd |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for key in sorted(med):
        m = med[key]
        udp_cells = ["—"] * 4 if key == "c" else [fmt(m.get("udp_rx_pps")), fmt(m.get("udp_loss_pct"), 1),
                                                  r(key, "udp_rx_pps", "a"), r(key, "udp_rx_pps", "b")]
        lines.append("| " + " | ".join([
            f"({key}) {labels[key][0]}", labels[key][1], fmt(m.get("ka_rps")), r(key, "ka_rps", "a"), r(key, "ka_rps", "b"),
            fmt(m.get("ka_p50_us")), fmt(m.get("ka_p99_us")), fmt(m.get("close_cps")), r(key, "close_cps", "a"),
            r(key, "close_cps", "b"), *udp_cells, errors(m), fmt(m.get("lvsd_drops")), fmt(m.get("lvsd_ring_missed"))]) + " |")

    def delta(key, metric, base):
        v, b = med.get(key, {}).get(metric), med.get(base, {}).get(metric)
        return "—" if v is None or b is None else f"{v - b:+,.0f}"

    lines += [
        "",
        "| row | TCP connect p50 µs | p99 µs | p50 − a | p50 − b | p99 − b | ping target p50 / p99 µs | ping director kernel p50 / p99 µs |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for key in sorted(med):
        m = med[key]
        lines.append("| " + " | ".join([
            f"({key}) {labels[key][0]}", fmt(m.get("connect_p50_us")), fmt(m.get("connect_p99_us")),
            delta(key, "connect_p50_us", "a"), delta(key, "connect_p50_us", "b"), delta(key, "connect_p99_us", "b"),
            f"{fmt(m.get('ping_target_p50_us'))} / {fmt(m.get('ping_target_p99_us'))}",
            f"{fmt(m.get('ping_dir_p50_us'))} / {fmt(m.get('ping_dir_p99_us'))}"]) + " |")

    # The latency goal: lvsd within 50 µs of the kernel path at p50, no worse than nftables at p99.
    goals = []
    for key in ("d", "e", "f"):
        m = med.get(key, {})
        for base in ("a", "b"):
            b = med.get(base, {})
            if "connect_p50_us" in m and "connect_p50_us" in b:
                d50 = m["connect_p50_us"] - b["connect_p50_us"]
                goals.append(f"- ({key}) {labels[key][0]}: connect p50 {d50:+,.0f} µs against ({base}) {labels[base][0]} "
                             f"(goal ≤ +50: {'met' if d50 <= 50 else 'not met'})")
        if "connect_p99_us" in m and "connect_p99_us" in med.get("b", {}):
            nft99 = med["b"]["connect_p99_us"]
            goals.append(f"- ({key}) {labels[key][0]}: connect p99 {m['connect_p99_us']:,.0f} µs against nftables {nft99:,.0f} µs "
                         f"(goal ≤ nftables: {'met' if m['connect_p99_us'] <= nft99 else 'not met'})")
    failed_streams = [f"({k}) round {rnd}: {m['udp_failures']}" for k in sorted(rounds)
                      for rnd, m in sorted(rounds[k].items()) if m.get("udp_failures")]
    if failed_streams:
        lines += ["", "UDP streams that never started (iperf3's one UDP handshake datagram lost; their datagrams are "
                      "missing from that round's rate): " + ", ".join(failed_streams)]
    if goals:
        lines += ["", "Latency goal (medians over the rounds):", *goals]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(results, "summary.md"), "w") as f:
        f.write(text)
    print(text, end="")
    print(f"\nfiles: {results}/summary.md, summary.json, results.tsv (one line per round, row and metric), round-*/ (raw)")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("row", "counters", "summary"):
        sys.exit(__doc__)
    {"row": cmd_row, "counters": cmd_counters, "summary": cmd_summary}[sys.argv[1]](sys.argv[2])
