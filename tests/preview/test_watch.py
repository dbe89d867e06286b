"""The watcher: real file edits → rebuild → a new version published (no timing assertions)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sestemplates.preview.state import Project
from sestemplates.preview.watch import watch_project

WAIT = 20.0  # generous: a loaded machine must not fail the test, speed is not asserted here


@asynccontextmanager
async def _watching(project: Project) -> AsyncIterator[asyncio.Queue[str]]:
    """Run the watcher for the block, yielding the versions it publishes; always stopped."""
    published: asyncio.Queue[str] = asyncio.Queue()
    stop = asyncio.Event()
    task = asyncio.create_task(watch_project(project, published.put_nowait, stop))
    try:
        await asyncio.sleep(0.5)  # let the watchers start before editing
        yield published
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT)


async def _edit_and_wait(project: Project, edit: Callable[[], None]) -> str:
    async with _watching(project) as published:
        edit()
        return await asyncio.wait_for(published.get(), WAIT)


def test_editing_a_source_rebuilds(project: Project) -> None:
    subject = project.root / "templates/welcome/subject.txt"
    before = project.snapshot.version

    def edit() -> None:
        subject.write_text("Edited subject for {{name}}\n")

    version = asyncio.run(_edit_and_wait(project, edit))
    assert version != before
    assert project.snapshot.version == version
    assert project.snapshot.built["welcome"].subject.startswith("Edited subject for {{name}}")


def test_editing_a_layout_rebuilds_its_users(project: Project) -> None:
    layout = project.root / "templates/_layouts/base.mjml"

    def edit() -> None:
        text = layout.read_text().replace("<mj-body", '<mj-body css-class="edited-layout"', 1)
        layout.write_text(text)

    asyncio.run(_edit_and_wait(project, edit))
    assert "edited-layout" in project.snapshot.built["welcome"].html


def test_editing_the_config_rebuilds(project: Project) -> None:
    config = project.root / "sestemplates.toml"

    def edit() -> None:
        config.write_text(config.read_text().replace('"Acme Cloud"', '"Edited Brand"', 1))

    asyncio.run(_edit_and_wait(project, edit))
    assert "Edited Brand" in project.snapshot.built["welcome"].subject


def test_editing_a_catalog_rebuilds_that_locale(project: Project) -> None:
    catalog = project.root / "locales/de/LC_MESSAGES/messages.po"

    def edit() -> None:
        text = catalog.read_text(encoding="utf-8")
        catalog.write_text(text.replace('"Sendung verfolgen"', '"Paket verfolgen"'), "utf-8")

    asyncio.run(_edit_and_wait(project, edit))
    assert "Paket verfolgen" in project.snapshot.built["shipping-update-de"].html


def test_a_broken_file_is_reported_not_raised(project: Project) -> None:
    html = project.root / "templates/welcome/html.mjml"

    def edit() -> None:
        html.write_text("{% block %}")

    asyncio.run(_edit_and_wait(project, edit))
    assert "welcome" not in project.snapshot.built
    assert any(d.template and d.template.endswith("welcome") for d in project.snapshot.diagnostics)


def test_build_output_does_not_trigger_rebuilds(project: Project) -> None:
    # build/ lives beside templates/, outside what is watched: writing there is no change.
    async def run() -> bool:
        async with _watching(project) as published:
            (project.root / "build").mkdir(exist_ok=True)
            (project.root / "build" / "stray.json").write_text("{}")
            try:
                await asyncio.wait_for(published.get(), 2.0)
                return True
            except TimeoutError:
                return False

    assert asyncio.run(run()) is False


def test_a_replaced_templates_directory_is_watched_again(project: Project) -> None:
    # rm -rf templates && git checkout templates: a new directory the old watch does not see.
    templates = project.root / "templates"
    saved = project.root / "saved-templates"

    async def run() -> None:
        async with _watching(project) as published:
            shutil.copytree(templates, saved)
            shutil.rmtree(templates)
            await _until(published, lambda: project.snapshot.fatal is not None, project)
            shutil.copytree(saved, templates)
            await _until(published, lambda: "welcome" in project.snapshot.built, project)
            (templates / "welcome/subject.txt").write_text("After the replace, {{name}}\n")
            await _until(
                published,
                lambda: project.snapshot.built["welcome"].subject.startswith("After the replace"),
                project,
            )
            # At once, as `rm -rf templates && git checkout templates` does (the new directory
            # may even get the old one's inode).
            shutil.rmtree(templates)
            shutil.copytree(saved, templates)
            await asyncio.sleep(0.5)
            (templates / "welcome/subject.txt").write_text("Second replace, {{name}}\n")
            await _until(
                published,
                lambda: "welcome" in project.snapshot.built
                and project.snapshot.built["welcome"].subject.startswith("Second replace"),
                project,
            )

    asyncio.run(run())


def test_the_watch_follows_the_templates_setting(project: Project) -> None:
    config = project.root / "sestemplates.toml"
    moved = project.root / "emails"

    async def run() -> None:
        async with _watching(project) as published:
            shutil.copytree(project.root / "templates", moved)
            config.write_text(
                config.read_text().replace('templates = "templates"', 'templates = "emails"', 1)
            )
            await _until(published, lambda: project.watch_paths()[0] == moved, project)
            await asyncio.sleep(0.5)  # the old watch ends, the new one starts
            (moved / "welcome/subject.txt").write_text("From emails/, {{name}}\n")
            await _until(
                published,
                lambda: project.snapshot.built["welcome"].subject.startswith("From emails/"),
                project,
            )

    asyncio.run(run())


async def _until(
    published: asyncio.Queue[str], done: Callable[[], bool], project: Project
) -> None:
    """Wait for rebuilds until `done()` holds (bounded, never asserted as a speed)."""
    async def wait() -> None:
        while True:
            await published.get()
            if done():
                return

    try:
        await asyncio.wait_for(wait(), WAIT)
    except TimeoutError:
        snapshot = project.snapshot
        raise AssertionError(
            f"no rebuild reached the expected state: fatal={snapshot.fatal!r}, "
            f"built={sorted(snapshot.built)}"
        ) from None
