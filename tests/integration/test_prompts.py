"""Work prompts (工作提示, issue 14; SPEC §3 "Early warning", seed §二: the
office analyses and guides): the office issues a prompt with its guidance
to streets on prompt.office, each street signs for it (签收) on
promptsign.<unit> (PROTOCOL §3.13), and a street that has not is chased
催办 -> 督办 -> 通报, each notice once, across a kill -9, until it signs.
Through the real daemon, the CLI and the Python client; every wait is
bounded (handling_desk.WAIT_S)."""

import os
import subprocess
import sys

import lmdb
import msgpack

from handling_desk import HOUR_MS, WAIT_S, Desk, enterprise, ok, refused
from harness import CLIENT, ROOT

sys.path.insert(0, os.path.join(ROOT, "clients", "python"))
import huishang  # noqa: E402  (the project's Python client)

DAY_MS = 24 * HOUR_MS
THREE = ["caoyang", "street.wanli", "ganquan"]          # a short name or a code
CODES = ["street.caoyang", "street.wanli", "street.ganquan"]


def prompt_body(desk, **fields):
    body = {"v": 1, "id": desk.next_id("p"), "source": "office", "at": desk.at(),
            "title": "关于做好建筑工地欠薪排查的工作提示",
            "guidance": "各街镇于接到提示后一个工作日内完成辖区在建工地欠薪排查，"
                        "发现苗头及时化解并报区会商办。",
            "streets": THREE}
    body.update(fields)
    return body


def sign(desk, prompt, unit, **fields):
    body = {"v": 1, "id": desk.next_id("s"), "source": unit, "at": desk.at(), "prompt": prompt}
    body.update(fields)
    return desk.submit(body, "promptsign." + unit)


def prompt_records(store):
    """The `prompts` table (PROTOCOL §7), read beside the running daemon."""
    env = lmdb.open(store, max_dbs=16, readonly=True)
    try:
        with env.begin() as txn:
            db = env.open_db(b"prompts", txn=txn, create=False)
            return {key.decode(): msgpack.unpackb(value, raw=False)
                    for key, value in txn.cursor(db=db)}
    finally:
        env.close()


def next_seq(desk):
    return desk.daemon.counters()["next_seq"]


def said(desk, kind, prompt, unit=None):
    return [b for t, b in desk.published("prompt." + kind)
            if b["prompt"] == prompt and (unit is None or b.get("unit") == unit)]


def test_refusals_store_nothing():
    # PROTOCOL §3.13, §5: not the office, an unknown street or case, a unit
    # that is no street, a due time gone, no guidance; a street the prompt
    # does not name, one signing twice, a prompt that does not exist: each
    # refused with its code, and nothing stored (no seq, no prompt record)
    with Desk() as desk:
        case = desk.open_case(source="street.caoyang", workers=3, **enterprise(601))
        before = next_seq(desk)
        for fields, topic, code in (
                (dict(source="hrss"), "prompt.hrss", "not_authorized"),
                (dict(source="street.caoyang"), "prompt.street.caoyang", "not_authorized"),
                (dict(streets=["caoyang", "nowhere"]), None, "unknown_unit"),
                (dict(streets=["hrss"]), None, "unknown_unit"),
                (dict(cases=[case, "putuo-999999"]), None, "unknown_case"),
                (dict(due=desk.at() - HOUR_MS), None, "bad_value"),
                (dict(streets=[]), None, "bad_value"),
                (dict(streets="all"), None, "bad_value"),
                (dict(guidance=None), None, "missing_field"),
                (dict(title=""), None, "bad_value")):
            body = prompt_body(desk, **fields)
            body = {k: v for k, v in body.items() if v is not None}
            refused(desk.submit(body, topic or "prompt.office"), code)
        assert next_seq(desk) == before, "a refused prompt took a seq"
        assert prompt_records(desk.daemon.store) == {}
        # one that is good, to the three streets
        seq = ok(desk.submit(prompt_body(desk, cases=[case]), "prompt.office"))
        prompt = "putuo-p%d" % seq
        ok(sign(desk, prompt, "street.wanli", note="已签收，正在排查"))
        desk.wait(lambda: said(desk, "signed", prompt), "the signature said")
        before = next_seq(desk)
        refused(sign(desk, prompt, "street.wanli"), "bad_state")              # twice
        refused(sign(desk, prompt, "street.taopu"), "not_invited")            # not named
        refused(sign(desk, prompt, "hrss"), "not_invited")                    # no street
        refused(sign(desk, "putuo-p999999", "street.caoyang"), "unknown_prompt")
        assert next_seq(desk) == before, "a refused signature took a seq"
        record = prompt_records(desk.daemon.store)[prompt]
        signed = {s["unit"]: s["signed"] for s in record["streets"]}
        assert sorted(signed) == sorted(CODES), record
        assert signed["street.wanli"] > 0 and not signed["street.caoyang"], record
        # the dead letters say why (kept for inspection, PROTOCOL §5)
        health = desk.daemon.health()
        rejections = health["rejections"]
        for code in ("not_authorized", "unknown_unit", "unknown_case", "not_invited",
                     "bad_state", "unknown_prompt"):
            assert rejections.get(code), (code, rejections)


