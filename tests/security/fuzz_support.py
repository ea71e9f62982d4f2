"""The form fuzzer's tools: read a page's POST forms as a browser sees them, and generate posts.

A post starts from the form as a person fills it in (the page's own values, blank text
filled, a required choice made) and then changes one field, which gets past validation into
the operations, or every field, which tries the validators themselves. A changed field is
left out, sent once or sent several times, with a value the page offers, one nearly like it
(a control character or a digit put before or after), a blank, or anything at all.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html.parser import HTMLParser

from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

FILLED = {"date": "2026-03-02", "number": "1", "email": "fuzz@test.example",
          "password": "Fuzz-passord-2026", "url": "https://fuzz.example/"}
FILLED_FILE = (b"navn,parti,sete\nNy Person,Parti A,1\n", "medlemmer.csv")
BUTTON_TYPES = {"submit", "image"}
CHECKABLE_TYPES = {"checkbox", "radio"}
CHOICE_KINDS = {"checkbox", "radio", "select", "hidden", *BUTTON_TYPES}


@dataclass
class FieldSpec:
    """One named control of a form: its kind, the values the page offers and sends unchanged."""

    name: str
    kind: str  # an <input> type, "textarea", "select" or "file"
    offered: list[str] = field(default_factory=list)
    sent: list = field(default_factory=list)  # files: (content, file name)
    required: bool = False

    def filled(self) -> list:
        """What a person filling in the form sends: the page's values, with blank text filled
        in, a box ticked in a group of checkboxes, and a required choice made."""
        if self.kind == "file":
            return list(self.sent) or [FILLED_FILE]
        if self.sent and (self.kind in CHOICE_KINDS or any(v.strip() for v in self.sent)):
            return list(self.sent)
        if self.kind == "checkbox" or (self.kind in CHOICE_KINDS and self.required):
            return [v for v in self.offered if v.strip()][:1]
        if self.kind in CHOICE_KINDS:
            return list(self.sent)  # an optional choice left open
        return [FILLED.get(self.kind, "fuzz")]


@dataclass
class FormSpec:
    """A POST form: where it goes and its controls by name (the CSRF token kept apart)."""

    action: str
    multipart: bool = False
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    csrf_token: str | None = None

    def control(self, name: str, kind: str) -> FieldSpec:
        """The control called `name`, made on first sight (radios and checkboxes repeat)."""
        return self.fields.setdefault(name, FieldSpec(name, kind))


class PostFormParser(HTMLParser):
    """Collects every <form method="post"> of a page with its named controls."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[FormSpec] = []
        self.form: FormSpec | None = None
        self.select: tuple[FieldSpec, bool] | None = None  # (control, multiple)
        self.textarea: FieldSpec | None = None
        self.option: dict | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.form = FormSpec(a.get("action") or self.page_url,
                                 "multipart" in a.get("enctype", ""))
            self.forms.append(self.form)
        elif self.form is None or not (a.get("name") or tag == "option"):
            return
        elif tag in ("input", "button"):
            self._input(a, a.get("type", "text" if tag == "input" else "submit").lower())
        elif tag == "textarea":
            self.textarea, self.text = self.form.control(a["name"], "textarea"), []
        elif tag == "select":
            self.select = (self.form.control(a["name"], "select"), "multiple" in a)
            self.select[0].required = "required" in a
        elif tag == "option" and self.select:
            self.option, self.text = a, []

    def _input(self, a: dict, kind: str) -> None:
        name, value = a["name"], a.get("value", "" if kind not in CHECKABLE_TYPES else "on")
        if name == "csrf_token":
            self.form.csrf_token = value
            return
        control = self.form.control(name, kind)
        control.offered.append(value)
        control.required = control.required or "required" in a
        if kind in CHECKABLE_TYPES and "checked" not in a:
            return
        if kind in BUTTON_TYPES and any(f.kind in BUTTON_TYPES and f.sent
                                        for f in self.form.fields.values()):
            return  # a browser sends the one button clicked: the first
        if kind != "file":
            control.sent.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea:
            text = "".join(self.text).replace("\r\n", "\n").removeprefix("\n")  # as a browser
            self.textarea.offered.append(text)
            self.textarea.sent.append(text)
            self.textarea = None
        elif tag == "option" and self.select and self.option is not None:
            self._option(self.option, "".join(self.text).strip())
            self.option = None
        elif tag == "select" and self.select:
            control, multiple = self.select
            if not control.sent and not multiple and control.offered:
                control.sent.append(control.offered[0])  # a browser sends the first option
            self.select = None

    def _option(self, a: dict, text: str) -> None:
        control = self.select[0]
        value = a.get("value", text)
        control.offered.append(value)
        if "selected" in a:
            control.sent.append(value)


