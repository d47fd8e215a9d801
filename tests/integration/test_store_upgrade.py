"""The store upgrade to format 3 (issue 17): a store written by the release
before it (tests/integration/fixtures/make_store_format2.py says how) is
brought up to the compact case record at start. What the api says of every
case is what the old daemon said, every record on disk is compact and
smaller, `huishang verify` finds the store sound, the rules backtest reads
it, and the upgraded cases go on taking messages; a second start rewrites
nothing."""

import json
import os
import shutil
import subprocess
import tempfile

import lmdb

import case_record
from harness import CLIENT, Daemon, backtest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixtures", "store-format2.dump")
ANSWERS = os.path.join(HERE, "fixtures", "store-format2.cases.json")
START = "2026-03-04T10:00"


def _records(store):
    env = lmdb.open(store, max_dbs=32, readonly=True, lock=False)
    try:
        with env.begin() as txn:
            db = env.open_db(b"cases", txn=txn, create=False)
            meta = env.open_db(b"meta", txn=txn, create=False)
            fmt = txn.get(b"format", db=meta)
            return ({k.decode(): bytes(v) for k, v in txn.cursor(db=db)},
                    int.from_bytes(fmt, "big") if fmt else None)
    finally:
        env.close()


def test_format2_store_upgrades_to_compact_records():
    folder = tempfile.mkdtemp(prefix="hs-upgrade-")
    store = os.path.join(folder, "store")
    os.mkdir(store)
    try:
        subprocess.run(["mdb_load", "-f", FIXTURE, store], check=True, capture_output=True,
                       timeout=30)
        with open(ANSWERS) as handle:
            answers = json.load(handle)
        old, fmt = _records(store)
        assert fmt == 2 and sorted(old) == sorted(answers), (fmt, sorted(old))
        assert all(v[0] & 0xF0 in (0x80, 0xD0) for v in old.values())     # msgpack maps
        before, _ = backtest(store)
        daemon = Daemon(folder=folder, extra_args=["--time-start", START])
        daemon.start()
        try:
            # the api says of every case exactly what the old daemon said
            for case_id, was in answers.items():
                assert daemon.case(case_id)["case"] == was, case_id
            new, _ = _records(store)
            assert sorted(new) == sorted(old)
            for case_id, record in new.items():
                assert record[0] == 3, (case_id, record[:4])
                assert case_record.decode(record) == answers[case_id], case_id
                assert len(record) * 3 < len(old[case_id]), (case_id, len(record),
                                                              len(old[case_id]))
            # the upgraded cases go on taking messages
            sub = daemon.submitter()
            status, reply = sub.submit({"v": 1, "id": "after-upgrade", "source": "union",
                                        "at": answers["putuo-5"]["opened"], "case": "putuo-5",
                                        "status": "resolved", "note": "已调解"},
                                       "update.union", deadline_s=10)
            sub.close()
            assert status == "ok", (status, reply)
            assert daemon.case("putuo-5")["case"]["last_seq"] == reply["seq"]
            assert daemon.stop() == 0
            log = daemon.read_log()
        finally:
            daemon.cleanup()
        _, fmt = _records(store)
        assert fmt == 3, fmt
        assert "6 case records rewritten compact (store format 3)" in log, log[-2000:]
        verify = subprocess.run([CLIENT, "verify", "--store", store], capture_output=True,
                                text=True, timeout=60)
        assert verify.returncode == 0 and "sound" in verify.stdout, (verify.stdout,
                                                                     verify.stderr)
        assert backtest(store)[0][:2] == before[:2], before
        # a second start finds nothing to rewrite
        daemon = Daemon(folder=folder, extra_args=["--time-start", START])
        daemon.start()
        try:
            assert daemon.case("putuo-1")["case"] == answers["putuo-1"]
            assert daemon.stop() == 0
            again = daemon.read_log()[len(log):]
        finally:
            daemon.cleanup()
        assert "rewritten compact" not in again and "format 3" in again, again
    finally:
        shutil.rmtree(folder, ignore_errors=True)
