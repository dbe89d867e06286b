"""Build benchmark: `sestemplates build` on a 210-template corpus against the `mjml` npm CLI.

Usage: python bench/bench_build.py [--runs 5] [--templates 210] [--jobs 2]

Every number is a whole process (start-up, imports, discovery, cache, compile, inline, text,
guard, write), timed from spawn to exit, median of --runs runs (min and max shown):

1. full build: `sestemplates --project P build --force --jobs J` with build/ deleted first;
2. no-op rebuild: `build` again with nothing changed (must rewrite no file: checked);
3. one-template change: one subject.txt edited, then `build` (only that template's outputs may
   change: checked);
4. reference, the official `mjml` CLI (npm mjml@5.4.1, installed into a temp dir): the same MJML
   files compiled by one `mjml FILES -o DIR` process, by two such processes on halves of the
   files (both cores, like our build), and `mjml -s FILE` per process for one file.

The full builds and the two mjml runs take turns (build, mjml, mjml ×2, build, …) so that
other load on a shared machine weighs on both sides of the comparison alike.

Targets (issue 2): full build per template no slower than the mjml CLI per file; no-op rebuild
≤ 5 % of the full build. The Markdown table is printed and written into docs/benchmarks.md
between the bench_build markers (the rest of that file is kept).
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/ is not a package: corpus.py is imported from this directory.
from corpus import (
    DEFAULT_COUNT,
    MJML_NPM_VERSION,
    REPO_ROOT,
    Corpus,
    generate_corpus,
    install_mjml_cli,
    set_inliner,
    write_flat_mjml,
)

DOC = REPO_ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- bench_build:begin -->"
END = "<!-- bench_build:end -->"
PACKAGES = ("sestemplates", "mjml-python", "premailer", "lxml", "cssutils", "Jinja2", "typer")
NOOP_TARGET = 0.05
SINGLE_FILE_SAMPLES = 10  # corpus files timed with `mjml -s`, each once per run


@dataclass(frozen=True)
class Timing:
    label: str
    wall: list[float]  # seconds, one per run
    cpu: list[float]  # user+sys seconds of the child processes, one per run

    @property
    def median(self) -> float:
        return statistics.median(self.wall)


@dataclass(frozen=True)
class Results:
    templates: int
    runs: int
    jobs: int
    full: Timing
    noop: Timing
    change: Timing
    startup: Timing
    mjml_one: Timing | None
    mjml_two: Timing | None
    mjml_single: Timing | None
    mjml_files: int


class BenchError(RuntimeError):
    """The benchmark cannot produce honest numbers (a build failed, a check did not hold)."""


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="sestemplates-bench-"))
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    if load_before > (os.cpu_count() or 1):
        _log(f"warning: load average {load_before:.1f} on {os.cpu_count()} cores: wall times "
             "will be inflated; compare CPU times, or rerun on an idle machine")
    try:
        if args.profile:
            profile_build(tmp, args.templates)
            return 0
        results = run_benchmark(args, tmp)
    # BenchError, CorpusMissing and a missing npm are RuntimeErrors: one line, no traceback.
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    table = format_results(results, machine_info(args.node, load_before))
    print()
    print(table)
    if args.output is not None:
        write_section(args.output, table)
        print(f"\nwrote {args.output}")
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement")
    parser.add_argument("--templates", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="build --jobs")
    parser.add_argument("--mjml-dir", type=Path, help="reuse this npm prefix for mjml (cache)")
    parser.add_argument("--skip-mjml", action="store_true", help="no mjml CLI reference")
    parser.add_argument("--node", default=shutil.which("node") or "node")
    parser.add_argument("--output", type=Path, default=DOC, help="Markdown file to update")
    parser.add_argument("--no-write", dest="output", action="store_const", const=None)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (debugging)")
    parser.add_argument(
        "--inliner", choices=("premailer", "css-inline"), default="premailer",
        help="the [build] inliner engine the corpus is built with",
    )
    parser.add_argument(
        "--profile", action="store_true",
        help="instead of timing: profile one full build in-process (--jobs 1) and print where "
        "the time goes",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.templates < 1 or args.jobs < 1:
        parser.error("--runs, --templates and --jobs must be positive")
    return args


@dataclass(frozen=True)
class Measurement:
    label: str
    action: Callable[[], object]
    before: Callable[[], None] | None = None


@dataclass(frozen=True)
class MjmlReference:
    one_process: Measurement
    two_processes: Measurement
    one_file: Measurement  # one `mjml -s` process; each call takes the next sample file
    samples: int


def run_benchmark(args: argparse.Namespace, tmp: Path) -> Results:
    corpus = generate_corpus(tmp / "project", args.templates)
    set_inliner(corpus.root, args.inliner)
    _log(f"inliner: {args.inliner}")
    cli = sestemplates_command()
    _log(f"corpus: {len(corpus.templates)} templates in {corpus.root}")
    _log(f"command: {' '.join(cli)}")

    def build(*extra: str) -> subprocess.CompletedProcess[str]:
        return _run([*cli, "--project", str(corpus.root), "build", "--jobs", str(args.jobs),
                     *extra])

    ref = None if args.skip_mjml else mjml_reference(corpus, tmp, args)

    # Untimed warm-up: byte-compiles the package and fills the page cache, and proves the
    # corpus builds at all (a benchmark of failing templates would measure the wrong thing).
    _log("warm-up full build")
    _require_clean_build(corpus, build("--force"))
    if ref is not None:
        _log("warm-up mjml CLI")
        _run_once(ref.one_process)

    build_dir = corpus.root / "build"

    def delete_build() -> None:
        shutil.rmtree(build_dir, ignore_errors=True)

    # Our build and the mjml CLI take turns, run by run, so that other work on a shared
    # machine weighs on both sides of the comparison alike.
    _log("full builds, interleaved with the mjml CLI")
    full = Measurement("full build", lambda: build("--force"), delete_build)
    compared = [full] + ([ref.one_process, ref.two_processes] if ref else [])
    timings = _interleaved(args.runs, compared)
    full_t = timings[0]
    mjml_one, mjml_two = (timings[1], timings[2]) if ref else (None, None)
    _require_clean_build(corpus, build("--force"))

    _log("no-op rebuilds and start-up")
    before = snapshot(build_dir)
    noop_t, startup_t = _interleaved(args.runs, [
        Measurement("no-op rebuild", build),
        Measurement("start-up", lambda: _run([*cli, "--version"])),
    ])
    changed = changed_files(before, snapshot(build_dir))
    if changed:
        raise BenchError(f"no-op rebuild rewrote {len(changed)} files, e.g. {changed[0]}")

    _log("one-template changes")
    target = corpus.templates[len(corpus.templates) // 2].name
    subject = corpus.subject_path(target)
    original = subject.read_text(encoding="utf-8").rstrip("\n")
    counter = iter(range(1, 1_000_000))
    snapshots: list[dict[str, tuple[int, int]]] = []

    def edit_subject() -> None:
        snapshots.append(snapshot(build_dir))
        subject.write_text(f"{original} #{next(counter)}\n", encoding="utf-8")

    (change_t,) = _interleaved(args.runs, [Measurement("one-template change", build,
                                                       edit_subject)])
    changed = changed_files(snapshots[-1], snapshot(build_dir))
    # The build's own bookkeeping (hidden files such as the cache index) may change too.
    outsiders = [
        p for p in changed if not Path(p).name.startswith((target + ".", "."))
    ]
    if not changed or outsiders:
        raise BenchError(
            f"editing {target}/subject.txt rewrote {changed or 'nothing'}: expected only its own "
            "outputs"
        )

    mjml_single = None
    if ref is not None:
        _log(f"mjml -s, {ref.samples} files x {args.runs} runs")
        (mjml_single,) = _interleaved(args.runs * ref.samples, [ref.one_file])

    return Results(
        templates=len(corpus.templates),
        runs=args.runs,
        jobs=args.jobs,
        full=full_t,
        noop=noop_t,
        change=change_t,
        startup=startup_t,
        mjml_one=mjml_one,
        mjml_two=mjml_two,
        mjml_single=mjml_single,
        mjml_files=len(corpus.templates),
    )


def mjml_reference(corpus: Corpus, tmp: Path, args: argparse.Namespace) -> MjmlReference:
    """The npm `mjml` CLI on the same MJML (our Jinja stage leaves it byte-for-byte as is)."""
    prefix = args.mjml_dir or tmp / "mjml-cli"
    _log(f"installing mjml@{MJML_NPM_VERSION} into {prefix}")
    entry = install_mjml_cli(prefix)
    mjml = [args.node, str(entry), "--config.allowIncludes", "true"]
    files = [str(p) for p in write_flat_mjml(corpus, tmp / "mjml-src")]
    out = tmp / "mjml-out"

    def fresh_out() -> None:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()

    def one_process() -> None:
        _run([*mjml, *files, "-o", f"{out}/"])
        _require_outputs(out, len(files))

    def two_processes() -> None:
        halves = (files[0::2], files[1::2])
        procs = [
            subprocess.Popen([*mjml, *half, "-o", f"{out}/"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
            for half in halves
        ]
        for proc in procs:
            if proc.wait() != 0:
                raise BenchError(f"mjml CLI exited {proc.returncode}")
        _require_outputs(out, len(files))

    step = max(1, len(files) // SINGLE_FILE_SAMPLES)
    sample = files[::step][:SINGLE_FILE_SAMPLES]
    queue = itertools.cycle(sample)

    def one_file() -> None:
        _run([*mjml, "-s", next(queue)])

    return MjmlReference(
        one_process=Measurement("mjml 1 process", one_process, fresh_out),
        two_processes=Measurement("mjml 2 processes", two_processes, fresh_out),
        one_file=Measurement("mjml -s one file", one_file),
        samples=len(sample),
    )


def profile_build(tmp: Path, count: int) -> None:
    """cProfile of one full build in this process, one worker: which stage, which library."""
    import cProfile
    import pstats

    from sestemplates.config import load_config
    from sestemplates.pipeline import build_project

    corpus = generate_corpus(tmp / "project", count)
    config = load_config(corpus.root)
    # CPU time, not wall: other work on a shared machine must not show up as our cost.
    profiler = cProfile.Profile(time.process_time)
    start = time.process_time()
    profiler.enable()
    report = build_project(config, [], force=True, jobs=1)
    profiler.disable()
    cpu = time.process_time() - start
    print(f"{len(report.built)} built, {len(report.failures)} failed; {cpu:.2f} s CPU "
          f"({cpu / count * 1000:.1f} ms per template, under the profiler)")
    stats = pstats.Stats(profiler)
    print("\n== the build's own functions, by cumulative time ==")
    stats.sort_stats("cumulative").print_stats(r"sestemplates[/\\]build", 25)
    print("\n== everything, by cumulative time ==")
    stats.sort_stats("cumulative").print_stats(40)


def sestemplates_command() -> list[str]:
    """The installed console script of this interpreter (what users run), not a pyenv shim."""
    script = Path(sys.executable).parent / "sestemplates"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from sestemplates.cli import main; main()"]


def snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """mtime and size of every file below `directory`: enough to see a rewrite."""
    if not directory.is_dir():
        return {}
    return {
        str(p.relative_to(directory)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in directory.rglob("*")
        if p.is_file()
    }


def changed_files(
    before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]
) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _run_once(m: Measurement) -> None:
    if m.before is not None:
        m.before()
    m.action()


def _interleaved(runs: int, measurements: Sequence[Measurement]) -> list[Timing]:
    """Time each measurement `runs` times, taking turns (A B C A B C …)."""
    wall: list[list[float]] = [[] for _ in measurements]
    cpu: list[list[float]] = [[] for _ in measurements]
    for _ in range(runs):
        for i, m in enumerate(measurements):
            if m.before is not None:
                m.before()
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            m.action()
            wall[i].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[i].append(after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime)
    timings = [Timing(m.label, w, c) for m, w, c in zip(measurements, wall, cpu, strict=True)]
    for t in timings:
        _log(f"  {t.label}: median {t.median:.3f} s")
    return timings


def _run(cmd: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run to completion; a non-zero exit is a benchmark error (stderr warnings are not)."""
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
        raise BenchError(f"{' '.join(cmd[:4])} … exited {proc.returncode}:\n" + "\n".join(tail))
    return proc


