"""Render a sample as a government web page (site chrome, <p> paragraphs, <table> annexes), for tests.

    python tools/render_html.py samples/X.txt out.html [--encoding gb18030]

The page carries what real sites add around an article (navigation, breadcrumbs, 【字号：大 中 小】,
打印/关闭, a script, a footer) so that tests can check the reader keeps only the article.
"""
from __future__ import annotations

import html
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.render_pdf import txt_to_blocks  # noqa: E402

_CHROME_TOP = """<div class="header"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/hd">互动交流</a></div>
<div class="nav">当前位置：首页 &gt; 政务公开 &gt; 政策文件</div>
<div class="fontsize">【字号：<a>大</a> <a>中</a> <a>小</a>】 <a onclick="window.print()">打印</a> <a>关闭</a></div>
"""
_CHROME_BOTTOM = """<div class="share">分享到：微信 微博</div>
<div class="footer">主办单位：某某人民政府办公室 版权所有 ICP备00000000号</div>
"""


def _table_html(spec: dict) -> str:
    header = list(spec.get("header") or [])
    rows = [list(r) for r in spec.get("rows") or []]
    extra = [list(r) for r in spec.get("header_rows") or []]
    ncols = max([len(header)] + [len(r) for r in rows + extra] + [1])
    grid = [r + [""] * (ncols - len(r)) for r in ([header] if header else []) + extra + rows]
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for (c0, r0), (c1, r1) in spec.get("spans") or []:
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {(r0, c0)}
    out = ["<table border=\"1\">"]
    for r, row in enumerate(grid):
        cells = []
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            cells.append(f"<td{attrs}>{html.escape(text or '')}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def render_html(text: str, encoding: str = "utf-8") -> bytes:
    body = []
    for kind, value in txt_to_blocks(text):
        if kind == "table":
            body.append(_table_html(value))
        else:
            body.append(f"<p>{html.escape(value)}</p>")
    page = (f'<!DOCTYPE html>\n<html><head><meta charset="{encoding}"><title>政策文件</title>'
            f"<script>var site = {{stat: 1}};</script></head><body>\n{_CHROME_TOP}"
            f'<div id="zoom" class="article">\n' + "\n".join(body) + f"\n</div>\n{_CHROME_BOTTOM}</body></html>\n")
    return page.encode(encoding, errors="xmlcharrefreplace")


def render_sample(txt_path: str | Path, out_path: str | Path, encoding: str = "utf-8") -> Path:
    out = Path(out_path)
    out.write_bytes(render_html(Path(txt_path).read_text(encoding="utf-8"), encoding))
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    enc = "utf-8"
    if "--encoding" in args:
        i = args.index("--encoding")
        enc = args[i + 1]
        del args[i : i + 2]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        sys.exit(2)
    print(render_sample(args[0], args[1], enc))
