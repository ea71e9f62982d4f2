"""Roles from group claims and the administrator's group mapping page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.oidc_operations import GroupMappingInput, create_group_mapping
from app.extensions import db
from app.models import AuditEvent, OidcGroupMapping, Portfolio, User
from tests.auth_oidc.conftest import sign_in
from tests.auth_oidc.provider import PROVIDER_WARNINGS
from tests.conftest import fingerprint, login, post
from workflows.roles import Role

pytestmark = PROVIDER_WARNINGS

CONTACT = "kontakt@bergen.example"
ADMIN = "admin@bergen.example"


def portfolio_id(code: str) -> int:
    return db.session.scalar(sa.select(Portfolio.id).where(Portfolio.code == code))


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def mapping(group: str, role: Role, portfolios=(), just_in_time=False) -> None:
    create_group_mapping(None, GroupMappingInput(
        group_id=group, role=role, is_just_in_time=just_in_time,
        portfolio_ids=frozenset(portfolio_id(c) for c in portfolios)))
    db.session.commit()


def test_groups_give_the_mapped_roles_and_the_change_is_audited(oidc_client, provider):
    mapping("g-office", Role.COUNCIL_OFFICE)
    mapping("g-kmb", Role.CONTACT, portfolios=["KMB"])
    response = sign_in(oidc_client, provider, "sub-k", email=CONTACT, email_verified=True,
                       groups=["g-office", "g-kmb", "g-unmapped"])
    assert response.status_code == 302
    account = user(CONTACT)
    assert account.roles == {Role.COUNCIL_OFFICE, Role.CONTACT}
    assert {p.code for p in account.portfolios} == {"KMB"}
    change = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "roles_from_claims")).one()
    assert change.details["before"]["roles"] == ["contact"]
    assert change.details["after"]["roles"] == ["contact", "council_office"]


def test_with_no_mapped_group_the_administrators_roles_stay(oidc_client, provider):
    mapping("g-office", Role.COUNCIL_OFFICE)
    before = (user(CONTACT).roles, user(CONTACT).portfolio_ids)
    sign_in(oidc_client, provider, "sub-k", email=CONTACT, email_verified=True,
            groups=["g-other"])
    assert (user(CONTACT).roles, user(CONTACT).portfolio_ids) == before
    assert not db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "roles_from_claims")).all()


def test_a_just_in_time_group_creates_the_user(oidc_client, provider):
    mapping("g-contacts", Role.CONTACT, portfolios=["KML"], just_in_time=True)
    response = sign_in(oidc_client, provider, "sub-new", email="Ny.Person@Bergen.example",
                       email_verified=True, name="Ny Person", groups=["g-contacts"])
    assert response.status_code == 302
    created = user("ny.person@bergen.example")
    assert created.oidc_subject == "sub-new" and created.name == "Ny Person"
    assert created.roles == {Role.CONTACT}
    assert [p.code for p in created.portfolios] == ["KML"]
    assert created.password_hash == ""  # no password: only single sign-on
    assert oidc_client.get("/profile").status_code == 200


def test_a_group_without_just_in_time_creates_no_one(oidc_client, provider):
    mapping("g-contacts", Role.CONTACT)
    response = sign_in(oidc_client, provider, "sub-new", email="ny@bergen.example",
                       email_verified=True, groups=["g-contacts"])
    assert response.status_code == 403
    assert user("ny@bergen.example") is None


# --------------------------------------------------------------------------- the admin page


def test_the_admin_adds_edits_and_removes_a_group(oidc_client):
    login(oidc_client, ADMIN)
    page = oidc_client.get("/admin/sign-in-groups")
    assert page.status_code == 200 and "Ingen registrert ennå." in page.get_data(as_text=True)
    response = post(oidc_client, "/admin/sign-in-groups/new", {
        "group_id": " 1b2c-office ", "role": "council_office", "description": "Sekretariatet",
        "portfolios": [str(portfolio_id("KML"))], "is_just_in_time": "y"})
    assert response.status_code == 302
    row = db.session.scalars(sa.select(OidcGroupMapping)).one()
    assert (row.group_id, row.role, row.is_just_in_time) == ("1b2c-office", Role.COUNCIL_OFFICE,
                                                             True)
    listing = oidc_client.get("/admin/sign-in-groups")
    assert listing.status_code == 200
    assert ">1b2c-office</a></td>" in listing.get_data(as_text=True)
    assert "<td>Sekretariatet</td>" in listing.get_data(as_text=True)
    assert oidc_client.get(f"/admin/sign-in-groups/{row.id}/edit").status_code == 200
    response = post(oidc_client, f"/admin/sign-in-groups/{row.id}/edit",
                    {"group_id": "1b2c-office", "role": "contact"})
    assert response.status_code == 302
    db.session.refresh(row)
    assert (row.role, row.is_just_in_time, row.portfolios) == (Role.CONTACT, False, [])
    assert post(oidc_client, f"/admin/sign-in-groups/{row.id}/delete").status_code == 302
    assert db.session.scalars(sa.select(OidcGroupMapping)).all() == []
    trail = [e.action for e in db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "oidc_group_mapping"))]
    assert trail == ["group_mapping_created", "group_mapping_updated", "group_mapping_deleted"]


@pytest.mark.parametrize(("data", "message"), [
    ({"group_id": "", "role": "contact"}, "Skriv inn gruppens ID."),
    ({"group_id": "g", "role": "nobody"}, "Ugyldig valg."),
    ({"group_id": "g"}, "Velg en rolle."),
    ({"group_id": "g-taken", "role": "admin"}, "Gruppen gir allerede denne rollen."),
    ({"group_id": "g", "role": "contact", "portfolios": ["99999"]}, "Ugyldig valg."),
])
def test_bad_input_is_refused_with_a_message_and_nothing_changes(oidc_client, data, message):
    mapping("g-taken", Role.ADMIN)
    login(oidc_client, ADMIN)
    before = fingerprint()
    response = post(oidc_client, "/admin/sign-in-groups/new", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert fingerprint() == before


def test_only_administrators_see_the_group_page(oidc_client):
    mapping("g", Role.CONTACT)
    row = db.session.scalars(sa.select(OidcGroupMapping)).one()
    login(oidc_client, "kontoret@bergen.example")
    assert oidc_client.get("/admin/sign-in-groups").status_code == 403
    assert post(oidc_client, f"/admin/sign-in-groups/{row.id}/delete").status_code == 403
    assert db.session.get(OidcGroupMapping, row.id) is not None


def test_just_in_time_needs_an_email_address(oidc_client, provider):
    mapping("g-contacts", Role.CONTACT, just_in_time=True)
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    response = sign_in(oidc_client, provider, "sub-no-mail", groups=["g-contacts"])
    assert response.status_code == 403
    assert "sendte ingen e-postadresse" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before
