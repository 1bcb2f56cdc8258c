"""Hostile names and texts in the pages planparse generates (issue 22): no script of theirs runs. The
batch index and the compare page are opened in headless Chromium and every link is clicked; a `window`
flag that a planted script would set must stay unset. Plus the static checks that need no browser."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import run_cli

# Probes that run planparse as an attacker or a tired operator would: processes, pools, timeouts, a
# browser. The whole suite runs them; the quick check (-m "not slow") leaves them out.
pytestmark = pytest.mark.slow

PLAN = "{title}\n一、总体要求\n（一）主要目标。到2025年，完成率达到90%以上。\n二、重点任务\n（一）推进工作。（市发展改革委牵头）\n"
# Each name is a way a file name once got into a page as markup or as a link that was not its own.
HOSTILE_NAMES = [
    "javascript:window.pwned=1,{txt:1}.txt",  # href="javascript:…" ran when clicked
    "a#b.txt", "a?b.txt", "a%41b.txt",  # broken links: fragment, query, escape
    "<!--<script>.txt",  # swallowed the page into the head's JSON block
    "x\" onmouseover=\"window.pwned=1.txt", "y' onclick='window.pwned=1.txt",
]
TITLE = "<!--<script>window.pwned=1</script><img src=x onerror=window.pwned=1>实施方案"


def make_inputs(d: Path) -> None:
    d.mkdir()
    for name in HOSTILE_NAMES:
        (d / name).write_text(PLAN.format(title=TITLE), encoding="utf-8")


@pytest.fixture(scope="module")
def batch_report(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pages")
    make_inputs(root / "in")
    r = run_cli(["batch", "in", "-o", "out", "--report", "--workers", "1"], cwd=root)
    assert r.returncode == 0, r.stdout + r.stderr
    return root / "out" / "_report"


def test_index_links_are_percent_encoded_relative_paths(batch_report):
    index = (batch_report / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="([^"]*)"', index)
    assert len(hrefs) == len(HOSTILE_NAMES)
    for h in hrefs:
        assert not re.search(r"[#?:<>\"' ]", h), h
    assert "a%2541b.txt.html" in hrefs and "a%23b.txt.html" in hrefs
    for h in hrefs:  # every link names a page that is there
        from urllib.parse import unquote

        assert (batch_report / unquote(h)).is_file(), h


def test_embedded_json_has_no_markup(batch_report):
    page = (batch_report / "<!--<script>.txt.html").read_text(encoding="utf-8")
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S):
        assert "<" not in block
        json.loads(block)
    assert "Content-Security-Policy" in page


def crafted_pair(tmp_path: Path, clause_id: str = "1") -> tuple[Path, Path]:
    """A parent and a child planparse JSON whose texts, titles and headings carry markup."""
    src = tmp_path / "plan.txt"
    src.write_text(PLAN.format(title="某市实施方案"), encoding="utf-8")
    r = run_cli(["extract", "plan.txt"], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    doc["meta"]["title"] = TITLE
    for c in doc["clauses"]:
        c["text"] = c["text"] + "'><img src=x onerror=window.pwned=1>"
        c["heading"] = "\"><script>window.pwned=1</script>"
    doc["clauses"][0]["id"] = clause_id
    for c in doc["clauses"]:
        if c.get("parent_id") == "1":
            c["parent_id"] = clause_id
    parent, child = tmp_path / "parent.json", tmp_path / "child.json"
    parent.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    child.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return parent, child


@pytest.mark.parametrize("clause_id", ["1' onmouseover='window.pwned=1", "1\" x=\"", "1<b>", "#1"])
def test_compare_refuses_a_crafted_clause_id(tmp_path, clause_id):
    parent, child = crafted_pair(tmp_path, clause_id)
    r = run_cli(["compare", str(parent), str(child), "--format", "html", "-o", "c.html"], cwd=tmp_path)
    assert r.returncode == 3 and "is not a clause id" in r.stderr, r.stderr
    assert not (tmp_path / "c.html").exists()


def test_compare_page_quotes_every_attribute(tmp_path):
    parent, child = crafted_pair(tmp_path)
    r = run_cli(["compare", str(parent), str(child), "--format", "html", "-o", "c.html"], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "<img" not in page and "<script>window" not in page
    assert not re.search(r"=\s*'", page)  # no single-quoted attribute anywhere
    assert "Content-Security-Policy" in page


# --- in a real browser -----------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (extra: browser)")
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromedriver are not installed (Debian: chromium chromium-driver)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1200,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    yield driver
    driver.quit()


def click_every_link(browser, page: Path) -> list[str]:
    """Open `page`, click its links one by one (reopening the page each time); after each click neither
    the page nor the one it led to has the flag. Returns where each click led."""
    browser.get(page.as_uri())
    n = browser.execute_script("return document.querySelectorAll('a').length")
    assert n > 0
    landed = []
    for i in range(n):
        browser.get(page.as_uri())
        assert browser.execute_script("return window.pwned === undefined"), "a script ran on load"
        browser.execute_script("document.querySelectorAll('a')[arguments[0]].scrollIntoView()", i)
        browser.execute_script("document.querySelectorAll('a')[arguments[0]].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))", i)
        browser.execute_script("document.querySelectorAll('a')[arguments[0]].click()", i)
        assert browser.execute_script("return window.pwned === undefined"), f"link {i} ran a script"
        landed.append(browser.current_url)
    return landed


def test_no_script_runs_in_the_batch_index_or_its_pages(browser, batch_report):
    index = batch_report / "index.html"
    landed = click_every_link(browser, index)
    pages = [u for u in landed if u != index.as_uri()]
    assert len(pages) == len(HOSTILE_NAMES)  # every link led to its page (none broken by # ? %)
    for url in pages:
        browser.get(url)
        assert browser.execute_script("return window.pwned === undefined")
        # the page's body is there: a `<!--<script>` in the head's JSON no longer swallows it
        assert browser.execute_script("return document.getElementById('text') !== null && document.body.innerText.length > 50")
        assert browser.execute_script("return Object.keys(JSON.parse(document.getElementById('facts').textContent)).length > 0")


def test_no_script_runs_in_a_compare_page_from_crafted_json(browser, tmp_path):
    parent, child = crafted_pair(tmp_path)
    r = run_cli(["compare", str(parent), str(child), "--format", "html", "-o", "c.html"], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    click_every_link(browser, tmp_path / "c.html")
    # our own script still runs under the policy: a click highlights both ends of a pair
    browser.get((tmp_path / "c.html").as_uri())
    browser.execute_script("document.querySelector('[data-show]').click()")
    assert browser.execute_script("return document.querySelectorAll('.hl').length") >= 1
