"""The whole output of every sample and scored corpus text, byte for byte (issue 23): a restructuring of
the stages must leave it unchanged. After a deliberate change of what planparse extracts, read the diff
and rerun `python tools/snapshot_outputs.py`."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.snapshot_outputs import OUT, inputs, rendered  # noqa: E402


@pytest.mark.parametrize("path", inputs(), ids=lambda p: p.stem)
def test_the_output_is_what_was_snapshotted(path):
    expected = (OUT / f"{path.stem}.json").read_text(encoding="utf-8")
    assert rendered(path) == expected, f"{path.name}: output changed; read the diff, then rerun tools/snapshot_outputs.py"


def test_every_input_has_a_snapshot():
    assert {p.stem for p in inputs()} == {p.stem for p in OUT.glob("*.json")}
