"""The built book in a real browser: the system's Chromium, driven by Selenium.

`make test` builds the book first (`make book`, into _build/html) and these
tests read that build, served from 127.0.0.1. Chromium runs with every host
name unresolvable, so anything the book would fetch from a CDN fails loudly.
Chromium and its driver come from Debian (`apt-get install chromium
chromium-driver`); Selenium is told where they are and never downloads a
browser. Without them, or without a built book, the tests skip and say why;
on CI (CI set) they fail instead, so CI cannot pass without running them.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import sys
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT / "book" / "_ext"))

pytestmark = pytest.mark.browser
PHONE = (390, 844)  # CSS pixels of a common phone


def need(ok, why: str) -> None:
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(f"{why} (CI must run the browser tests)")
        pytest.skip(why)


def pages() -> list[str]:
    """Every page of the build, as paths relative to its root."""
    skip = {"_static", "_sources", "_downloads", "_images"}
    return sorted(p.relative_to(BUILD).as_posix() for p in BUILD.rglob("*.html")
                  if not skip.intersection(p.relative_to(BUILD).parts))


def notebook_pages() -> list[str]:
    return [p for p in pages() if p.startswith("solutions/")]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/favicon.ico":  # the browser asks on its own; the book has none
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()


@contextlib.contextmanager
def serve(folder: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site():
    need((BUILD / "index.html").exists(), f"the book is not built in {BUILD}: run `make book` (`make test` does)")
    with serve(BUILD) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        need(False, "selenium is not installed: pip install selenium (it is in requirements-lock.txt)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    need(chromium and driver_path, "Chromium is not installed: apt-get install chromium chromium-driver (Debian/Ubuntu)")
    options = Options()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--window-size=1280,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def load(browser, url: str) -> None:
    """Open ``url`` and wait until it has loaded and MathJax has typeset it."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    WebDriverWait(browser, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")
    browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const p = window.MathJax && MathJax.startup && MathJax.startup.promise;
        p ? p.then(() => done(true), () => done(false)) : done(true);""")


def errors(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


# -- every page ---------------------------------------------------------------------------------
def test_every_page_loads_with_no_console_errors_and_nothing_from_elsewhere(browser, site):
    found = {}
    browser.get_log("browser")  # start clean
    for page in pages():
        load(browser, site + page)
        elsewhere = browser.execute_script("""
            const here = location.origin;
            const urls = [...document.querySelectorAll('script[src], link[rel~=stylesheet][href], img[src], iframe[src]')]
                .map(e => e.src || e.href)
                .concat(performance.getEntriesByType('resource').map(e => e.name));
            return [...new Set(urls)].filter(u => u && !u.startsWith(here) && !u.startsWith('data:'));""")
        problems = errors(browser) + [f"loads {url}" for url in elsewhere]
        if problems:
            found[page] = problems
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


def test_math_is_rendered_offline(browser, site):
    with_math = [p for p in pages() if 'class="math' in (BUILD / p).read_text(encoding="utf-8")]
    assert len(with_math) >= 5, "the course has math on many pages; the build seems to have lost it"
    raw = {}
    for page in with_math:
        load(browser, site + page)
        left = browser.execute_script("""
            const math = [...document.querySelectorAll('.math')];
            return {total: math.length,
                    raw: math.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60))};""")
        assert left["total"] > 0
        if left["raw"]:
            raw[page] = left["raw"]
    assert raw == {}, f"math left as TeX: {raw}"


# -- notebook pages -----------------------------------------------------------------------------
def solution_lines(nb_id: str) -> list[str]:
    """The first code line of each solution block of a master notebook."""
    from embedlib.course.release import BEGIN, END

    nb = json.loads((ROOT / "solutions" / f"{nb_id}.ipynb").read_text(encoding="utf-8"))
    firsts = []
    for cell in nb["cells"]:
        lines = "".join(cell["source"]).splitlines()
        for i, line in enumerate(lines):
            if line.strip() == BEGIN:
                body = [s for s in lines[i + 1:] if s.strip() and not s.strip().startswith("#")]
                if body and body[0].strip() != END:
                    firsts.append(body[0].strip())
    return firsts


def click(browser, element) -> None:
    """Click as a reader would, once the element is still in the middle of the window."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def test_solutions_stay_hidden_until_clicked(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    checked = 0
    for page in notebook_pages():
        load(browser, site + page)
        text = browser.find_element(By.TAG_NAME, "body").get_attribute("textContent")
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text, page
        for line in solution_lines(page.removeprefix("solutions/").removesuffix(".html")):
            blocks = [pre for pre in browser.find_elements(By.CSS_SELECTOR, "div.cell_input pre")
                      if line in pre.get_attribute("textContent")]
            assert blocks, f"{page}: no code block holds the solution line {line!r}"
            pre = blocks[0]
            assert not pre.is_displayed(), f"{page}: the solution starting {line!r} is shown before a click"
            summary = pre.find_element(By.XPATH, "ancestor::details[1]/summary")
            click(browser, summary)
            WebDriverWait(browser, 5).until(lambda d: pre.is_displayed(),
                                            f"{page}: clicking the bar does not show the solution starting {line!r}")
            checked += 1
    assert checked >= 15  # about 25 exercises in the course


