"""Union of BibTeX files, entry by entry: for merging branches that each appended entries.

Usage: ``python scripts/merge_bib.py OURS THEIRS [MORE ...] > merged.bib``. Entries are
kept in order of first appearance; an entry whose key was already seen is dropped
(the first version wins). Can be used as a git merge driver::

    git config merge.bibunion.driver "python scripts/merge_bib.py %A %B > %A.tmp && mv %A.tmp %A"

with ``book/references.bib merge=bibunion`` in ``.gitattributes``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ENTRY_START = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.M)


def entries(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into ``(key, raw entry)`` pairs; each entry runs to the next ``@``."""
    starts = list(ENTRY_START.finditer(text))
    out = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        out.append((m.group(1), text[m.start():end].strip()))
    return out


def merge(texts: list[str]) -> str:
    seen: set[str] = set()
    kept: list[str] = []
    for text in texts:
        for key, raw in entries(text):
            if key not in seen:
                seen.add(key)
                kept.append(raw)
    return "\n\n".join(kept) + "\n"


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.stdout.write(merge([Path(p).read_text(encoding="utf-8") for p in sys.argv[1:]]))
