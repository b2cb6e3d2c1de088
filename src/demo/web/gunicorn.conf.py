"""gunicorn settings for the web demo pool (python3-prometheus-client's multiprocess recipe).

The master serves /metrics on METRICS_PORT (127.0.0.1) from the workers' files, and removes a
worker's live gauges when it exits, so a TTOU shows at once as one worker fewer.
"""
import os

from prometheus_client import CollectorRegistry, multiprocess, start_http_server


def when_ready(server):
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    start_http_server(int(os.environ["METRICS_PORT"]), addr="127.0.0.1", registry=registry)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
