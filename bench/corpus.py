"""Benchmark corpus: the shared real-world MJML files wrapped as a sestemplates repository.

`generate_corpus(dest)` writes `dest/sestemplates.toml` and `dest/templates/<name>/` for every
top-level file of `<repo>/../shared/mjml-corpus/` (42 files), repeated with different Handlebars
tag placements until there are `count` templates (5 variants each → 210). Same seed, same bytes.

Each template gets:
- `subject.txt` with a Handlebars tag (`Hello {{name}}` and variations);
- `html.mjml`: the corpus file with `{{name}}` added to an mj-text (the first one in variant 0),
  one `href` rewritten to `https://example.com/u/{{ user_id }}` (or added to a button/image),
  and in some variants an `{{#each items}}…{{/each}}` block in an mj-text or around the rows of
  an mj-table;
- `samples/default.json` with every variable the template uses.

Some corpus files carry their own `[[PLACEHOLDER]]` markers, which are Jinja expressions with
our delimiters. The generated config maps each one to its own literal text in `[vars]`, so the
MJML after the Jinja stage is byte-for-byte the `html.mjml` file: exactly what the `mjml` CLI
reference compiles (see `write_flat_mjml`).

Also here, shared by the bench scripts: `install_mjml_cli` (the pinned npm `mjml` reference).

Run directly to inspect a corpus: `python bench/corpus.py OUT_DIR [--templates 210]`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS_ENV = "SESTEMPLATES_MJML_CORPUS"  # overrides the default ../shared/mjml-corpus
DEFAULT_COUNT = 210
DEFAULT_SEED = 20261127
MJML_NPM_VERSION = "5.4.1"

_MJ_TEXT_OPEN = re.compile(r"<mj-text\b[^>]*?(?<!/)>")
_MJ_TEXT_CLOSE = re.compile(r"</mj-text\s*>")
_MJ_BODY_OPEN = re.compile(r"<mj-body\b[^>]*?>")
_HREF = re.compile(r'\bhref="[^"]*"')
_LINKABLE = re.compile(r"<mj-(?:button|image)\b")
_TABLE_ROW_END = re.compile(r"</tr\s*>")
_MJ_TABLE_OPEN = re.compile(r"<mj-table\b[^>]*?>")
_JINJA_MARKER = re.compile(r"\[\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]\]")
_HB_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_FILE_INCLUDE = re.compile(r'(<mj-include\b[^>]*\bpath=")file:///([^"]+)(")')

_GREETINGS = (
    "Hello {{name}}, ",
    "<p>Hi {{ name }}!</p>",
    "Dear {{name}},<br />",
    "<strong>{{ name }}</strong>, ",
    "Welcome back {{name}}. ",
)
_SUBJECTS = (
    "Hello {{name}}",
    "{{name}}, news from {stem}",
    "Your {stem} update, {{ name }}",
    "Hello {{name}}: {stem}",
    "{stem} for {{ name }}",
)
_LINKS = (
    "https://example.com/u/{{ user_id }}",
    "https://example.com/u/{{user_id}}?src=email",
    "https://example.com/u/{{ user_id }}/settings",
)
_EACH_TEXT = (
    "<ul>{{#each items}}<li>{{title}}: {{price}}</li>{{/each}}</ul>",
    "{{#each items}}<p>{{ title }} ({{ price }})</p>{{/each}}",
)
_EACH_ROWS = "{{#each items}}<tr><td>{{title}}</td><td>{{price}}</td></tr>{{/each}}"
_FALLBACK_SECTION = (
    "<mj-section><mj-column><mj-text>Your account</mj-text></mj-column></mj-section>"
)


class CorpusMissing(RuntimeError):
    """The shared MJML corpus is not where the benchmark expects it."""


@dataclass(frozen=True)
class Template:
    name: str  # directory name under templates/ (= TemplateName, no prefix)
    source: Path  # the corpus file it was made from
    variant: int


@dataclass(frozen=True)
class Corpus:
    root: Path  # the project directory (holds sestemplates.toml)
    templates: tuple[Template, ...]

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def mjml_path(self, name: str) -> Path:
        return self.templates_dir / name / "html.mjml"

    def subject_path(self, name: str) -> Path:
        return self.templates_dir / name / "subject.txt"


def find_corpus_dir(override: Path | None = None) -> Path:
    """`<repo>/../shared/mjml-corpus`, or the override / $SESTEMPLATES_MJML_CORPUS."""
    env = os.environ.get(CORPUS_ENV)
    path = override or (Path(env) if env else REPO_ROOT.parent / "shared" / "mjml-corpus")
    if not path.is_dir():
        raise CorpusMissing(
            f"MJML corpus not found at {path}: the benchmark needs the shared corpus "
            f"(../shared/mjml-corpus next to the repository, or set {CORPUS_ENV})"
        )
    return path


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The top-level corpus files (`<group>/<file>.mjml`), not the partials they include."""
    files = sorted(corpus_dir.glob("*/*.mjml"))
    if not files:
        raise CorpusMissing(f"no <group>/*.mjml files in {corpus_dir}")
    return files