def post_forms(html: str, page_url: str) -> list[FormSpec]:
    """Every POST form on a page."""
    parser = PostFormParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms


def merged(forms: list[FormSpec]) -> FormSpec:
    """One spec for several forms posting to one view (a form per button or per row)."""
    spec = FormSpec(forms[0].action, any(f.multipart for f in forms),
                    csrf_token=forms[0].csrf_token)
    for form in forms:
        for control in form.fields.values():
            mine = spec.control(control.name, control.kind)
            mine.offered += [v for v in control.offered if v not in mine.offered]
            mine.sent = mine.sent or list(control.sent)
            mine.required = mine.required or control.required
    return spec


# --------------------------------------------------------------------------- values

HOSTILE = st.sampled_from([
    "", " ", "  ", "\t", "\x00", "a\x00b", "\t\r\n", "0", "²", "¹²", "-1", "-0", "00", "1.5",
    "1,5", "1e3", "1e308", "NaN", "inf", "-inf", "9" * 40, str(2**63), str(-(2**63) - 1),
    "0x1f", "½", "٣", "Ⅻ",
    "2026-02-30", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01", "31.12.2026",
    "2026/03/02", "2026-3-2", "20260302", "2026-03-02T10:00:00+01:00", "-2026-03-02",
    "\u202eabc\u202c", "שלום עולם", "مرحبا", "👍🏽👨‍👩‍👧", "\ufeff", "\u200b", "e\u0301",
    "{", "}", "{}", "{0}", "{name}", "{x.y}", "{x[0]}", "{!r}", "%", "%s", "%(x)s", "%d",
    "{{ config }}", "{% if %}", "{# x", "<script>alert(1)</script>", "'; DROP TABLE users; --",
    "../../etc/passwd", "//evil.example/", "/\r\nX-Evil: 1", "/\\evil", "null", "true", "[]",
])
# At most one of these per post: parsing them is what a post costs.
LONG = st.sampled_from(["x" * 100_000, "ø" * 100_000, "9" * 100_000, "😀\u202e" * 20_000])
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%Y%m%d", "%d %B %Y", "%Y-%m-%dT%H:%M"]
TEXT = st.one_of(
    st.text(max_size=40),
    HOSTILE,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(str),
    st.tuples(st.dates(), st.sampled_from(DATE_FORMATS)).map(lambda d: d[0].strftime(d[1])),
)
# Put before or after a value the page offers: nearly valid input gets furthest. Half of
# them are control characters (header injection; PostgreSQL refuses NUL in text).
AFFIXES = st.one_of(
    st.sampled_from(["\n", "\r\n", "\r", "\x00", "\t", "\x0b", "\x1b", "\u2028"]),
    st.sampled_from(["\u202e", " ", "ø", "😀", "²", "0", "-", "-1", ".5", "e9", "9" * 20, "{",
                     "%", "/", "//", "\\", "'", '"', "<", "&", ";", ","]),
)
# Blank in all its forms: WTForms' Optional() lets whitespace through as a value.
BLANKS = st.sampled_from(["", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\x00"])


@st.composite
def nearly(draw, offered: list[str]) -> str:
    """A value the page offers with something put before or after it."""
    value, affix = draw(st.sampled_from(offered)), draw(AFFIXES)
    return value + affix if draw(st.booleans()) else affix + value


FILENAMES = st.one_of(
    st.sampled_from(["", "liste.csv", "arenaer.xlsx", "a.yaml", "x.exe", "ø æ å.csv", "..csv"]),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30).filter(
        lambda s: '"' not in s and "\\" not in s),
)
CSV_LINES = st.lists(st.lists(st.one_of(TEXT, st.sampled_from(
    ["navn", "parti", "sete", "Parti A", "Ny Person", "1", "68", "-3", ""])), max_size=4),
    max_size=5).map(lambda rows: "\n".join(",".join(r) for r in rows))
NEARLY_CSV = st.tuples(nearly(["Ny Person"]), nearly(["Parti A"]), nearly(["1"])).map(
    lambda cells: ("navn,parti,sete\n" + ",".join(cells) + "\n").encode("utf-8"))
FILE_CONTENTS = st.one_of(
    st.binary(max_size=2000),
    NEARLY_CSV,
    CSV_LINES.map(lambda t: t.encode("utf-8")),
    st.sampled_from([b"", b"\xef\xbb\xbf", b"navn,parti,sete\nNy Person,Parti A,1\n"]),
)
FILES = st.tuples(FILE_CONTENTS, FILENAMES)
EXTRA_NAMES = st.one_of(
    st.text(min_size=1, max_size=20),
    st.sampled_from(["id", "user_id", "next", "action", "state", "is_admin", "roles", "version",
                     "csrf_token", "transition", "cycle_id", "__proto__", "a[]", "a.b"]),
)


@st.composite
def control_values(draw, control: FieldSpec):
    """One value for a control: one the page offers, one nearly like it, a blank, anything."""
    if control.kind == "file":
        return draw(FILES)
    pick = draw(st.integers(0, 3)) if control.offered else draw(st.integers(2, 3))
    if pick == 0:
        return draw(st.sampled_from(control.offered))
    if pick == 1:
        return draw(nearly(control.offered))
    return draw(BLANKS) if pick == 2 else draw(TEXT)


@st.composite
def sent_values(draw, control: FieldSpec) -> list:
    """The control sent once (mostly), left out, or sent several times."""
    how = draw(st.integers(0, 4))
    if how == 0:
        return []
    count = draw(st.integers(2, 4)) if how == 1 else 1
    return [draw(control_values(control)) for _ in range(count)]


@st.composite
def form_posts(draw, form: FormSpec) -> list[tuple[str, object]]:
    """(name, value) pairs for one post of `form`, without its CSRF token: the form filled
    in with one field changed, or every field changed; perhaps one very long value."""
    names = sorted(form.fields)
    changed = set(names)
    if names and draw(st.integers(0, 3)) > 0:  # mostly one field, the rest valid: gets deep
        changed = {draw(st.sampled_from(names))}
    texts = [n for n in names if form.fields[n].kind != "file"]
    long = draw(st.sampled_from(texts)) if texts and draw(st.integers(0, 3)) == 0 else None
    pairs = []
    for name in names:
        control = form.fields[name]
        if name == long:
            values = [draw(LONG)]
        else:
            values = draw(sent_values(control)) if name in changed else control.filled()
        pairs += [(name, value) for value in values]
    if draw(st.integers(0, 3)) == 0:  # now and then fields the form does not have
        pairs += draw(st.lists(st.tuples(EXTRA_NAMES, TEXT), min_size=1, max_size=3))
    return pairs


def post_body(csrf_token: str | None, pairs: list[tuple[str, object]],
              multipart: bool) -> dict:
    """Keyword arguments for the test client's post: the CSRF token first, then the pairs.

    Multipart bodies (forms that upload, or any pair that is a file) are encoded here in
    memory: the test client would spill a large one to a temporary file it never closes.
    """
    items: list[tuple[str, object]] = [("csrf_token", csrf_token)] if csrf_token else []
    files = False
    for name, value in pairs:
        if isinstance(value, tuple):
            content, filename = value
            value, files = FileStorage(io.BytesIO(content), filename=filename), True
        items.append((name, value))
    if not (multipart or files):
        return {"data": MultiDict(items)}
    stream, _length, boundary = stream_encode_multipart(MultiDict(items), use_tempfile=False)
    return {"data": stream.getvalue(), "content_type": f"multipart/form-data; boundary={boundary}"}
