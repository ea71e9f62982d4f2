"""The roles a user can hold. Their display labels are data (see the organisation settings)."""

from enum import Enum


class Role(str, Enum):
    """What a user may do; a user may hold several."""

    CONTACT = "contact"  # kontaktperson in a department
    COMMISSIONER = "commissioner"  # byråd or a delegate, per portfolio
    COUNCIL_OFFICE = "council_office"  # bystyrets kontor
    COUNCIL_SECRETARY = "council_secretary"  # møtesekretær
    ADMIN = "admin"


def has_role(actor, role: Role) -> bool:
    """True when the actor holds `role`."""
    return role in getattr(actor, "roles", ())


def shares_portfolio(obj, actor) -> bool:
    """True when the actor belongs to one of the object's responsible portfolios."""
    return bool(set(getattr(actor, "portfolio_ids", ())) & set(obj.portfolio_ids))
