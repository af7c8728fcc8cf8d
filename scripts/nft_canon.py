#!/usr/bin/env python3
"""A table as `nft list table` prints it, in a canonical form for comparisons.

Counter values become `counter` (traffic differs); each map's element list is sorted (nft
lists a hash map's elements in its own order, not in the order `fwctl compile` writes them);
with --blocks the sets, maps and chains are sorted too (a table changed in place lists new
objects after the kept ones, a table loaded at once in the compiler's order).
Reads stdin, writes stdout, when run as a script.
"""
import re
import sys


def sorted_map_elements(text):
    out, pending = [], []

    def flush():
        if pending:
            items = sorted(pending)
            out.append('\t\telements = { ' + (',\n\t\t\t     '.join(items)) + ' }')
            pending.clear()

    for line in text.split('\n'):
        opens = line.startswith('\t\telements = { ') and ' : ' in line
        if opens or (pending and line.startswith('\t\t\t     ')):
            item = line[len('\t\telements = { '):] if opens else line[len('\t\t\t     '):]
            closes = item.endswith(' }')
            item = item[:-2] if closes else item.rstrip(',')
            pending.append(item)
            if closes:
                flush()
            continue
        flush()
        out.append(line)
    flush()
    return '\n'.join(out)


def canon(text, blocks=False):
    text = sorted_map_elements(re.sub(r'counter packets \d+ bytes \d+', 'counter', text)).strip()
    if not blocks:
        return text
    lines = text.split('\n')
    body = sorted(block.strip() for block in '\n'.join(lines[1:-1]).split('\n\n'))
    return '\n'.join([lines[0]] + body + [lines[-1]])


if __name__ == '__main__':
    print(canon(sys.stdin.read(), blocks='--blocks' in sys.argv[1:]))
