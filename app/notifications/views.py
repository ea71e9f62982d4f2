"""Mail pages for the council office: the log, re-sending, and editing the templates."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.extensions import db
from app.labels import MAIL_KIND_LABELS
from app.main import safe_next
from app.models import Assessment, MessageStatus, OutboxMessage, User
from app.notifications import queries
from app.notifications.defaults import (
    DEFAULTS,
    LOCALE_NAMES,
    LOCALES,
    ONE_TIME_LINK_TEMPLATES,
    PLACEHOLDER_HINTS,
    PLACEHOLDERS,
    TEMPLATE_TITLES,
)
from app.notifications.delivery import backlog
from app.notifications.forms import MailLogFilterForm, MailTemplateForm
from app.notifications.operations import resend_message, save_mail_template
from app.notifications.outbox import template_texts
from app.notifications.preview import preview_template
from app.templating import org_label
from workflows.roles import Role

bp = Blueprint("notifications", __name__, url_prefix="/mail")

STATUS_LABELS = {
    MessageStatus.QUEUED: _l("I kø"),
    MessageStatus.SENDING: _l("Sendes nå"),
    MessageStatus.SENT: _l("Sendt"),
    MessageStatus.FAILED: _l("Feilet"),
    MessageStatus.CONSOLE: _l("Skrevet til loggen"),
    MessageStatus.DROPPED: _l("Ikke sendt"),
}
STATUS_COLOURS = {
    MessageStatus.QUEUED: "info", MessageStatus.SENDING: "info",
    MessageStatus.SENT: "success", MessageStatus.FAILED: "danger",
    MessageStatus.CONSOLE: "neutral", MessageStatus.DROPPED: "neutral",
}


def require_office() -> None:
    """403 unless the current user works in the council office."""
    if not current_user.has_role(Role.COUNCIL_OFFICE):
        abort(403)


def kind_label(kind: str) -> str:
    """A readable name for a message kind: the scheduler's own kinds, else the template's
    title; an unknown kind gets a general word, never the stored key."""
    who = {"head": org_label("head_label").lower(),
           "office": org_label("council_office_label").lower()}
    if kind in MAIL_KIND_LABELS:
        return str(MAIL_KIND_LABELS[kind]) % who
    return str(TEMPLATE_TITLES.get(kind, _l("Annen e-post")))


def page_url(number: int | None) -> str | None:
    """This page of the log with the same filters, at page `number`."""
    if number is None:
        return None
    args = {**request.args.to_dict(), "page": number}
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def render_log(heading: str, wanted: queries.LogFilter, form=None, status: int = 200):
    """The log page for `wanted`, one page at a time."""
    messages = queries.message_log(wanted, request.args.get("page", 1, type=int))
    return render_template(
        "notifications/log.html", heading=heading, messages=messages, form=form,
        status_labels=STATUS_LABELS, status_colours=STATUS_COLOURS, kind_label=kind_label,
        backlog=backlog(), give_up_label=give_up_label(), one_time_kinds=ONE_TIME_LINK_TEMPLATES,
        prev_url=page_url(messages.prev_num), next_url=page_url(messages.next_num),
    ), status


def give_up_label() -> str:
    """MAIL_GIVE_UP_AFTER_HOURS in words: "7 dager", or hours when it is not whole days."""
    hours = int(current_app.config.get("MAIL_GIVE_UP_AFTER_HOURS", 7 * 24))
    if hours % 24 == 0:
        return ngettext("%(num)s dag", "%(num)s dager", hours // 24)
    return ngettext("%(num)s time", "%(num)s timer", hours)


def filter_form() -> MailLogFilterForm:
    """The log's filter form, read from the query string."""
    form = MailLogFilterForm(formdata=request.args)
    form.set_choices(
        [(s.value, STATUS_LABELS[s]) for s in MessageStatus],
        [(k, kind_label(k)) for k in queries.kinds_in_log()],
        [(u.id, f"{u.name} ({u.email})") for u in queries.people()],
        [(a.id, f"{a.arena.name} ({a.cycle.year})") for a in queries.assessments_for_filter()],
    )
    return form


