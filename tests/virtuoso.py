"""A Virtuoso Open Source server of the tests' own, set up as docs/virtuoso.md tells a user:
Debian's ``virtuoso-opensource``, a database in a directory of its own, the RDF bulk loader
(``ld_dir`` and ``rdf_loader_run``) reading the files, the SPARQL endpoint on 127.0.0.1."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def available() -> bool:
    return bool(shutil.which("virtuoso-t") and shutil.which("isql-vt") and INI.exists())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Virtuoso:
    """``Virtuoso(directory, data_dir)``: :meth:`start`, :meth:`load`, :attr:`endpoint`, :meth:`stop`."""

    def __init__(self, directory: Path, data_dir: Path, *, max_rows: int = 10000):
        self.dir, self.data_dir = Path(directory), Path(data_dir)
        self.sql_port, self.http_port = _free_port(), _free_port()
        self.endpoint = f"http://127.0.0.1:{self.http_port}/sparql"
        (self.dir / "db").mkdir(parents=True, exist_ok=True)
        text = INI.read_text()
        text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{self.dir / 'db'}/")
        text = re.sub(r"(?m)^ServerPort\s*=\s*1111\b.*", f"ServerPort = 127.0.0.1:{self.sql_port}", text)
        text = re.sub(r"(?m)^ServerPort\s*=\s*8890\b.*", f"ServerPort = 127.0.0.1:{self.http_port}", text)
        text = re.sub(r"(?m)^DirsAllowed\s*=.*", f"DirsAllowed = ., /usr/share/virtuoso-opensource-7/vad, {self.data_dir}", text)
        text = re.sub(r"(?m)^ResultSetMaxRows\s*=.*", f"ResultSetMaxRows = {max_rows}", text)
        text = re.sub(r"(?m)^MaxQueryExecutionTime\s*=.*", "MaxQueryExecutionTime = 300", text)
        self.ini = self.dir / "virtuoso.ini"
        self.ini.write_text(text)
        self.proc = None

    def start(self, timeout: float = 120) -> None:
        self.proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(self.ini)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.dir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t stopped: {self.proc.stderr.read().decode(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(self.endpoint + "?query=ASK%7B%7D", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("virtuoso did not start")

    def isql(self, *statements: str) -> str:
        out = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba",
                              "exec=" + " ".join(statements)], capture_output=True, text=True, timeout=600)
        if out.returncode != 0 or "*** Error" in out.stdout + out.stderr:
            raise RuntimeError(out.stdout + out.stderr)
        return out.stdout

    def load(self, graph: str = "urn:supplier-graph") -> None:
        """Every RDF file in the data directory, by the bulk loader, then a checkpoint."""
        self.isql(f"ld_dir('{self.data_dir}', '*', '{graph}');", "rdf_loader_run();", "checkpoint;")
        errors = self.isql("SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;")
        if "0 Rows" not in errors:
            raise RuntimeError(errors)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
