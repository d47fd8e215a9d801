#!/usr/bin/python3
"""A duty officer's live summary: every alert, meeting request and warning
from the start of the store (or --since SEQ), then as they come, each on a
line (its time the district's, +08:00, whatever TZ), with the open cases by
level after it. Says so, and stops, when the daemon misses its heartbeats.

    /usr/bin/python3 dashboard.py [--publish EP] [--api EP] [--since SEQ] [--count N]"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import huishang  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publish", default=huishang.DEFAULTS["publish"])
    parser.add_argument("--api", default=huishang.DEFAULTS["api"])
    parser.add_argument("--since", type=int, default=1)
    parser.add_argument("--count", type=int, default=0, help="stop after N messages (0: never)")
    parser.add_argument("--quiet", type=float, default=None,
                        help="stop after this many seconds without a message")
    args = parser.parse_args()
    client = huishang.Client(publish=args.publish, api=args.api)
    try:
        return follow(client, args)
    except huishang.Unavailable as error:
        print("dashboard.py: %s" % error, file=sys.stderr, flush=True)
        return 1


def follow(client, args):
    level_of = {}                     # case -> its level now
    closed = set()
    seen = 0
    for topic, body in client.subscribe(["alert.", "meeting.", "warning."], since=args.since,
                                        timeout=args.quiet):
        if topic.startswith("alert."):
            level_of[body["case"]] = body["level"]
            if body["kind"] == "resolved":
                closed.add(body["case"])
            line = "#%d %s %s %s %s %d workers" % (body["seq"], topic, body["kind"], body["case"],
                                                  body["enterprise"], body["workers"])
        elif topic.startswith("meeting."):
            line = "#%d %s %s" % (body["seq"], topic, body.get("meeting", ""))
        else:
            line = "#%d %s %s" % (body["seq"], topic, body.get("kind", ""))
        counts = dict.fromkeys(huishang.LEVELS, 0)
        for case, level in level_of.items():
            if case not in closed:
                counts[level] += 1
        if body.get("at"):
            line = "%s %s" % (huishang.district_time(body["at"], zoned=False), line)
        print("%s | open: %s" % (line, " ".join("%s %d" % (level, counts[level])
                                                  for level in huishang.LEVELS)), flush=True)
        seen += 1
        if args.count and seen >= args.count:
            break
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:                           # Ctrl-C: quietly, as a shell does
        # a socket the interrupt caught half made must not hold up the
        # context's end as the interpreter exits: close them all now
        huishang.zmq.Context.instance().destroy(linger=0)
        sys.exit(130)
