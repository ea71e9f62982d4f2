"""Filling in the product's web forms from the test client as a browser would: read the form
on the page (its hidden fields, current values and ticked boxes), change what a person would
change, and send it back. Fields a later version adds keep the values the page gave them."""

from __future__ import annotations

from html.parser import HTMLParser

from flask.testing import FlaskClient


class _FormReader(HTMLParser):
    """The fields of the first form whose action ends with `action` ("": the first form that
    posts to its own page, having no action)."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.done = action, False, False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and not self.inside:
            target = a.get("action", "")
            self.inside = target == "" if self.action == "" else target.endswith(self.action)
            return
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "y")))
            elif kind not in ("submit", "button", "file"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def read_form(html: str, action: str = "") -> dict[str, list[str]]:
    """The form's fields as the browser would send them, each name with its values."""
    reader = _FormReader(action)
    reader.feed(html)
    assert reader.done, f"no form for {action!r} on the page"
    fields: dict[str, list[str]] = {}
    for name, value in reader.fields:
        fields.setdefault(name, []).append(value)
    return fields


def submit(client: FlaskClient, page: str, changes: dict, action: str = "",
           url: str | None = None, expect: int = 302):
    """Open `page`, fill in its form with `changes` (a list value ticks several boxes; None
    unticks), send it to `url` (default: the page) and check the answer's status."""
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    fields = read_form(response.get_data(as_text=True), action)
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = [str(v) for v in value] if isinstance(value, list | tuple) \
                else [str(value)]
    answer = client.post(url or page, data=fields)
    assert answer.status_code == expect, (url or page, answer.status_code,
                                          answer.get_data(as_text=True)[:3000])
    return answer
