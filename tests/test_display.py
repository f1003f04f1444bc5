"""Check feedback: code spans in a notebook, plain text in a terminal."""
from embedlib.course import display
from embedlib.course.display import Message, say


def test_backticks_become_code_and_nothing_else_is_read_as_html():
    html = Message("Expected `pairs` to have 6 items; got `<b>4</b>` for window=1 & min_count=2")._repr_html_()
    assert "<code>pairs</code>" in html and "<code>&lt;b&gt;4&lt;/b&gt;</code>" in html
    assert "&amp; min_count" in html and "`" not in html


def test_the_plain_view_is_the_message_itself():
    message = Message("❌ Incorrect: `f` raised ValueError")
    assert repr(message) == str(message) == "❌ Incorrect: `f` raised ValueError"


def test_say_prints_outside_a_notebook(capsys):
    say("✅ Correct: `f`: all 3 test cases pass.")
    assert capsys.readouterr().out == "✅ Correct: `f`: all 3 test cases pass.\n"


def test_say_displays_html_in_a_notebook(monkeypatch):
    shown = []
    monkeypatch.setattr(display, "_in_a_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", shown.append)
    say("⏸️ Not attempted: `f` still raises NotImplementedError.")
    (message,) = shown
    assert isinstance(message, Message) and "<code>f</code>" in message._repr_html_()
