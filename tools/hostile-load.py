#!/usr/bin/env python3
"""Hostile load run: the exporter's peak memory and behaviour under attacks from ZPA's side
(huge bodies) and from the scrape side (idle, flooding and non-reading clients).

    tools/hostile-load.py [--exporter BIN] [--simulator BIN] [--env NAME=VALUE ...] [--label TEXT]

Without --exporter it uses target/release/zpa-exporter and target/release/zpa-simulator of this
checkout, building them (cargo build --release) when absent. Give another build's exporter to
compare side by side; always give it the newest simulator (older ones lack the hugeBody fault).
Only flags that every version understands are passed. --env sets a variable in the exporter's
environment (e.g. MALLOC_ARENA_MAX=2). Python 3 standard library only, plus wrk on the PATH.

Every exporter is started under a soft open-file limit of 1024 (what distributions default to;
the hard limit is left as it is) with --zpa.rate-limit=10000/1s --log.level=warn. Peak memory is
VmHWM of the exporter process after resetting it (/proc/PID/clear_refs) when the attack starts.
Cases, each on its own exporter (and simulator) process unless said otherwise:

  1. error body   --poll.interval=5s, small tenant; the connector list answers 401 with a 200 MiB
                  body (Content-Length set) for 8 s.
  2. sign-in body same process as 1, next: /signin answers 401 with a 200 MiB body and the token
                  is revoked, for 8 s.
  3. success body same process, next: the connector list answers 200 with an 80 MiB body (chunked,
                  so the limit has to act while reading) for 12 s; downloads are the simulator's
                  request count for that endpoint.
  4. idle conns   6 000 connections to the exporter, half sending nothing and half an unfinished
                  request head, held 12 s; a normal scrape (5 s timeout) is tried while they are
                  held.
  5. scrape flood a tenant of 50 000 App Connectors (--poll.interval=1h), wrk with 10 connections on
                  /metrics for 10 s.
  6. non-readers  --poll.interval=2s, small tenant; 2 000 clients each pipeline 100 GET /metrics and
                  never read, for 20 s. A separate client scrapes every 2 s (zpa_up, whether the
                  app_connectors collector's last success moves), and once more right after the
                  clients go; the simulator counts the connector list polls (10 due in 20 s).
  7. afterwards   RSS of the processes of cases 1-3 and 5, 60 s after their last attack ended.
  8. stop         --poll.interval=2s, small tenant; once ready, every endpoint including sign-out
                  hangs, and 500 clients are stuck (250 idle, 250 non-reading); time from SIGTERM
                  to exit (killed after 45 s).

A case the exporter does not survive (crash, OOM kill, never ready) is reported as its result.
Every process the script starts is stopped when it ends, also on an error or Ctrl-C. It prints
one Markdown table: attack, RSS before → peak, behaviour; progress and the directory holding the
processes' logs go to stderr. About 2 minutes per exporter.
"""

import argparse
import json
import os
import re
import resource
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

MIB = 1024 * 1024
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CUSTOMER = "216196257331281920"
PROCS = []  # every process started, stopped in cleanup()
LOGDIR = tempfile.mkdtemp(prefix="hostile-load-")


