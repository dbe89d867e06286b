"""The file watcher: source, layout, partial, sample or config changes → rebuild → reload event.

Two watchers: the templates directory recursively, and the project root flat (only the config
files matter there). Watching the whole root recursively would also watch build/, .git and any
node_modules, which costs inotify watches and triggers rebuild loops on our own output.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import anyio.to_thread
from watchfiles import Change, DefaultFilter, awatch

from sestemplates.config import CONFIG_FILE
from sestemplates.preview.state import Project

# watchfiles waits this long for a burst of events (an editor's save) to settle. Its default
# (1.6 s) alone would break the "visible within a second" promise.
DEBOUNCE_MS = 80
CONFIG_NAMES = {CONFIG_FILE, "pyproject.toml"}


def _is_config(change: Change, path: str) -> bool:
    return Path(path).name in CONFIG_NAMES


async def watch_project(
    project: Project, publish: Callable[[str], None], stop: asyncio.Event
) -> None:
    """Rebuild on every change until `stop` is set; each rebuild publishes the new version."""
    lock = asyncio.Lock()
    changed = asyncio.Event()

    async def rebuild() -> None:
        # Changes that arrive during a rebuild are folded into one more rebuild afterwards.
        while True:
            await changed.wait()
            changed.clear()
            async with lock:
                snapshot = await anyio.to_thread.run_sync(lambda: project.refresh(jobs=1))
            publish(snapshot.version)

    async def follow(path: Path, recursive: bool, accept: DefaultFilter | None) -> None:
        async for _ in awatch(
            path,
            watch_filter=accept,
            debounce=DEBOUNCE_MS,
            step=20,
            stop_event=stop,
            recursive=recursive,
        ):
            changed.set()

    templates, root = project.watch_paths()
    tasks = [asyncio.create_task(rebuild())]
    tasks.append(asyncio.create_task(follow(root, False, _ConfigFilter())))
    if templates.is_dir():
        tasks.append(asyncio.create_task(follow(templates, True, DefaultFilter())))
    try:
        await stop.wait()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class _ConfigFilter(DefaultFilter):
    def __call__(self, change: Change, path: str) -> bool:
        return _is_config(change, path)
