"""Feedback that reads well in a notebook and in a terminal.

Check messages mark names and values with backticks, as markdown does:
"Expected `pairs` to have 6 items; got 4". Printed, the backticks show as
they are. :func:`say` shows a message in a notebook (Jupyter, Colab, the
book) as HTML with those spans in code font, and prints it as plain text
anywhere else (a terminal, the grader's logs, doctests).
"""
from __future__ import annotations

import html
import re
import sys

__all__ = ["Message", "say"]

_CODE = re.compile(r"`([^`\n]+)`")


class Message(str):
    """A message as text (``str``), with an HTML view for notebooks.

    >>> Message("Expected `pairs` to have 6 items")._repr_html_()
    '<div style="white-space: pre-wrap">Expected <code>pairs</code> to have 6 items</div>'
    >>> print(Message("a < b in `x<y`"))
    a < b in `x<y`
    """

    def _repr_html_(self) -> str:
        # escape first, so nothing in a message (a learner's value, a <tag>) is read as HTML
        body = _CODE.sub(r"<code>\1</code>", html.escape(str(self)))
        return f'<div style="white-space: pre-wrap">{body}</div>'

    def __repr__(self) -> str:  # the text/plain view: the message itself, not a quoted string
        return str(self)


def _in_a_notebook() -> bool:
    """Is this a Jupyter kernel (Colab's shell is one too)? Imports nothing that is not loaded."""
    if "ipykernel" not in sys.modules:
        return False
    from IPython import get_ipython
    from ipykernel.zmqshell import ZMQInteractiveShell

    return isinstance(get_ipython(), ZMQInteractiveShell)


def say(text: object) -> None:
    """Show ``text`` (see the module docstring): HTML in a notebook, ``print`` elsewhere."""
    message = Message(str(text))
    if _in_a_notebook():
        from IPython.display import display

        display(message)
    else:
        print(message)
