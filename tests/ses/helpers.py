"""Small builders shared by the SES tests."""

from __future__ import annotations

import json
from pathlib import Path

from sestemplates.ses.client import ClientSettings, SesClient
from sestemplates.ses.records import Content


def client_for(url: str, *, max_attempts: int = 6) -> SesClient:
    """A client for a loopback server: no pacing, short backoff (tests don't wait on SES)."""
    return SesClient(
        ClientSettings(
            region="us-east-1",
            profile=None,
            endpoint_url=url,
            pace_seconds=0,
            max_attempts=max_attempts,
            base_backoff=0.01,
            max_backoff=0.05,
            connect_timeout=2,
            read_timeout=10,
        )
    )


def content(name: str, word: str = "Hello") -> Content:
    return Content(
        name,
        f"{word} {{{{name}}}}",
        f"<p>{word} {{{{name}}}}</p>",
        f"{word} {{{{name}}}}\n",
    )


# A project whose parts are plain HTML (no MJML), so the build is quick and predictable.
CONFIG = """\
prefix = "{prefix}"
region = "us-east-1"

[send]
from = "sender@example.com"
to = ["success@simulator.amazonses.com"]

[ses]
pace_seconds = 0
max_attempts = 6
"""


def write_template(
    root: Path, name: str, *, subject: str, html: str, text: str | None, samples: dict[str, object]
) -> None:
    directory = root / "templates" / name
    (directory / "samples").mkdir(parents=True, exist_ok=True)
    (directory / "subject.txt").write_text(subject, encoding="utf-8")
    (directory / "html.html").write_text(html, encoding="utf-8")
    if text is not None:
        (directory / "text.txt").write_text(text, encoding="utf-8")
    for sample, data in samples.items():
        (directory / "samples" / f"{sample}.json").write_text(json.dumps(data), encoding="utf-8")


def write_project(root: Path, prefix: str = "t-") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "sestemplates.toml").write_text(CONFIG.format(prefix=prefix), encoding="utf-8")
    write_template(
        root,
        "welcome",
        subject="Welcome, {{name}}!",
        html="<html><body><p>Hi {{name}}, welcome to {{product}}.</p></body></html>\n",
        text="Hi {{name}}, welcome to {{product}}.\n",
        samples={"basic": {"name": "Ada", "product": "Acme"}},
    )
    write_template(
        root,
        "receipt",
        subject="Receipt {{order.id}}",
        html=(
            "<html><body><ul>{{#each order.items}}<li>{{this.title}}: {{this.price}}</li>"
            "{{/each}}</ul><p>Total {{order.total}} €</p></body></html>\n"
        ),
        text="Order {{order.id}}: total {{order.total}} €\n",
        samples={
            "one": {"order": {"id": "A1", "total": "9.00",
                              "items": [{"title": "Pen", "price": "9.00"}]}},
        },
    )
    return root


def regional_config(project: Path, east: str, west: str, *, pace: float = 0,
                    attempts: int = 6) -> None:
    """A two-region config (us-east-1 first) whose regions are served at `east` and `west`."""
    project.mkdir(parents=True, exist_ok=True)
    (project / "sestemplates.toml").write_text(f"""\
prefix = "t-"
regions = ["us-east-1", "eu-west-1"]

[endpoints]
"us-east-1" = "{east}"
"eu-west-1" = "{west}"

[send]
from = "sender@example.com"
to = ["success@simulator.amazonses.com"]

[ses]
pace_seconds = {pace}
max_attempts = {attempts}
""")
