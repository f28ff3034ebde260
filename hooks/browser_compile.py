"""Run by Python 3.8 (``hooks/runtime_bytecode.py``): compile sources into the bytecode the
browser's Python reads.

Its argument is a JSON file listing ``[source, pyc, browser path]`` triples. Each source is
compiled into a hash-checked ``.pyc`` (PEP 552) that records its path in the browser, not
its path here, so the same sources give the same bytes on every machine and in every build.
"""
import json
import py_compile
import sys


def compile_all(triples):
    for source, pyc, browser_path in triples:
        py_compile.compile(source, cfile=pyc, dfile=browser_path, doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
    return len(triples)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as listing:
        print("compiled", compile_all(json.load(listing)))
