"""sestemplates: build, check, preview, sync and test-send Amazon SES email templates."""

from __future__ import annotations

__version__ = "0.1.0"
