"""Test harness: start the real huishangd on ipc endpoints in a temporary
folder and talk to it with python3-zmq and python3-msgpack, as any feeder
or dashboard would.

Run with Debian's /usr/bin/python3 (it has zmq, msgpack and lmdb).
"""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import msgpack
import zmq

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# HS_BUILD picks another build of the programs (make check-asan: build/asan)
BUILD = os.path.join(ROOT, os.environ.get("HS_BUILD", "build"))
DAEMON = os.path.join(BUILD, "huishangd")
CLIENT = os.path.join(BUILD, "huishang")
# AddressSanitizer's quarantine holds freed memory (256 MB) and its shadow
# more: a memory bound gets this much room on that build
MEMORY_SLACK_KB = (512 << 10) if "asan" in os.environ.get("HS_BUILD", "") else 0
# the daemon must exit 0 when stopped (under valgrind or the sanitizers)
STRICT_EXIT = bool(os.environ.get("HS_DAEMON_WRAP") or os.environ.get("HS_STRICT_EXIT"))

# A valid unified social credit code (GB 32100-2015 example) and more, made
# with credit_code() below so each test can have its own enterprises.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(body17):
    """Complete 17 characters into a code with the right check character."""
    weights = [pow(3, i, 31) for i in range(17)]
    total = sum(ALPHABET.index(c) * w for c, w in zip(body17, weights))
    return body17 + ALPHABET[(31 - total % 31) % 31]


def now_ms():
    return int(time.time() * 1000)


def report(source="street.caoyang", rid="r1", street=None, name="上海测试制衣有限公司",
           code=None, ownership=None, sector=None, category="wage_arrears",
           workers=5, amount=None, flags=None, summary=None, **extra):
    """A report body as a feeder would build it (a dict, to be packed)."""
    body = {"v": 1, "id": rid, "source": source, "at": now_ms(),
            "enterprise": {"name": name}, "category": category, "workers": workers}
    if street is not None:
        body["street"] = street
    if code is not None:
        body["enterprise"]["credit_code"] = code
    if ownership is not None:
        body["enterprise"]["ownership"] = ownership
    if sector is not None:
        body["enterprise"]["sector"] = sector
    if amount is not None:
        body["amount"] = amount
    if flags is not None:
        body["flags"] = flags
    if summary is not None:
        body["summary"] = summary
    body.update(extra)
    return body


