"""The checklist on a planned cycle's page: what is missing before it can run well.

Each check says, in the municipality's own words, what is wrong, what fixes it and which page
does. Only a blocking check (the cycle's own opening conditions) stops it from opening; the
rest warn of what would go wrong later: an escalation nobody receives, a sign-off nobody can
give, a council meeting outside every registered council term, a deadline never set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from app.cycles.operations import register_arenas
from app.extensions import db
from app.models import Cycle, Portfolio, User, UserRole
from app.models.council import CouncilTerm
from app.models.organisation import user_portfolios
from app.templating import locale_code, org_label
from workflows.roles import Role


@dataclass(frozen=True)
class Check:
    """One line of the checklist: passed, or what is missing, its fix and the page for it."""

    key: str
    passed: bool
    text: str
    fix: str = ""
    url: str = ""
    blocking: bool = False


def _lower(key: str) -> str:
    return org_label(key).lower()


def portfolios_with(role: Role, portfolio_ids: set[int]) -> set[int]:
    """Which of `portfolio_ids` have an active user holding `role` for them (one query)."""
    rows = db.session.execute(
        sa.select(user_portfolios.c.portfolio_id).distinct()
        .join(User, User.id == user_portfolios.c.user_id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(user_portfolios.c.portfolio_id.in_(portfolio_ids), UserRole.role == role,
               User.is_active_user.is_(True)))
    return {pid for (pid,) in rows}


def _anyone_with(role: Role) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(UserRole).join(User, User.id == UserRole.user_id)
        .where(UserRole.role == role, User.is_active_user.is_(True))) > 0


def _arena_checks(cycle: Cycle) -> list[Check]:
    choose = url_for("cycles.arenas", year=cycle.year)
    active = register_arenas()
    if not cycle.arenas:
        if not active:
            return [Check("arenas", False, _("Gjennomgangen har ingen arenaer."),
                          _("Registrer arenaene i arenaregisteret, og velg dem så for "
                            "gjennomgangen."), url_for("arenas.new"), blocking=True)]
        return [Check("arenas", False, _("Gjennomgangen har ingen arenaer."),
                      _("Velg arenaene gjennomgangen skal vurdere."), choose, blocking=True)]
    checks = [Check("arenas", True, ngettext("Gjennomgangen har %(num)s arena.",
                                             "Gjennomgangen har %(num)s arenaer.",
                                             len(cycle.arenas)))]
    included = {a.id for a in cycle.arenas}
    if left_out := [a for a in active if a.id not in included]:
        checks.append(Check("arenas_left_out", False, _(
            "%(n)s aktive arenaer i registeret er ikke med: %(names)s.", n=len(left_out),
            names=", ".join(a.name for a in left_out)),
            _("Velg dem for gjennomgangen hvis de skal vurderes i år."), choose))
    checks += [Check("arena_portfolio", False,
                     _("Arenaen «%(name)s» har ingen ansvarlig %(portfolio)s.", name=a.name,
                       portfolio=_lower("portfolio_label")),
                     _("Velg hvem som har ansvaret, på arenaens side i registeret."),
                     url_for("arenas.edit", arena_id=a.id), blocking=True)
               for a in cycle.arenas if not a.portfolios]
    return checks


def _per_portfolio(portfolios: dict[int, Portfolio], role: Role, key: str,
                   missing: Callable[[str], str], fix: Callable[[str], str], passed: str,
                   blocking: bool) -> list[Check]:
    """A failed check per portfolio without an active `role` holder, or one passed check."""
    staffed = portfolios_with(role, set(portfolios))
    locale = locale_code()
    failed = [Check(key, False, missing(p.name(locale)), fix(p.name(locale)),
                    url_for("admin.users"), blocking)
              for pid, p in sorted(portfolios.items(), key=lambda i: i[1].code)
              if pid not in staffed]
    return failed or ([Check(key, True, passed)] if portfolios else [])


def _head_missing(cycle: Cycle) -> Callable[[str], str]:
    head = _lower("head_label")
    if cycle.requires_sign_off:
        return lambda name: _("«%(name)s» har ingen %(head)s: ingen kan godkjenne vurderingene, "
                              "og ingen får varsel når de er forsinket.", name=name, head=head)
    office = _lower("council_office_label")
    return lambda name: _("«%(name)s» har ingen %(head)s, så varselet om forsinkede vurderinger "
                          "går til %(office)s i stedet.", name=name, head=head, office=office)


def _head_fix(cycle: Cycle) -> Callable[[str], str]:
    head = _lower("head_label")
    if cycle.requires_sign_off:
        return lambda name: _("En administrator gir en bruker rollen %(head)s for «%(name)s» "
                              "under Brukere, eller du slår av godkjenningen i innstillingene.",
                              head=head, name=name)
    return lambda name: _("En administrator gir en bruker rollen %(head)s for «%(name)s» under "
                          "Brukere.", head=head, name=name)


def _people_checks(cycle: Cycle) -> list[Check]:
    portfolios = {p.id: p for a in cycle.arenas for p in a.portfolios}
    head, portfolios_word = _lower("head_label"), _lower("portfolio_label_plural")
    checks = _per_portfolio(
        portfolios, Role.CONTACT, "contacts",
        lambda name: _("«%(name)s» har ingen kontaktperson som kan fylle ut vurderingene.",
                       name=name),
        lambda name: _("En administrator gir en bruker rollen kontaktperson for «%(name)s» "
                       "under Brukere.", name=name),
        _("Alle %(portfolios)s har en kontaktperson.", portfolios=portfolios_word), blocking=True)
    checks += _per_portfolio(
        portfolios, Role.COMMISSIONER, "heads", _head_missing(cycle), _head_fix(cycle),
        _("Alle %(portfolios)s har en %(head)s som godkjenner og får varsler.",
          portfolios=portfolios_word, head=head) if cycle.requires_sign_off else
        _("Alle %(portfolios)s har en %(head)s som får varsler.", portfolios=portfolios_word,
          head=head), blocking=False)
    office = _lower("council_office_label")
    checks.append(Check("office", True, _("Noen i %(office)s får det siste varselet om "
                                          "forsinkelse.", office=office))
                  if _anyone_with(Role.COUNCIL_OFFICE) else
                  Check("office", False, _("Ingen har rollen %(office)s, så ingen får det "
                                           "siste varselet om forsinkelse.", office=office),
                        _("En administrator gir en bruker rollen %(office)s under Brukere.",
                          office=office),
                        url_for("admin.users")))
    return checks


def _date_checks(cycle: Cycle) -> list[Check]:
    labels = {"submission_deadline": _("frist for innsending"),
              "review_deadline": _("frist for behandling"),
              "council_meeting_date": _("møtedato i %(council)s",
                                        council=_lower("council_label"))}
    unset = [text for name, text in labels.items() if getattr(cycle, name) is None]
    settings = url_for("cycles.settings", year=cycle.year)
    checks = [Check("deadlines", False,
                    _("Ikke satt: %(what)s.", what=", ".join(unset)),
                    _("Sett datoene under Innstillinger og frister."), settings)
              if unset else Check("deadlines", True, _("Fristene og møtedatoen er satt."))]
    meeting = cycle.council_meeting_date
    if meeting is not None:
        covered = db.session.scalar(
            sa.select(sa.func.count()).select_from(CouncilTerm)
            .where(CouncilTerm.starts_on <= meeting,
                   sa.or_(CouncilTerm.ends_on.is_(None), CouncilTerm.ends_on >= meeting))) > 0
        when = format_date(meeting, "long")
        checks.append(Check("council_term", True, _("En valgperiode dekker møtedatoen %(date)s.",
                                                    date=when)) if covered else
                      Check("council_term", False,
                            _("Ingen valgperiode for %(council)s dekker møtedatoen %(date)s.",
                              council=_lower("council_label"), date=when),
                            _("Møtesekretæren registrerer valgperioden under Valgperioder og "
                              "medlemmer, eller du endrer møtedatoen."),
                            url_for("council.terms")))
    return checks


def cycle_checklist(cycle: Cycle) -> list[Check]:
    """Every check of a planned cycle, blocking ones first, then in the order of the flow."""
    checks = _arena_checks(cycle) + _people_checks(cycle) + _date_checks(cycle)
    return sorted(checks, key=lambda c: (c.passed, not c.blocking))
