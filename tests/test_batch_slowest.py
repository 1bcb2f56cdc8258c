"""The batch summary names the slowest documents and what their time went on (pages, OCR'd pages)."""
from planparse.batch.document import Result
from planparse.batch.report import SLOWEST_SHOWN, Summary


def _summary_of(results: list[tuple[str, Result]]) -> Summary:
    summary = Summary(total=len(results))
    for path, res in results:
        summary.timed(path, res)
    return summary


def test_the_slowest_documents_are_named_slowest_first_with_their_pages_and_ocr():
    summary = _summary_of([
        ("a.pdf", Result(0, True, seconds=1.25, pages=10)),
        ("scan.pdf", Result(1, True, seconds=31.0, pages=3, ocr_pages=3, ocr_seconds=29.5)),
        ("b.txt", Result(2, True, seconds=0.4)),
        ("long.pdf", Result(3, True, seconds=12.0, pages=116, ocr_pages=2, ocr_seconds=9.84)),
        ("stuck.pdf", Result(4, False, seconds=300.0, kind="timeout", message="not finished after 300 s")),
    ])
    rows = dict(summary.as_rows())
    assert rows["slowest"] == ("300.0 s stuck.pdf (timeout); 31.0 s scan.pdf (3 pages, 3 OCR'd in 29.5 s); "
                               "12.0 s long.pdf (116 pages, 2 OCR'd in 9.8 s)")
    assert len(summary.slowest) == SLOWEST_SHOWN == 3


def test_a_text_document_is_not_paged_and_an_empty_batch_has_no_slowest_row():
    rows = dict(_summary_of([("notice.txt", Result(0, True, seconds=0.5))]).as_rows())
    assert rows["slowest"] == "0.5 s notice.txt (not paged)"
    assert "slowest" not in dict(Summary().as_rows())


def test_a_name_that_would_break_the_log_line_is_quoted():
    rows = dict(_summary_of([("evil\nname.pdf", Result(0, True, seconds=2.0, pages=1))]).as_rows())
    assert rows["slowest"] == "2.0 s 'evil\\nname.pdf' (1 page)"