def test_check_messages_show_names_in_code_font_not_backticks(browser, site):
    from selenium.webdriver.common.by import By

    seen = 0
    for page in notebook_pages():
        load(browser, site + page)
        for output in browser.find_elements(By.CSS_SELECTOR, "div.cell_output"):
            text = output.get_attribute("textContent")
            if any(mark in text for mark in ("✅ Correct", "❌ Incorrect", "📝 Recorded")):
                assert "`" not in text, f"{page}: a check message shows its backticks: {text.strip()[:120]!r}"
                assert output.find_elements(By.TAG_NAME, "code"), f"{page}: no code font in {text.strip()[:120]!r}"
                seen += 1
    assert seen >= 30  # every exercise's check cell, and the written answers


def test_the_exercise_solution_on_the_exercises_page_opens_on_click(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    load(browser, site + "book/exercises.html")
    solution = browser.find_element(By.CSS_SELECTOR, ".solution.dropdown")
    body = solution.find_element(By.CSS_SELECTOR, ".admonition-title ~ *")
    assert not body.is_displayed()
    click(browser, solution.find_element(By.CSS_SELECTOR, ".admonition-title"))
    WebDriverWait(browser, 10).until(lambda d: body.is_displayed(), "the solution does not open on a click")


def test_launch_and_download_links_open_the_student_notebook(browser, site):
    from selenium.webdriver.common.by import By

    for page in notebook_pages():
        nb_id = page.removeprefix("solutions/").removesuffix(".html")
        load(browser, site + page)
        links = {a.get_attribute("href") for a in browser.find_elements(
            By.CSS_SELECTOR, ".dropdown-launch-buttons a, .dropdown-download-buttons a, .admonition.tip a")}
        notebook_links = {u for u in links if u and ".ipynb" in u}
        assert not [u for u in notebook_links if "solutions/" in u], f"{page} links a solved notebook"
        colab = [u for u in notebook_links if "colab.research.google.com" in u]
        binder = [u for u in notebook_links if "mybinder.org" in u]
        downloads = {u for u in notebook_links if u.startswith(site)}
        assert colab and all(u.endswith(f"/notebooks/{nb_id}.ipynb") for u in colab), page
        assert binder and all(u.endswith(f"notebooks/{nb_id}.ipynb") for u in binder), page
        assert len(downloads) == 1, f"{page}: the note and the download button should offer one file: {downloads}"
        with urllib.request.urlopen(downloads.pop()) as response:
            student = json.load(response)
        assert student["metadata"]["embedlib"]["notebook_id"] == nb_id
        assert '"google.colab" in sys.modules' in "".join(student["cells"][1]["source"])  # the set-up cell


# -- interactive maps ---------------------------------------------------------------------------
POINTS = [[0.0, 0.0], [1.0, 1.0], [2.0, 0.2], [3.0, 1.5]]
LABELS = ["cat", "dog", "car", "bicycle"]


@pytest.fixture(scope="module")
def map_site(tmp_path_factory, site):
    """A page drawing an interactive_map exactly as the book draws a stored figure, with the book's plotly.js."""
    plotly_io = pytest.importorskip("plotly.io")
    import book_notebooks
    from embedlib.plot import interactive_map

    folder = tmp_path_factory.mktemp("map")
    served = BUILD / "_static" / "plotly.min.js"
    assert served.exists(), "the book does not serve plotly.js from _static/"
    shutil.copy(served, folder / "plotly.min.js")
    fig = interactive_map(POINTS, LABELS, groups=["animal", "animal", "vehicle", "vehicle"], title="A map")
    stored = json.loads(plotly_io.to_json(fig))  # what a notebook stores (application/vnd.plotly.v1+json)
    body = book_notebooks.plotly_html(stored, "map")
    (folder / "map.html").write_text(f'<!doctype html><html><head><meta charset="utf-8">'
                                     f'<script src="plotly.min.js"></script></head><body>{body}</body></html>',
                                     encoding="utf-8")
    with serve(folder) as url:
        yield url + "map.html"


def point_on_screen(browser, div_id: str, x: float, y: float) -> tuple[float, float]:
    return browser.execute_script("""
        const gd = document.getElementById(arguments[0]);
        gd.scrollIntoView({block: 'center', behavior: 'instant'});
        const box = gd.getBoundingClientRect(), xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        return [box.left + xa._offset + xa.l2p(arguments[1]), box.top + ya._offset + ya.l2p(arguments[2])];""",
                                  div_id, x, y)


def hover(browser, at: tuple[float, float]) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    actions = ActionBuilder(browser)
    actions.pointer_action.move_to_location(int(at[0]) + 1, int(at[1]))
    actions.pointer_action.move_to_location(int(at[0]), int(at[1]))
    actions.perform()
    ActionChains(browser).pause(0.2).perform()


def hover_text(browser) -> str:
    return browser.execute_script(
        "return [...document.querySelectorAll('.hoverlayer .hovertext')].map(e => e.textContent).join(' | ')")


def test_an_interactive_map_shows_the_label_of_the_point_under_the_pointer(browser, map_site):
    from selenium.webdriver.support.ui import WebDriverWait

    load(browser, map_site)
    assert errors(browser) == []
    for (x, y), label in zip(POINTS, LABELS):
        hover(browser, point_on_screen(browser, "map", x, y))
        WebDriverWait(browser, 10).until(lambda d: label in hover_text(d), f"no hover label {label!r}")


def test_the_search_menu_finds_a_label_and_zooms_to_it(browser, map_site):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    load(browser, map_site)
    before = browser.execute_script("return document.getElementById('map')._fullLayout.xaxis.range.slice()")
    ActionChains(browser).click(browser.find_element(By.CSS_SELECTOR, ".updatemenu-header")).perform()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".updatemenu-dropdown-button"))
    button = next(b for b in browser.find_elements(By.CSS_SELECTOR, ".updatemenu-dropdown-button")
                  if b.get_attribute("textContent").strip() == "car")
    ActionChains(browser).click(button).perform()
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(
        "const gd = document.getElementById('map'); const t = gd.data[gd.data.length - 1];"
        "return t.x.length === 1 && t.x[0] === 2"))
    after = browser.execute_script("return document.getElementById('map')._fullLayout.xaxis.range.slice()")
    assert after[1] - after[0] < before[1] - before[0] and after[0] < 2.0 < after[1]


