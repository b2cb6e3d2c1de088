"""The web demo pool: a WSGI app whose requests take as long as they are asked to, under gunicorn.

GET /work?ms=200&fail=0  sleeps `ms` (at most MAX_MS) and answers 200, or 500 when fail=1.
GET /healthz             answers 200 at once.

Latency is measured from the request's `X-Request-Start: t=<epoch ms>` header when it has one (the
header load balancers and `alertscale stress --url` set), so the time a request waited in
gunicorn's listen backlog for a free worker counts: that is the latency a user sees, and the one
that grows when the pool is too small. Busy seconds count only the time a worker spent on it.

Metrics are written in prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR): every
worker writes its own files and the master serves the sum (see gunicorn.conf.py), so a scrape
sees the whole pool and is never queued behind slow requests.
"""
import time
from urllib.parse import parse_qs

from prometheus_client import Counter, Gauge, Histogram

MAX_MS = 10_000

# Buckets around the SLO thresholds (250 ms down, 500 ms up) so p95 is sharp where it decides.
REQUEST_SECONDS = Histogram(
    "demo_web_request_duration_seconds",
    "Time from the client sending a request (X-Request-Start) to the response, by route.",
    ["route"],
    buckets=(0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2.5, 5, 10),
)
BUSY_SECONDS = Counter("demo_web_worker_busy_seconds_total", "Seconds workers spent serving requests.")
ERRORS = Counter("demo_web_request_errors_total", "Requests answered with a 5xx status, by route.", ["route"])
IN_FLIGHT = Gauge(
    "demo_web_requests_in_flight", "Requests being served now, summed over live workers.", multiprocess_mode="livesum"
)
WORKERS = Gauge("demo_web_workers", "Live gunicorn workers serving the app.", multiprocess_mode="livesum")
WORKERS.set(1)
# Series from the start, so an idle pool shows zeros rather than nothing.
REQUEST_SECONDS.labels("work")
ERRORS.labels("work")


def _respond(start_response, status, body):
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _work(environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    try:
        ms = int(query.get("ms", ["0"])[0])
        fail = query.get("fail", ["0"])[0] == "1"
    except ValueError:
        return _respond(start_response, "400 Bad Request", b"ms must be an integer\n")
    if not 0 <= ms <= MAX_MS:
        return _respond(start_response, "400 Bad Request", b"ms must be between 0 and 10000\n")
    time.sleep(ms / 1000)
    if fail:
        ERRORS.labels("work").inc()
        return _respond(start_response, "500 Internal Server Error", b"failed as asked\n")
    return _respond(start_response, "200 OK", b"ok\n")


def _request_start(environ, now):
    """When the client sent the request (epoch seconds), if it said so plausibly; else `now`."""
    header = environ.get("HTTP_X_REQUEST_START", "")
    try:
        sent = int(header[2:] if header.startswith("t=") else header) / 1000
    except ValueError:
        return now
    return sent if now - 60 <= sent <= now else now


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/healthz":
        return _respond(start_response, "200 OK", b"ok\n")
    if path != "/work":
        return _respond(start_response, "404 Not Found", b"not found\n")
    accepted = time.time()
    sent = _request_start(environ, accepted)
    with IN_FLIGHT.track_inprogress():
        try:
            return _work(environ, start_response)
        finally:
            done = time.time()
            BUSY_SECONDS.inc(done - accepted)
            REQUEST_SECONDS.labels("work").observe(done - sent)
