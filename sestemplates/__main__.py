"""`python -m sestemplates` runs the CLI."""

from __future__ import annotations

from sestemplates.cli import main

main()
