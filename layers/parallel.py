"""Validate a store's stale files in parallel processes, each writing the file's snapshot.

Validating a collection is Python's own work per value (decoding JSON, the compiled
schema checks, building the columns): one core per file. When several files of a store
need validating (its first read, a schema or code change), :func:`validate_in_workers`
hands them to worker processes, one file at a time each, the largest first. A worker
validates its file and writes the snapshot (:func:`layers.snapshot.read_snapshot`,
atomically, as any reader does); the caller then reads the snapshots, so nothing large
passes between processes, and the result is the sequential one by construction: the
same snapshots, read in the store's order.

A worker is a fresh interpreter (``python -c``, the caller's ``sys.path`` sent to it
first) that reads jobs on its standard input and answers on its standard output. Not
:mod:`multiprocessing`: its ``spawn`` and ``forkserver`` start methods run the caller's
main script again in every worker (a script without an ``if __name__ == "__main__"``
guard would run twice, or fail), and ``fork`` is unsafe in a threaded process such as
the dashboard's server. ``$BORDERMON_WORKERS`` sets the number of processes (``1``: none,
every file is validated in the calling process).
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import traceback
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from layers.memory import collector_paused
from layers.snapshot import Snapshot, is_current, read_snapshot, rules_digest, snapshot_path

__all__ = [
    "MIN_PARALLEL_BYTES",
    "WORKERS_ENV",
    "WorkerError",
    "cpu_quota",
    "validate_in_parts",
    "validate_in_workers",
    "worker_count",
]

#: Environment variable: how many processes validate stale files (``1``: only the caller).
WORKERS_ENV = "BORDERMON_WORKERS"
#: Work moved off the busiest process, in bytes of GeoJSON, below which starting workers
#: costs more than it saves. Measured (bench/RESULTS-cli.md): a worker costs ~0.75 s of
#: CPU to start (importing geopandas and pyarrow, compiling the schema) and validates
#: ~25-35 MB of GeoJSON a second; two workers on two files of 5 MB took 2.7 s of CPU
#: against 1.2 s in one process, on two of 40 MB 5.5 s against 3.8 s.
MIN_PARALLEL_BYTES = 40_000_000

Build = Callable[[Path, str], Snapshot]
PartBuild = Callable[[Path, str, int, int], "Snapshot | None"]

#: A worker's program: the caller's ``sys.path`` (first line of its input), then the job loop.
_WORKER = (
    "import sys, json; sys.path[:] = json.loads(sys.stdin.readline()); "
    "from layers.parallel import serve_jobs; serve_jobs()"
)


class WorkerError(RuntimeError):
    """A worker process stopped (killed, out of memory) before it answered for a file."""


def worker_count(environ: Mapping[str, str] | None = None) -> int:
    """How many processes may validate at once.

    ``$BORDERMON_WORKERS`` when it is a whole number of at least 1; else the CPUs this
    process may run on (its affinity, which a container's CPU set narrows), no more
    than a container's CPU quota allows (:func:`cpu_quota`).
    """
    configured = (os.environ if environ is None else environ).get(WORKERS_ENV, "").strip()
    if configured.isdigit() and int(configured) >= 1:
        return int(configured)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cpus = os.cpu_count() or 1
    quota = cpu_quota()
    return cpus if quota is None else max(1, min(cpus, quota))


def cpu_quota(root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """The CPUs a container's quota allows (rounded down), or None without a quota.

    A container limited to one CPU on a larger host (``docker run --cpus 1``, a hosted
    app) still sees every CPU in its affinity; workers beyond its quota only share it.
    Reads cgroup v2's ``cpu.max``, else cgroup v1's ``cpu.cfs_quota_us``.
    """
    try:
        quota, period = (root / "cpu.max").read_text(encoding="ascii").split()[:2]
    except (OSError, ValueError):
        try:
            quota = (root / "cpu" / "cpu.cfs_quota_us").read_text(encoding="ascii").strip()
            period = (root / "cpu" / "cpu.cfs_period_us").read_text(encoding="ascii").strip()
        except OSError:
            return None
    if quota in ("max", "-1") or not quota.isdigit() or not period.isdigit() or int(period) == 0:
        return None
    return int(quota) // int(period)


def _worth_it(sizes: Sequence[int], workers: int) -> bool:
    # The busiest process still validates the largest file, or its share of the whole.
    if len(sizes) < 2:
        return False
    total = sum(sizes)
    return total - max(max(sizes), total / workers) >= MIN_PARALLEL_BYTES


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


# --------------------------------------------------------------------------- the worker side


def _build_named(name: str) -> Build:
    module, _, attribute = name.partition(":")
    build: Build = getattr(__import__(module, fromlist=[attribute]), attribute)
    return build


@collector_paused()
def _do(
    job: dict[str, Any], build: Callable[..., Any], cache: Path | None, same_rules: bool
) -> dict[str, Any]:
    file, label = Path(job["file"]), job["label"]
    if "part" not in job:  # a whole file, into its snapshot
        if not same_rules:  # a snapshot the caller would not use: work for nothing
            return {"fresh": False}
        assert cache is not None
        _, fresh = read_snapshot(file, label, build, cache, ["id"])
        return {"fresh": fresh}
    found: Snapshot | None = build(file, label, job["part"], job["parts"])
    if found is None:
        return {"whole": True}
    with pa.OSFile(job["out"], "wb") as sink, pa.ipc.new_file(sink, found.table.schema) as writer:
        writer.write_table(found.table)
    return {"problems": _pickled(found.problems), "set_aside": found.set_aside}


def _pickled(value: Any) -> str:
    return base64.b64encode(pickle.dumps(value)).decode("ascii")


def serve_jobs() -> None:
    """Run as a worker: settings on the first line of standard input, then one job a line.

    A job is a whole file, validated into its snapshot, or a part of one (``part`` of
    ``parts``), whose table is written to ``out`` (Arrow IPC) and whose problems come
    back in the answer. The answer, one line of JSON, may instead carry the exception
    raised (pickled) and its traceback. Anything the validator prints goes to standard
    error, not into answers.
    """
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    settings = json.loads(sys.stdin.readline())
    build = _build_named(settings["build"])
    cache = Path(settings["cache"]) if settings.get("cache") else None
    same_rules = rules_digest() == settings["rules"]
    for line in sys.stdin:
        job = json.loads(line)
        answer: dict[str, Any] = {"pid": os.getpid()}
        try:
            answer.update(_do(job, build, cache, same_rules))
        except Exception as exc:  # sent to the caller, which raises it
            answer["traceback"] = "".join(traceback.format_exception(exc))
            try:
                answer["error"] = _pickled(exc)
            except Exception:  # an exception that cannot be pickled: its text is sent
                answer["error"] = None
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


# --------------------------------------------------------------------------- the caller's side


class _RemoteTraceback(Exception):
    def __str__(self) -> str:
        return str(self.args[0])


def _raise(answer: dict[str, Any], label: str) -> None:
    remote = _RemoteTraceback(f"\n\nin the worker process:\n{answer['traceback']}")
    exc: BaseException | None = None
    if answer.get("error"):
        try:
            exc = pickle.loads(base64.b64decode(answer["error"]))
        except Exception:
            exc = None
    if not isinstance(exc, Exception):
        exc = WorkerError(answer["traceback"].strip().splitlines()[-1])
    exc.add_note(f"(raised while validating {label} in a worker process)")
    raise exc from remote


def _start(settings: dict[str, Any]) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _WORKER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env={**os.environ, WORKERS_ENV: "1"},  # a worker starts no workers of its own
    )
    stdin = process.stdin
    assert stdin is not None
    stdin.write(json.dumps([os.getcwd() if p == "" else p for p in sys.path]) + "\n")
    stdin.write(json.dumps(settings) + "\n")
    stdin.flush()
    return process


def _ask(stdin: IO[str], stdout: IO[str], job: dict[str, Any]) -> dict[str, Any] | None:
    try:
        stdin.write(json.dumps(job) + "\n")
        stdin.flush()
    except OSError:
        return None
    line = stdout.readline()
    return json.loads(line) if line else None


def _run(jobs: Sequence[dict[str, Any]], settings: dict[str, Any], processes: int) -> list[dict[str, Any]]:
    """Hand ``jobs`` to ``processes`` workers, in order as they become free; their answers.

    Raises the first job's exception (see :func:`validate_in_workers`); the other workers
    finish the job they have, take no other, and stop.
    """
    queue = deque(range(len(jobs)))
    lock = threading.Lock()
    answers: dict[int, dict[str, Any]] = {}
    failures: list[tuple[int, dict[str, Any] | None]] = []

    def feed(process: subprocess.Popen[str]) -> None:
        stdin, stdout = process.stdin, process.stdout
        assert stdin is not None and stdout is not None
        while True:
            with lock:
                if not queue or failures:
                    return
                n = queue.popleft()
            answer = _ask(stdin, stdout, jobs[n])
            with lock:
                if answer is None or "traceback" in answer:
                    failures.append((n, answer))
                    return
                answers[n] = answer

    started = [_start(settings) for _ in range(min(processes, len(jobs)))]
    threads = [threading.Thread(target=feed, args=(p,), daemon=True) for p in started]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for process in started:
            if process.stdin is not None:
                process.stdin.close()  # the worker's loop ends
        for process in started:
            process.wait()  # each finishes the job it has (a snapshot stays whole), then stops
            if process.stdout is not None:
                process.stdout.close()
    if failures:
        n, answer = min(failures, key=lambda failure: failure[0])
        label = jobs[n]["label"]
        if answer is None:
            raise WorkerError(f"the process validating {label} stopped before it finished")
        _raise(answer, label)
    return [answers[n] for n in range(len(jobs))]


def _name(function: Callable[..., Any]) -> str:
    return f"{function.__module__}:{function.__qualname__}"


def validate_in_workers(
    jobs: Sequence[tuple[Path, str]], build: Build, cache: Path, *, workers: int | None = None
) -> dict[str, int]:
    """Validate files into their snapshots in worker processes, when that pays.

    Parameters
    ----------
    jobs : sequence of (Path, str)
        The store's files, each with its label in the store; those with a current
        snapshot are left alone.
    build : callable
        ``build(file, label)``, the validator of :func:`layers.snapshot.read_snapshot`; a
        module-level function (workers import it by name).
    cache : Path
        The snapshot directory.
    workers : int, optional
        At most this many processes; default :func:`worker_count`.

    Returns
    -------
    dict
        The label of each file a worker validated → that worker's process id. Empty
        when one process is allowed, when fewer than two files need validating, or when
        the work is too small to share (under :data:`MIN_PARALLEL_BYTES` moved off the
        busiest process). The caller reads every file through its snapshot afterwards;
        one no worker could write (an unwritable cache, a file changed while it was
        read) is validated then.

    Raises
    ------
    Exception
        What validating a file raised in its worker: the same exception (type, message
        and attributes), the worker's traceback as its cause, a note naming the file.
    WorkerError
        If a worker stopped before answering (killed, out of memory), naming the file.
    """
    allowed = worker_count() if workers is None else workers
    if allowed < 2 or len(jobs) < 2:
        return {}
    # A quick look first (size, time and inode): a store that is mostly current is not
    # hashed twice, once here and once when it is read.
    jobs = [(file, label) for file, label in jobs if not is_current(file, label, cache, hashing=False)]
    if not _worth_it([_size(file) for file, _ in jobs], allowed):
        return {}
    jobs = [(file, label) for file, label in jobs if not is_current(file, label, cache)]
    sizes = {label: _size(file) for file, label in jobs}
    if not _worth_it(list(sizes.values()), allowed):
        return {}
    folder = snapshot_path(cache, jobs[0][0], jobs[0][1]).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return {}  # no snapshot could be kept: the caller validates, keeping nothing
    if not os.access(folder, os.W_OK | os.X_OK):
        return {}
    largest_first = sorted(jobs, key=lambda job: -sizes[job[1]])
    settings = {"build": _name(build), "cache": str(cache), "rules": rules_digest()}
    answers = _run([{"file": str(f), "label": label} for f, label in largest_first], settings, allowed)
    return {
        label: int(answer["pid"])
        for (_, label), answer in zip(largest_first, answers, strict=True)
        if answer["fresh"]
    }


def validate_in_parts(
    file: Path, label: str, part: PartBuild, *, workers: int | None = None
) -> Snapshot | None:
    """Validate one large file in parts, one per worker process, when that pays.

    Each worker decodes the whole file (decoding is a fifth of the work, and sending
    decoded features to another process costs about as much) and validates its run of
    the features (:func:`layers.store.check_collection` with their first index); the
    tables are joined in order. A file's features are checked one by one, so the
    result is what validating the whole file gives.

    Parameters
    ----------
    file : Path
        The collection file.
    label : str
        Its name in the store.
    part : callable
        ``part(file, label, n, parts)`` validates the ``n``-th of ``parts`` runs of the
        features, or returns None when the file cannot be validated in parts; a
        module-level function (workers import it by name).
    workers : int, optional
        At most this many processes; default :func:`worker_count`.

    Returns
    -------
    Snapshot or None
        None when one process is allowed, the file is too small to share (under
        :data:`MIN_PARALLEL_BYTES` moved off one process), a worker found it cannot be
        validated in parts (not a collection of the current schema), or the parts'
        tables differ in type (a part with no position at all): the caller then
        validates it whole.

    Raises
    ------
    Exception, WorkerError
        As :func:`validate_in_workers`.
    """
    parts = worker_count() if workers is None else workers
    size = _size(file)
    if parts < 2 or size - size / parts < MIN_PARALLEL_BYTES:
        return None
    settings = {"build": _name(part), "rules": rules_digest()}
    with tempfile.TemporaryDirectory(prefix="bordermon-parts-") as tmp:
        jobs = [
            {
                "file": str(file),
                "label": label,
                "part": n,
                "parts": parts,
                "out": str(Path(tmp) / f"{n}.arrow"),
            }
            for n in range(parts)
        ]
        answers = _run(jobs, settings, parts)
        if any(answer.get("whole") for answer in answers):
            return None
        tables = [pa.ipc.open_file(pa.memory_map(job["out"])).read_all() for job in jobs]
        tables = [table for table in tables if table.num_rows] or tables[:1]
        if any(not table.schema.equals(tables[0].schema, check_metadata=True) for table in tables):
            return None  # e.g. a part whose events all lack a position: no geometry type
        # One chunk, as validating the file whole gives: the parts' dictionaries (the
        # sources' texts) become one, in the order of first use.
        table = pa.concat_tables(tables).combine_chunks()
    problems = [p for answer in answers for p in pickle.loads(base64.b64decode(answer["problems"]))]
    return Snapshot(table, problems, sum(int(answer["set_aside"]) for answer in answers))
