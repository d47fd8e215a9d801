#!/usr/bin/python3
"""A street office's feeder: each row of a CSV file becomes a report,
submitted and acknowledged (sent again until the daemon has stored it),
up to 100 in flight at once (Client.submit_many).

    clients/python/examples/csv_feeder.py clients/python/examples/reports.csv
        [--submit tcp://127.0.0.1:5573]

Columns: id, street, enterprise, credit_code, ownership, category, workers,
amount, flags (separated by ;), summary. Each report comes from the street's
own office (source street.<street>). Prints "ok SEQ ID" per row, or
"rejected REASON ID" (and goes on)."""

import argparse
import csv
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import huishang  # noqa: E402


def row_to_report(row):
    enterprise = {"name": row["enterprise"]}
    if row.get("credit_code"):
        enterprise["credit_code"] = row["credit_code"]
    if row.get("ownership"):
        enterprise["ownership"] = row["ownership"]
    report = {"id": row["id"], "source": "street." + row["street"], "enterprise": enterprise,
              "category": row["category"], "workers": int(row["workers"])}
    if row.get("amount"):
        report["amount"] = int(row["amount"])
    if row.get("flags"):
        report["flags"] = row["flags"].split(";")
    if row.get("summary"):
        report["summary"] = row["summary"]
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("--submit", default=huishang.DEFAULTS["submit"])
    args = parser.parse_args()
    client = huishang.Client(submit=args.submit)
    failed = 0
    try:
        handle = open(args.csv, newline="", encoding="utf-8")
    except OSError as error:
        print("csv_feeder: %s: %s" % (args.csv, error.strerror), file=sys.stderr)
        return 2
    rows, reports = [], []
    with handle:
        for number, row in enumerate(csv.DictReader(handle), 2):
            try:
                report = row_to_report(row)
                # the row itself wrong? (submit_many fills in v and at)
                huishang.check_report(dict(report, at=int(time.time() * 1000)))
            except ValueError as error:
                print("%s:%d: %s" % (args.csv, number, error), file=sys.stderr)
                failed += 1
                continue
            rows.append(row)
            reports.append(report)
    # every row in flight at once, up to a window of 100: answered in order
    for row, result in zip(rows, client.submit_many(reports, window=100)):
        if isinstance(result, huishang.Rejected):
            print("rejected %s %s" % (result.reason, row["id"]))
            print("  %s" % result.detail, file=sys.stderr)
            failed += 1
        else:
            print("ok %d %s" % (result, row["id"]))
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:                           # Ctrl-C: quietly, as a shell does
        # a socket the interrupt caught half made must not hold up the
        # context's end as the interpreter exits: close them all now
        huishang.zmq.Context.instance().destroy(linger=0)
        sys.exit(130)
