"""Read and damage an LMDB data.mdb by its page layout (LMDB 0.9, 64-bit),
for the hostile store tests: find a table's pages from the meta page and
the main table, and change a child pointer in one of its branch pages, as
a flipped bit on a disk would.

Layout (lmdb's mdb.c): each page begins with a 16-byte header: pgno (u64),
pad (u16), flags (u16: 1 branch, 2 leaf, 4 overflow, 8 meta), lower and
upper (u16; lower - 16 is twice the node count), then u16 offsets of the
nodes. A node is lo, hi, flags, ksize (u16 each) then the key; in a branch
the child page is lo | hi << 16 | flags << 32; in a leaf lo | hi << 16 is
the data size, flags 2 marks a named table whose 48-byte record holds its
root page at offset 40. Meta pages 0 and 1: the one with the higher txnid
(at 144) is current; the main table's root is at 128, the last page at 136.
"""

import random
import struct

import lmdb

BRANCH, LEAF, OVERFLOW = 1, 2, 4


def page_size(data):
    # the meta page's MDB_db for FREE_DBI starts with md_pad = page size
    return struct.unpack_from("<I", data, 40)[0]


def _meta(data, size):
    metas = []
    for number in (0, 1):
        base = number * size
        txnid = struct.unpack_from("<Q", data, base + 144)[0]
        metas.append((txnid, base))
    return max(metas)[1]


def _nodes(data, offset):
    lower = struct.unpack_from("<H", data, offset + 12)[0]
    for index in range((lower - 16) // 2):
        yield offset + struct.unpack_from("<H", data, offset + 16 + 2 * index)[0]


def _flags(data, offset):
    return struct.unpack_from("<H", data, offset + 10)[0]


def table_root(data, name):
    """The root page of the named table (bytes), or None."""
    size = page_size(data)
    meta = _meta(data, size)
    stack = [struct.unpack_from("<Q", data, meta + 128)[0]]
    while stack:
        offset = stack.pop() * size
        flags = _flags(data, offset)
        for node in _nodes(data, offset):
            lo, hi, nflags, ksize = struct.unpack_from("<HHHH", data, node)
            if flags & BRANCH:
                stack.append(lo | hi << 16 | nflags << 32)
            elif data[node + 8:node + 8 + ksize] == name and nflags & 2:
                return struct.unpack_from("<Q", data, node + 8 + ksize + 40)[0]
    return None


def branch_pages(data, name):
    """Every branch page of a table: [(page, [child pointer offsets])]."""
    size = page_size(data)
    root = table_root(data, name)
    out, stack = [], [root] if root is not None else []
    while stack:
        page = stack.pop()
        offset = page * size
        if not _flags(data, offset) & BRANCH:
            continue
        pointers = []
        for node in _nodes(data, offset):
            lo, hi, nflags, _ = struct.unpack_from("<HHHH", data, node)
            stack.append(lo | hi << 16 | nflags << 32)
            pointers.append(node)
        out.append((page, pointers))
    return out


def _child(data, node):
    lo, hi, nflags, _ = struct.unpack_from("<HHHH", data, node)
    return lo | hi << 16 | nflags << 32


def _leaf_pointers(data, size, page):
    """Each pointer to a leaf under branch `page`, in key order: its node offset."""
    out = []
    for node in _nodes(data, page * size):
        below = _flags(data, _child(data, node) * size)
        if below & LEAF:
            out.append(node)
        elif below & BRANCH:
            out.extend(_leaf_pointers(data, size, _child(data, node)))
    return out


def point_elsewhere(path, name=b"events", seed=1, leaf=None, to=None):
    """Change one child pointer of a branch page of `name` to another page
    of the file, of a different kind (a leaf of another table, a branch, a
    meta page). `leaf`: "middle", a pointer to a leaf in the middle third
    of the table, far from both ends (what a start's quick check reads);
    "last", the pointer to its last leaf (where the writer appends). `to`:
    "root", the table's own root page instead (a loop: a descent never
    reaches a leaf). Only the pointer's bytes are written back. Returns
    (page, old child, new child)."""
    with open(path, "rb") as handle:
        data = bytearray(handle.read())
    size = page_size(data)
    pages = len(data) // size
    branches = branch_pages(data, name)
    assert branches, "table %r has no branch pages: feed it more" % name

    def child(node):
        lo, hi, nflags, _ = struct.unpack_from("<HHHH", data, node)
        return lo | hi << 16 | nflags << 32

    # the lowest branches (their children are leaves): a branch page put
    # where a leaf was is what LMDB asserts on (IS_LEAF) when it gets there
    lowest = [(p, ptrs) for p, ptrs in branches if _flags(data, child(ptrs[0]) * size) & LEAF]
    rng = random.Random(seed)
    page, pointers = rng.choice(lowest or branches)
    node = rng.choice(pointers)
    if leaf:
        leaves = _leaf_pointers(data, size, table_root(data, name))
        assert len(leaves) >= 30, "table %r has %d leaves: feed it more" % (name, len(leaves))
        node = leaves[-1] if leaf == "last" else \
            rng.choice(leaves[len(leaves) // 3:2 * len(leaves) // 3])
        page = node // size
    lo, hi, nflags, _ = struct.unpack_from("<HHHH", data, node)
    old = lo | hi << 16 | nflags << 32
    # a branch page (of this table or another) where a leaf was expected
    if to == "root":
        new = table_root(data, name)
    else:
        others = [p for p in range(2, pages) if p != old and _flags(data, p * size) & BRANCH]
        new = rng.choice(others) if others else 0
    pointer = struct.pack("<HHH", new & 0xFFFF, (new >> 16) & 0xFFFF, (new >> 32) & 0xFFFF)
    with open(path, "r+b") as handle:
        handle.seek(node)
        handle.write(pointer)
    return page, old, new


def damage_random(path, seed, count=4):
    """Overwrite `count` random 8-byte runs in random pages (not the meta
    pages) with random bytes: what an unreliable disk or a stray write
    leaves. Returns the pages touched."""
    with open(path, "rb") as handle:
        data = bytearray(handle.read())
    size = page_size(data)
    pages = len(data) // size
    rng = random.Random(seed)
    touched = []
    for _ in range(count):
        page = rng.randrange(2, pages)
        # the header and the node offsets are where a change does harm
        offset = page * size + rng.randrange(0, 256)
        data[offset:offset + 8] = bytes(rng.randrange(256) for _ in range(8))
        touched.append(page)
    with open(path, "r+b") as handle:
        handle.write(data)
    return touched


def change_a_byte(store, table, needle, must=b""):
    """In the first record of `table` (a stopped store) holding `needle` (a
    string's length, then the string) and `must` (bytes it holds too, or a
    test of its bytes), the string's second byte set to 0xff: its size and
    every page the same, a string no longer UTF-8. Returns the record's
    key."""
    env = lmdb.open(store, max_dbs=32)
    try:
        db = env.open_db(table, create=False)
        with env.begin(db=db, write=True) as txn:
            for key, value in txn.cursor():
                at = value.find(needle)
                if at >= 0 and (must(bytes(value)) if callable(must) else must in value):
                    changed = bytearray(value)
                    changed[at + 2] = 0xFF
                    txn.put(key, bytes(changed))
                    return bytes(key)
    finally:
        env.close()
    raise AssertionError("no %r in %r" % (needle, table))