def test_three_streets_two_sign_the_third_is_chased_until_it_signs():
    # a Monday at 09:00, the clock 60000 times fast (an hour in 60 ms): due
    # at 17:00, so 督办 at 01:00 and 通报 at 09:00 on Tuesday, again every
    # prompts/repeat (24h); a kill -9 between 督办 and 通报
    with Desk(time_start="2026-03-02T09:00", time_scale=60000) as desk:
        case = desk.open_case(source="street.ganquan", workers=3, **enterprise(602))
        due = desk.clock() + 8 * HOUR_MS
        seq = ok(desk.submit(prompt_body(desk, cases=[case], due=due), "prompt.office"))
        prompt = "putuo-p%d" % seq
        ok(sign(desk, prompt, "street.caoyang"))
        ok(sign(desk, prompt, "street.wanli", note="已部署"))
        issued = desk.wait(lambda: said(desk, "issued", prompt), "prompt.issued")[0]
        assert issued["streets"] == CODES and issued["cases"] == [case], issued
        assert issued["due"] == due and issued["source"] == "office", issued
        assert issued["to"] == CODES + ["office"], issued["to"]
        assert issued["guidance"].startswith("各街镇") and issued["title"], issued
        signed = desk.wait(lambda: len(said(desk, "signed", prompt)) == 2
                           and said(desk, "signed", prompt), "two signatures")
        assert [b["unit"] for b in signed] == ["street.caoyang", "street.wanli"], signed
        assert signed[1]["to"] == ["office", "street.wanli"] and signed[1]["note"] == "已部署"
        assert all(b["at"] < due for b in signed), "they signed after the due time"
        # 催办 to the street, 督办 to the office; then kill -9
        desk.wait(lambda: [b for b in said(desk, "notice", prompt) if b["rung"] == "supervise"],
                  "督办", timeout=WAIT_S)
        desk.kill9_and_restart()
        desk.wait(lambda: [b for b in said(desk, "notice", prompt) if b["count"] >= 4],
                  "通报 and its repeat", timeout=WAIT_S * 2)
        # signed at last: said, and chased no more
        ok(sign(desk, prompt, "street.ganquan", note="已排查"))
        desk.wait(lambda: said(desk, "signed", prompt, "street.ganquan"), "the third signs")
        start = desk.clock()
        desk.wait(lambda: desk.clock() > start + 30 * HOUR_MS, "a day and more on",
                  timeout=WAIT_S * 2)
        desk.pump(300)             # never quiet at 60000 times: pump, not settle
        # what is stored (replay): a notice sent while no subscriber was
        # back after the restart is there too; what was seen live is the
        # same events under the same seqs
        stored = {seq: (topic, body) for seq, (topic, body) in desk.replayed().items()
                  if topic.startswith("prompt.") and body.get("prompt") == prompt}
        seen = {b["seq"]: (t, b) for t, b in desk.published("prompt.") if b["prompt"] == prompt}
        assert set(seen) <= set(stored) and all(stored[s] == seen[s] for s in seen), \
            (sorted(stored), sorted(seen))
        chased = [stored[s][1] for s in sorted(stored) if stored[s][0] == "prompt.notice"]
        assert {b["unit"] for b in chased} == {"street.ganquan"}, "a signed street was chased"
        rungs = [b["rung"] for b in chased]
        assert rungs[:3] == ["remind", "supervise", "circulate"], rungs
        assert set(rungs[3:]) <= {"circulate"}, rungs
        # each notice once: counts 1..n, none twice, none missing, a rung
        # (8 h) or a repeat (24 h) apart, across the kill -9
        assert [b["count"] for b in chased] == list(range(1, len(chased) + 1)), chased
        times = [b["at"] for b in chased]
        assert all(later - earlier >= 7 * HOUR_MS for earlier, later in zip(times, times[1:]))
        assert all(b["late_ms"] == b["at"] - due >= 0 and b["due"] == due for b in chased)
        assert chased[0]["to"] == ["street.ganquan"], chased[0]
        assert chased[1]["to"] == ["office"], chased[1]
        assert chased[2]["to"] == ["office", "street.ganquan"], chased[2]
        assert [b["reasons"] for b in chased[:3]] == [["prompt.remind"], ["prompt.supervise"],
                                                      ["prompt.circulate"]]
        last = said(desk, "signed", prompt, "street.ganquan")[0]
        assert all(b["at"] <= last["at"] for b in chased), "chased after it signed"
        # the briefings (as stored: one may have gone out at the restart):
        # Tuesday's lists the prompt (two signed, the third late) and its
        # notices; Wednesday's names the street (通报)
        briefs = [b for t, b in desk.replayed().values() if t == "brief.daily"]
        listed = [p for b in briefs for p in b.get("prompts", []) if p["prompt"] == prompt]
        assert listed and listed[0]["signed"] == ["street.caoyang", "street.wanli"], listed
        assert listed[0]["late"] == ["street.ganquan"] and listed[0]["waiting"] == [], listed
        assert any("street.ganquan" in b["named"] for b in briefs), [b["named"] for b in briefs]
        # the case's history holds the prompt; the store is sound
        assert "prompt.office" in [e["topic"] for e in desk.history(case)]
        verify = subprocess.run([CLIENT, "verify", "--store", desk.daemon.store],
                                capture_output=True, text=True, timeout=WAIT_S)
        assert verify.returncode == 0 and "1 work prompts" in verify.stdout, verify.stdout
        record = prompt_records(desk.daemon.store)[prompt]
        assert all(s["signed"] and not s["next"] for s in record["streets"]), record
        assert record["timer_at"] == 0, record


