"""Write seed inputs for the fuzzers: valid and near-valid bodies.
Usage: /usr/bin/python3 seeds.py PROTO-DIR ENGINE-DIR"""
import os
import sys
import time

import msgpack

proto, engine = sys.argv[1], sys.argv[2]
os.makedirs(proto, exist_ok=True)
os.makedirs(engine, exist_ok=True)
now = int(time.time() * 1000)
bodies = [
    {"v": 1, "id": "s1", "source": "street.caoyang", "at": now, "enterprise": {"name": "某公司",
     "credit_code": "91350100M000100Y43", "ownership": "private", "sector": "commerce"},
     "category": "wage_arrears", "workers": 35, "amount": 600000, "flags": ["gathering", "media"],
     "summary": "拖欠工资"},
    {"v": 1, "id": "s2", "source": "hrss", "street": "caoyang", "at": now,
     "enterprise": {"name": "x"}, "category": "other", "workers": 1},
    {"v": 1, "id": "u1", "source": "office", "at": now, "case": "putuo-1", "status": "resolved",
     "note": "ok"},
    {"v": 1, "id": "v1", "source": "hrss", "at": now, "meeting": "putuo-m3", "answer": "attend"},
    {"v": 1, "id": "m1", "source": "office", "at": now, "meeting": "putuo-m3",
     "decisions": ["协商"], "followup": ["union"], "cases": ["putuo-1"]},
]
topics = [b"report.street.caoyang", b"report.hrss", b"update.office", b"rsvp.hrss",
          b"minutes.office"]
for index, body in enumerate(bodies):
    packed = msgpack.packb(body, use_bin_type=True)
    with open(os.path.join(proto, "seed%d" % index), "wb") as handle:
        handle.write(packed)
    topic = topics[index]
    with open(os.path.join(engine, "seed%d" % index), "wb") as handle:
        handle.write(topic + b"\n--\n" + packed)
