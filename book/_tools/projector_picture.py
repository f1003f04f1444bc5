"""Make the book's picture of the Embedding Projector (book/01_words/projector.png).

Notebook 1.4 exports the 10,000 most frequent GloVe words for TensorBoard's
Embedding Projector, which the book cannot run. This script exports the same
words, starts TensorBoard on them (on this machine, offline), opens the
Projector in the system's headless Chromium (Selenium, as the book's browser
tests do), searches for *jazz* so that its nearest neighbours light up, and
saves a screenshot. Run it again after changing that export:

    .venv/bin/python book/_tools/projector_picture.py

Needs tensorboard, selenium, and Debian's chromium and chromium-driver.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "01_words" / "projector.png"
WORD = "jazz"
SEARCH_BOX = (1080, 174)  # the search field on the right, in a 1280-pixel-wide window


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def export(folder: Path) -> Path:
    from embedlib import data
    from embedlib.vectors import Embeddings

    glove = data.load_glove()
    top = Embeddings(glove.keys[:10_000], glove.vectors[:10_000])
    return top.to_projector(folder, metadata={"frequency rank": range(1, 10_001)})


def browser(width: int, height: int):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--enable-unsafe-swiftshader",
                "--use-angle=swiftshader", f"--window-size={width},{height}", "--hide-scrollbars"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def click_at(driver, x: int, y: int) -> None:
    """Click at a point of the window: the Projector's inputs sit in shadow roots Selenium cannot reach."""
    from selenium.webdriver.common.action_chains import ActionChains

    actions = ActionChains(driver)
    actions.w3c_actions.pointer_action.move_to_location(x, y)
    actions.w3c_actions.pointer_action.click()
    actions.perform()


def main() -> int:
    from selenium.webdriver.common.action_chains import ActionChains

    with tempfile.TemporaryDirectory() as tmp:
        folder = export(Path(tmp) / "glove_projector")
        port = free_port()
        board = subprocess.Popen([sys.executable, "-m", "tensorboard.main", "--logdir", str(folder), "--port", str(port),
                                  "--host", "127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        driver = browser(1280, 800)
        try:
            for _ in range(60):  # wait for TensorBoard to answer
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(1)
            driver.get(f"http://127.0.0.1:{port}/#projector")
            time.sleep(25)  # loading 10,000 vectors and their PCA
            click_at(driver, *SEARCH_BOX)
            ActionChains(driver).send_keys(WORD).perform()
            time.sleep(4)  # the neighbours light up and are listed
            driver.save_screenshot(str(OUT))
        finally:
            driver.quit()
            board.terminate()
    from PIL import Image

    # 128 colours are plenty for a screenshot of flat colours: a third of the size
    Image.open(OUT).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(OUT, optimize=True)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e3:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
