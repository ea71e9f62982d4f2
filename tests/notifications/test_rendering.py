"""Pure rules: placeholder checking and filling, backoff and how SMTP answers are read."""

from __future__ import annotations

import smtplib
from datetime import date, timedelta

import pytest

from app.notifications.defaults import DEFAULTS, LOCALES, PLACEHOLDERS
from app.notifications.delivery import HeaderInjection, backoff, classify
from app.notifications.rendering import (
    TemplateError,
    check_template,
    format_day,
    placeholders,
    plain_values,
    render_html,
    render_subject,
    render_text,
)


@pytest.mark.parametrize("key", list(PLACEHOLDERS))
@pytest.mark.parametrize("locale", LOCALES)
def test_every_default_template_uses_only_its_own_placeholders(key, locale):
    subject, body = DEFAULTS[key][locale]
    check_template(subject, PLACEHOLDERS[key], single_line=True)
    check_template(body, PLACEHOLDERS[key])
    assert "link" in placeholders(body) and "recipient_name" in placeholders(body)


def test_every_template_key_of_the_contract_has_both_languages():
    assert set(DEFAULTS) == set(PLACEHOLDERS) == {
        "invitation", "reminder", "reminder_overdue", "escalation", "weekly_digest",
        "returned", "approved", "decided", "document_ready", "sign_in_held",
        "account_invitation", "password_reset"}
    assert all(set(DEFAULTS[key]) == {"nb", "en"} for key in DEFAULTS)


@pytest.mark.parametrize("text, code, names", [
    ("{arena} og {ukjent}", "unknown", ["ukjent"]),
    ("{arena", "malformed", []),
    ("arena}", "malformed", []),
    ("{arena.name}", "complex", ["{arena.name}"]),
    ("{arena[0]}", "complex", ["{arena[0]}"]),
    ("{arena:>20}", "complex", ["{arena}"]),
    ("{}", "complex", ["{}"]),
])
def test_bad_templates_are_refused_with_a_reason(text, code, names):
    with pytest.raises(TemplateError) as caught:
        check_template(text, ("arena",))
    assert (caught.value.code, caught.value.names) == (code, names)


def test_a_subject_template_must_be_one_line():
    with pytest.raises(TemplateError) as caught:
        check_template("Hei\n{arena}", ("arena",), single_line=True)
    assert caught.value.code == "line_break"
    check_template("Hei\n{arena}", ("arena",))  # fine in a body


def test_filling_in_text_subject_and_html():
    values = plain_values({"arena": "A & <B>", "list": ["- en", "- to"], "n": -3, "x": None,
                           "link": "https://e.example/?a=1&b=2"})
    assert values == {"arena": "A & <B>", "list": "- en\n- to", "n": "-3", "x": "",
                      "link": "https://e.example/?a=1&b=2"}
    assert render_text("{arena}: {list} ({n}) {{ok}}", values) == "A & <B>: - en\n- to (-3) {ok}"
    assert render_subject("Om {list}\t{arena}", values) == "Om - en - to A & <B>"
    html = render_html("Hei <i>{arena}</i>\n{list}\n\n{link}", values)
    assert html == ("<p>Hei &lt;i&gt;A &amp; &lt;B&gt;&lt;/i&gt;<br>\n- en<br>\n- to</p>\n"
                    '<p><a href="https://e.example/?a=1&amp;b=2">'
                    "https://e.example/?a=1&amp;b=2</a></p>")


def test_a_link_value_that_is_not_http_is_just_text():
    html = render_html("{link}", {"link": 'javascript:alert("x")'})
    assert "<a" not in html and "javascript:alert(&#34;x&#34;)" in html


def test_a_missing_value_is_an_error_not_an_empty_hole():
    with pytest.raises(TemplateError) as caught:
        render_text("{arena} {comment}", {"arena": "A"})
    assert caught.value.names == ["comment"]


def test_dates_in_the_recipients_language():
    assert format_day(date(2026, 5, 17), "nb") == "17. mai 2026"
    assert format_day(date(2026, 5, 17), "en") == "May 17, 2026"
    assert format_day(None, "nb") == ""


def test_backoff_doubles_from_one_minute_up_to_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 4, 5, 6, 7, 40)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)]


@pytest.mark.parametrize("error, temporary, text", [
    (smtplib.SMTPDataError(451, b"4.3.0 try later"), True, "451 4.3.0 try later"),
    (smtplib.SMTPDataError(550, b"5.1.1 no such user"), False, "550 5.1.1 no such user"),
    (smtplib.SMTPRecipientsRefused({"a@x": (450, b"busy")}), True, "450 busy"),
    (smtplib.SMTPRecipientsRefused({"a@x": (550, b"unknown")}), False, "550 unknown"),
    (smtplib.SMTPServerDisconnected("gone"), True, "SMTPServerDisconnected: gone"),
    (ConnectionRefusedError(111, "refused"), True, "ConnectionRefusedError: [Errno 111] refused"),
    (TimeoutError("timed out"), True, "TimeoutError: timed out"),
    (HeaderInjection("line break in name"), False, "HeaderInjection: line break in name"),
])
def test_smtp_answers_are_read_as_temporary_or_permanent(error, temporary, text):
    assert classify(error) == (temporary, text)
