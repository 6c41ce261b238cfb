"""The API's OpenAPI schema (/api/openapi.json) and a documentation page (/api/docs).

django-ninja's Swagger UI loads scripts from a CDN and runs inline script, which the portal's
Content Security Policy forbids; rather than exempt a page from the policy, the documentation
is rendered here from the same schema, as plain HTML.
"""

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render

from hub.api import api
from integrations.auth import key_for
from integrations.models import SCOPES

METHODS = ("get", "put", "post", "delete", "patch")


def schema() -> dict:
    return api.get_openapi_schema()


def _bearer_key(request):
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return key_for(token) if scheme.lower() == "bearer" and token else None


@login_not_required
def openapi_json(request):
    """For staff (signed in) and for integration clients (any valid API key)."""
    if _bearer_key(request) is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
    return JsonResponse(schema(), json_dumps_params={"ensure_ascii": False})


def _schema_name(ref_holder: dict | None) -> str:
    if not ref_holder:
        return ""
    found = ref_holder.get("$ref", "")
    if not found and "items" in ref_holder:
        inner = _schema_name(ref_holder["items"])
        return f"list of {inner}" if inner else "list"
    return found.rsplit("/", 1)[-1]


def _properties(component: dict) -> list[dict]:
    required = set(component.get("required", ()))
    rows = []
    for name, prop in component.get("properties", {}).items():
        kinds = [prop] + prop.get("anyOf", [])
        kind = ", ".join(
            sorted(
                {
                    k.get("type") or _schema_name(k)
                    for k in kinds
                    if k.get("type") or k.get("$ref") or k.get("items")
                }
            )
        )
        choices = prop.get("enum") or next((k["enum"] for k in kinds if "enum" in k), None)
        rows.append(
            {
                "name": name,
                "kind": kind,
                "required": name in required,
                "choices": choices or (),
                "description": prop.get("description", ""),
            }
        )
    return rows


def docs(request):
    if not request.user.is_staff:
        raise PermissionDenied
    spec = schema()
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "scope": op.get("x-scope", ""),
                    "tag": (op.get("tags") or [""])[0],
                    "body": _schema_name(body.get("schema")),
                    "parameters": [
                        {"name": p["name"], "in": p["in"], "required": p.get("required", False)}
                        for p in op.get("parameters", [])
                    ],
                    "responses": [
                        (
                            code,
                            _schema_name(
                                r.get("content", {}).get("application/json", {}).get("schema")
                            ),
                        )
                        for code, r in op.get("responses", {}).items()
                    ],
                }
            )
    components = [
        {"name": name, "description": c.get("description", ""), "properties": _properties(c)}
        for name, c in sorted(spec.get("components", {}).get("schemas", {}).items())
    ]
    return render(
        request,
        "integrations/docs.html",
        {"spec": spec, "operations": operations, "components": components, "scopes": SCOPES},
    )
