"""Installing claimflow puts one package into site-packages, `claimflow`: typed, with the built-ins' entry point."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimflow.runtime.checkpoint_dictionary import CURRENT, FOLDER

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    out = tmp_path_factory.mktemp("wheel")
    # setuptools builds in the source tree's build/; leave the checkout as it was.
    leftover = not (ROOT / "build").exists()
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "-q",
                "-w",
                str(out),
                str(ROOT),
            ],
            check=True,
            capture_output=True,
        )
    finally:
        if leftover:
            shutil.rmtree(ROOT / "build", ignore_errors=True)
    (built,) = out.glob("claimflow-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


@pytest.mark.slow
def test_the_wheel_holds_only_the_claimflow_package(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/", 1)[0] for name in wheel.namelist()}
    dist_info = {top for top in tops if top.endswith(".dist-info")}
    assert tops - dist_info == {"claimflow"}
    (info,) = dist_info
    assert wheel.read(f"{info}/top_level.txt").decode().split() == ["claimflow"]


@pytest.mark.slow
def test_the_wheel_carries_every_layer_its_types_and_the_typing_marker(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    modules = (
        "state/schema/document_type.py", "graphs/documents.py", "nodes/review.py", "routing/routers.py",
        "runtime/cli/__init__.py", "doctypes/invoice.py", "prompts/extract.py", "evals/runner.py",
    )  # fmt: skip
    for module in modules:
        assert f"claimflow/{module}" in names, module
    assert "claimflow/py.typed" in names
    (info,) = {name.split("/", 1)[0] for name in names if ".dist-info/" in name}
    entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert "[claimflow.document_types]\nbuiltin = claimflow.doctypes:BUILTIN_TYPES" in entry_points
    assert "claimflow = claimflow.runtime.cli:main" in entry_points


def test_the_installed_package_does_not_expose_generic_top_level_names(tmp_path: Path) -> None:
    probe = "import importlib.util as u; print([n for n in ('state', 'runtime', 'evals', 'graphs') if u.find_spec(n)])"
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert found.stdout.strip() == "[]"


@pytest.mark.slow
def test_the_wheel_carries_the_review_pages_templates_and_static_files(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for template in ("base.html", "signin.html", "queue.html", "review.html", "message.html"):
        assert f"claimflow/runtime/web/templates/{template}" in names, template
    for static in ("review.css", "review.js"):
        assert f"claimflow/runtime/web/static/{static}" in names, static


@pytest.mark.slow
def test_the_wheel_carries_the_checkpoint_dictionaries(wheel: zipfile.ZipFile) -> None:
    # Without them a checkpoint value compressed with one could not be read back.
    names = set(wheel.namelist())
    assert f"claimflow/runtime/checkpoint_dictionaries/{CURRENT}.zdict" in names
    shipped = {path.name for path in FOLDER.glob("*.zdict")}
    assert {name.rsplit("/", 1)[1] for name in names if name.endswith(".zdict")} == shipped
