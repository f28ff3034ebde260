"""Read and rewrite a data package of Pyodide 0.17 (Emscripten's file packager, LZ4 chunks).

A package ``<name>`` is two files:

- ``<name>.data``: every file's bytes, concatenated in one stream, cut into 2,048-byte chunks;
  each chunk is LZ4-compressed (a raw LZ4 block) or stored as it is where it does not shrink.
  Two chunks of free space follow, which Emscripten's LZ4 file system uses as its cache.
- ``<name>.js``: creates the package's folders (``Module["FS_createPath"]``), then hands the
  data to ``Module.LZ4.loadPackage`` with ``metadata`` (each file's ``[start, end)`` in the
  uncompressed stream) and ``compressedData`` (each chunk's offset, size and whether it is
  compressed). A file is decompressed when it is read, chunk by chunk.

:func:`read_package` gives the files; :func:`write_package` makes both files again for a new
set of files, from the original ``.js`` (only its folders, metadata and chunk table change).
Used by ``hooks/runtime_bytecode.py``.
"""
import hashlib
import re
import uuid

import lz4.block

CHUNK_SIZE = 2048  # Emscripten's MiniLZ4.CHUNK_SIZE
CACHE_CHUNKS = 2  # chunks of decompression cache after the data (library_lz4.js)

_CREATE_PATHS = re.compile(r'(?:Module\["FS_createPath"\]\("[^"]*","[^"]*",true,true\);)+')
# Keys are quoted in pyodide.asm.js and bare in the packages' loaders: both are read.
_CHUNK_TABLE = re.compile(r'var compressedData=\{"?data"?:null,.*?"?successes"?:\[[^\]]*\]\};',
                          re.S)
_METADATA = re.compile(r'loadPackage\(\{"?files"?:\[.*?\],"?remote_package_size"?:\d+(?:e\d+)?,'
                       r'"?package_uuid"?:"[^"]*"\}\)\}\)\(\);', re.S)
# Numbers are minified JavaScript: 3581000 may be written 3581e3.
_NUMBER = r"(\d+(?:e\d+)?)"
_FILE = re.compile(rf'\{{"?filename"?:"([^"]+)","?start"?:{_NUMBER},"?end"?:{_NUMBER},'
                   r'"?audio"?:0\}')


class PackageFormatError(ValueError):
    """The ``.js`` is not a file packager loader of the expected (Pyodide 0.17) form."""


def _numbers(table, name):
    """The JavaScript number array ``name:[...]`` in ``table`` as ints (``113e3`` included)."""
    found = re.search(rf'"?{name}"?:\[([^\]]*)\]', table)
    if found is None:
        raise PackageFormatError(f"no {name} array in the chunk table")
    return [int(float(value)) for value in found.group(1).split(",") if value]


def _one(pattern, text, what):
    found = pattern.search(text)
    if found is None:
        raise PackageFormatError(f"the package loader has no {what}")
    return found


