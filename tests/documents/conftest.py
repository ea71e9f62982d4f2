"""Helpers for the review-document tests: file storage in the test's temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from app.extensions import db
from app.models import Cycle


@pytest.fixture(autouse=True)
def document_storage(request, tmp_path) -> Path:
    """Assembled files go to a fresh folder per test (never into instance/)."""
    folder = tmp_path / "documents"
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["DOCUMENT_STORAGE"] = str(folder)
    return folder


def cycle_of(year: int) -> Cycle:
    """The demo cycle of `year`."""
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year))


def stored_files(folder: Path) -> list[str]:
    """Every file under the storage folder (temporary ones included), as relative paths."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# What the 2021 document must say, written out here (not taken from the app's templates).
RECOMMENDATION_SENTENCES = {
    "continue": "Det anbefales å videreføre samarbeidet.",
    "continue_and_strengthen": "Det anbefales å videreføre og styrke samarbeidet.",
    "terminate": "Det anbefales å avslutte samarbeidet.",
    "join": "Det anbefales å melde kommunen inn i samarbeidet.",
    "consider_joining": "Det anbefales å utrede om kommunen bør bli med i samarbeidet.",
}
DECISION_SENTENCES = {
    "terminate": "Bystyret har vedtatt å melde kommunen ut av samarbeidet.",
    "join": "Bystyret har vedtatt å melde kommunen inn i samarbeidet.",
    "consider_joining":
        "Bystyret har bedt om en utredning av om kommunen bør bli med i samarbeidet.",
}
TWO_HEADS = {
    "Rainbow Cities Network": "Byråd for arbeid, sosial og bolig og byråd for kultur, mangfold "
                              "og likestilling har ansvar for å følge opp samarbeidet.",
    "Storbyens hjerte og smerte": "Byråd for arbeid, sosial og bolig og byråd for barnehage, "
                                  "skole og idrett har ansvar for å følge opp samarbeidet.",
}


def demo_arenas() -> list[dict]:
    """The 39 arenas of the demo file with what the 2021 document must say about each."""
    path = Path(__file__).resolve().parents[2] / "app" / "demo" / "data" / "bergen_2021.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    heads = {p["code"]: p["head_title"]["nb"] for p in data["portfolios"]}
    arenas = []
    for entry in data["arenas"]:
        decision = (entry.get("decision_2021") or {}).get("outcome")
        arenas.append({
            "name": entry["name"],
            "part": 2 if entry["kind"] == "friendship_city" else 1,
            "heads": [heads[c] for c in sorted(entry["responsible"])],
            "recommendation": RECOMMENDATION_SENTENCES[
                entry["assessment_2021"]["recommendation"]],
            "decision": DECISION_SENTENCES[decision] if decision else None,
        })
    return arenas