def generate_corpus(
    dest: Path,
    count: int = DEFAULT_COUNT,
    *,
    seed: int = DEFAULT_SEED,
    corpus_dir: Path | None = None,
) -> Corpus:
    """Write a template repository of `count` templates into `dest` (created if needed)."""
    files = corpus_files(find_corpus_dir(corpus_dir))
    templates_dir = dest / "templates"
    templates_dir.mkdir(parents=True, exist_ok=True)
    markers: set[str] = set()
    made: list[Template] = []
    for index in range(count):
        variant, source = divmod(index, len(files))
        path = files[source]
        name = f"{path.stem}-v{variant}"
        # One RNG per template: a template's content does not depend on `count`.
        rng = random.Random(f"{seed}:{path.parent.name}/{path.name}:{variant}")
        text = path.read_text(encoding="utf-8")
        markers.update(_JINJA_MARKER.findall(text))
        _write_template(templates_dir / name, path, text, variant, rng)
        made.append(Template(name, path, variant))
    (dest / "sestemplates.toml").write_text(_config(markers), encoding="utf-8")
    return Corpus(dest, tuple(made))


def write_flat_mjml(corpus: Corpus, dest: Path) -> list[Path]:
    """The same MJML as `dest/<name>.mjml` (unique output names for `mjml -o DIR`).

    Partials directories are copied beside them so that relative mj-include paths still resolve.
    """
    dest.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    for template in corpus.templates:
        src_dir = corpus.templates_dir / template.name
        target = dest / f"{template.name}.mjml"
        shutil.copyfile(src_dir / "html.mjml", target)
        for sub in src_dir.iterdir():
            if sub.is_dir() and sub.name != "samples" and not (dest / sub.name).exists():
                shutil.copytree(sub, dest / sub.name)
        out.append(target)
    return out