def test_the_cli_and_the_python_client():
    # huishang prompt / prompt-sign, acknowledged like the handling
    # commands (ok seq N, a refusal on stderr and exit 1, a usage error
    # exit 2); the Python client's issue_prompt() and sign_prompt(). The
    # dashboard subscribes to `prompt.` (a prefix of the daemon's, §4)
    with Desk(prefixes=("alert.", "prompt.")) as desk:
        case = desk.open_case(source="street.caoyang", workers=3, **enterprise(603))
        submit = ["--submit", desk.daemon.submit, "--api", desk.daemon.api]
        out = subprocess.run([CLIENT, "prompt", "--title", "春节前欠薪排查",
                              "--guidance", "各街镇开展专项排查", "--streets", "caoyang,wanli",
                              "--case", case, "--due", "+2h"] + submit,
                             capture_output=True, text=True, timeout=WAIT_S)
        assert out.returncode == 0, (out.stdout, out.stderr)
        words = out.stdout.split()
        assert words[:2] == ["ok", "seq"] and words[3] == "prompt", out.stdout
        prompt = words[4]
        assert prompt == "putuo-p" + words[2], out.stdout
        issued = desk.wait(lambda: said(desk, "issued", prompt), "the CLI's prompt")[0]
        assert issued["streets"] == ["street.caoyang", "street.wanli"], issued
        assert issued["cases"] == [case], issued
        assert abs(issued["due"] - (issued["at"] + 2 * HOUR_MS)) < 60 * 1000, issued
        # signed from the command line; twice is refused, exit 1
        args = [CLIENT, "prompt-sign", prompt, "--source", "street.wanli", "--note", "收到"]
        out = subprocess.run(args + submit, capture_output=True, text=True, timeout=WAIT_S)
        assert out.returncode == 0 and out.stdout.startswith("ok seq "), (out.stdout, out.stderr)
        again = subprocess.run(args + submit, capture_output=True, text=True, timeout=WAIT_S)
        assert again.returncode == 1 and "rejected bad_state" in again.stderr, again.stderr
        for bad in (["prompt", "--guidance", "g"],                    # no title
                    ["prompt", "--title", "t", "--guidance", "g", "--due", "soon"],
                    ["prompt", "--title", "t", "--guidance", "g", "extra"],
                    ["prompt-sign", "--source", "street.wanli"]):     # no PROMPT
            usage = subprocess.run([CLIENT] + bad + submit, capture_output=True, text=True,
                                   timeout=WAIT_S)
            assert usage.returncode == 2 and "usage: huishang" in usage.stderr, (bad, usage)
        # the default: every street, due prompts/sign (24h) after it is issued
        client = huishang.Client(submit=desk.daemon.submit, api=desk.daemon.api, timeout=2)
        seq = client.issue_prompt("节前稳定工作提示", "请各街镇做好节前劳动关系稳定工作")
        everyone = "putuo-p%d" % seq
        issued = desk.wait(lambda: said(desk, "issued", everyone), "to every street")[0]
        assert len(issued["streets"]) == 10 and issued["due"] == issued["at"] + 24 * HOUR_MS
        assert client.sign_prompt(everyone, "street.taopu", note="已签收") > 0
        try:
            client.sign_prompt(everyone, "hrss")
            raise AssertionError("an agency signed for a street's prompt")
        except huishang.Rejected as rejected:
            assert rejected.reason == "not_invited", rejected
        try:
            client.issue_prompt("t", "g", source="hrss")
            raise AssertionError("a prompt not from the office was taken")
        except huishang.Rejected as rejected:
            assert rejected.reason == "not_authorized", rejected
        client.close()
        desk.wait(lambda: said(desk, "signed", everyone, "street.taopu"), "taopu signed")
        assert desk.daemon.counters()["subscriptions_refused"] == 0
        # people read it: the watch line names the topic
        out = subprocess.run([CLIENT, "replay", "--no-follow", "--since", "1", "--api",
                              desk.daemon.api, "prompt."],
                             capture_output=True, text=True, timeout=WAIT_S)
        assert out.returncode == 0 and "prompt.signed" in out.stdout, out.stdout[-2000:]
