"""Write the fuzzers' seed corpora: valid and near-valid inputs for each
target. Usage: /usr/bin/python3 seeds.py CORPUS-DIR   (makes proto/,
engine/, rules/ and api/ under it). The committed tests/fuzz/corpus/ was
made with it; crashes found go there too, as regression inputs. The
proto/*-rec* seeds are stored records (issue 17's compact forms) copied
out of a store the daemon wrote, not made here: case-rec0 and 1 case records
of layout 3, case-rec2 of layout 4, meeting-rec0 a compact meeting record,
alert-rec0, request-rec0 and escalate-rec0 event records of store format 7,
words-rec0 a report's of store format 9 (layout 5: its words as two bytes),
event-words-damaged one the fuzzer found with a string that is not UTF-8."""
import os
import sys

import msgpack

root = sys.argv[1]
now = 1780000000000
bodies = [
    ("report.street.caoyang",
     {"v": 1, "id": "s1", "source": "street.caoyang", "at": now,
      "enterprise": {"name": "某公司", "credit_code": "91350100M000100Y43", "ownership": "private",
                     "sector": "commerce"},
      "category": "wage_arrears", "workers": 35, "amount": 600000, "flags": ["gathering", "media"],
      "summary": "拖欠工资"}),
    ("report.hrss", {"v": 1, "id": "s2", "source": "hrss", "street": "caoyang", "at": now,
                     "enterprise": {"name": "x"}, "category": "other", "workers": 1}),
    ("update.office", {"v": 1, "id": "u1", "source": "office", "at": now, "case": "putuo-1",
                       "status": "resolved", "note": "ok"}),
    ("rsvp.hrss", {"v": 1, "id": "v1", "source": "hrss", "at": now, "meeting": "putuo-m3",
                   "answer": "attend"}),
    ("minutes.office", {"v": 1, "id": "m1", "source": "office", "at": now, "meeting": "putuo-m3",
                        "decisions": ["协商"], "followup": ["union"], "cases": ["putuo-1"]}),
    ("brief.street.caoyang", {"v": 1, "id": "putuo-9", "source": "street.caoyang", "at": now,
                              "fseq": 3, "brief": {"v": 1, "period": "weekly", "new": {"total": 2}}}),
    ("heartbeat.hrss", {"v": 1, "source": "hrss", "at": now, "fseq": 7}),
    ("update.street.caoyang", {"v": 1, "id": "u2", "source": "street.caoyang", "at": now,
                               "case": "putuo-1", "status": "signed", "person": "张伟"}),
    ("act.office", {"v": 1, "id": "a1", "source": "office", "at": now, "case": "putuo-1",
                    "act": "close", "note": "审核通过", "person": "王芳"}),
]


def write(folder, name, data):
    os.makedirs(os.path.join(root, folder), exist_ok=True)
    with open(os.path.join(root, folder, name), "wb") as handle:
        handle.write(data)


for index, (topic, body) in enumerate(bodies):
    packed = msgpack.packb(body, use_bin_type=True)
    write("proto", "seed%d" % index, packed)
    write("engine", "seed%d" % index, topic.encode() + b"\n--\n" + packed)
write("proto", "issue1013", b"\xdd\xff\xff\xff\xff")
# a stored alert kept as its decision (store format 6, PROTOCOL §7), as a
# daemon wrote it: the body is packed again from it when read
write("proto", "alert-rec", bytes.fromhex(
    "c10202d8e7cab1c76805616c65727413616c6572742e6d616a6f722e63616f79616e6707707574756f2d3101"
    "03036e65770201000e7374726565742e63616f79616e671ee4b88ae6b5b7e6b58be8af95e588b6e8a1a3e69c"
    "89e99990e585ace58fb8500110080468727373056c6567616c046e657773076a75737469636505756e696f6e"
    "0e7374726565742e63616f79616e67066f666669636508636f6e76656e6572090d6d616a6f722e776f726b65"
    "72730b6d616a6f722e666c616773137369676e69666963616e742e776f726b6572730a726f7574652e687273"
    "730b726f7574652e6c6567616c0a726f7574652e6e6577730d726f7574652e6a7573746963650b726f757465"
    "2e756e696f6e0c726f7574652e737472656574000e7374726565742e63616f79616e6706736565642d31"))
# a stored meeting request kept as its decision (store format 7, PROTOCOL §7)
write("proto", "request-rec", bytes.fromhex(
    "c10303e08fa2c6c768000007707574756f2d310108707574756f2d6d33077370656369616c040c0468727373"
    "056c6567616c046e657773076a757374696365036669630e7374726565742e63616f79616e670408636f6e76"
    "656e65720d766963655f636f6e76656e6572066e6f726d616c80f0b2520f000b6d616a6f722e666c61677300"
    "0a726f7574652e6872737306056c6567616c06046e65777306076a7573746963650603666963060673747265"
    "657400"))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "..", "config", "rules.cfg"), "rb") as handle:
    write("rules", "shipped", handle.read())
write("rules", "small", b"rules\n    severity\n        a\n            level = major\n"
      b"            when = \"workers >= 3 and flags has media or category = layoff\"\n"
      b"    routing\n        street\n            when = always\n    ladder\n        major\n"
      b"            meeting = urgent\n            participants = members\n            deadline = 2h\n")

requests = [
    ("health", None), ("rules", None), ("case", {"id": "putuo-1"}),
    ("cases", {"level": "major", "street": "caoyang", "status": "open", "overdue": False,
               "since": 0, "until": now * 2, "limit": 10}),
    ("replay", {"since": 1, "limit": 5}), ("hello", {"token": "t"}), ("metrics", None),
    ("filed", {"since": 0, "until": now * 2, "limit": 10, "after": "1780000000000/putuo-1"}),
    ("meeting", {"id": "putuo-m2"}),
    ("meetings", {"state": "open", "since": 0, "limit": 200, "after": "putuo-m2"}),
]
for index, (command, args) in enumerate(requests):
    data = command.encode() + b"\0" + (msgpack.packb(args, use_bin_type=True) if args else b"")
    write("api", "seed%d" % index, data)
