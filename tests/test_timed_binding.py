"""Grammar patterns match straight away while no deadline is set in any thread, and ask the clock
(regex's timeout=) from the first deadline set to the last one ended (grammar/timed.py)."""
import threading

import pytest
import regex

from planparse.grammar import timed


def test_outside_a_deadline_the_methods_are_the_compiled_patterns_own():
    p = timed.TimedPattern(regex.compile(r"\d+"))
    assert all(getattr(p, name).__self__ is p._p for name in timed._METHODS)
    with timed.deadline(5):
        assert all(getattr(p, name).__self__ is p for name in timed._METHODS)
        made_inside = timed.TimedPattern(regex.compile(r"[a-z]+"))
        assert made_inside.search.__self__ is made_inside
        assert [m.group() for m in p.finditer("a1b22")] == ["1", "22"]
    assert p.search.__self__ is p._p and made_inside.search.__self__ is made_inside._p
    assert p.sub("#", "a1b22") == "a#b#"


def test_a_deadline_in_another_thread_makes_every_pattern_ask_until_it_ends():
    p = timed.TimedPattern(regex.compile(r"^(a|a)*$"))
    entered, release = threading.Event(), threading.Event()

    def other_document():
        with timed.deadline(30):
            entered.set()
            release.wait(10)

    worker = threading.Thread(target=other_document)
    worker.start()
    entered.wait(10)
    try:
        assert p.search.__self__ is p  # asks the clock; this thread has no deadline: no limit
        with timed.deadline(0.2), pytest.raises(timed.DeadlinePassed):
            p.search("a" * 40 + "b")
    finally:
        release.set()
        worker.join()
    assert p.search.__self__ is p._p
