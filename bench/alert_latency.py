#!/usr/bin/env python3
"""Measures the time from the engine's `health_status: unhealthy` event to the alert reaching a
local webhook receiver. Started by alert-latency.sh, which runs DockerOps pointed at this receiver.

It listens for alerts on 127.0.0.1, reads the engine's own event stream over its socket (the event's
timeNano is the start of the measurement), creates containers whose health check starts failing,
and prints p50/p99 over the incidents."""
import http.client, http.server, json, os, socket, statistics, sys, threading, time, urllib.parse

SOCKET = os.environ["DOCKER_HOST"].removeprefix("unix://")
IMAGE = os.environ.get("BENCH_IMAGE", "dockerops-test/busybox:1")
LABEL = os.environ["BENCH_LABEL"]            # key=value that DockerOps watches (Health:Label)
PORT = int(os.environ["BENCH_RECEIVER_PORT"])
COUNT = int(os.environ.get("BENCH_INCIDENTS", "25"))

unhealthy_at = {}   # container id -> engine event time (s)
alert_at = {}       # container name -> receiver arrival time (s)
lock = threading.Condition()


class UnixConnection(http.client.HTTPConnection):
    def __init__(self):
        super().__init__("docker")

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(SOCKET)


def engine(method, path, body=None):
    conn = UnixConnection()
    conn.request(method, path, body=None if body is None else json.dumps(body),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
    return json.loads(data) if data else None


def watch_events():
    filters = json.dumps({"type": ["container"], "event": ["health_status"], "label": [LABEL]})
    conn = UnixConnection()
    conn.request("GET", "/events?filters=" + urllib.parse.quote(filters))
    response = conn.getresponse()
    buffer = b""
    while True:
        chunk = response.read1(65536)
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            event = json.loads(line)
            if event.get("Action", "").endswith("unhealthy"):
                with lock:
                    unhealthy_at.setdefault(event["Actor"]["ID"], event["timeNano"] / 1e9)
                    lock.notify_all()


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        arrived = time.time()
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()
        if body.get("kind") == "opened" and body.get("cause") == "unhealthy":
            with lock:
                alert_at.setdefault(body["container"]["name"], arrived)
                lock.notify_all()

    def log_message(self, *args):
        pass


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=watch_events, daemon=True).start()
    time.sleep(0.5)
    key, value = LABEL.split("=", 1)
    latencies = []
    for i in range(COUNT):
        name = f"bench-{os.getpid()}-{i}"
        created = engine("POST", f"/containers/create?name={name}", {
            "Image": IMAGE,
            "Cmd": ["sh", "-c", "trap 'exit 0' TERM; touch /tmp/ok; sleep 1; rm /tmp/ok; sleep 3600 & wait"],
            "Labels": {key: value, "dockerops.test": "bench"},
            "Healthcheck": {"Test": ["CMD", "test", "-f", "/tmp/ok"], "Interval": 200_000_000, "Timeout": 2_000_000_000, "Retries": 1},
        })
        cid = created["Id"]
        engine("POST", f"/containers/{cid}/start")
        deadline = time.time() + 30
        with lock:
            while (cid not in unhealthy_at or name not in alert_at) and time.time() < deadline:
                lock.wait(0.5)
            event, alert = unhealthy_at.get(cid), alert_at.get(name)
        engine("DELETE", f"/containers/{cid}?force=true")
        if event is None or alert is None:
            print(f"incident {i + 1}: {'no engine event' if event is None else 'no alert'} within 30 s", file=sys.stderr)
            continue
        latencies.append((alert - event) * 1000)
        print(f"incident {i + 1:2d}: {latencies[-1]:7.1f} ms", file=sys.stderr)
    server.shutdown()
    if len(latencies) < COUNT:
        print(f"only {len(latencies)} of {COUNT} incidents were alerted", file=sys.stderr)
    ordered = sorted(latencies)

    def percentile(p):
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]

    print(f"incidents: {len(ordered)}  p50: {statistics.median(ordered):.0f} ms  p90: {percentile(90):.0f} ms  "
          f"p99: {percentile(99):.0f} ms  max: {ordered[-1]:.0f} ms  (target p50 < 500 ms, p99 < 2000 ms)")
    return 0 if len(ordered) == COUNT else 1


if __name__ == "__main__":
    sys.exit(main())
