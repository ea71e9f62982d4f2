"""Fjordvik kommune: a made-up municipality that is not Bergen, for the first-year tests.

A formannskap model with no byråd: five "kommunalområder" each headed by a "kommunalsjef",
decisions by "kommunestyret", its own users and arenas, and a fifth criterion (cost and
benefit) beside the product's default four. Nothing here comes from the Bergen demo.
"""

from __future__ import annotations

from dataclasses import dataclass

NAME = "Fjordvik kommune"
YEAR = 2025  # dates in the past (also by the browser tests' clock): meetings already held
PASSWORD = "fjordvik-passord-2025"
ADMIN = ("admin@fjordvik.example", "Aslak Admin")

# The words, as the settings page takes them (key: (bokmål, English)).
LABELS = {
    "portfolio_label": ("Kommunalområde", "Service area"),
    "portfolio_label_plural": ("Kommunalområder", "Service areas"),
    "head_label": ("Kommunalsjef", "Head of service area"),
    "head_label_plural": ("Kommunalsjefer", "Heads of service area"),
    "council_label": ("Kommunestyret", "Municipal council"),
    "council_office_label": ("Politisk sekretariat", "Council secretariat"),
}
# The bokmål gender of the words that take "ny"/"nytt" and "en"/"et" in sentences.
GENDERS = {"portfolio_label": "n"}  # "Nytt kommunalområde"

# code, Norwegian name, English name
PORTFOLIOS = (
    ("HO", "Helse og omsorg", "Health and care"),
    ("OK", "Oppvekst og kultur", "Childhood and culture"),
    ("TE", "Teknikk og eiendom", "Technical services and property"),
    ("NA", "Næring og areal", "Business and land use"),
    ("ST", "Stab og styring", "Staff and governance"),
)


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    roles: tuple[str, ...]
    portfolios: tuple[str, ...] = ()


OFFICE = Person("sekretariat@fjordvik.example", "Siri Sekretariat", ("council_office",))
SECRETARY = Person("motesekretar@fjordvik.example", "Mads Møtesekretær", ("council_secretary",))
CONTACTS = (
    Person("kontakt.velferd@fjordvik.example", "Kari Kontakt", ("contact",), ("HO", "OK", "ST")),
    Person("kontakt.samfunn@fjordvik.example", "Kjell Kontakt", ("contact",), ("TE", "NA")),
)
HEADS = (
    Person("sjef.velferd@fjordvik.example", "Hilde Kommunalsjef", ("commissioner",),
           ("HO", "OK", "ST")),
    Person("sjef.samfunn@fjordvik.example", "Tor Kommunalsjef", ("commissioner",), ("TE", "NA")),
)
PEOPLE = (OFFICE, SECRETARY, *CONTACTS, *HEADS)


@dataclass(frozen=True)
class ArenaSpec:
    key: str
    name: str
    kind: str
    portfolio: str
    description: str
    recommendation: str  # what the contact recommends
    to_council: bool = False  # the council decides (the rest: the recommendation stands)


ARENAS = (
    ArenaSpec("sunne-kommuner", "Sunne kommuner", "network", "HO",
              "Et nettverk av kommuner som arbeider med folkehelse.", "continue"),
    ArenaSpec("nordisk-skolenettverk", "Nordisk skolenettverk", "network", "OK",
              "Skoler i Norden som deler undervisningsopplegg.", "continue_and_strengthen"),
    ArenaSpec("kystvann", "Kystvannsamarbeidet", "organisation", "TE",
              "Samarbeid om vannforsyning og avløp langs kysten.", "continue"),
    ArenaSpec("havnenettverket", "Havnenettverket", "network", "NA",
              "Et nettverk for små havner i Nord-Europa.", "terminate", to_council=True),
    ArenaSpec("vennskapsby-kuressaare", "Kuressaare", "friendship_city", "ST",
              "Vennskapsby i Estland siden 1992.", "continue"),
)

# The fifth criterion, added on the criteria page before the cycle opens.
COST_BENEFIT = {"label_nb": "Kost-nytte", "label_en": "Cost and benefit",
                "hint_nb": "Står nytten i forhold til kostnaden og tiden som brukes?",
                "hint_en": "Is the benefit worth the cost and the time spent?"}

TERM = {"name": "Kommunestyret 2023–2027", "starts_on": "2023-10-01", "ends_on": "2027-09-30",
        "seats": 7}
MEMBERS_CSV = ("navn,parti,sete\n"
               "Anne Ås,Fjordlista,1\nBjørn Bø,Fjordlista,2\nCecilie Dal,Fjordlista,3\n"
               "Dag Eng,Kystpartiet,4\nEva Fjell,Kystpartiet,5\nFrode Gran,Kystpartiet,6\n"
               "Gro Hov,Bygdelista,7\n")
COUNCIL_CASE = {"case_number": "25/14", "title": "Gjennomgang av medlemskap 2025",
                "archive_reference": "2025/311-4", "meeting_date": "2025-06-10"}
DEADLINES = {"submission_deadline": "2025-03-20", "review_deadline": "2025-04-10",
             "council_meeting_date": "2025-06-10"}
# Words that belong to Bergen, never to Fjordvik's pages or document.
FOREIGN_WORDS = ("byråd", "bystyret", "Bergen", "byrådsavdeling")


def answers(arena: ArenaSpec, keys: list[str]) -> dict:
    """A complete set of answers for the cycle's criteria (by key)."""
    result = {}
    for key in keys:
        if key == "participation":
            result[key] = {"value": "active", "participants": ["administrative"],
                           "text": f"Fjordvik deltar på samlingene i {arena.name}."}
        elif key == "other_value":
            result[key] = {"text": "Samarbeidet gir kontakter i nabolandene."}
        else:
            result[key] = {"value": "medium",
                           "text": f"{arena.name} gir et nyttig utbytte for kommunen."}
    return result
