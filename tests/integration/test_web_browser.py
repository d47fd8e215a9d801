"""The duty board in a real browser (issue 15): Debian's chromium, headless,
driven by python3-selenium through /usr/bin/chromedriver, against the real
huishangd and build/huishang-web on loopback. What a duty officer sees: a
report's row on the open page within 2 s without a reload; the red stale
banner within 10 s of a kill -9 and gone after the restart, nothing lost
or doubled; overdue and missed-meeting rows on a fast drill clock; a street
user signing a case from its page (the daemon's case shows it signed, by
that person), a wrong password and an action without the CSRF token
refused, another unit's case without buttons; the same times under
TZ=UTC and TZ=America/New_York. Screenshots go to the folder printed
(HS_SHOTS, else build/web-shots): look at them."""

import base64
import contextlib
import datetime
import http.cookiejar
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from handling_desk import HOUR_MS, Desk, enterprise
from harness import BUILD, config_copy

SOLO = True                     # a browser and two servers: and a 2 s bound
WEB = os.environ.get("HS_WEB") or os.path.join(BUILD, "huishang-web")   # HS_WEB: another build
CHROMEDRIVER = "/usr/bin/chromedriver"
SHOTS = os.environ.get("HS_SHOTS") or os.path.join(BUILD, "web-shots")
WAIT_S = 10.0
ZONE_MS = 8 * HOUR_MS           # Asia/Shanghai, the shipped calendar/utc_offset
PASSWORD = "qiaoshou-2026"


def district_time(ms):
    """'2026-12-01 16:30 (+08:00)', as the page must show `ms`."""
    moment = datetime.datetime.fromtimestamp((ms + ZONE_MS) / 1000, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M") + " (+08:00)"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shot(driver, name, whole=False):
    """A screenshot into SHOTS; `whole`: the page's full height."""
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, name + ".png")
    if whole:
        size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        image = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 4000), "scale": 1}})
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(image["data"]))
    else:
        driver.save_screenshot(path)
    print("screenshot:", path)
    return path


class Board:
    """build/huishang-web beside a Desk's daemon, on a loopback port."""

    def __init__(self, desk, users=None):
        if not os.path.exists(WEB):
            raise AssertionError("%s does not exist: build the board's server (make; issue 15's "
                                 "huishang-web) before the browser tests" % WEB)
        self.daemon = desk.daemon
        self.folder = tempfile.mkdtemp(prefix="hs-web-", dir=self.daemon.folder)
        self.config = config_copy(self.folder)
        self.users = users
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.proc = None
        self.log_path = os.path.join(self.folder, "huishang-web.log")

    def args(self):
        args = [WEB, "--listen", "127.0.0.1:%d" % self.port, "--api", self.daemon.api,
                "--publish", self.daemon.publish, "--submit", self.daemon.submit,
                "--config", self.config]
        return args + (["--users", self.users] if self.users else [])

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args(), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + WAIT_S
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("huishang-web exited (%s): %s" % (self.proc.returncode, self.read_log()))
            try:
                status, config = self.get("/api/config")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("huishang-web did not answer within %ss: %s" % (WAIT_S, self.read_log()))

    def read_log(self):
        with open(self.log_path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")[-3000:]

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc is not None:
            self.log.close()

    def request(self, path, data=None, cookie=None, json_body=None):
        """(status, body text) of one request, errors included; no redirects."""
        headers = {}
        if cookie:
            headers["Cookie"] = "hs_session=" + cookie
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            data = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(
            http.cookiejar.CookieJar()))
        try:
            with opener.open(urllib.request.Request(self.url + path, data=data, headers=headers),
                             timeout=WAIT_S) as reply:
                return reply.status, reply.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def get(self, path, cookie=None):
        status, text = self.request(path, cookie=cookie)
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def add_user(users, name, unit, password=PASSWORD):
    done = subprocess.run([WEB, "--users", users, "--add-user", name, "--unit", unit],
                          input=(password + "\n").encode(), capture_output=True, timeout=WAIT_S)
    assert done.returncode == 0, done
    assert os.path.exists(users), users


def browser(tz="Asia/Shanghai", size=(1366, 768)):
    """Headless chromium with TZ in its environment."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", "--lang=zh-CN", "--window-size=%d,%d" % size):
        options.add_argument(arg)
    env = dict(os.environ, TZ=tz)
    return webdriver.Chrome(service=Service(CHROMEDRIVER, env=env), options=options)


@contextlib.contextmanager
def stack(users=False, with_browser=True, **desk_args):
    """A Desk, its board (a users file with a street user if asked) and a
    browser (None if not asked); everything stopped after."""
    with Desk(**desk_args) as desk:
        path = None
        if users:
            path = os.path.join(desk.daemon.folder, "users.cfg")
            add_user(path, "张伟", "street.caoyang")
        board = Board(desk, path).start()
        driver = None
        try:
            driver = browser() if with_browser else None
            yield desk, board, driver
        finally:
            if driver is not None:
                driver.quit()
            board.stop()


def wait_for(probe, what, timeout=WAIT_S):
    """probe()'s first truthy value within timeout, else a failure."""
    deadline = time.time() + timeout
    last = None
    while True:
        try:
            value = probe()
        except Exception as error:     # noqa: BLE001 (a page still drawing)
            value, last = None, error
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError("timed out (%.0fs) waiting for %s (%r)" % (timeout, what, last))
        time.sleep(0.05)