def _require_clean_build(corpus: Corpus, proc: subprocess.CompletedProcess[str]) -> None:
    build_dir = corpus.root / "build"
    missing = [t.name for t in corpus.templates if not (build_dir / f"{t.name}.json").is_file()]
    if missing:
        raise BenchError(
            f"{len(missing)} of {len(corpus.templates)} templates not built (e.g. {missing[0]}); "
            f"output:\n{proc.stdout}"
        )


def _require_outputs(out: Path, expected: int) -> None:
    found = len(list(out.glob("*.html")))
    if found != expected:
        raise BenchError(f"mjml CLI wrote {found} of {expected} files")


def machine_info(node: str, load_before: float) -> list[tuple[str, str]]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    try:
        node_version = subprocess.run(
            [node, "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        node_version = "not found"
    # Other work on the machine skews wall times: say how busy it was.
    load = f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    return [
        ("CPU", f"{os.cpu_count()} × {cpu} (nproc {len(os.sched_getaffinity(0))})"),
        ("load average (1 min)", load),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("packages", ", ".join(versions)),
        ("reference", f"node {node_version}, npm mjml {MJML_NPM_VERSION}"),
    ]


def format_results(r: Results, machine: list[tuple[str, str]]) -> str:
    n = r.templates

    def row(cmd: str, t: Timing, files: int = 0, note: str = "") -> str:
        per = f"{_ms(t.median / files)} / {_ms(_cpu(t) / files)}" if files else ""
        return (
            f"| {cmd} | {_s(t.median)} | {_s(min(t.wall))} – {_s(max(t.wall))} | "
            f"{_s(_cpu(t))} | {per} | {note} |"
        )

    noop_ratio = r.noop.median / r.full.median
    full_per = r.full.median / n
    lines = [
        f"Corpus: {n} templates (bench/corpus.py, 42 shared MJML files × variants), "
        f"{len(r.full.wall)} runs each, median; times are whole processes, wall clock; "
        "CPU = user+sys of the processes.",
        "",
        "| measurement | median | min – max | CPU | per template (wall / CPU) | note |",
        "|---|---:|---:|---:|---:|---|",
        row(f"`sestemplates build --force --jobs {r.jobs}` (full, build/ deleted)", r.full,
            n),
        row("`sestemplates build` (no-op rebuild)", r.noop, 0,
            f"{noop_ratio:.1%} of full build; no file rewritten"),
        row("`sestemplates build` after editing one subject.txt", r.change, 0,
            "only that template's outputs rewritten"),
        row("`sestemplates --version` (start-up alone)", r.startup),
    ]
    if r.mjml_one and r.mjml_two and r.mjml_single:
        lines += [
            row(f"`mjml FILES -o DIR`, {r.mjml_files} files, 1 process", r.mjml_one,
                r.mjml_files),
            row(f"`mjml FILES -o DIR`, {r.mjml_files} files, 2 processes (halves)", r.mjml_two,
                r.mjml_files),
            row("`mjml -s FILE`, one file per process", r.mjml_single, 0,
                f"{SINGLE_FILE_SAMPLES} corpus files × {r.runs} runs"),
        ]
    lines += ["", "| target | measured | |", "|---|---|---|"]
    if r.mjml_one and r.mjml_two:
        for label, ref in (("1 process", r.mjml_one), ("2 processes", r.mjml_two)):
            ref_per = ref.median / r.mjml_files
            lines.append(
                f"| full build per template ≤ mjml CLI per file ({label}), wall | "
                f"{_ms(full_per)} vs {_ms(ref_per)} | {_verdict(full_per <= ref_per)} |"
            )
        # CPU time barely moves when other work competes for the cores; wall time does.
        full_cpu, ref_cpu = _cpu(r.full) / n, _cpu(r.mjml_one) / r.mjml_files
        lines.append(
            f"| (context, not a target) CPU per template: full build vs mjml CLI 1 process | "
            f"{_ms(full_cpu)} vs {_ms(ref_cpu)} | |"
        )
    lines.append(
        f"| no-op rebuild ≤ {NOOP_TARGET:.0%} of full build | {noop_ratio:.1%} | "
        f"{_verdict(noop_ratio <= NOOP_TARGET)} |"
    )
    lines += ["", "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in machine]
    return "\n".join(lines)


def write_section(path: Path, table: str) -> None:
    """Replace the text between the bench_build markers; create the file if needed."""
    section = f"{BEGIN}\n{table}\n{END}"
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            path.write_text(head + section + tail, encoding="utf-8")
            return
        path.write_text(text.rstrip("\n") + "\n\n" + section + "\n", encoding="utf-8")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# Benchmarks\n\n## Build\n\n{section}\n", encoding="utf-8")


def _cpu(t: Timing) -> float:
    return statistics.median(t.cpu)


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
