#!/usr/bin/env python3
"""The source layout's rules, checked (ctest: layout.check).

1. A folder's internal/ headers are private to it: only files under that folder include them.
2. An #include of another library's header is allowed only when the including library declares
   that library as a dependency, directly or through others (goldthread_library DEPS in each
   folder's CMakeLists.txt): dependencies point down and are written down.
3. Sources are listed explicitly: no file(GLOB) in any CMakeLists.txt, and every .cc file in a
   library folder is named in that folder's CMakeLists.txt.
4. So are the run-time files: every file under workflows/ is named in workflows/CMakeLists.txt.

Usage: check_layout.py <source root>. Prints one line per violation and exits 1 when any.
"""
import os
import re
import sys

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else '.')
LIB_DIRS = ('store', 'engine', 'adapters')
problems = []


def rel(path):
    return os.path.relpath(path, root)


# folder -> (library name, direct deps, CMakeLists text)
libraries = {}
call = re.compile(r'goldthread_library\((.*?)\)', re.S)
for top in LIB_DIRS + ('proto', 'tests'):
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        if 'CMakeLists.txt' not in files:
            continue
        text = open(os.path.join(dirpath, 'CMakeLists.txt')).read()
        if re.search(r'file\s*\(\s*GLOB', text, re.I):
            problems.append(f'{rel(dirpath)}/CMakeLists.txt: file(GLOB) — list sources explicitly')
        for m in call.finditer(text):
            words = m.group(1).split()
            name = words[words.index('NAME') + 1]
            deps = words[words.index('DEPS') + 1:] if 'DEPS' in words else []
            libraries[rel(dirpath)] = (name, [d for d in deps if d.startswith('goldthread_')], text)

by_name = {name: folder for folder, (name, _, _) in libraries.items()}
by_name['goldthread_proto'] = 'proto'
# Aggregates: goldthread_engine / goldthread_adapters link every library of their folder.
aggregate = {'goldthread_engine': [n for f, (n, _, _) in libraries.items() if f.startswith('engine/')],
             'goldthread_adapters': [n for f, (n, _, _) in libraries.items() if f.startswith('adapters/')]}


def closure(name, seen=None):
    seen = set() if seen is None else seen
    for dep in aggregate.get(name, []):
        if dep not in seen:
            seen.add(dep)
            closure(dep, seen)
    folder = by_name.get(name)
    if folder in libraries:
        for dep in libraries[folder][1]:
            if dep not in seen:
                seen.add(dep)
                closure(dep, seen)
    return seen


def owning_library(path):
    """The library folder a file belongs to: the deepest library folder above it."""
    d = os.path.dirname(path)
    while d and d != '.':
        if d in libraries:
            return d
        d = os.path.dirname(d)
    return None


include = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
for top in LIB_DIRS:
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        for f in files:
            if not f.endswith(('.h', '.cc')):
                continue
            path = rel(os.path.join(dirpath, f))
            lib = owning_library(path)
            if lib is None:
                problems.append(f'{path}: not inside any library folder')
                continue
            if f.endswith('.cc') and f != 'main.cc':
                listed = os.path.relpath(path, lib)
                if not re.search(r'(^|\s)' + re.escape(listed) + r'(\s|\))', libraries[lib][2]):
                    problems.append(f'{path}: not listed in {lib}/CMakeLists.txt')
            allowed = closure(libraries[lib][0])
            for target in include.findall(open(os.path.join(root, path)).read()):
                parts = target.split('/')
                if 'internal' in parts:
                    owner = '/'.join(parts[:parts.index('internal')])
                    if not (path.startswith(owner + '/')):
                        problems.append(f'{path}: includes {target}, private to {owner}/')
                if target.startswith('goldthread/v1/'):
                    if 'goldthread_proto' not in allowed:
                        problems.append(f'{path}: includes {target} but {libraries[lib][0]} '
                                        'does not depend on goldthread_proto')
                    continue
                target_lib = owning_library(target)
                if target_lib is None or target_lib == lib:
                    continue
                if libraries[target_lib][0] not in allowed:
                    problems.append(f'{path}: includes {target} of {libraries[target_lib][0]}, '
                                    f'not a dependency of {libraries[lib][0]}')

# 4. Run-time data is listed too: every file under workflows/ is named in
# workflows/CMakeLists.txt (goldthread_data), so the build tree and an install carry it.
data_cmake = os.path.join(root, 'workflows', 'CMakeLists.txt')
data_text = open(data_cmake).read() if os.path.exists(data_cmake) else ''
for dirpath, _, files in os.walk(os.path.join(root, 'workflows')):
    for f in files:
        if f == 'CMakeLists.txt':
            continue
        listed = os.path.relpath(os.path.join(dirpath, f), os.path.join(root, 'workflows'))
        name_in_call = os.path.basename(listed)
        sub = os.path.dirname(listed)
        call_ok = any(re.search(r'(^|\s)' + re.escape(w) + r'(\s|\))', data_text)
                      for w in (listed, name_in_call))
        if not call_ok or (sub and 'workflows/' + sub not in data_text):
            problems.append(f'workflows/{listed}: not listed in workflows/CMakeLists.txt '
                            '(goldthread_data), so it would be missing from builds and installs')

for p in problems:
    print(p)
print(f'layout: {len(libraries)} libraries checked, {len(problems)} problems')
sys.exit(1 if problems else 0)
