"""Fill msgstr entries of a .po file from a Python dict file: po_fill.py FILE.po TRANSLATIONS.py

TRANSLATIONS.py defines T = {"msgid": "译文", ...}; single-line msgids only. Untouched entries
are listed so nothing is left untranslated by accident."""

import ast
import re
import sys

po_path, tr_path = sys.argv[1], sys.argv[2]
T = ast.literal_eval(open(tr_path, encoding="utf-8").read().split("=", 1)[1])
text = open(po_path, encoding="utf-8").read()
blocks = text.split("\n\n")
missing = []
for i, block in enumerate(blocks):
    m = re.search(r'^msgid "(.*)"\nmsgstr ""$', block, re.M)
    if not m or not m.group(1):
        continue
    msgid = m.group(1).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
    if msgid in T:
        value = T[msgid].replace("\\", "\\\\").replace('"', '\\"')
        block = block.replace(m.group(0), f'msgid "{m.group(1)}"\nmsgstr "{value}"')
        blocks[i] = block.replace("#, fuzzy\n", "")
    else:
        missing.append(msgid)
open(po_path, "w", encoding="utf-8").write("\n\n".join(blocks))
if missing:
    print("untranslated:", *missing, sep="\n  ")