def css(driver, selector):
    return driver.find_elements("css selector", selector)


def rows(driver, selector):
    """(text, class) of each row the selector finds, read at once: a page
    on a fast clock redraws its tables between a find and a read, and a row
    found then is gone (stale) when read; that counts as none yet."""
    from selenium.common.exceptions import StaleElementReferenceException
    try:
        return [(row.text, row.get_attribute("class")) for row in css(driver, selector)]
    except StaleElementReferenceException:
        return []


def open_board(driver, board):
    driver.get(board.url + "/")
    wait_for(lambda: css(driver, "#open-table tbody tr") and "updated" in driver.find_element("id", "updated").text,
             "the board drawn")


def alert_rows(driver, case):
    return css(driver, '#alerts tr.alert[data-case="%s"]' % case)


def test_a_report_shows_at_once_and_a_dead_daemon_shows_stale():
    with stack() as (desk, board, driver):
        open_board(driver, board)
        assert not driver.find_element("id", "stale-banner").is_displayed()
        # a report published: its row within 2 s, no reload
        marker = driver.execute_script("window.hsMarker = 17; return window.hsMarker;")
        sent = time.time()
        case = desk.open_case(source="street.caoyang", workers=35, **enterprise(901))   # major
        rows = wait_for(lambda: alert_rows(driver, case), "the new case's row", timeout=2.0)
        print("row after %.2f s" % (time.time() - sent))
        assert driver.execute_script("return window.hsMarker;") == marker, "the page reloaded"
        row = rows[-1]
        assert "level-major" in row.get_attribute("class"), row.get_attribute("class")
        assert "会商测试企业00901有限公司" in row.text and "35人" in row.text, row.text
        assert "重大" in row.text and "拖欠工资" in row.text and "曹杨新村街道" in row.text, row.text
        seq = int(row.get_attribute("data-seq"))
        assert seq > 0
        # the open table counts it, in the street's row
        wait_for(lambda: "曹杨新村街道" in driver.find_element("id", "open-table").text, "the street's row")
        # and the special meeting it called is there too, without a reload
        wait_for(lambda: [r for r in css(driver, "#meetings tr.meeting") if case in r.text],
                 "the case's special meeting", timeout=2.0)
        shot(driver, "board-1366x768")
        driver.set_window_size(390, 844)
        time.sleep(0.3)
        assert driver.execute_script("return document.documentElement.clientWidth;") <= 400
        shot(driver, "board-390x844")
        driver.set_window_size(1366, 768)
        # kill -9: the banner within 10 s
        desk.disconnect()
        desk.daemon.kill9()
        killed = time.time()
        banner = driver.find_element("id", "stale-banner")
        wait_for(banner.is_displayed, "the stale banner", timeout=10.0)
        print("stale after %.1f s" % (time.time() - killed))
        assert banner.text.startswith("守护进程无响应 daemon not answering since "), banner.text
        assert "(+08:00)" in banner.text, banner.text
        shot(driver, "board-stale")
        # back: the banner goes, and what comes next shows, nothing twice
        desk.daemon.start()
        desk.connect()
        wait_for(lambda: not banner.is_displayed(), "the banner gone after the restart", timeout=10.0)
        after = desk.open_case(source="street.wanli", workers=5, **enterprise(902))
        wait_for(lambda: alert_rows(driver, after), "a row after the restart", timeout=3.0)
        seqs = [int(r.get_attribute("data-seq")) for r in css(driver, "#alerts tr.alert")]
        assert len(seqs) == len(set(seqs)), seqs
        assert seq in seqs, (seq, seqs)
        assert seqs == sorted(seqs, reverse=True), seqs        # newest first
        news = [b for s, (t, b) in desk.replayed().items()
                if t.startswith("alert.") and b["kind"] == "new" and b["case"] in (case, after)]
        assert sorted(b["case"] for b in news) == sorted([case, after]), news
        assert driver.execute_script("return window.hsMarker;") == marker, "the page reloaded"


