"""The report as JSON: written as it is made, one top-level key and one list item per line."""

from __future__ import annotations

__all__ = ["iter_json", "render_json"]


def iter_json(report: dict):
    """The JSON report as chunks of UTF-8 bytes, one top-level key per line and one list
    item (a buyer, a supplier, a contract) per line: readable and diffable by line, and
    written as it is made, so a national report (over a gigabyte for a million contracts)
    is never held twice in memory. orjson encodes it, many times faster than the json
    module."""
    import orjson
    yield b"{\n"
    for n, (key, value) in enumerate(report.items()):
        comma = b"," if n < len(report) - 1 else b""
        name = orjson.dumps(key)
        if isinstance(value, list) and value:
            yield b"  " + name + b": [\n"
            encode = _Encoder(value)
            for i, item in enumerate(value):
                yield b"    " + encode(item) + (b",\n" if i < len(value) - 1 else b"\n")
            yield b"  ]" + comma + b"\n"
        else:
            yield b"  " + name + b": " + orjson.dumps(value) + comma + b"\n"
    yield b"}\n"


class _Encoder:
    """orjson for the items of one list, encoding a dict that several items end with once.

    The suppliers of one corporate group share one ``impact`` (the same object): on a
    national graph, groups of hundreds of members repeat it into most of the report's
    bytes, and encoding it again for each member was most of the time. Such a shared last value is encoded
    the first time and its bytes spliced in after that; the output is byte for byte what
    ``orjson.dumps(item)`` gives."""

    def __init__(self, items: list):
        import orjson
        self.dumps, self.done = orjson.dumps, {}
        seen: set[int] = set()
        self.shared: set[int] = set()
        for item in items:
            last = _last_dict(item)
            if last is not None:
                (self.shared if id(last) in seen else seen).add(id(last))

    def __call__(self, item) -> bytes:
        last = _last_dict(item) if self.shared else None
        if last is None or id(last) not in self.shared:
            return self.dumps(item)
        key = next(reversed(item))
        tail = self.done.get(id(last))
        if tail is None:
            tail = self.done[id(last)] = self.dumps(last)
        head = self.dumps({k: v for k, v in item.items() if k != key})
        return head[:-1] + (b"," if len(head) > 2 else b"") + self.dumps(key) + b":" + tail + b"}"


def _last_dict(item) -> dict | None:
    """The value of ``item``'s last key if ``item`` is a dict and that value a dict."""
    if isinstance(item, dict) and item:
        last = item[next(reversed(item))]
        if isinstance(last, dict):
            return last
    return None


def render_json(report: dict) -> str:
    """The JSON report (see :func:`iter_json`) as one string."""
    return b"".join(iter_json(report)).decode("utf-8")
