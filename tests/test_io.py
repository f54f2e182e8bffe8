"""Output files are written whole or not at all, also when writing behind the maker."""

import errno

import pytest

from graph.io import _write_behind, write_chunks


def test_write_chunks_keeps_every_byte_in_order_across_batches(tmp_path):
    chunks = [bytes([65 + i % 26]) * (i % 7) for i in range(200)]  # 0 to 6 bytes each
    out = write_chunks(tmp_path / "r.json", iter(chunks), batch=5)
    assert out.read_bytes() == b"".join(chunks)
    assert len(out.read_bytes()) == sum(i % 7 for i in range(200)) == 594  # 28 cycles of 0..6 (21 bytes each) and 0+1+2+3


def test_an_error_while_making_chunks_leaves_the_old_file(tmp_path):
    target = tmp_path / "r.json"
    target.write_bytes(b"the good report")

    def chunks():
        yield b"x" * 10
        yield b"y" * 10
        raise ValueError("cannot encode")

    with pytest.raises(ValueError, match="cannot encode"):
        write_chunks(target, chunks(), batch=4)
    assert target.read_bytes() == b"the good report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary file left behind


class _FullDisk:
    def __init__(self):
        self.written = []

    def write(self, data):
        if self.written:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.written.append(data)


def test_a_failed_write_stops_the_maker_and_is_raised():
    made = []

    def chunks():
        for i in range(1000):
            made.append(i)
            yield b"abcd"

    disk = _FullDisk()
    with pytest.raises(OSError, match="No space left"):
        _write_behind(disk, chunks(), 8)
    assert disk.written == [b"abcdabcd"]
    assert len(made) < 1000  # it stopped making what could no longer be written


def test_write_chunks_has_the_disk_take_the_file_as_it_goes(tmp_path, monkeypatch):
    """A gigabyte report is flushed to disk as it is written, not all at the rename."""
    import os

    import graph.io
    synced = []
    monkeypatch.setattr(graph.io, "SYNC_EVERY", 100)
    monkeypatch.setattr(graph.io, "_datasync", lambda fd: synced.append(os.fstat(fd).st_size))
    out = write_chunks(tmp_path / "r.json", (b"x" * 30 for _ in range(20)), batch=60)  # 600 bytes, batches of 60
    assert out.read_bytes() == b"x" * 600
    assert synced == [120, 240, 360, 480, 600]  # every second batch: 120 bytes is the first over 100
