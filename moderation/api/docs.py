"""A readable page of the OpenAPI schema, built on the server (no CDN script: the CSP allows none)."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup, escape


def _schema_table(schema: dict[str, Any], components: dict[str, Any]) -> Markup:
    ref = schema.get("$ref", "")
    if ref:
        schema = components.get(ref.rsplit("/", 1)[-1], {})
    rows = []
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type") or " | ".join(str(p.get("type", "")) for p in prop.get("anyOf", []))
        rows.append(Markup("<tr><th scope='row'><code>{}</code></th><td>{}</td><td>{}</td><td>{}</td></tr>").format(
            name, kind, "yes" if name in required else "", prop.get("description", "")))
    head = Markup("<tr><th scope='col'>field</th><th scope='col'>type</th><th scope='col'>required</th>"
                  "<th scope='col'>meaning</th></tr>")
    return Markup("<table><thead>{}</thead><tbody>{}</tbody></table>").format(head, Markup("").join(rows))


def docs_page(spec: dict[str, Any]) -> str:
    comps = spec.get("components", {}).get("schemas", {})
    parts = [Markup("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
                    "<meta name='viewport' content='width=device-width, initial-scale=1'>"
                    "<title>{} · API</title><link rel='stylesheet' href='/static/style.css'></head><body>"
                    "<main id='main'><h1>{} {}</h1><p>{}</p><p><a href='/api/v1/openapi.json'>openapi.json</a>"
                    "</p>").format(spec["info"]["title"], spec["info"]["title"], spec["info"]["version"],
                                   spec["info"].get("description", ""))]
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ok = op.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
            parts.append(Markup("<section><h2><code>{} /api/v1{}</code></h2><p>{}</p><h3>Request</h3>{}"
                                "<h3>Response 200</h3>{}</section>").format(
                method.upper(), path, op.get("summary", ""), _schema_table(body, comps),
                _schema_table(ok.get("schema", {}), comps)))
    parts.append(Markup("<h2>Errors</h2><p>JSON <code>{}</code>: 401 bad token, 403 missing scope, 422 invalid "
                        "body, 429 rate limit (Retry-After).</p></main></body></html>").format(
        json.dumps({"error": "...", "detail": "..."})))
    return str(escape(Markup("").join(parts)))
