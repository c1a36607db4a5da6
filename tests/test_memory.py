"""The cyclic collector is paused for big batches and always comes back as it was."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from layers import cli
from layers.memory import collector_paused
from layers.store import read_store


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:  # as it was before the test, whatever the test did
        gc.enable()
    else:
        gc.disable()


class _Node:
    other: object = None


def test_paused_inside_and_running_again_after(collector_on: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_left_off_when_it_was_off(collector_on: None) -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_back_on_only_when_the_last_of_concurrent_blocks_ends(collector_on: None) -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector_paused():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.isenabled())  # the first block has ended, this one has not

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [False]
    assert gc.isenabled()


def test_cycles_made_while_paused_are_collected_later(collector_on: None) -> None:
    with collector_paused():
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        alive = weakref.ref(a)
        del a, b
    assert alive() is not None  # a cycle: only the collector frees it
    gc.collect()
    assert alive() is None


def test_reading_the_store_leaves_the_collector_running(collector_on: None) -> None:
    """Dashboard sessions share the process: only a command's own process pauses it."""
    store = read_store(cache=False)
    assert len(store.events) > 50
    assert gc.isenabled()


def test_a_command_runs_with_it_paused_and_leaves_it_as_it_was(
    collector_on: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[bool] = []
    real = cli.open_store

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "open_store", spy)
    assert cli.main(["validate"]) == 0
    assert seen == [False]
    assert gc.isenabled()
