"""SES benchmark: `diff` and `sync` through a proxy that enforces SES's 1 call/s per operation.

Usage: python bench/bench_ses.py [--templates 60 210] [--before REV] [--no-write]

The local SES (npm aws-ses-v2-local from tests/node) does not enforce SES's quota, so every
run goes through the test suite's fault proxy in throttling mode (tests/ses/faultproxy.py:
each template operation at most once per second, 429 TooManyRequestsException otherwise).
For each size N, in a temp dir:

1. N plain-HTML templates are built and synced straight to the server (not timed);
2. "after" (this checkout): `diff` of the unchanged repo, then `sync` after editing one
   template, each a whole process, timed, with the calls the proxy let through counted;
3. "before" (--before REV, e.g. the commit before the manifest): the same two commands run
   from `git archive REV sestemplates` on PYTHONPATH; it reads every template, so this is
   the slow part (about N seconds per command); skipped without --before.

One run per row: these are minutes of mostly waiting on the quota, and the counts (not the
times) are what the design changes. The Markdown table is printed and written into
docs/benchmarks.md between the bench_ses markers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "ses"))

from faultproxy import FaultProxy  # noqa: E402  (tests/ses is not a package)

DOC = REPO / "docs" / "benchmarks.md"
BEGIN = "<!-- bench_ses:begin -->"
END = "<!-- bench_ses:end -->"
SES_CLI = REPO / "tests" / "node" / "node_modules" / "aws-ses-v2-local" / "dist" / "cli.js"
OPERATIONS = ("ListEmailTemplates", "GetEmailTemplate", "CreateEmailTemplate",
              "UpdateEmailTemplate", "DeleteEmailTemplate")


@dataclass(frozen=True)
class Row:
    label: str
    templates: int
    code: str  # "before" / "after"
    seconds: float
    calls: dict[str, int]
    throttled: int


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(["node", str(SES_CLI), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/health-check", timeout=1).close()
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("aws-ses-v2-local did not start (npm ci --prefix tests/node)")


def write_repo(root: Path, count: int) -> None:
    (root / "sestemplates.toml").write_text('prefix = "b-"\nregion = "us-east-1"\n')
    for i in range(count):
        directory = root / "templates" / f"tpl{i:04}"
        (directory / "samples").mkdir(parents=True)
        (directory / "subject.txt").write_text(f"Subject {i} {{{{name}}}}")
        (directory / "html.html").write_text(f"<html><body><p>Body {i} {{{{name}}}}</p>"
                                             "</body></html>\n")
        (directory / "text.txt").write_text(f"Body {i} {{{{name}}}}\n")
        (directory / "samples" / "default.json").write_text(json.dumps({"name": "Ada"}))


def run(command: list[str], env: dict[str, str], proxy: FaultProxy, label: str, n: int,
        code: str, cwd: Path) -> Row:
    proxy.log.clear()
    started = time.monotonic()
    # cwd outside the checkout: `python -m` puts it first on sys.path, before PYTHONPATH.
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=cwd)
    seconds = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{label} ({code}) failed: {done.stderr.strip()}")
    calls = {op: len(proxy.calls(op)) for op in OPERATIONS}
    throttled = sum(1 for e in proxy.log if e.outcome == "throttled")
    return Row(label, n, code, seconds, calls, throttled)


def bench_size(n: int, before: Path | None, url: str, env: dict[str, str]) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-ses-") as tmp:
        root = Path(tmp)
        write_repo(root, n)
        cli = [sys.executable, "-m", "sestemplates", "-C", str(root)]
        # Setup, not timed: build and sync everything straight to the server, unpaced.
        (root / "sestemplates.toml").write_text(
            (root / "sestemplates.toml").read_text() + "[ses]\npace_seconds = 0\n")
        subprocess.run([*cli, "--endpoint-url", url, "sync"], env=env, check=True,
                       capture_output=True, cwd=root)
        (root / "sestemplates.toml").write_text('prefix = "b-"\nregion = "us-east-1"\n')
        proxy = FaultProxy(url, throttle=1.0).start()
        try:
            via = [*cli, "--endpoint-url", proxy.url]
            # "after" first: the old code's sync would leave the manifest one edit behind.
            sides: list[tuple[str, dict[str, str]]] = [("after", env)]
            if before is not None:
                old = dict(env, PYTHONPATH=str(before))
                probe = subprocess.run([sys.executable, "-c", "import sestemplates.ses.manifest"],
                                       env=old, cwd=root, capture_output=True)
                if probe.returncode == 0:
                    raise SystemExit("--before code already has the manifest (or is not used)")
                sides.append(("before", old))
            for edit, (code, side_env) in enumerate(sides):
                rows.append(run([*via, "diff"], side_env, proxy, "unchanged diff", n, code, root))
                subject = root / "templates" / f"tpl{edit:04}" / "subject.txt"
                subject.write_text(subject.read_text() + " (edited)")
                rows.append(run([*via, "sync"], side_env, proxy, "one-change sync", n, code,
                                root))
        finally:
            proxy.stop()
    return rows


def table(rows: list[Row], load: tuple[float, float]) -> str:
    lines = [
        "Through tests/ses/faultproxy.py with `throttle=1.0` (each template operation at most "
        "once per second, 429 TooManyRequestsException otherwise) in front of aws-ses-v2-local; "
        "default pacing (`ses.pace_seconds = 1`); one run per row, whole processes (start-up, "
        f"boto3 import and the no-op build included); 1-minute load {load[0]:.2f} before, "
        f"{load[1]:.2f} after, {os.cpu_count()} cores.",
        "",
        "| command | templates | code | time | List | Get | Create | Update | Delete | "
        "management calls | 429s |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        c = r.calls
        total = sum(c.values())
        lines.append(
            f"| {r.label} | {r.templates} | {r.code} | {r.seconds:.1f} s | "
            f"{c['ListEmailTemplates']} | {c['GetEmailTemplate']} | {c['CreateEmailTemplate']} | "
            f"{c['UpdateEmailTemplate']} | {c['DeleteEmailTemplate']} | {total} | {r.throttled} |"
        )
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text()
    if BEGIN in doc and END in doc:
        head, rest = doc.split(BEGIN, 1)
        doc = head + BEGIN + "\n" + text + "\n" + END + rest.split(END, 1)[1]
    else:
        doc = doc.rstrip("\n") + f"\n\n{BEGIN}\n{text}\n{END}\n"
    DOC.write_text(doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, nargs="+", default=[60, 210])
    parser.add_argument("--before", help="git revision to compare with (e.g. the pre-manifest one)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="us-east-1",
               AWS_EC2_METADATA_DISABLED="true")
    load_before = os.getloadavg()[0]
    process, url = start_server()
    before_dir = None
    try:
        if args.before:
            before_dir = Path(tempfile.mkdtemp(prefix="bench-ses-before-"))
            archive = subprocess.run(["git", "-C", str(REPO), "archive", args.before,
                                      "sestemplates"], check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(before_dir)], input=archive, check=True)
        rows: list[Row] = []
        for n in args.templates:
            rows.extend(bench_size(n, before_dir, url, env))
            urllib_clear(url)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if before_dir is not None:
            shutil.rmtree(before_dir, ignore_errors=True)
    text = table(rows, (load_before, os.getloadavg()[0]))
    print(text)
    if not args.no_write:
        write_doc(text)


def urllib_clear(url: str) -> None:
    import urllib.request

    request = urllib.request.Request(url + "/clear-store", method="POST")
    urllib.request.urlopen(request, timeout=10).close()


if __name__ == "__main__":
    main()
