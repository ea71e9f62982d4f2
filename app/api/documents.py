"""Published review documents (public records): their files, checksums and where to get them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import url_for

from app.api import schemas
from app.api.blueprint import api
from app.api.paging import PAGING, paginate
from app.api.registry import Param
from app.api.serializers import iso
from app.models import Cycle, DocumentFormat, DocumentVersion


def download_url(version: DocumentVersion) -> str:
    """The public address of a published file."""
    year = version.cycle.year
    if version.format == DocumentFormat.HTML:
        return url_for("documents.publication", year=year, _external=True)
    return url_for("documents.publication_file", year=year, ext=version.format.value,
                   _external=True)


def document(version: DocumentVersion) -> dict[str, Any]:
    """A published file and where to download it."""
    return {"id": version.id, "cycle_year": version.cycle.year, "number": version.number,
            "format": version.format.value, "locale": version.locale,
            "sha256": version.sha256, "size_bytes": version.size_bytes,
            "published_at": iso(version.published_at), "url": download_url(version)}


@api.route("GET", "/documents", summary="Published review documents", tag="documents",
           query=(*PAGING, Param("cycle", schemas.YEAR, "Only this cycle's (its year)."),
                  Param("format", schemas.enum(DocumentFormat), "Only this format.")),
           responses={200: "DocumentPage"})
def list_documents(query: dict[str, Any]):
    """Every published file, newest year first."""
    versions = (sa.select(DocumentVersion).join(DocumentVersion.cycle)
                .where(DocumentVersion.is_published.is_(True))
                .order_by(Cycle.year.desc(), DocumentVersion.format))
    if query["cycle"] is not None:
        versions = versions.where(Cycle.year == query["cycle"])
    if query["format"]:
        versions = versions.where(DocumentVersion.format == DocumentFormat(query["format"]))
    return paginate(versions, query, lambda rows: [document(v) for v in rows])
