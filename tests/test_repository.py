"""The course's address is written once, in _config.yml; everything else derives from it."""
import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

import embedlib
from embedlib.course.release import ReleaseError, release, repository

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ("notebooks/",)  # written by `release` from _config.yml, checked for drift by test_release


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        return [p for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: every file but the build outputs
        skip = {".git", ".venv", "_build", ".pytest_cache", "__pycache__", ".bench-venv"}
        return [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
                if p.is_file() and not skip.intersection(p.relative_to(ROOT).parts)]


def test_the_repository_address_is_written_only_in_the_config():
    slug, _ = repository(ROOT)
    carriers = []
    for path in tracked_files():
        if path == "_config.yml" or path.startswith(GENERATED):
            continue
        try:
            text = (ROOT / path).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if slug in text:
            carriers.append(path)
    assert carriers == [], f"{carriers} carry {slug!r}: derive it from repository.url in _config.yml instead"


def test_the_tag_the_notebooks_pin_is_the_package_version():
    with open(ROOT / "pyproject.toml", "rb") as f:
        assert tomllib.load(f)["project"]["version"] == embedlib.__version__


@pytest.fixture
def course_copy(tmp_path):
    for name in ["solutions", "_config.yml"]:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    return tmp_path


def test_badge_and_pip_line_follow_the_configured_repository_branch_and_version(course_copy):
    config = course_copy / "_config.yml"
    text = config.read_text()
    slug, branch = repository(ROOT)
    config.write_text(text.replace(slug, "someone/fork").replace(f"branch: {branch}", "branch: spring-2027"))
    assert repository(course_copy) == ("someone/fork", "spring-2027")
    release(course_copy)
    nb = json.loads((course_copy / "notebooks" / "01_words" / "03_similarity.ipynb").read_text())
    badge, setup = ("".join(cell["source"]) for cell in nb["cells"][:2])
    assert "colab.research.google.com/github/someone/fork/blob/spring-2027/notebooks/01_words/03_similarity.ipynb" in badge
    assert f'"embedlib[glove] @ git+https://github.com/someone/fork@v{embedlib.__version__}"' in setup


@pytest.mark.parametrize("url", [None, "https://gitlab.com/a/b", "github.com/a/b"])
def test_a_missing_or_non_github_address_is_an_error_that_names_the_setting(course_copy, url):
    config = course_copy / "_config.yml"
    slug, _ = repository(ROOT)
    text = config.read_text().replace(f"https://github.com/{slug}", url or "")
    config.write_text(text)
    with pytest.raises(ReleaseError, match="repository.url must be https://github.com/OWNER/NAME"):
        release(course_copy)