def backtest(store, rules=None, timeout=60):
    """`huishang rules backtest` over a stopped store, under `rules` (the
    shipped rules.cfg by default): ([cases, reports, would change], {level:
    [counts of its table row]})."""
    rules = rules or os.path.join(ROOT, "config", "rules.cfg")
    out = subprocess.run([CLIENT, "rules", "backtest", rules, "--store", store],
                         capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, (out.returncode, out.stdout, out.stderr)
    found = re.search(r"(\d+) cases \((\d+) reports\) replayed under [0-9a-f]{12}; (\d+) would "
                      r"change", out.stdout)
    assert found, out.stdout
    table = dict((line.split()[0], [int(n) for n in line.split()[1:]])
                 for line in out.stdout.splitlines()
                 if re.match(r"^(general|significant|major|critical) ", line))
    return [int(n) for n in found.groups()], table


def config_copy(folder, **settings):
    """The shipped config files in `folder`, with settings of huishang.cfg
    replaced (config_copy(f, publish_hwm=1000)); returns its path."""
    for name in ("huishang.cfg", "units.cfg", "rules.cfg", "holidays-cn-2026.txt"):
        shutil.copy(os.path.join(ROOT, "config", name), folder)
    path = os.path.join(folder, "huishang.cfg")
    with open(path) as handle:
        text = handle.read()
    for key, value in settings.items():
        text, count = re.subn(r"(\n    %s = )\S+" % key, r"\g<1>%s" % value, text)
        assert count == 1, key
    with open(path, "w") as handle:
        handle.write(text)
    return path


class Daemon:
    """One huishangd in its own temporary folder, on ipc endpoints."""

    def __init__(self, folder=None, config=None, extra_args=(), env=None, binary=None):
        self.owned = folder is None
        self.folder = folder or tempfile.mkdtemp(prefix="hs-test-")
        self.ingest = "ipc://%s/ingest" % self.folder
        self.publish = "ipc://%s/publish" % self.folder
        self.api = "ipc://%s/api" % self.folder
        self.submit = "ipc://%s/submit" % self.folder
        self.store = os.path.join(self.folder, "store")
        self.config = config
        self.extra_args = list(extra_args)
        self.env = dict(env or {})
        self.binary = binary or DAEMON
        self.proc = None
        self.ctx = zmq.Context.instance()
        self.log_path = os.path.join(self.folder, "huishangd.log")

    def args(self):
        # HS_DAEMON_WRAP runs the daemon under a tool, e.g. valgrind (make memcheck)
        wrap = os.environ.get("HS_DAEMON_WRAP", "").split()
        args = wrap + [self.binary, "--foreground", "--ingest", self.ingest, "--publish", self.publish,
                "--api", self.api, "--submit", self.submit, "--store", self.store]
        if self.config:
            args += ["--config", self.config]
        return args + self.extra_args

    def spawn(self, preexec_fn=None):
        """Start the process without waiting for it (a daemon whose api
        wants a key, or one started under limits); returns self."""
        self.log = open(self.log_path, "ab")
        env = dict(os.environ)
        env.update(self.env)
        self.proc = subprocess.Popen(self.args(), stdout=self.log, stderr=subprocess.STDOUT, env=env,
                                     preexec_fn=preexec_fn)
        return self

    def start(self, timeout=60.0 if os.environ.get("HS_DAEMON_WRAP") else 10.0):
        self.spawn()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("huishangd exited at start (%s): %s"
                                   % (self.proc.returncode, self.read_log()))
            try:
                self.health(timeout_ms=300)
                return self
            except TimeoutError:
                pass
        raise RuntimeError("huishangd did not answer health within %ss" % timeout)

    def read_log(self):
        with open(self.log_path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Stop it with a signal; returns its exit status."""
        if not self.alive():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        self.log.close()
        return code

    def cleanup(self):
        if self.alive():
            # a clean stop, so that a wrapping tool (valgrind) can report
            code = self.stop(signal.SIGTERM, timeout=60)
            if STRICT_EXIT and code != 0:
                raise AssertionError("huishangd exited %s: %s" % (code, self.read_log()[-3000:]))
        if self.owned:
            shutil.rmtree(self.folder, ignore_errors=True)

    def request(self, command, timeout_ms=3000):
        """Send an api request from a REQ socket; returns (status, body)."""
        sock = self.ctx.socket(zmq.REQ)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.RCVTIMEO, timeout_ms)
        sock.connect(self.api)
        try:
            sock.send(command.encode())
            try:
                frames = sock.recv_multipart()
            except zmq.Again:
                raise TimeoutError("no api answer")
            return frames[0].decode(), msgpack.unpackb(frames[1], raw=False)
        finally:
            sock.close()

    def request_args(self, command, args, timeout_ms=5000):
        """An api request with a msgpack map of arguments; (status, body)."""
        sock = self.ctx.socket(zmq.REQ)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.RCVTIMEO, timeout_ms)
        sock.connect(self.api)
        try:
            sock.send_multipart([command.encode(), msgpack.packb(args, use_bin_type=True)])
            frames = sock.recv_multipart()
            return frames[0].decode(), msgpack.unpackb(frames[1], raw=False)
        finally:
            sock.close()

    def case(self, case_id):
        status, body = self.request_args("case", {"id": case_id})
        assert status == "ok", body
        return body

    def health(self, timeout_ms=3000):
        status, body = self.request("health", timeout_ms)
        assert status == "ok", (status, body)
        return body

    def counters(self):
        return self.health()["counters"]

    def wait_counter(self, name, value, timeout=20.0):
        """Wait until a counter reaches at least `value`; returns the counters."""
        deadline = time.time() + timeout
        while True:
            counters = self.counters()
            if counters[name] >= value or time.time() > deadline:
                return counters
            time.sleep(0.02)

    def submitter(self):
        return Submitter(self.ctx, self.submit)

    def feeder(self, hwm=0):
        return Feeder(self.ctx, self.ingest, hwm)

    def watcher(self, prefixes=("",), hwm=0):
        return Watcher(self, prefixes, hwm)


class Feeder:
    """A feeder: an XPUB socket that waits for the daemon's subscription
    before it sends, so nothing is lost to the slow-joiner problem."""

    def __init__(self, ctx, endpoint, hwm=0):
        self.sock = ctx.socket(zmq.XPUB)
        self.sock.setsockopt(zmq.SNDHWM, hwm)
        self.sock.setsockopt(zmq.LINGER, 5000)
        self.sock.setsockopt(zmq.RCVTIMEO, 5000)
        self.sock.connect(endpoint)
        self.sock.recv()                       # the daemon's subscription

    def send_raw(self, frames):
        self.sock.send_multipart(frames)

    def send(self, body, topic=None):
        topic = topic or "report." + body["source"]
        self.sock.send_multipart([topic.encode(), msgpack.packb(body, use_bin_type=True)])

    def close(self):
        self.sock.close()


class Submitter:
    """An acknowledged-submit client: REQ, with the Lazy Pirate pattern
    (resend on a fresh socket when no answer comes in time)."""

    def __init__(self, ctx, endpoint, timeout_ms=1000):
        self.ctx, self.endpoint, self.timeout_ms = ctx, endpoint, timeout_ms
        self.sock = None
        self._connect()

    def _connect(self):
        if self.sock is not None:
            self.sock.close(linger=0)
        self.sock = self.ctx.socket(zmq.REQ)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.connect(self.endpoint)

    def submit(self, body, topic=None, deadline_s=60.0):
        """(status, reply) once the daemon answers; resends until then."""
        topic = topic or "report." + body["source"]
        frames = [topic.encode(), msgpack.packb(body, use_bin_type=True)]
        deadline = time.time() + deadline_s
        while time.time() < deadline:
            self.sock.send_multipart(frames)
            if self.sock.poll(self.timeout_ms):
                status, reply = self.sock.recv_multipart()
                status, reply = status.decode(), msgpack.unpackb(reply, raw=False)
                if status != "error":
                    return status, reply
                time.sleep(0.1)
                continue
            self._connect()
        raise TimeoutError("no answer for %r" % (body.get("id"),))

    def close(self):
        self.sock.close(linger=0)


class Watcher:
    """A dashboard: a SUB socket, connected and known to be subscribed."""

    def __init__(self, daemon, prefixes, hwm):
        before = daemon.counters()["subscriptions"]
        self.sock = daemon.ctx.socket(zmq.SUB)
        self.sock.setsockopt(zmq.RCVHWM, hwm)
        self.sock.setsockopt(zmq.LINGER, 0)
        for prefix in prefixes:
            self.sock.setsockopt(zmq.SUBSCRIBE, prefix.encode())
        self.sock.connect(daemon.publish)
        counters = daemon.wait_counter("subscriptions", before + len(prefixes), timeout=5)
        assert counters["subscriptions"] >= before + len(prefixes), "subscription never arrived"

    def recv(self, timeout_ms=5000, heartbeats=False, packed=False):
        """Next (topic, body), or None after the timeout. The daemon's
        heartbeat (hs.heartbeat every 2 s, not an event: PROTOCOL §4.18)
        is passed over unless `heartbeats`: a subscription to "" gets it.
        With `packed`, the body is the bytes that came, not unpacked."""
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            left = max(0, int((deadline - time.monotonic()) * 1000))
            if not self.sock.poll(left):
                return None
            frames = self.sock.recv_multipart()
            if frames[0] != b"hs.heartbeat" or heartbeats:
                return frames[0].decode(), (frames[1] if packed else
                                            msgpack.unpackb(frames[1], raw=False))

    def recv_all(self, quiet_ms=300, limit=100000, packed=False):
        """Everything that arrives until `quiet_ms` pass with nothing."""
        out = []
        while len(out) < limit:
            message = self.recv(quiet_ms, packed=packed)
            if message is None:
                break
            out.append(message)
        return out

    def close(self):
        self.sock.close()


def status_kb(daemon, field):
    """One field of the daemon's /proc status in KB (VmRSS, VmHWM,
    RssAnon: anonymous memory, without the store's mapped pages)."""
    with open("/proc/%d/status" % daemon.proc.pid) as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(field)


def cleanup_all(daemons):
    """Stop and remove every daemon, then raise the first failure: one
    daemon that stops badly must not leave the others running."""
    failure = None
    for daemon in daemons:
        try:
            daemon.cleanup()
        except Exception as error:      # noqa: BLE001 (raised below)
            failure = failure or error
    if failure:
        raise failure


@contextlib.contextmanager
def running(**kwargs):
    """A started daemon for the duration of a with-block, then cleaned up,
    its folder too (a folder given is the block's: made for it)."""
    daemon = Daemon(**kwargs)
    daemon.owned = True
    daemon.start()
    try:
        yield daemon
    finally:
        daemon.cleanup()


# The calendar, re-implemented here from config/holidays-cn-2026.txt so the
# tests check the daemon's due times against an independent computation.
SHANGHAI_MS = 8 * 3600 * 1000
DAY_MS = 24 * 3600 * 1000


def _special_days():
    import datetime
    special = {}
    with open(os.path.join(ROOT, "config", "holidays-cn-2026.txt"), encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#")[0].split()
            if len(line) >= 2:
                day = datetime.date.fromisoformat(line[0])
                special[day.toordinal()] = line[1] == "workday"
    return special


SPECIAL_DAYS = _special_days()


def local_ms(text):
    """'2026-02-13T15:00' in Shanghai time -> Unix ms."""
    import datetime
    moment = datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp() * 1000) - SHANGHAI_MS


def is_workday(ordinal):
    import datetime
    if ordinal in SPECIAL_DAYS:
        return SPECIAL_DAYS[ordinal]
    return datetime.date.fromordinal(ordinal).weekday() < 5


def due_after(start_ms, duration_ms):
    """Working-day arithmetic as SPEC §3 and issue 3 define it: under a day,
    plain time; a day or more, whole working days keeping the local time of
    day (from the next working day's start if it starts on a rest day)."""
    import datetime
    if duration_ms < DAY_MS:
        return start_ms + duration_ms
    local = start_ms + SHANGHAI_MS
    epoch = datetime.date(1970, 1, 1).toordinal()
    ordinal = epoch + local // DAY_MS
    time_of_day = local % DAY_MS
    if not is_workday(ordinal):
        while not is_workday(ordinal):
            ordinal += 1
        time_of_day = 0
    for _ in range(duration_ms // DAY_MS):
        ordinal += 1
        while not is_workday(ordinal):
            ordinal += 1
    return (ordinal - epoch) * DAY_MS + time_of_day - SHANGHAI_MS + duration_ms % DAY_MS


def local_date(ms):
    import datetime
    return datetime.datetime.utcfromtimestamp((ms + SHANGHAI_MS) / 1000).strftime("%Y-%m-%d")


def replay_raw(daemon):
    """seq -> (topic, the body's bytes) of every published event, as the
    api's replay sends them: each page walked without unpacking the bodies."""
    out, since = {}, 1
    while True:
        sock = daemon.ctx.socket(zmq.REQ)
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.RCVTIMEO, 5000)
        sock.connect(daemon.api)
        sock.send_multipart([b"replay", msgpack.packb({"since": since, "limit": 1000})])
        status, data = sock.recv_multipart()
        sock.close()
        assert status == b"ok", (status, data)
        page = msgpack.Unpacker(raw=False)
        page.feed(data)
        reply = {}
        for _ in range(page.read_map_header()):
            key = page.unpack()
            if key != "events":
                reply[key] = page.unpack()
                continue
            for _ in range(page.read_array_header()):
                event = {}
                for _ in range(page.read_map_header()):
                    name = page.unpack()
                    if name == "body":
                        start = page.tell()
                        page.skip()
                        event["body"] = data[start:page.tell()]
                    else:
                        event[name] = page.unpack()
                out[event["seq"]] = (event["topic"], event["body"])
        since = reply["next"]
        if since > reply["last"]:
            return out


def replay_all(daemon, since=1):
    """Every published event from `since`, through the api's replay pages."""
    out = []
    while True:
        status, body = daemon.request_args("replay", {"since": since, "limit": 1000})
        assert status == "ok", body
        out += body["events"]
        since = body["next"]
        if since > body["last"]:
            return out
