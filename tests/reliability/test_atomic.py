"""No half-written output: a build killed with SIGKILL at any moment leaves every output file
either the previous complete version or a complete new one, all loadable.

The first build writes the seeds into ``output/``; a second build over a different corpus is
started in a subprocess and killed (a) as soon as its first temporary file appears (mid-write
of ``graph.ttl``) and (b) right after it replaced its first output file (between two renames).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability._env import ROOT, SEEDS, kg_cmd, run_kg

BASE_OUTPUTS = ("graph.ttl", "graph.html", "graph.graphml", "report.json")
STALE = ".graph.ttl.abc123.tmp"
pytestmark = pytest.mark.slow


def _outputs(out: Path) -> list[str]:
    """Every output the build says it wrote (graph.nt, analyses.jsonl … as they are added)."""
    listed = json.loads((out / "report.json").read_text(encoding="utf-8")).get("outputs") or []
    return sorted(set(BASE_OUTPUTS) | set(listed))


def _snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in _outputs(out) if (out / name).exists()}


def _loadable(out: Path, name: str) -> None:
    path = out / name
    if name == "graph.ttl":
        from rdflib import Graph

        assert len(Graph().parse(path, format="turtle")) > 0
    elif name == "graph.graphml":
        import networkx as nx

        nx.read_graphml(path)
    elif name == "graph.nt":
        from rdflib import Graph

        assert len(Graph().parse(path, format="nt")) > 0
    elif name.endswith(".jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            json.loads(line)
    elif name.endswith(".json"):
        json.loads(path.read_text(encoding="utf-8"))
    elif name == "graph.html":
        import html.parser

        text = path.read_text(encoding="utf-8")
        assert text.rstrip().lower().endswith("</html>"), "graph.html is truncated"
        p = html.parser.HTMLParser()
        p.feed(text)
        p.close()


def _second_corpus(tmp: Path) -> Path:
    """The seeds plus one more document: a different graph and report."""
    src = tmp / "second"
    shutil.copytree(SEEDS, src)
    for f in src.iterdir():
        f.chmod(0o644)
    (src / "extra.txt").write_text("موسكو 19 حزيران 2024 - التقى الرئيس الروسي فلاديمير بوتين وزير الخارجية سيرغي لافروف.\n",
                                   encoding="utf-8")
    return src


def _kill_when(out: Path, src: Path, condition, timeout: float = 120) -> tuple[bool, int]:
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.Popen(kg_cmd("build", str(src), "--out", str(out), "--quiet"), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    killed = False
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if condition(out):
                proc.send_signal(signal.SIGKILL)
                killed = True
                break
            time.sleep(0.001)
    finally:
        if proc.poll() is None and not killed:
            proc.kill()
        proc.wait()
    return killed, proc.returncode


def _temp_files(out: Path) -> list[str]:
    return [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture(scope="module")
def seeds_output(tmp_path_factory):
    out = tmp_path_factory.mktemp("first") / "output"
    out.mkdir()
    (out / STALE).write_bytes(b"@prefix half")  # left by an earlier killed build
    r = run_kg("build", str(SEEDS), "--out", str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture()
def first_build(seeds_output, tmp_path):
    """A complete previous build in ``tmp_path/output`` (a copy of one module-wide build)."""
    out = tmp_path / "output"
    shutil.copytree(seeds_output, out, ignore=shutil.ignore_patterns("*.tmp"))
    return out, _snapshot(out)


def _check_after_kill(out: Path, before: dict[str, bytes]) -> dict[str, str]:
    states = {}
    for name in before:
        assert (out / name).exists(), f"{name} disappeared"
        data = (out / name).read_bytes()
        if data == before[name]:
            states[name] = "previous"
        else:
            _loadable(out, name)
            states[name] = "new"
        _loadable(out, name)
    visible = [n for n in _temp_files(out) if not n.startswith(".")]
    assert not visible, f"temporary files visible as outputs: {visible}"
    return states


def test_kill_while_writing_first_output(first_build, tmp_path):
    out, before = first_build
    killed, rc = _kill_when(out, _second_corpus(tmp_path), lambda o: bool(_temp_files(o)))
    assert killed, "the build finished before a temporary file was seen"
    assert rc == -signal.SIGKILL
    states = _check_after_kill(out, before)
    assert states["graph.ttl"] == "previous"  # killed while its temp file was being written


def test_kill_between_renames(first_build, tmp_path):
    out, before = first_build
    ttl_before = before["graph.ttl"]

    def replaced(o: Path) -> bool:
        try:
            return (o / "graph.ttl").stat().st_size != len(ttl_before)
        except FileNotFoundError:
            return False

    killed, rc = _kill_when(out, _second_corpus(tmp_path), replaced)
    assert killed, "the build finished before graph.ttl was replaced"
    states = _check_after_kill(out, before)
    assert states["graph.ttl"] == "new"


def test_previous_output_survives_a_failed_build(first_build, tmp_path):
    """A build that builds nothing (exit 2) must not delete or truncate the previous graph."""
    out, before = first_build
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "a.txt").write_bytes(b"")
    r = run_kg("build", str(empty), "--out", str(out), "--quiet")
    assert r.returncode == 2
    for name in before:
        if name != "report.json":
            assert (out / name).read_bytes() == before[name], name


def test_outputs_have_normal_permissions(first_build):
    out, _ = first_build
    umask = os.umask(0)
    os.umask(umask)
    for name in _outputs(out):
        assert (out / name).stat().st_mode & 0o777 == 0o666 & ~umask, name


def test_next_build_cleans_stale_temp_files(seeds_output):
    """The module's first build started with a stale temporary file in ``output/``."""
    assert _temp_files(seeds_output) == []