@bp.get("/")
@login_required
def log():
    """Every message, newest first, narrowed by status, kind, person or assessment."""
    require_office()
    form = filter_form()
    if not form.validate():
        return render_log(_("E-postlogg"), queries.LogFilter(), form, status=400)
    wanted = queries.LogFilter(
        status=form.status.data or None, kind=form.kind.data or None,
        user_id=int(form.person.data) if form.person.data else None,
        assessment_id=int(form.assessment.data) if form.assessment.data else None,
    )
    return render_log(_("E-postlogg"), wanted, form)


@bp.get("/assessment/<int:assessment_id>")
@login_required
def assessment_log(assessment_id: int):
    """The mail about one assessment."""
    require_office()
    assessment = db.session.get(Assessment, assessment_id) or abort(404)
    heading = _("E-post om %(arena)s (%(year)s)", arena=assessment.arena.name,
                year=assessment.cycle.year)
    return render_log(heading, queries.LogFilter(assessment_id=assessment.id))


@bp.get("/user/<int:user_id>")
@login_required
def user_log(user_id: int):
    """The mail to one person."""
    require_office()
    user = db.session.get(User, user_id) or abort(404)
    return render_log(_("E-post til %(name)s", name=user.name), queries.LogFilter(user_id=user.id))


@bp.post("/<int:message_id>/resend")
@login_required
def resend(message_id: int):
    """Queue a copy of one message; the deliverer sends it on its next pass."""
    require_office()
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if message.kind in ONE_TIME_LINK_TEMPLATES:  # its link is gone: a copy would carry none
        flash(_("En engangslenke sendes ikke på nytt. Send en ny invitasjon fra brukerens side, "
                "eller be personen bruke «Glemt passord?»."), "error")
        return redirect(safe_next(request.form.get("next"), url_for(".log")), 303)
    resend_message(current_user, message)
    db.session.commit()
    flash(_("En ny kopi av e-posten til %(to)s er lagt i køen.", to=message.to_email), "success")
    return redirect(safe_next(request.form.get("next"), url_for(".log")))


@bp.get("/templates")
@login_required
def templates():
    """Every template in both languages, with whether the office has changed it."""
    require_office()
    return render_template("notifications/templates.html", keys=list(DEFAULTS),
                           locales=LOCALES, locale_names=LOCALE_NAMES,
                           titles=TEMPLATE_TITLES, saved=queries.saved_templates())


def render_edit(form, key: str, locale: str, preview=None, status: int = 200):
    """The edit page of one template, with a preview when one was asked for."""
    return render_template(
        "notifications/edit_template.html", form=form, key=key, locale=locale,
        title=TEMPLATE_TITLES[key], language=LOCALE_NAMES[locale], preview=preview,
        placeholders=[(name, PLACEHOLDER_HINTS[name]) for name in PLACEHOLDERS[key]],
    ), status


@bp.route("/templates/<template_key>/<locale>", methods=["GET", "POST"])
@login_required
def edit_template(template_key: str, locale: str):
    """Change a template's subject and body; "Forhåndsvis" shows it on real data unsaved."""
    require_office()
    key = template_key
    if key not in DEFAULTS or locale not in LOCALES:
        abort(404)
    subject, body = template_texts(key, locale)
    form = MailTemplateForm(data={"subject": subject, "body": body},
                            placeholders=PLACEHOLDERS[key], key=key)
    if not form.validate_on_submit():
        return render_edit(form, key, locale, status=400 if form.errors else 200)
    if request.form.get("action") == "preview":
        preview = preview_template(key, locale, form.subject.data, form.body.data)
        return render_edit(form, key, locale, preview=preview)
    if save_mail_template(current_user, key, locale, form.subject.data, form.body.data):
        db.session.commit()
        flash(_("Malen er lagret."), "success")
    else:
        flash(_("Ingen endringer å lagre."), "info")
    return redirect(url_for(".templates"))
