-- wrk -s bench/wrk-report.lua: one machine-readable line at the end of a run, so bench/report.py never parses
-- wrk's human units (us/ms/s, k/M). Latencies are in microseconds.
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "WRKRESULT requests=%d duration_us=%d connect_errors=%d read_errors=%d write_errors=%d status_errors=%d timeouts=%d p50_us=%d p99_us=%d\n",
        summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
        latency:percentile(50.0), latency:percentile(99.0)))
end
