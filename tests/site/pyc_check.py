"""Run by Python 3.8 (tests/site/test_runtime_bytecode.py): each ``<name>.pyc`` in the folder
given is a hash-checked .pyc whose source hash matches ``<name>.pyc.py`` and whose code
object loads. Prints ``checked N``."""
import importlib.util
import json
import marshal
import sys
from pathlib import Path

CHECKED_HASH_FLAGS = 0b11  # hash-based, check_source (PEP 552)


def check(folder):
    pairs = json.loads((folder / "pairs.json").read_text())
    for name in pairs:
        data = (folder / name).read_bytes()
        source = (folder / f"{name}.py").read_bytes()
        assert data[:4] == importlib.util.MAGIC_NUMBER, f"{name}: not Python 3.8 bytecode"
        assert int.from_bytes(data[4:8], "little") == CHECKED_HASH_FLAGS, f"{name}: not checked"
        assert data[8:16] == importlib.util.source_hash(source), f"{name}: another source"
        marshal.loads(data[16:])
    return len(pairs)


if __name__ == "__main__":
    assert sys.version_info[:2] == (3, 8), sys.version
    print("checked", check(Path(sys.argv[1])))