# ---------------------------------------------------------------- processes


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cleanup():
    for p in PROCS:
        if p.poll() is None:
            p.kill()
    for p in PROCS:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def http(url, method="GET", body=None, timeout=5.0):
    """(status, body text); status None when there is no answer."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except Exception:  # refused, reset, timed out
        return None, ""


class Simulator:
    def __init__(self, binary, connectors=12, segments=120):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = open(os.path.join(LOGDIR, f"sim-{self.port}.log"), "w")
        self.proc = subprocess.Popen(
            [binary, "--listen", f"127.0.0.1:{self.port}", "--segments", str(segments),
             "--connectors", str(connectors), "--rate-limit", "off", "--log.level", "error"],
            stdout=log, stderr=log)
        PROCS.append(self.proc)
        for _ in range(300):
            if http(self.url + "/__sim/stats")[0] == 200:
                return
            time.sleep(0.1)
        raise RuntimeError("the simulator did not start")

    def fault(self, *faults):
        status, text = http(self.url + "/__sim/faults", "POST", list(faults))
        if status != 204:
            raise RuntimeError(f"fault refused: {status} {text}")

    def clear(self):
        http(self.url + "/__sim/faults", "DELETE")

    def revoke(self):
        http(self.url + "/__sim/tokens/revoke", "POST", {})

    def count(self, endpoint):
        status, text = http(self.url + "/__sim/stats")
        return json.loads(text)["requests"].get(endpoint, 0) if status == 200 else 0

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def exporter_limits():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))


class Exporter:
    def __init__(self, binary, sim, env, *flags):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = os.path.join(LOGDIR, f"exporter-{self.port}.log")
        full_env = dict(os.environ, ZPA_CLIENT_SECRET="sim-secret", **env)
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [binary, f"--web.listen-address=127.0.0.1:{self.port}",
                 f"--zpa.base-url={sim.url}", f"--zpa.customer-id={CUSTOMER}",
                 "--zpa.client-id=sim-client", "--zpa.rate-limit=10000/1s", "--log.level=warn",
                 *flags],
                stdout=log, stderr=log, env=full_env, preexec_fn=exporter_limits)
        PROCS.append(self.proc)
        self.pid = self.proc.pid
        self.base = None
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the exporter exited at start; see {self.log}")
            if http(self.url + "/-/ready", timeout=2)[0] == 200:
                self.ready_rss = self.status_kib("VmRSS")
                return
            time.sleep(0.2)
        raise RuntimeError("the exporter did not become ready")

    def status_kib(self, key):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith(key + ":"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def reset_peak(self):
        """Resets VmHWM to the current RSS, which is kept as the baseline of the next peak()."""
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass
        self.base = self.status_kib("VmRSS")

    def peak(self):
        """'baseline → peak' since the last reset_peak()."""
        return f"{mib(self.base)} → {mib(self.status_kib('VmHWM'))}"

    def rss(self):
        return mib(self.status_kib("VmRSS"))

    def died(self):
        """None while running, else how it ended."""
        rc = self.proc.poll()
        if rc is None:
            return None
        if rc < 0:
            name = signal.Signals(-rc).name
            return f"killed by {name}" + (" (OOM?)" if name == "SIGKILL" else "")
        return f"exited with status {rc}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def mib(kib):
    return "—" if kib is None else f"{kib / 1024:.0f} MiB"


def sample(text, name, collector=None):
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        m = re.match(r'^(\w+)(\{[^}]*\})?\s+(\S+)', line)
        if not m or m.group(1) != name:
            continue
        if collector and f'collector="{collector}"' not in (m.group(2) or ""):
            continue
        return float(m.group(3))
    return None


# ---------------------------------------------------------------- hostile clients


def open_many(port, n, partial):
    """n non-blocking connections; `partial` of them get an unfinished request head once
    connected. Returns the sockets (the caller closes them)."""
    socks = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
    time.sleep(1.0)
    for s in socks[:partial]:
        try:
            s.send(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Ag")
        except OSError:
            pass
    return socks


def established(socks):
    """How many connections the kernel completed (writable without a pending error)."""
    sel = selectors.DefaultSelector()
    ok = 0
    for start in range(0, len(socks), 500):
        chunk = socks[start:start + 500]
        for s in chunk:
            sel.register(s, selectors.EVENT_WRITE)
        ready = {key.fileobj for key, _ in sel.select(timeout=0.2)}
        for s in chunk:
            sel.unregister(s)
            if s in ready and s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                ok += 1
    sel.close()
    return ok


def non_readers(port, n, requests, stop, sent_counter):
    """n connections that pipeline `requests` GET /metrics each, as far as the socket takes them,
    and never read; they stay until `stop` is set."""
    one = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    socks = open_many(port, n, 0)
    pending = {s: one * requests for s in socks}
    while not stop.is_set() and pending:
        for s in list(pending):
            try:
                k = s.send(pending[s])
                sent_counter[0] += k // len(one)
                pending[s] = pending[s][k:]
                if not pending[s]:
                    del pending[s]
            except BlockingIOError:
                pass
            except OSError:
                del pending[s]
        stop.wait(0.2)
    stop.wait()
    for s in socks:
        s.close()


def close_all(socks):
    for s in socks:
        s.close()


# ---------------------------------------------------------------- cases


class Run:
    def __init__(self, args):
        self.args = args
        self.env = dict(kv.split("=", 1) for kv in args.env)
        self.rows = []
        self.later = []  # (label, exporter, time of the attack's end) for case 7

    def row(self, attack, peak, behaviour):
        self.rows.append((attack, peak, behaviour))
        print(f"  {attack}: {peak}; {behaviour}", file=sys.stderr, flush=True)

    def exporter(self, sim, *flags):
        return Exporter(self.args.exporter, sim, self.env, *flags)

    def huge_bodies(self):
        sim = Simulator(self.args.simulator)
        exp = self.exporter(sim, "--poll.interval=5s")
        time.sleep(1)

        # 1. 200 MiB on 401 from a list endpoint
        exp.reset_peak()
        sim.fault({"endpoint": "connector",
                   "kind": {"hugeBody": {"status": 401, "bytes": 200 * MIB}}})
        before = sim.count("connector")
        time.sleep(8)
        sim.clear()
        n = sim.count("connector") - before
        gone = exp.died()
        self.row("200 MiB body on 401 from the connector list (8 s)", exp.peak(),
                 gone or f"{n} requests answered with it; still serving")
        if gone:
            return

        # 2. 200 MiB on 401 from /signin, after the token is revoked
        time.sleep(2)
        exp.reset_peak()
        sim.fault({"endpoint": "signin",
                   "kind": {"hugeBody": {"status": 401, "bytes": 200 * MIB}}})
        sim.revoke()
        before = sim.count("signin")
        time.sleep(8)
        sim.clear()
        n = sim.count("signin") - before
        gone = exp.died()
        self.row("200 MiB body on 401 from /signin (8 s)", exp.peak(),
                 gone or f"{n} sign-ins answered with it; still serving")
        if gone:
            return

        # 3. 80 MiB success body, chunked
        time.sleep(3)
        exp.reset_peak()
        before = sim.count("connector")
        sim.fault({"endpoint": "connector",
                   "kind": {"hugeBody": {"status": 200, "bytes": 80 * MIB, "chunked": True}}})
        time.sleep(12)
        sim.clear()
        n = sim.count("connector") - before
        gone = exp.died()
        self.row("80 MiB success body on the connector list (12 s, poll 5 s)", exp.peak(),
                 gone or f"downloaded {n} times")
        if not gone:
            self.later.append(("cases 1-3 (huge bodies)", exp, time.time()))

    def idle_connections(self):
        sim = Simulator(self.args.simulator)
        exp = self.exporter(sim, "--poll.interval=5s")
        exp.reset_peak()
        socks = open_many(exp.port, 6000, 3000)
        time.sleep(2)
        up = established(socks)
        t = time.time()
        status, _ = http(exp.url + "/metrics", timeout=5)
        took = time.time() - t
        time.sleep(max(0, 12 - 3 - took))
        peak = exp.peak()
        close_all(socks)
        time.sleep(2)
        after, _ = http(exp.url + "/metrics", timeout=5)
        gone = exp.died()
        scrape = f"scrape answered {status} in {took:.1f} s" if status else \
            f"scrape not answered ({took:.1f} s)"
        self.row("6 000 idle / half-sent connections (12 s)", peak,
                 gone or f"{up} handshakes completed; {scrape}; after they close: "
                 f"{'answered ' + str(after) if after else 'not answered'}")
        exp.stop()
        sim.stop()

    def scrape_flood(self):
        sim = Simulator(self.args.simulator, connectors=50000)
        exp = self.exporter(sim, "--poll.interval=1h")
        time.sleep(1)
        exp.reset_peak()
        out = subprocess.run(
            ["wrk", "-t2", "-c10", "-d10s", "--timeout", "10s", exp.url + "/metrics"],
            capture_output=True, text=True).stdout
        peak = exp.peak()
        rps = re.search(r"Requests/sec:\s+(\S+)", out)
        errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        gone = exp.died()
        self.row("10 concurrent scrapes, 50 000 App Connectors (10 s)", peak,
                 gone or f"{rps.group(1) if rps else '?'} scrapes/s, "
                 f"{errs.group(1) if errs else 0} non-2xx")
        self.later.append(("case 5 (scrape flood)", exp, time.time()))

    def non_reading(self):
        sim = Simulator(self.args.simulator)
        exp = self.exporter(sim, "--poll.interval=2s")
        time.sleep(1)
        exp.reset_peak()
        stop = threading.Event()
        sent = [0]
        attacker = threading.Thread(target=non_readers, args=(exp.port, 2000, 100, stop, sent),
                                    daemon=True)
        before = sim.count("connector")
        t0 = time.time()
        attacker.start()
        probes, answered, up_ones, moved, last = 0, 0, 0, 0, None
        while time.time() - t0 < 20:
            time.sleep(2)
            probes += 1
            status, text = http(exp.url + "/metrics", timeout=2)
            if status != 200:
                continue
            answered += 1
            if sample(text, "zpa_up") == 1:
                up_ones += 1
            ts = sample(text, "zpa_collector_last_success_timestamp_seconds", "app_connectors")
            if last is not None and ts is not None and ts > last:
                moved += 1
            last = ts if ts is not None else last
        polls = sim.count("connector") - before
        peak = exp.peak()
        stop.set()
        attacker.join()
        # Right after: did the polls keep going while nobody could look?
        status, text, t = None, "", time.time()
        while status != 200 and time.time() - t < 10:
            status, text = http(exp.url + "/metrics", timeout=5)
        if status == 200:
            ts = sample(text, "zpa_collector_last_success_timestamp_seconds", "app_connectors")
            age = f"{time.time() - ts:.0f} s" if ts else "?"
            after = f"right after: zpa_up {sample(text, 'zpa_up'):.0f}, app_connectors last " \
                f"success {age} old"
        else:
            after = "no scrape answered within 10 s after"
        gone = exp.died()
        self.row("2 000 clients pipelining GET /metrics, never reading (20 s, poll 2 s)", peak,
                 gone or f"probe scrapes answered {answered}/{probes} (zpa_up 1 in {up_ones}, "
                 f"last success moved {moved} times); {polls} connector polls (10 due); {after}")
        exp.stop()
        sim.stop()

    def stop_time(self):
        sim = Simulator(self.args.simulator)
        exp = self.exporter(sim, "--poll.interval=2s")
        time.sleep(1)
        sim.fault({"endpoint": "*", "kind": "hang"}, {"endpoint": "signout", "kind": "hang"},
                  {"endpoint": "signin", "kind": "hang"})
        stop = threading.Event()
        sent = [0]
        attacker = threading.Thread(target=non_readers, args=(exp.port, 250, 100, stop, sent),
                                    daemon=True)
        attacker.start()
        idle = open_many(exp.port, 250, 125)
        time.sleep(4)  # a poll is in flight and hangs; the clients are stuck
        t = time.time()
        exp.proc.send_signal(signal.SIGTERM)
        try:
            rc = exp.proc.wait(timeout=45)
            took = f"exited after {time.time() - t:.1f} s (status {rc})"
        except subprocess.TimeoutExpired:
            exp.proc.kill()
            exp.proc.wait()
            took = "still running after 45 s (killed)"
        stop.set()
        attacker.join()
        close_all(idle)
        self.row("SIGTERM, ZPA hung (incl. sign-out), 500 stuck clients", "—", took)
        sim.stop()

    def afterwards(self):
        for label, exp, ended in self.later:
            wait = ended + 60 - time.time()
            if wait > 0:
                time.sleep(wait)
            gone = exp.died()
            self.row(f"RSS 60 s after {label}", exp.rss() if not gone else "—",
                     gone or f"when ready {mib(exp.ready_rss)}, peak of the last attack "
                     f"{mib(exp.status_kib('VmHWM'))}")
            exp.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exporter")
    ap.add_argument("--simulator")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--label", default=None, help="the column heading (default: the binary)")
    args = ap.parse_args()
    if not args.exporter or not args.simulator:
        rel = os.path.join(ROOT, "target", "release")
        if not (os.path.exists(os.path.join(rel, "zpa-exporter"))
                and os.path.exists(os.path.join(rel, "zpa-simulator"))):
            subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "zpa-exporter",
                            "--bin", "zpa-simulator"], cwd=ROOT, check=True)
        args.exporter = args.exporter or os.path.join(rel, "zpa-exporter")
        args.simulator = args.simulator or os.path.join(rel, "zpa-simulator")
    # The attacks need more sockets than the usual 1024.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(f"logs in {LOGDIR}", file=sys.stderr)

    run = Run(args)
    try:
        for case in (run.huge_bodies, run.scrape_flood, run.idle_connections, run.non_reading,
                     run.stop_time, run.afterwards):
            try:
                case()
            except RuntimeError as e:
                run.row(case.__name__, "—", f"failed: {e}")
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    finally:
        cleanup()

    label = args.label or args.exporter
    if args.env:
        label += " (" + " ".join(args.env) + ")"
    print(f"\n| attack | RSS before → peak | {label} |")
    print("|---|---|---|")
    for attack, peak, behaviour in run.rows:
        print(f"| {attack} | {peak} | {behaviour} |")


if __name__ == "__main__":
    main()
