"""The API's own endpoints: its OpenAPI document and who the token acts as."""

from __future__ import annotations

from app.api import serializers
from app.api.auth import actor
from app.api.blueprint import api
from app.api.openapi import openapi_document


@api.route("GET", "/openapi.json", summary="This API's OpenAPI 3.1 document", tag="meta",
           public=True, responses={200: "OpenApiDocument"})
def openapi():
    """The OpenAPI document, generated from the registered endpoints."""
    return openapi_document(api)


@api.route("GET", "/me", summary="The user the token acts as", tag="meta",
           responses={200: "Me"})
def me():
    """The token's user, roles and portfolios."""
    return serializers.me(actor())
