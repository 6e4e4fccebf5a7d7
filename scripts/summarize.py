#!/usr/bin/env python3
"""Sum up meson test logs into the one line CI reads:
'N passed, N failed, N skipped'.

Each argument is BUILDDIR:LABEL where LABEL is 'plain', 'asan' or
'valgrind' (which log to read). A TAP test counts each of its 'ok' /
'not ok' lines; a test that did not speak TAP, crashed or timed out counts
as one result (a crash is a failure even if its TAP lines said ok). A TAP
'ok ... # SKIP' line and a test meson reports as SKIP count as skipped,
never as passed (the kernel suite skips a configuration QEMU cannot run).
"""
import json
import os
import re
import sys

TAP = re.compile(r'^(not ok|ok)\b(.*)$')


def count(path):
    passed = failed = skipped = 0
    failures = []
    if not os.path.exists(path):
        return 0, 1, 0, [f'{path}: no test log (build or run failed)']
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            res = t.get('result', '')
            out = t.get('stdout', '') or ''
            p = fl = sk = 0
            for l in out.splitlines():
                m = TAP.match(l.strip())
                if not m:
                    continue
                if '# SKIP' in m.group(2):
                    sk += 1
                elif m.group(1) == 'ok':
                    p += 1
                else:
                    fl += 1
                    failures.append(f"{t['name']}: {l.strip()}")
            if p + fl + sk == 0:
                if res == 'OK':
                    p = 1
                elif res == 'SKIP':
                    sk = 1
                else:
                    fl = 1
                    failures.append(f"{t['name']}: {res}")
            elif res not in ('OK', 'SKIP', 'EXPECTEDFAIL') and fl == 0:
                fl = 1
                failures.append(f"{t['name']}: {res} (exit status)")
            passed += p
            failed += fl
            skipped += sk
    return passed, failed, skipped, failures


def main():
    tp = tf = ts = 0
    for arg in sys.argv[1:]:
        d, label = arg.split(':')
        log = 'testlog.json' if label != 'valgrind' else 'testlog-valgrind.json'
        p, f, sk, fails = count(os.path.join(d, 'meson-logs', log))
        print(f'{label}: {p} passed, {f} failed, {sk} skipped')
        for x in fails[:50]:
            print(f'  FAIL [{label}] {x}')
        tp += p
        tf += f
        ts += sk
    print(f'{tp} passed, {tf} failed, {ts} skipped')
    sys.exit(1 if tf else 0)


main()
