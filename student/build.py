"""Finish the student copy that ``make student-dist`` extracted from git HEAD.

    python <dist>/student/build.py <dist>

Writes ``<dist>/README.md`` from ``student/README.md`` (its generated tables, the
notebooks and their points, copied from the instructor README that came with the
archive), ``<dist>/Makefile`` from ``student/Makefile`` (only the commands that work in
the student copy), then removes ``<dist>/student``. Standard library only.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

BLOCK = re.compile(r"<!-- BEGIN GENERATED: (\w+) -->\n(.*?)<!-- END GENERATED: \1 -->", re.S)


def build(dist: Path) -> None:
    here = dist / "student"
    generated = {name: body for name, body in BLOCK.findall(
        (dist / "README.md").read_text(encoding="utf-8"))}
    template = (here / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _ in BLOCK.findall(template) if name not in generated]
    if missing:
        raise SystemExit(f"student/build.py: the instructor README lacks the tables {missing}")
    readme = BLOCK.sub(lambda m: f"<!-- BEGIN GENERATED: {m[1]} -->\n{generated[m[1]]}"
                                 f"<!-- END GENERATED: {m[1]} -->", template)
    (dist / "README.md").write_text(readme, encoding="utf-8")
    shutil.copyfile(here / "Makefile", dist / "Makefile")
    shutil.rmtree(here)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
