"""What every page planparse generates shares to stay inert whatever the documents say: an escaping
template engine (Jinja2, autoescape on, every attribute double-quoted), JSON embedded in a script
element with `<` written as \\u003c (so `<!--<script>` or `</script>` in a title cannot end or swallow
the block), and a Content-Security-Policy that runs no script but our own, named by its hash."""
from __future__ import annotations

import base64
import functools
import hashlib
import json
from typing import Any

# Characters that can end or re-open a script block (<, >), start an HTML entity (&), or end a JS line.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: Any, **kw) -> str:
    """JSON for `<script type="application/json">`: plain JSON, with no character HTML reads as markup."""
    text = json.dumps(data, ensure_ascii=False, **kw)
    for ch, esc in _SCRIPT_UNSAFE.items():
        text = text.replace(ch, esc)
    return text


def script_hash(js: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(*scripts: str) -> str:
    """Nothing from the network, no plugin, no form, no <base>; inline styles (the pages are one file);
    scripts: exactly ours (by hash), so a script that got into the page by a name or a title never runs."""
    allowed = " ".join(script_hash(js) for js in scripts) or "'none'"
    return (f"default-src 'none'; script-src {allowed}; style-src 'unsafe-inline'; img-src data:; "
            "base-uri 'none'; form-action 'none'; object-src 'none'")


@functools.cache
def environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("planparse.report", "templates"),
        autoescape=True,  # every {{ }} escaped, quotes included (markupsafe escapes ' and ")
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
