#!/usr/bin/env python3
"""An installed goldthread finds its files from its install prefix (ctest: install.runs_from_prefix).

Installs the build tree with `cmake --install` into a temporary prefix, moves the prefix
elsewhere (the binary must find share/goldthread from where it runs, not from where it was
installed or built), then, from a folder outside the source tree, with a bare environment:

- checks the installed layout (bin/goldthread, share/goldthread/{openapi.json,workflows/...});
- checks that no path of the source tree is compiled into the program's read-only data (the
  debug information may name sources; code may not open them);
- runs `goldthread demo`, which loads the shipped workflows, the bank holidays and the demo
  council, then `goldthread verify` on the store it made;
- starts `goldthread serve` on a free port and checks that /api/v1/openapi.json answers the
  installed openapi.json.

Usage: install_test.py <build dir> <source dir>. Exit 0 when all hold, 1 otherwise.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

build, source = (os.path.abspath(p) for p in sys.argv[1:3])
work = tempfile.mkdtemp(prefix='goldthread-install-')
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print('FAIL:', what)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=300, **kw)


try:
    installed = os.path.join(work, 'installed')
    r = run(['cmake', '--install', build, '--prefix', installed])
    check(r.returncode == 0, f'cmake --install failed:\n{r.stdout}{r.stderr}')
    prefix = os.path.join(work, 'moved', 'opt')
    os.makedirs(os.path.dirname(prefix))
    shutil.move(installed, prefix)
    binary = os.path.join(prefix, 'bin', 'goldthread')
    share = os.path.join(prefix, 'share', 'goldthread')
    for path in [binary, os.path.join(share, 'openapi.json'),
                 os.path.join(share, 'workflows', 'leeds-quarterly.textproto'),
                 os.path.join(share, 'workflows', 'calendars', 'england-and-wales-bank-holidays.txt'),
                 os.path.join(share, 'workflows', 'demo', 'ashcombe.textproto')]:
        check(os.path.exists(path), f'not installed: {os.path.relpath(path, prefix)}')
    if failures:
        sys.exit(1)

    rodata = os.path.join(work, 'rodata')
    r = run(['objcopy', '--dump-section', f'.rodata={rodata}', binary, os.path.join(work, 'x')])
    if r.returncode == 0:
        with open(rodata, 'rb') as f:
            check(source.encode() not in f.read(),
                  f'the program\'s read-only data names the source tree {source}')
    else:
        print('note: objcopy unavailable, source-path check skipped:', r.stderr.strip())

    # Outside the source tree, with nothing that points back to it.
    cwd = os.path.join(work, 'elsewhere')
    os.makedirs(cwd)
    env = {'PATH': '/usr/bin:/bin', 'HOME': work, 'TZ': 'Europe/London'}

    r = run([binary, '--help'], cwd=cwd, env=env)
    check(r.returncode == 0, f'goldthread --help: exit {r.returncode}\n{r.stderr}')

    store = os.path.join(cwd, 'store')
    r = run([binary, 'demo', '--data-dir', store, '--tenant', 'ashcombe', '--years', '1',
             '--today', '2026-11-23'],
            cwd=cwd, env=env)
    check(r.returncode == 0, f'goldthread demo: exit {r.returncode}\n{r.stdout}{r.stderr}')
    if r.returncode == 0:
        r = run([binary, 'verify', '--data-dir', store], cwd=cwd, env=env)
        check(r.returncode == 0, f'goldthread verify: exit {r.returncode}\n{r.stdout}{r.stderr}')

        log_path = os.path.join(work, 'serve.log')
        with open(log_path, 'w') as log:
            serve = subprocess.Popen([binary, 'serve', '--data-dir', store, '--listen',
                                      '127.0.0.1:0', '--tenant', 'ashcombe'],
                                     cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            port = None
            deadline = time.time() + 60
            while port is None and time.time() < deadline and serve.poll() is None:
                m = re.search(r'on http://127\.0\.0\.1:(\d+)/', open(log_path).read())
                if m:
                    port = int(m.group(1))
                else:
                    time.sleep(0.2)
            check(port is not None, 'serve did not start:\n' + open(log_path).read())
            if port is not None:
                with urllib.request.urlopen(f'http://127.0.0.1:{port}/api/v1/openapi.json',
                                            timeout=30) as answer:
                    body = answer.read()
                with open(os.path.join(share, 'openapi.json'), 'rb') as f:
                    check(body == f.read(), '/api/v1/openapi.json is not the installed openapi.json')
        finally:
            serve.terminate()
            try:
                serve.wait(timeout=60)
            except subprocess.TimeoutExpired:
                serve.kill()
finally:
    shutil.rmtree(work, ignore_errors=True)

print(f'{0 if failures else 1} passed, {len(failures)} failed')
sys.exit(1 if failures else 0)
