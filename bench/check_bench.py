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
8. reference: the official `mjml` CLI compiling that one file (`mjml -s`), installed by npm
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

from corpus import generate_corpus, install_mjml_cli, set_inliner

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def in_process(runs: int, root: Path, path: Path) -> tuple[float, float]:
    """Median of check_project itself, after a first call has paid for the imports."""
    from sestemplates.checks import check_project
    from sestemplates.config import load_config

    config = load_config(root)
    cwd = Path.cwd()
    os.chdir(root)
    try:
        check_project(config, [path])
        walls, cpus = [], []
        for _ in range(runs):
            start, cpu = time.perf_counter(), time.process_time()
            check_project(config, [path])
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
    finally:
        os.chdir(cwd)
    return statistics.median(walls), statistics.median(cpus)


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
    parser.add_argument("--inliner", choices=("premailer", "css-inline"), default="premailer")
    args = parser.parse_args(argv)

    st = sestemplates_command()
    with tempfile.TemporaryDirectory(prefix="sestemplates-check-bench-") as tmp_name:
        tmp = Path(tmp_name)
        corpus = generate_corpus(tmp / "repo", args.templates)
        root = corpus.root
        set_inliner(root, args.inliner)
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
