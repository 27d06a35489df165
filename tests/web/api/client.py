"""The API client the tests act through (one user's token; every response checked
against the OpenAPI document) and the data the tests send."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from tests.samples import BIRTH, MOTHER
from web.api.openapi import OPERATION_BY_ID, document

SCHEMAS = document()["components"]["schemas"]


def problems(schema: dict[str, Any], value: Any) -> list[str]:
    """Where `value` does not match `schema` (its $refs are the document's components)."""
    validator = Draft202012Validator({**schema, "components": document()["components"]})
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(value)]
OFFSET = re.compile(r"[+-]\d\d:\d\d$")


class Api:
    """A client acting with one user's token; checks each response against the document."""

    def __init__(self, app: Flask, client: FlaskClient, token: str | None) -> None:
        self.app, self.client, self.token = app, client, token

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        response = self.client.open(f"/api{path}", method=method, headers=headers, **kwargs)
        assert response.status_code == expect, (response.status_code, response.get_json())
        assert response.mimetype == "application/json"
        payload = response.get_json()
        endpoint, _ = self.app.url_map.bind("localhost").match(
            f"/api{path.split('?')[0]}", method)
        operation = OPERATION_BY_ID[endpoint.removeprefix("api.")]
        if expect < 400:
            assert expect == operation.status
            schema = operation.response
        else:
            assert expect in operation.errors, f"{expect} is not documented for {endpoint}"
            schema = SCHEMAS["Error"]
        assert problems(schema, payload) == []
        return payload

    def get(self, path: str, expect: int = 200, **kwargs: Any) -> Any:
        return self.call("GET", path, expect, **kwargs)

    def post(self, path: str, json: Any = None, expect: int = 200, **kwargs: Any) -> Any:
        if json is not None:
            kwargs["json"] = json
        return self.call("POST", path, expect, **kwargs)

    def task_of(self, code: str, state: str = "ready") -> dict[str, Any]:
        """The user's only task of this dossier."""
        tasks = [t for t in self.get(f"/tasks?state={state}") if t["dossier_code"] == code]
        assert len(tasks) == 1, tasks
        return tasks[0]

    def complete(self, code: str, data: dict[str, Any]) -> dict[str, Any]:
        """Complete the user's only ready task of this dossier."""
        task = self.task_of(code)
        return self.post(f"/tasks/{task['id']}/complete", {"data": data})


def receive(api: Api, procedure: str = "birth_registration", **extra: Any) -> dict[str, Any]:
    return api.post("/dossiers", {"procedure": procedure, "applicant": MOTHER,
                                  "documents": ["Tờ khai", "Giấy chứng sinh"], **extra},
                    expect=201)


def received_and_checked(reception: Api) -> str:
    """A birth registration received and checked at the desk: the officer's turn."""
    code = receive(reception)["code"]
    reception.complete(code, BIRTH)
    return code


