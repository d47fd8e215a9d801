"""Run the integration tests: every test_* function in the test_*.py files
of this folder, each on its own, in a process of its own. Prints one line
per test and ends with "N passed, N failed".

Usage: /usr/bin/python3 run.py [-j JOBS] [NAME-SUBSTRING ...]

JOBS tests run at once (default: HS_TEST_JOBS, else 3: most of a test is
waiting on a fast clock); every test has its own daemon on its own ipc
endpoints in its own folder. A test file that sets SOLO = True (or a test
function with `solo = True`) measures time, CPU or memory, or loads the
machine: it runs after the others, with nothing beside it. A failing
test's output follows its line.
"""

import importlib
import os
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
PER_TEST_S = 600                # a test that hangs is killed and fails


def collect(wanted):
    """(label, solo) of every test, in file and name order."""
    tests = []
    for filename in sorted(os.listdir(HERE)):
        if not (filename.startswith("test_") and filename.endswith(".py")):
            continue
        module = importlib.import_module(filename[:-3])
        for name in [n for n in dir(module) if n.startswith("test_")]:
            function = getattr(module, name)
            if not callable(function):
                continue
            solo = bool(getattr(module, "SOLO", False) or getattr(function, "solo", False))
            label = "%s.%s" % (filename[:-3], name)
            if wanted and not any(w in label for w in wanted):
                continue
            tests.append((label, solo))
    return tests


def single(label):
    """Run one test in this process: rc 0 if it passed."""
    module_name, name = label.split(".", 1)
    function = getattr(importlib.import_module(module_name), name)
    try:
        function()
        return 0
    except Exception:
        traceback.print_exc(file=sys.stdout)
        sys.stdout.flush()
        return 1


def main():
    args = sys.argv[1:]
    if args[:1] == ["--single"]:
        return single(args[1])
    jobs = int(os.environ.get("HS_TEST_JOBS", "3"))
    if args[:1] == ["-j"]:
        jobs, args = int(args[1]), args[2:]
    jobs = max(1, jobs)
    tests = collect(args)
    # the tests that may share the machine first, two at a time; then the
    # solo ones, one by one (none waits at the head of the line for a slot)
    pending = [t for t in tests if not t[1]] + [t for t in tests if t[1]]
    running = {}                    # process -> (label, solo, start, output file)
    passed = failed = 0
    while pending or running:
        # start what may: a solo test only alone, and nothing beside it
        while pending and len(running) < jobs:
            label, solo = pending[0]
            if running and (solo or any(s for _, s, _, _ in running.values())):
                break
            pending.pop(0)
            output = tempfile.TemporaryFile()
            proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--single", label],
                                    stdout=output, stderr=subprocess.STDOUT)
            running[proc] = (label, solo, time.time(), output)
        time.sleep(0.02)
        for proc in list(running):
            label, solo, start, output = running[proc]
            if proc.poll() is None:
                if time.time() - start < PER_TEST_S:
                    continue
                proc.kill()
                proc.wait()
            del running[proc]
            output.seek(0)
            text = output.read().decode("utf-8", "replace")
            output.close()
            if proc.returncode == 0:
                passed += 1
                print("ok   %s (%.1fs)" % (label, time.time() - start), flush=True)
            else:
                failed += 1
                print("FAIL %s (%.1fs)" % (label, time.time() - start), flush=True)
            if text:
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
                sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
