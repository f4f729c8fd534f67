"""Imports point down (../shared/STYLE.md, habit 15): accounts and facts at the bottom; cards; study and quiz;
exports and api on top. Read from the source with `ast`, so an import hidden inside a function counts too."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "studyapp"
LAYERS = {"accounts": 0, "facts": 0, "cards": 1, "study": 2, "quiz": 2, "exports": 3, "api": 3, "authoring": 3}
# Above every app: orchestration across apps, and the project's wiring. No app imports them, except that a
# management command (an entry point, like a URL conf) may call the orchestration in studyapp/content.py.
TOP = {"content", "urls", "views", "settings", "wsgi", "asgi"}
COMMAND_MAY_IMPORT = {"content"}
# Known exceptions: none left (issue 18's last ones, in accounts and api/quiz.py, were fixed). Kept as empty
# sets so a deliberate exception is one line here, named and reviewed, never an accident.
KNOWN_UPWARD: set[tuple[str, str]] = set()
KNOWN_HIDDEN: set[tuple[str, str]] = set()


def modules():
    """(path relative to the repository, its app or None for a project module, parsed tree) for every module."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "migrations" in parts:
            continue
        app = parts[0] if len(parts) > 1 else None
        yield path.relative_to(PACKAGE.parent).as_posix(), app, ast.parse(path.read_text(encoding="utf-8"))


def imported(tree):
    """(module name, whether the import is inside a function) for every import of ours in a tree."""
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((alias.name, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.append((child.module, in_function))
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(tree, False)
    return [(name, hidden) for name, hidden in found if name == "studyapp" or name.startswith("studyapp.")]


def target(name):
    """"studyapp.cards.models" -> "cards"; "studyapp.decks" -> "decks"."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def violations():
    """(module, what it imports) for every import that points up; and every import of another app hidden in a
    function."""
    upward, hidden = set(), set()
    for path, app, tree in modules():
        command = "/management/commands/" in path
        for name, in_function in imported(tree):
            to = target(name)
            if app is None:  # a project module
                if path.removeprefix("studyapp/").removesuffix(".py") not in TOP and to in LAYERS:
                    upward.add((path, name))  # the shared bottom modules (decks, refs, text, ...) import no app
                continue
            if to in TOP and not (command and to in COMMAND_MAY_IMPORT):
                upward.add((path, name))
            elif to in LAYERS and LAYERS[to] > LAYERS[app]:
                upward.add((path, name))
            if in_function and to in LAYERS and to != app:
                hidden.add((path, name))
    return upward, hidden


def test_every_app_is_in_a_layer():
    apps = {path.parent.name for path in PACKAGE.glob("*/apps.py")}
    assert apps == set(LAYERS)


def test_no_app_imports_an_app_above_it():
    upward, _ = violations()
    assert upward == KNOWN_UPWARD


def test_no_import_between_apps_hides_in_a_function():
    _, hidden = violations()
    assert hidden == KNOWN_HIDDEN


@pytest.mark.parametrize(("source", "upward", "hidden"), [
    ("from studyapp.study.models import ReviewState\n", {"studyapp.study.models"}, set()),
    ("def f():\n    from studyapp.quiz import building\n", {"studyapp.quiz"}, {"studyapp.quiz"}),
    ("import studyapp.exports.anki\n", {"studyapp.exports.anki"}, set()),
    ("from studyapp.content import load_facts\n", {"studyapp.content"}, set()),
    ("from studyapp.decks import DECKS\nfrom studyapp.facts.models import Person\n", set(), set()),
])
def test_the_check_sees_an_upward_import_in_facts(tmp_path, monkeypatch, source, upward, hidden):
    """The check itself: a module written into a copy of `facts` is caught exactly when it should be."""
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "studyapp")
    (tmp_path / "studyapp" / "facts").mkdir(parents=True)
    (tmp_path / "studyapp" / "facts" / "probe.py").write_text(source, encoding="utf-8")
    found_upward, found_hidden = violations()
    assert {name for _, name in found_upward} == upward
    assert {name for _, name in found_hidden} == hidden
