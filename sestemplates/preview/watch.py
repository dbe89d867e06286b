"""The file watcher: source, layout, partial, sample or config changes → rebuild → reload event.

Two watchers: the templates directory recursively, and the project root flat (only the config
files matter there); a third follows the gettext catalogs in locales/ when there are any.
Watching the whole root recursively would also watch build/, .git and any node_modules, which
costs inotify watches and triggers rebuild loops on our own output.
"""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import anyio.to_thread
from watchfiles import Change, DefaultFilter, awatch

from sestemplates.config import CONFIG_FILE
from sestemplates.i18n.paths import CATALOGS_DIR
from sestemplates.preview.state import Project

# watchfiles waits this long for a burst of events (an editor's save) to settle. Its default
# (1.6 s) alone would break the "visible within a second" promise.
DEBOUNCE_MS = 80
CONFIG_NAMES = {CONFIG_FILE, "pyproject.toml"}
# How often a missing or replaced templates directory is looked for (a stat, cheap).
POLL_S = 0.2


def _is_config(change: Change, path: str) -> bool:
    return Path(path).name in CONFIG_NAMES


async def watch_project(
    project: Project, publish: Callable[[str], None], stop: asyncio.Event
) -> None:
    """Rebuild on every change until `stop` is set; each rebuild publishes the new version."""
    changed = asyncio.Event()

    async def rebuild() -> None:
        # Changes that arrive during a rebuild are folded into one more rebuild afterwards.
        while True:
            await changed.wait()
            changed.clear()
            snapshot = await anyio.to_thread.run_sync(lambda: project.refresh(jobs=1))
            publish(snapshot.version)

    async def follow_root() -> None:
        _, root = project.watch_paths()
        async for _ in awatch(
            root,
            watch_filter=_ConfigFilter(),
            debounce=DEBOUNCE_MS,
            step=20,
            stop_event=stop,
            recursive=False,
        ):
            changed.set()

    async def follow_catalogs() -> None:
        # A translator's save in a gettext catalog shows like a template edit. The directory
        # is looked up once: a project that starts without one gets it from `i18n init`,
        # after which a restart (or any template edit) picks it up.
        catalogs = project.root / CATALOGS_DIR
        if not catalogs.is_dir():
            return
        async for _ in awatch(
            catalogs, debounce=DEBOUNCE_MS, step=20, stop_event=stop, recursive=True
        ):
            changed.set()

    tasks = [
        asyncio.create_task(rebuild()),
        asyncio.create_task(follow_root()),
        asyncio.create_task(_follow_templates(project, changed.set, stop)),
        asyncio.create_task(follow_catalogs()),
    ]
    try:
        await stop.wait()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _follow_templates(
    project: Project, changed: Callable[[], None], stop: asyncio.Event
) -> None:
    """Watch the templates directory recursively, starting over whenever it is replaced
    (deleted and re-created, renamed away) or the config names another one: an inotify watch
    stays on the old directory and would go silent. Missing, it is polled for until it
    appears."""
    replaced = False  # the directory appeared or changed since the last rebuild
    while not stop.is_set():
        path, _ = project.watch_paths()
        identity = _identity(path)
        if identity is None:
            replaced = True
            await _pause(stop, POLL_S)
            continue
        ended = asyncio.Event()
        helpers = [asyncio.create_task(_guard(project, path, identity, ended, stop))]
        if replaced:
            # Rebuild once the new watch is in place, so no file copied in meanwhile is missed.
            helpers.append(asyncio.create_task(_later(POLL_S, changed)))
        root = str(path.resolve())
        try:
            async for changes in awatch(
                path,
                watch_filter=DefaultFilter(),
                debounce=DEBOUNCE_MS,
                step=20,
                stop_event=ended,
                recursive=True,
            ):
                changed()
                if (Change.deleted, root) in changes:
                    # The directory itself is gone. A new one made at once (rm -rf && git
                    # checkout) may even reuse its inode, so the guard would not notice.
                    ended.set()
        except OSError:  # it vanished before the watch started: look for it again
            await _pause(stop, POLL_S)
        finally:
            for helper in helpers:
                helper.cancel()
        if not stop.is_set():
            # The directory went away or changed: events still in flight were dropped with
            # the watch, so rebuild now (a missing directory then shows as an error).
            changed()
        replaced = True


def _identity(path: Path) -> tuple[int, int] | None:
    """Which directory `path` is now (device, inode); None when it is not a directory."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


async def _guard(
    project: Project,
    path: Path,
    identity: tuple[int, int],
    ended: asyncio.Event,
    stop: asyncio.Event,
) -> None:
    """Set `ended` when watching `path` is over: stopping, replaced, or no longer configured."""
    while not stop.is_set():
        if project.watch_paths()[0] != path or _identity(path) != identity:
            break
        await _pause(stop, POLL_S)
    ended.set()


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _later(seconds: float, action: Callable[[], None]) -> None:
    await asyncio.sleep(seconds)
    action()


class _ConfigFilter(DefaultFilter):
    def __call__(self, change: Change, path: str) -> bool:
        return _is_config(change, path)
