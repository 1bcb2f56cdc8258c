"""End to end: the report of a sample in a real headless Chromium (selenium), asserted from the DOM.

Skipped with a reason when selenium, chromium or chromedriver is absent (`.ci/run` installs them).
The screenshot is saved as a test artefact in $PLANPARSE_ARTIFACTS (default: test-artifacts/).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from planparse.pipeline import extract_with_text
from planparse.report import render_report
from planparse.report.marks import collect_facts

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "002_5ca395b12717d3cc.txt"  # 南通: prose targets, a 49-row task table

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (extra: browser)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromedriver are not installed (Debian: chromium chromium-driver)")]


@pytest.fixture(scope="module")
def report_and_doc(tmp_path_factory):
    doc, text = extract_with_text(SAMPLE)
    page = tmp_path_factory.mktemp("report") / "report.html"
    page.write_text(render_report(doc, text), encoding="utf-8")
    return page, doc, text


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield driver
    driver.quit()


def test_highlights_sit_on_the_text_they_came_from(browser, report_and_doc):
    page, doc, text = report_and_doc
    browser.get(page.as_uri())
    # Every fact is highlighted exactly on the characters of its span (pieces of one fact never nest).
    facts = collect_facts(doc)
    assert sum(f.kind == "target" for f in facts) >= 20
    shown = browser.execute_script(
        "var out = {}; document.querySelectorAll('mark.hl').forEach(function (m) {"
        " out[m.dataset.f] = (out[m.dataset.f] || '') + m.textContent; }); return out;")
    assert set(shown) == {f.fid for f in facts}
    for f in facts:
        assert shown[f.fid] == text[f.start:f.end], (f.kind, f.fields)
    for t in doc.targets:
        if t.span:
            assert text[t.span[0]:t.span[1]] == t.text
    # A concrete one, read from the document: the PM2.5 goal of 一、总体要求.
    pm = browser.find_element("xpath", "//mark[contains(@class,'k-target') and contains(., 'PM2.5平均浓度27微克/立方米左右')]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", pm)
    pm.click()
    pop = browser.find_element("id", "pop")
    assert pop.is_displayed()
    assert "27" in pop.text and "微克/立方米" in pop.text and "2025" in pop.text
    # The text shown is the whole normalised text, in order: nothing dropped, nothing added.
    shown_text = browser.execute_script(
        "return Array.from(document.querySelectorAll('article#text .tx')).map(function (d) { return d.textContent; }).join('');")
    assert shown_text == text


def test_outline_navigates_to_its_clause(browser, report_and_doc):
    page, doc, _ = report_and_doc
    browser.get(page.as_uri())
    target = next(c for c in doc.clauses if c.id == "3.5")
    link = browser.find_element("css selector", "nav#outline a[data-c='3.5']")
    assert target.heading in link.text
    link.click()
    assert browser.execute_script("return decodeURIComponent(location.hash);") == "#c-3.5"
    top = browser.execute_script("var r = document.getElementById('c-3.5').getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight];")
    assert 0 <= top[0] < top[2], f"clause 3.5 is not in view after the outline click: {top}"
    assert target.heading in browser.find_element("id", "c-3.5").text


def test_agency_filter_leaves_exactly_that_agencys_tasks(browser, report_and_doc, tmp_path):
    page, doc, _ = report_and_doc
    browser.get(page.as_uri())
    agency = "市交通运输局"
    expected = sorted(
        t.seq for t in doc.tasks
        if t.agencies and agency in (*t.agencies.lead, *t.agencies.support, *t.agencies.responsible, *t.agencies.implementers)
    )
    assert 5 <= len(expected) < len(doc.tasks)
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element("id", "agency-filter")).select_by_value(agency)
    visible = browser.execute_script(
        "return Array.from(document.querySelectorAll('#tasks tr.task')).filter(function (tr) {"
        " return tr.offsetParent !== null; }).map(function (tr) { return parseInt(tr.cells[0].textContent, 10); });")
    assert sorted(visible) == expected
    # In the text, that agency's annotations are marked and other agencies' are not.
    sel = browser.find_elements("css selector", "mark.k-agency.sel")
    assert sel and all(agency in (m.get_attribute("data-agencies") or "").split("|") for m in sel)
    artefacts = Path(os.environ.get("PLANPARSE_ARTIFACTS", ROOT / "test-artifacts"))
    artefacts.mkdir(parents=True, exist_ok=True)
    browser.execute_script("document.getElementById('tasks').scrollIntoView();")
    shot = artefacts / "report_agency_filter.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


PDF = ROOT / "tests" / "fixtures" / "office" / "001_e273565e5025a23d.pdf"  # 江苏: 31 pages, prose targets


def test_pages_show_one_image_per_page_and_a_click_on_a_target_brings_its_box_into_view(browser, tmp_path):
    from planparse.report.page_images import render_pages

    doc, text = extract_with_text(PDF)
    page = tmp_path / "pages.html"
    page.write_text(render_report(doc, text, pages=render_pages(PDF)), encoding="utf-8")
    browser.get(page.as_uri())
    assert len(browser.find_elements("css selector", "aside#pages figure.pdfpage img")) == doc.source.pages == 31
    in_view = """var b = document.querySelectorAll('#pages a.box[data-f="' + arguments[0] + '"]')[0];
        var r = b.getBoundingClientRect(), p = document.getElementById('pages').getBoundingClientRect();
        return [r.top >= p.top && r.bottom <= p.bottom && r.bottom <= window.innerHeight && r.top >= 0, b.classList.contains('on')];"""
    targets = [m for m in browser.find_elements("css selector", "mark.k-target[id]")]
    assert len(targets) >= 20
    for mark in (targets[3], targets[-1], targets[len(targets) // 2]):  # far apart: the panel must scroll
        fid = mark.get_attribute("data-f")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", mark)
        mark.click()
        assert browser.execute_script(in_view, fid) == [True, True], fid
    # and a click on a box goes back to its fact in the text
    box = browser.find_elements("css selector", f'#pages a.box[data-f="{targets[3].get_attribute("data-f")}"]')[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.click()
    assert browser.execute_script(
        "var m = document.getElementById(arguments[0]), r = m.getBoundingClientRect();"
        "return m.classList.contains('pinned') && r.top >= 0 && r.bottom <= window.innerHeight;",
        targets[3].get_attribute("data-f"))
    # a target read from a table cell: its row in the targets table brings its box into view
    link = browser.find_elements("css selector", "#targets a.go[href^='#box-cell']")[-1]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    assert browser.execute_script(in_view, link.get_attribute("data-f")) == [True, True]
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]  # no CSP violation, no error
