#!/usr/bin/env python3
"""What doxygen does not warn about, checked in the XML it wrote.

doxygen (docs/Doxyfile, WARN_IF_UNDOCUMENTED) reports undocumented classes,
functions, variables, type aliases and enums, but not undocumented enum
values, nor deleted or defaulted functions. This lists every public
declaration of the public headers that has neither a brief nor a detailed
description, those included, and fails if there is one. Members of private
nested classes are not part of the API and are skipped (doxygen writes them
to the XML all the same).

usage: undocumented_api.py XML_DIR
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET


def described(e):
    text = ''
    for tag in ('briefdescription', 'detaileddescription'):
        d = e.find(tag)
        if d is not None:
            text += ''.join(d.itertext()).strip()
    return bool(text)


def main(xml_dir):
    compounds = {}
    for path in glob.glob(os.path.join(xml_dir, '*.xml')):
        if os.path.basename(path) == 'index.xml':
            continue
        for cd in ET.parse(path).getroot().iter('compounddef'):
            compounds[cd.get('id')] = cd
    # Classes declared in a private (or protected) section, and everything
    # nested in them.
    hidden = set()
    todo = [ic.get('refid') for cd in compounds.values() for ic in cd.findall('innerclass')
            if ic.get('prot') in ('private', 'protected')]
    while todo:
        refid = todo.pop()
        if refid in hidden:
            continue
        hidden.add(refid)
        cd = compounds.get(refid)
        if cd is not None:
            todo += [ic.get('refid') for ic in cd.findall('innerclass')]
    # By name too: a class doxygen was told to exclude (EXCLUDE_SYMBOLS) may
    # be missing from its parent's list of inner classes.
    names = [compounds[r].findtext('compoundname') + '::' for r in hidden if r in compounds]
    hidden |= {r for r, cd in compounds.items()
               if any(cd.findtext('compoundname', '').startswith(n) for n in names)}
    missing = set()
    for refid, cd in compounds.items():
        if refid in hidden or cd.get('kind') == 'dir':
            continue
        for m in cd.iter('memberdef'):
            if m.get('prot') != 'public' or m.get('kind') == 'friend':
                continue
            loc = m.find('location')
            where = f"{loc.get('file')}:{loc.get('line')}" if loc is not None else '?'
            scope = cd.findtext('compoundname')
            if not described(m):
                missing.add(f"{where}: {scope}::{m.findtext('name')} ({m.get('kind')}) is not documented")
            for ev in m.findall('enumvalue'):
                if ev.get('prot', 'public') == 'public' and not described(ev):
                    missing.add(f"{where}: enum value {scope}::{m.findtext('name')}::{ev.findtext('name')} "
                                "is not documented")
    for line in sorted(missing):
        print(line)
    if not compounds:
        print(f'no doxygen XML in {xml_dir}')
        return 1
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