def install_mjml_cli(dest: Path, version: str = MJML_NPM_VERSION) -> Path:
    """`npm install --prefix dest mjml@version`; returns the CLI's JS entry point (run by node)."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm not found: the mjml reference needs Node.js and npm")
    cli = dest / "node_modules" / "mjml" / "bin" / "mjml"
    if not cli.is_file():
        subprocess.run(
            [npm, "install", "--prefix", str(dest), f"mjml@{version}",
             "--no-audit", "--no-fund", "--loglevel=error"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    if not cli.is_file():
        raise RuntimeError(f"npm installed mjml@{version} but {cli} is missing")
    return cli


def _write_template(
    directory: Path, source: Path, text: str, variant: int, rng: random.Random
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    partials = source.parent / "partials"
    if _FILE_INCLUDE.search(text) and partials.is_dir():
        # mrml-python's test resolves file:/// against its partials dir; our pipeline resolves
        # mj-include relative to the including file, so point it at the copy beside html.mjml.
        text = _FILE_INCLUDE.sub(r"\1partials/\2\3", text)
        shutil.copytree(partials, directory / "partials", dirs_exist_ok=True)
    html = add_tags(text, variant, rng)
    (directory / "html.mjml").write_text(html, encoding="utf-8")
    subject = _SUBJECTS[variant % len(_SUBJECTS)].replace("{stem}", source.stem)
    (directory / "subject.txt").write_text(subject + "\n", encoding="utf-8")
    samples = directory / "samples"
    samples.mkdir(exist_ok=True)
    (samples / "default.json").write_text(
        json.dumps(_sample(html + subject, rng), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


def add_tags(text: str, variant: int, rng: random.Random) -> str:
    """The corpus MJML with SES Handlebars tags placed according to `variant` and `rng`."""
    if not text.lstrip().startswith("<mjml"):
        # A fragment meant for mj-include (mjml's incl.mjml): make it a document of its own.
        text = f"<mjml>\n<mj-body>\n<mj-section>\n{text}</mj-section>\n</mj-body>\n</mjml>\n"
    body = _MJ_BODY_OPEN.search(text)
    if body is None:
        raise ValueError("no <mj-body> in the corpus file")
    # Only mj-text in the body: those in <mj-attributes> are defaults, not content.
    if not _MJ_TEXT_OPEN.search(text, body.end()):
        # A component sample without mj-text: give the greeting a home.
        text = _insert(text, body.end(), _FALLBACK_SECTION)
    opens = list(_MJ_TEXT_OPEN.finditer(text, body.end()))
    if opens:
        target = opens[0] if variant == 0 else rng.choice(opens)
        text = _insert(text, target.end(), _GREETINGS[variant % len(_GREETINGS)])

    link = _LINKS[variant % len(_LINKS)]
    # Body links only: an mj-font href in the head is a stylesheet URL, not content.
    hrefs = list(_HREF.finditer(text, body.end()))
    linkable = list(_LINKABLE.finditer(text, body.end()))
    if hrefs:
        chosen = rng.choice(hrefs)
        text = text[: chosen.start()] + f'href="{link}"' + text[chosen.end() :]
    elif linkable:
        chosen_tag = rng.choice(linkable)
        text = _insert(text, chosen_tag.end(), f' href="{link}"')
    elif opens:
        opens = list(_MJ_TEXT_OPEN.finditer(text, body.end()))
        text = _insert(text, rng.choice(opens).end(), f'<a href="{link}">your account</a> ')

    if variant % 2 == 1:
        table = _MJ_TABLE_OPEN.search(text)
        row_end = _TABLE_ROW_END.search(text, table.end()) if table else None
        if row_end is not None:
            # Tags between table rows: the case HTML5 parsers move out of the table.
            text = _insert(text, row_end.end(), _EACH_ROWS)
        else:
            closes = list(_MJ_TEXT_CLOSE.finditer(text, body.end()))
            if closes:
                close = rng.choice(closes)
                text = _insert(text, close.start(), _EACH_TEXT[variant // 2 % len(_EACH_TEXT)])
    return text


def _insert(text: str, at: int, snippet: str) -> str:
    return text[:at] + snippet + text[at:]


def _sample(source: str, rng: random.Random) -> dict[str, object]:
    data: dict[str, object] = {
        name: f"{name} value" for name in sorted(set(_HB_VARIABLE.findall(source)))
    }
    data.update(
        name=rng.choice(["Ada Lovelace", "Zoë Müller", "李小龍", "Grace Hopper"]),
        user_id=f"u-{rng.randrange(1000, 9999)}",
        items=[
            {"title": f"Item {i + 1}", "price": f"{rng.randrange(100, 9999) / 100:.2f}"}
            for i in range(3)
        ],
    )
    data.pop("title", None)  # item fields, not top-level variables
    data.pop("price", None)
    return data


def _config(markers: set[str]) -> str:
    lines = [
        "# Generated by bench/corpus.py: the shared MJML corpus as templates.",
        'templates = "templates"',
        'build = "build"',
        "",
        "# The corpus's own [[PLACEHOLDER]] markers render to themselves, so the MJML after",
        "# Jinja is exactly html.mjml (what the mjml CLI reference compiles).",
        "[vars]",
    ]
    lines += [f'{name} = "[[{name}]]"' for name in sorted(markers)]
    return "\n".join(lines) + "\n"


def set_inliner(root: Path, engine: str) -> None:
    """Build the corpus with `[build] inliner = engine` (the table replaces `build = "build"`)."""
    toml = root / "sestemplates.toml"
    text = toml.read_text(encoding="utf-8").replace('build = "build"\n', "", 1)
    toml.write_text(text + f'\n[build]\ndir = "build"\ninliner = "{engine}"\n', encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to write the template repository to")
    parser.add_argument("--templates", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    try:
        corpus = generate_corpus(args.out, args.templates, seed=args.seed)
    except CorpusMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(corpus.templates)} templates to {corpus.templates_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
