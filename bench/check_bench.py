"""Check benchmark: what pre-commit pays per commit, on a 200-template repository.

Generates the bench corpus (bench/corpus.py: the shared real-world MJML files wrapped as
templates with Handlebars tags and samples), builds it once, then times whole processes
(median of --runs):

1. `sestemplates --version`: the CLI's start-up floor;
2. `sestemplates check templates/X/samples/default.json`: a changed sample (no rebuild);
3. `sestemplates check templates/X/html.mjml`, file unchanged since the last build (cache hit);
4. the same after editing html.mjml before every run (one template rebuilt: MJML + inlining);
5. `sestemplates check` on all templates (all cached);
6. `sestemplates build X` with nothing to do: the build's share of (3);
7. in-process `check_project(config, [that html.mjml])` (imports already done): check's own work;
8. (7) without the lint, and in-process `check_project` on all templates with and without it;
   then the lint alone (sestemplates/lint/) on that template and on all templates, imports
   (tinycss2, the caniemail snapshot) already paid;
9. reference: the official `mjml` CLI compiling that one file (`mjml -s`), installed by npm
   into a temp dir (issue 3's target: the pre-commit check no slower than this).

Processes run with byte-code caching on (PYTHONDONTWRITEBYTECODE removed from the environment,
one warm-up run first), as for an installed package; without .pyc files every run recompiles
the package and each row is ~100 ms slower.

Usage: python bench/check_bench.py [--templates 200] [--runs 9] [--skip-mjml]
Not a test: prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate_corpus, install_mjml_cli

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def in_process(runs: int, root: Path, path: Path | None) -> tuple[float, float]:
    """Median of check_project itself, after a first call has paid for the imports."""
    from sestemplates.checks import check_project
    from sestemplates.config import load_config

    config = load_config(root)
    cwd = Path.cwd()
    os.chdir(root)
    paths = None if path is None else [path]
    try:
        check_project(config, paths)
        return _medians(runs, lambda: check_project(config, paths))
    finally:
        os.chdir(cwd)


def lint_share(runs: int, root: Path, names: list[str]) -> tuple[float, float]:
    """Median of the lint alone (what check adds since issue 12) on built templates."""
    from sestemplates.checks import check_samples
    from sestemplates.config import load_config
    from sestemplates.lint import lint_templates
    from sestemplates.pipeline import build_project

    config = load_config(root)
    built = build_project(config, names).built
    pairs = [(b, check_samples(config, b.source)[0]) for b in built]
    lint_templates(config, pairs)  # imports and the snapshot's first read
    return _medians(runs, lambda: lint_templates(config, pairs))


def _medians(runs: int, work: Callable[[], object]) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def without_lint(runs: int, root: Path, path: Path | None) -> tuple[float, float]:
    """in_process() with the lint switched off: the check as it was before issue 12."""
    import sestemplates.checks as checks

    real = checks.lint_built
    checks.lint_built = lambda config, linted: []  # type: ignore[assignment]
    try:
        return in_process(runs, root, path)
    finally:
        checks.lint_built = real


def sestemplates_command() -> list[str]:
    """The installed console script of this interpreter (what users run), not a pyenv shim."""
    script = Path(sys.executable).parent / "sestemplates"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from sestemplates.cli import main; main()"]


def timed(runs: int, cmd: Callable[[], list[str]], cwd: Path,
          before: Callable[[], None] | None = None,
          ok: tuple[int, ...] = (0, 1)) -> tuple[float, float]:
    """Median wall time and median CPU time (user+sys) of `runs` processes, in seconds.

    CPU time is what the process itself costs; on a busy shared machine it is far steadier
    than wall time, which also counts waiting for a core.
    """
    walls, cpus = [], []
    for _ in range(runs):
        if before:
            before()
        argv = cmd()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=ENV)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime)
        if proc.returncode not in ok:
            raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{proc.stderr}")
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, default=200)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--skip-mjml", action="store_true", help="no mjml CLI reference")
    parser.add_argument("--node", default=shutil.which("node") or "node")
    args = parser.parse_args(argv)

    st = sestemplates_command()
    with tempfile.TemporaryDirectory(prefix="sestemplates-check-bench-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = generate_corpus(tmp / "repo", args.templates)
        root = corpus.root
        print(f"building {len(corpus.templates)} templates once…", file=sys.stderr)
        subprocess.run([*st, "build"], cwd=root, check=True, capture_output=True, env=ENV)
        subprocess.run([*st, "check"], cwd=root, capture_output=True, env=ENV)  # warm-up
        one = corpus.templates[len(corpus.templates) // 2].name
        mjml_file = corpus.mjml_path(one)
        original = mjml_file.read_text(encoding="utf-8")
        edits = iter(range(10**6))

        def edit() -> None:
            # A different MJML comment each run, so the template really is rebuilt each time.
            mjml_file.write_text(f"{original}\n<!-- edit {next(edits)} -->\n", encoding="utf-8")

        rel = f"templates/{one}"
        rows = [
            ("`sestemplates --version` (start-up floor)",
             timed(args.runs, lambda: [*st, "--version"], root)),
            ("`check` one changed sample (no rebuild)",
             timed(args.runs, lambda: [*st, "check", f"{rel}/samples/default.json"], root)),
            ("`check` one html.mjml, unchanged since the last build",
             timed(args.runs, lambda: [*st, "check", f"{rel}/html.mjml"], root)),
            ("`check` one html.mjml after editing it (1 template rebuilt)",
             timed(args.runs, lambda: [*st, "check", f"{rel}/html.mjml"], root, before=edit)),
            (f"`check` all {len(corpus.templates)} templates (cached)",
             timed(max(3, args.runs // 3), lambda: [*st, "check"], root)),
            ("`build X` with nothing to rebuild (the build's share)",
             timed(args.runs, lambda: [*st, "build", one], root)),
            ("in-process `check_project` on that html.mjml (no imports)",
             in_process(args.runs, root, Path(f"{rel}/html.mjml"))),
            ("the same without the lint (the check before issue 12)",
             without_lint(args.runs, root, Path(f"{rel}/html.mjml"))),
            (f"in-process `check_project` on all {len(corpus.templates)} templates",
             in_process(max(3, args.runs // 3), root, None)),
            ("the same without the lint",
             without_lint(max(3, args.runs // 3), root, None)),
            ("in-process lint of that template (part of the row above)",
             lint_share(args.runs, root, [one])),
            (f"in-process lint of all {len(corpus.templates)} templates (part of `check` all)",
             lint_share(max(3, args.runs // 3), root, [])),
        ]
        mjml_file.write_text(original, encoding="utf-8")
        if not args.skip_mjml:
            entry = install_mjml_cli(tmp / "mjml-cli")
            rows.append(("reference: `mjml -s` on that one html.mjml (npm mjml CLI)",
                         timed(args.runs, lambda: [args.node, str(entry), "-s", str(mjml_file)],
                               root, ok=(0,))))

    print(f"| what (whole process, median of {args.runs}) | wall | CPU (user+sys) |")
    print("|---|---|---|")
    for label, (wall, cpu) in rows:
        print(f"| {label} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
