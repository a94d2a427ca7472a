"""`openapi`: the API's OpenAPI schema, for the frontend's generated client."""

import json

import typer

from ..main import openapi_schema


def openapi() -> None:
    """Print the API's OpenAPI schema (JSON) without starting it: no settings or keys needed.

    `npm run generate:api` reads it to write the frontend's typed client.
    """
    typer.echo(json.dumps(openapi_schema(), indent=2, ensure_ascii=False))