def test_a_fast_clock_shows_overdue_and_missed_meetings_and_the_briefing():
    # 60000 times: a minute a millisecond; a major case's sign-off clock and
    # its special meeting's deadline pass within a second or two
    with stack(time_start="2026-03-04T08:00", time_scale=60000) as (desk, board, driver):
        case = desk.open_case(source="street.caoyang", workers=35, **enterprise(911))
        open_board(driver, board)
        overdue = wait_for(lambda: rows(driver, '#overdue tr.overdue[data-case="%s"]' % case),
                           "the overdue row")
        assert "曹杨新村街道" in overdue[0][0], overdue[0]
        missed = wait_for(lambda: rows(driver, '#meetings tr.meeting[data-state="missed"]'),
                          "a missed meeting's row")
        assert "已逾期未开" in missed[0][0], missed[0]
        assert "mstate-missed" in missed[0][1], missed[0]
        shot(driver, "board-fast-clock")
        # the daily briefing went out at 08:30: the printable page
        wait_for(lambda: board.get("/api/briefing?period=daily")[0] == 200, "a daily briefing")
        driver.get(board.url + "/briefing")
        text = wait_for(lambda: "每日通报" in driver.find_element("id", "briefing").text
                        and driver.find_element("id", "briefing").text, "the briefing drawn")
        assert "(+08:00)" in text and "在办案件" in text, text
        shot(driver, "briefing", whole=True)


def login(driver, board, name, password):
    driver.get(board.url + "/login")
    form = wait_for(lambda: driver.find_element("id", "login-form"), "the login form")
    form.find_element("name", "name").send_keys(name)
    form.find_element("name", "password").send_keys(password)
    form.find_element("css selector", "button[type=submit]").click()


def handler(record, unit):
    return [h for h in record["handlers"] if h["unit"] == unit][0]


def test_a_street_signs_its_case_and_nothing_else():
    with stack(users=True) as (desk, board, driver):
        mine = desk.open_case(source="street.caoyang", workers=8, **enterprise(921))
        theirs = desk.open_case(source="street.wanli", workers=8, **enterprise(922))
        assert handler(desk.case(mine), "street.caoyang")["state"] == "routed"
        # a wrong password: refused, on the login page, no session
        status, _ = board.request("/login", data={"name": "张伟", "password": "wrong"})
        assert status == 401, status
        login(driver, board, "张伟", "wrong")
        wait_for(lambda: driver.find_element("id", "login-error").text, "the refusal shown")
        assert "/login" in driver.current_url and not driver.get_cookie("hs_session")
        # the right one: the board says who is in
        login(driver, board, "张伟", PASSWORD)
        wait_for(lambda: "张伟" in driver.find_element("id", "user").text, "the user on the board")
        session = driver.get_cookie("hs_session")
        assert session and session.get("httpOnly"), session
        # another unit's case: no button
        driver.get(board.url + "/case/" + theirs)
        wait_for(lambda: driver.find_element("id", "case-history").find_elements("css selector", "tr.event"),
                 "their case drawn")
        wait_for(lambda: driver.find_element("id", "case-actions").text, "the actions box")
        assert not css(driver, "#case-actions button.act"), driver.find_element("id", "case-actions").text
        # without the CSRF token: refused, nothing changed
        status, body = board.request("/api/act", cookie=session["value"],
                                     json_body={"case": mine, "action": "sign"})
        assert status == 403 and "csrf" in body, (status, body)
        assert handler(desk.case(mine), "street.caoyang")["state"] == "routed"
        # ours: sign it from its page
        driver.get(board.url + "/case/" + mine)
        sign = wait_for(lambda: css(driver, '#case-actions button.act[data-action="sign"]'), "the sign button")
        driver.find_element("id", "act-note").send_keys("已联系企业")
        sign[0].click()
        result = wait_for(lambda: "act-result ok" in driver.find_element("id", "act-result").get_attribute("class")
                          and "#" in driver.find_element("id", "act-result").text
                          and driver.find_element("id", "act-result"), "the act done")
        assert "签收" in result.text, result.text
        record = desk.case(mine)
        signed = handler(record, "street.caoyang")
        assert signed["state"] == "signed" and signed["signed"] > 0, signed
        people = [e["body"].get("person") for e in desk.history(mine) if e["type"] == "update"]
        assert people == ["张伟"], people
        row = wait_for(lambda: [r for r in css(driver, "#case-history tr.event") if "张伟" in r.text],
                       "the signing in the page's history")
        assert "曹杨新村街道" in row[0].text and "签收" in row[0].text, row[0].text
        shot(driver, "case", whole=True)


def page_times(driver):
    return [t.text for t in css(driver, "time.t")]


def test_the_page_times_are_the_districts_in_any_zone():
    with stack(with_browser=False) as (desk, board, _):
        case = desk.open_case(source="street.caoyang", workers=6, **enterprise(931))
        opened = desk.case(case)["opened"]
        seen = {}
        for tz in ("UTC", "America/New_York"):
            one = browser(tz)
            try:
                offset = one.execute_script("return new Date(0).getTimezoneOffset();")
                one.get(board.url + "/case/" + case)
                wait_for(lambda: one.find_elements("css selector", "#case-history tr.event"), "the case drawn")
                times = page_times(one)
                open_board(one, board)
                wait_for(lambda: alert_rows(one, case), "the alert row")
                seen[tz] = (offset, times, page_times(one))
            finally:
                one.quit()
        assert seen["UTC"][0] != seen["America/New_York"][0], seen     # the zones did differ
        assert seen["UTC"][1:] == seen["America/New_York"][1:], seen
        assert district_time(opened) in seen["UTC"][1], (district_time(opened), seen["UTC"][1])
