"""Run the integration tests: every test_* function in the test_*.py files
of this folder, each on its own. Prints one line per test and ends with
"N passed, N failed". Usage: /usr/bin/python3 run.py [NAME-SUBSTRING ...]
"""

import importlib
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main():
    wanted = sys.argv[1:]
    passed = failed = 0
    for filename in sorted(os.listdir(HERE)):
        if not (filename.startswith("test_") and filename.endswith(".py")):
            continue
        module = importlib.import_module(filename[:-3])
        for name in [n for n in dir(module) if n.startswith("test_")]:
            function = getattr(module, name)
            if not callable(function):
                continue
            label = "%s.%s" % (filename[:-3], name)
            if wanted and not any(w in label for w in wanted):
                continue
            start = time.time()
            try:
                function()
                passed += 1
                print("ok   %s (%.1fs)" % (label, time.time() - start), flush=True)
            except Exception:
                failed += 1
                print("FAIL %s (%.1fs)" % (label, time.time() - start), flush=True)
                traceback.print_exc(file=sys.stdout)
                sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