def read_package(loader, data):
    """The package's files as {absolute path (str): bytes}, in the package's order.

    ``loader``: the text of ``<name>.js``; ``data``: the bytes of ``<name>.data``.
    """
    table = _one(_CHUNK_TABLE, loader, "chunk table").group(0)
    offsets, sizes = _numbers(table, "offsets"), _numbers(table, "sizes")
    compressed = _numbers(table, "successes")
    metadata = _one(_METADATA, loader, "file list").group(0)
    files = [(name, int(float(start)), int(float(end)))
             for name, start, end in _FILE.findall(metadata)]
    if len(files) != len(re.findall(r'"?filename"?:"', metadata)):
        raise PackageFormatError("a file entry of the file list could not be read")
    total = max((end for _, _, end in files), default=0)
    if not len(offsets) == len(sizes) == len(compressed) == -(-total // CHUNK_SIZE):
        raise PackageFormatError("the chunk table does not cover the files")
    stream = bytearray()
    for index, (offset, size, is_compressed) in enumerate(zip(offsets, sizes, compressed)):
        length = min(CHUNK_SIZE, total - index * CHUNK_SIZE)
        chunk = data[offset:offset + size]
        stream += lz4.block.decompress(chunk, uncompressed_size=length) if is_compressed \
            else chunk[:length]
    return {name: bytes(stream[start:end]) for name, start, end in files}


def _folders(paths):
    """Every folder holding one of ``paths``, parents first, as (parent, name) pairs."""
    folders = set()
    for path in paths:
        parts = path.split("/")[1:-1]
        for depth in range(1, len(parts) + 1):
            folders.add(tuple(parts[:depth]))
    return [("/" + "/".join(folder[:-1]), folder[-1]) for folder in sorted(folders)]


def _chunks(stream):
    """LZ4 chunks of ``stream``: (data bytes, offsets, sizes, compressed flags)."""
    data, offsets, sizes, flags = bytearray(), [], [], []
    for start in range(0, len(stream), CHUNK_SIZE):
        chunk = bytes(stream[start:start + CHUNK_SIZE])
        packed = lz4.block.compress(chunk, mode="high_compression", compression=12,
                                    store_size=False)
        shrinks = len(packed) < len(chunk)
        offsets.append(len(data))
        sizes.append(len(packed) if shrinks else len(chunk))
        flags.append(1 if shrinks else 0)
        data += packed if shrinks else chunk
    return bytes(data), offsets, sizes, flags


def _array(values):
    return "[" + ",".join(str(value) for value in values) + "]"


def write_package(loader, files):
    """(new ``.js`` text, new ``.data`` bytes) holding ``files`` ({absolute path: bytes}).

    ``loader`` is the package's original ``.js``; the files keep the order given.
    """
    for pattern, what in ((_CREATE_PATHS, "folder list"), (_CHUNK_TABLE, "chunk table"),
                          (_METADATA, "file list")):
        _one(pattern, loader, what)
    # The folders are created by one run of calls, replaced whole below.
    if _one(_CREATE_PATHS, loader, "folder list").group(0).count("FS_createPath") != \
            loader.count('Module["FS_createPath"]('):
        raise PackageFormatError("the loader creates its folders in more than one place")
    stream, entries = bytearray(), []
    for name, content in files.items():
        if '"' in name or "\\" in name or not name.startswith("/"):
            raise ValueError(f"file name {name!r} cannot go into a package")
        entries.append(f'{{filename:"{name}",start:{len(stream)},end:{len(stream) + len(content)},'
                       f"audio:0}}")
        stream += content
    data, offsets, sizes, flags = _chunks(stream)
    data += bytes(CACHE_CHUNKS * CHUNK_SIZE)
    folders = "".join(f'Module["FS_createPath"]("{parent}","{name}",true,true);'
                      for parent, name in _folders(files))
    table = (f"var compressedData={{data:null,cachedOffset:{len(data) - CACHE_CHUNKS * CHUNK_SIZE},"
             f"cachedIndexes:[-1,-1],cachedChunks:[null,null],offsets:{_array(offsets)},"
             f"sizes:{_array(sizes)},successes:{_array(flags)}}};")
    # The loader keys Emscripten's IndexedDB cache (unused here) by this id: derived from the
    # contents, so the same files give the same package.
    package_id = uuid.uuid5(uuid.NAMESPACE_URL, "itt-package:" + hashlib.sha256(data).hexdigest())
    metadata = (f'loadPackage({{files:[{",".join(entries)}],remote_package_size:{len(data)},'
                f'package_uuid:"{package_id}"}})}})();')
    loader = _CREATE_PATHS.sub(lambda _: folders, loader, count=1)
    loader = _CHUNK_TABLE.sub(lambda _: table, loader, count=1)
    loader = _METADATA.sub(lambda _: metadata, loader, count=1)
    return loader, data