def test_every_map_in_the_book_answers_hover(browser, site):
    """Pages whose notebooks show an interactive_map: hovering its first point shows a label."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with_maps = [p for p in notebook_pages() if "plotly-graph-div" in (BUILD / p).read_text(encoding="utf-8")]
    if not with_maps:
        pytest.skip("no page of the book has an interactive map yet (the map page above stands in)")
    for page in with_maps:
        load(browser, site + page)
        for div in browser.find_elements(By.CSS_SELECTOR, ".plotly-graph-div"):
            div_id = div.get_attribute("id")
            x, y = browser.execute_script(
                "const t = document.getElementById(arguments[0])._fullData.find(t => t.x && t.x.length);"
                "return [t.x[0], t.y[0]];", div_id)
            hover(browser, point_on_screen(browser, div_id, x, y))
            WebDriverWait(browser, 10).until(lambda d: hover_text(d).strip(), f"{page}: {div_id} shows no label")


# -- phones -------------------------------------------------------------------------------------
CLIPPED = """
    const width = document.documentElement.clientWidth, out = [];
    const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
    for (const el of document.querySelectorAll('.bd-content table, .bd-content pre, .bd-content .plotly-graph-div')) {
        if (!el.offsetParent) continue;                       // folded away (a hidden solution)
        let box = el;
        while (box && !scrolls(box) && box !== document.body) box = box.parentElement;
        const r = (box && box !== document.body ? box : el).getBoundingClientRect();
        const what = el.tagName.toLowerCase() + ': ' + el.textContent.trim().slice(0, 40);
        if (box === document.body || !box) {
            if (el.getBoundingClientRect().right > width + 1) out.push(what + ' runs off the screen');
        } else if (r.right > width + 1) {
            out.push(what + ' scrolls, but its box runs off the screen');
        }
    }
    if (document.documentElement.scrollWidth > width + 1) out.push('the page is wider than the screen');
    return out;"""


def test_at_phone_width_no_table_or_code_block_is_clipped_without_a_scroll_bar(browser, site):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 2, "mobile": True})
    try:
        clipped = {}
        for page in pages():
            load(browser, site + page)
            problems = browser.execute_script(CLIPPED)
            if problems:
                clipped[page] = problems
        assert clipped == {}, json.dumps(clipped, indent=1, ensure_ascii=False)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
