"""The project's OpenAPI schema class: drf-spectacular's, plus the error responses every operation can give.

Errors have one shape across the API (see errors.py and CONTRACT.md): a 400 is DRF's field-level dict,
every other error a `{"detail": "..."}`. Rather than a decorator per view, each operation gets the
codes that apply to it: 400 (bad input, a NUL in the query string), 403 (not signed in, or a role that
may not do this), 404 (nothing visible at a path's ids, or a list page past the last), 409 (writes: a
stale revision or a conflict), 415 (a body in another content type) and 429 (throttled).
"""

from drf_spectacular import openapi

_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
_FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": True,
    "description": 'DRF\'s field-level errors, e.g. {"field": ["message"]}, or {"detail": "..."}.',
}
_CONFLICT = {
    "type": "object",
    "additionalProperties": True,
    "properties": {"detail": {"type": "string"}},
    "description": "`detail`, and the current `revision` where the conflict is a stale one.",
}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_WITH_BODY = {"POST", "PUT", "PATCH"}


def _response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {
            "400": _response("Bad input.", _FIELD_ERRORS),
            "403": _response("Not signed in, or your role does not allow this.", _DETAIL),
        }
        errors["404"] = _response("Not found, not visible to you, or a page past the last.", _DETAIL)
        if self.method in _WRITES:
            errors["409"] = _response(
                "Conflict: the record changed since you loaded it, or the task is full.", _CONFLICT
            )
        if self.method in _WITH_BODY:
            errors["415"] = _response("Unsupported content type.", _DETAIL)
        errors["429"] = _response("Too many requests; retry later.", _DETAIL)
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses
