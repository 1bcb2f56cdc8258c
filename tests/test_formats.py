"""Formats beyond txt/pdf/docx/html: the reader registry and content sniffing, archives (.zip,
.tar.gz, nested, GBK names, bombs, traversal), Word 97 .doc / WPS .wps through LibreOffice, and OFD.

Expected values for the real files (tests/fixtures/real) were written by reading the documents (048: the 2021 text of
南宁市燃气管理条例, 35 articles; 052: 路桥区卫生局 批复 路卫发〔2011〕76号, two pages)."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from planparse import ingest  # noqa: E402
from planparse.errors import CorruptFileError, EmptyFileError, InputError, MissingFileError  # noqa: E402
from planparse.ingest import archive  # noqa: E402
from planparse.pipeline import extract_file  # noqa: E402

REAL = ROOT / "tests" / "fixtures" / "real"
DOC_048 = REAL / "048_nanning-gas-regulation-2021.doc"
OFD_052 = REAL / "052_luqiao-health-bureau-reply.ofd"
# Its （一） restart in every section: LibreOffice shows the numbering Word shows. (Continuous
# numbering across sections, as make_docx writes it for 000, LibreOffice displays restarted.)
SAMPLE = ROOT / "samples" / "001_e273565e5025a23d.txt"

# A made-up plan of the usual shape (not a sample's wording).
PLAN = (
    "某某市人民政府关于印发某某市河湖保护行动方案的通知\n\n某政发〔2025〕9号\n\n各区人民政府：\n\n"
    "现将《某某市河湖保护行动方案》印发给你们，请认真贯彻执行。\n\n某某市人民政府\n2025年3月2日\n\n"
    "某某市河湖保护行动方案\n\n一、工作目标\n\n到2026年，全市重点河湖水质优良比例达到90%以上。\n\n"
    "二、重点任务\n\n（一）加强源头治理。完成入河排污口整治120个。（市生态环境局牵头）\n\n"
    "（二）推进生态修复。2025年底前建成生态缓冲带15公里。\n"
)


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planparse.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})


def _clauses(doc) -> list[tuple[str, str | None, str]]:
    return [(c.id, c.heading, c.text) for c in doc.clauses]


# ------------------------------------------------------------------------------ registry and sniffing


def test_every_registered_suffix_is_walked_and_named_in_errors(tmp_path):
    for suffix in (".pdf", ".txt", ".docx", ".html", ".doc", ".wps", ".ofd", ".zip", ".tar.gz"):
        assert suffix in ingest.SUPPORTED_SUFFIXES
    odd = tmp_path / "notes.xyz"
    odd.write_bytes(b"\x00\x01binary junk")
    with pytest.raises(InputError, match=r"unknown format '.xyz' \(supported: .*\.ofd.*\.zip"):
        ingest.read(odd)


@pytest.mark.parametrize(
    "data,name,fmt",
    [
        (b"%PDF-1.7\n...", "report.doc", "pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "plan.doc", "doc"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "plan.wps", "wps"),
        (b"{\\rtf1\\ansi text}", "plan.doc", "doc"),
        (b"\xef\xbb\xbf<html><head><meta charset=utf-8></head><body><p>x</p></body></html>", "plan.doc", "html"),
        (b"<!DOCTYPE html>\n<html><body>x</body></html>", "download.pdf", "html"),
        (b"\x1f\x8b\x08\x00", "a.bin", "tar.gz"),
        (b"\xe4\xb8\x80\xe3\x80\x81\xe6\x80\xbb\xe4\xbd\x93", "plan.txt", None),  # plain text: no opinion
    ],
)
def test_content_decides_the_format_before_the_suffix(data, name, fmt):
    assert ingest.sniff(data, name) == fmt


def _zip(entries: dict[str, bytes], **kw) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, **kw) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_a_pdf_that_is_really_a_zip_of_one_document(tmp_path):
    fake = tmp_path / "通知.pdf"
    fake.write_bytes(_zip({"方案.txt": PLAN.encode("utf-8")}))
    doc = extract_file(fake)
    assert doc.source.path == f"{fake}!/方案.txt"
    assert doc.source.format == "txt"
    assert doc.meta.doc_number == "某政发〔2025〕9号"
    plain = tmp_path / "方案.txt"
    plain.write_text(PLAN, encoding="utf-8")
    assert _clauses(doc) == _clauses(extract_file(plain))


def test_a_doc_that_is_really_a_web_page(tmp_path):
    page = tmp_path / "plan.doc"
    body = "".join(f"<p>{line}</p>" for line in PLAN.split("\n") if line)
    page.write_text(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>", encoding="utf-8")
    doc = extract_file(page)
    assert doc.source.format == "html"
    assert [c.id for c in doc.clauses] == ["1", "2", "2.1", "2.2"]


# --------------------------------------------------------------------------------------- archives


def test_zip_member_names_written_in_gbk_without_the_utf8_flag(tmp_path):
    """WinRAR / Windows write GBK names without flag bit 11; Python reads them as CP437."""
    gbk_name = "河湖方案.txt".encode("gbk")
    placeholder = b"X" * (len(gbk_name) - 4) + b".txt"
    data = _zip({placeholder.decode(): PLAN.encode("gb18030")})
    data = data.replace(placeholder, gbk_name)  # local header and central directory, flag bit 11 unset
    z = tmp_path / "files.zip"
    z.write_bytes(data)
    found, refused = archive.list_documents(str(z))
    assert found == [f"{z}!/河湖方案.txt"] and refused == []
    doc = extract_file(found[0])
    assert doc.source.path == f"{z}!/河湖方案.txt"
    assert doc.meta.title == "某某市河湖保护行动方案"


@pytest.mark.slow
@pytest.mark.cli
def test_archive_with_several_documents_names_them_and_exits_3(tmp_path):
    z = tmp_path / "two.zip"
    z.write_bytes(_zip({"a/plan.txt": PLAN.encode(), "b/notice.txt": PLAN.encode(), "readme.png": b"\x89PNG"}))
    r = _cli("extract", str(z))
    assert r.returncode == 3
    assert r.stderr.strip() == (
        f"planparse: error: {z}: zip archive holds 2 documents (a/plan.txt, b/notice.txt): "
        "use `planparse batch`, or name one as ARCHIVE!/MEMBER"
    )
    r = _cli("extract", f"{z}!/b/notice.txt")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["source"]["path"] == f"{z}!/b/notice.txt"
    r = _cli("extract", f"{z}!/c/missing.txt")
    assert (r.returncode, r.stderr.strip()) == (3, f"planparse: error: {z}!/c/missing.txt: no such member in the archive")


def test_tar_gz_and_an_archive_inside_an_archive(tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        data = PLAN.encode("utf-8")
        info = tarfile.TarInfo("docs/plan.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    tgz = tmp_path / "docs.tar.gz"
    tgz.write_bytes(buf.getvalue())
    doc = extract_file(tgz)
    assert doc.source.path == f"{tgz}!/docs/plan.txt"
    outer = tmp_path / "outer.zip"
    outer.write_bytes(_zip({"inner.tar.gz": buf.getvalue()}))
    found, _ = archive.list_documents(str(outer))
    assert found == [f"{outer}!/inner.tar.gz!/docs/plan.txt"]
    nested = extract_file(found[0])
    assert _clauses(nested) == _clauses(doc)


def _tgz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_a_tar_gz_read_member_by_member_in_order_is_walked_once(tmp_path, monkeypatch):
    """A .tar.gz cannot seek: reading its members in archive order (what a batch does) walks the stream
    forward once, not once per member; a member behind the cursor and a rewritten archive are still read."""
    tgz = tmp_path / "circulars.tar.gz"
    members = {f"c/{i:03d}.txt": f"第{i}号通知\n".encode() for i in range(40)}
    tgz.write_bytes(_tgz(members))
    opened = []
    real_open = tarfile.open
    monkeypatch.setattr(archive.tarfile, "open", lambda *a, **k: opened.append(k.get("mode")) or real_open(*a, **k))
    for name, data in members.items():
        assert archive.read_member_path(f"{tgz}!/{name}") == data
    assert len(opened) == 1
    assert archive.read_member_path(f"{tgz}!/c/003.txt") == members["c/003.txt"]  # behind the cursor
    assert len(opened) == 2
    with pytest.raises(MissingFileError):
        archive.read_member_path(f"{tgz}!/c/999.txt")
    tgz.write_bytes(_tgz({"c/000.txt": "改写后的通知\n".encode()}))
    assert archive.read_member_path(f"{tgz}!/c/000.txt") == "改写后的通知\n".encode()


def test_path_traversal_and_links_are_refused(tmp_path):
    z = tmp_path / "evil.zip"
    z.write_bytes(_zip({"../../etc/plan.txt": PLAN.encode(), "/abs/plan.txt": PLAN.encode(), "ok/plan.txt": PLAN.encode()}))
    found, refused = archive.list_documents(str(z))
    assert found == [f"{z}!/ok/plan.txt"]
    assert sorted(r for _, r in refused) == ["absolute path", "path leaves the archive (..)"]
    with pytest.raises(InputError, match=r"unsafe member name \(path leaves the archive"):
        ingest.read(f"{z}!/../../etc/plan.txt")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        link = tarfile.TarInfo("passwd.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tf.addfile(link)
    t = tmp_path / "link.tar"
    t.write_bytes(buf.getvalue())
    assert archive.list_documents(str(t)) == ([], [(f"{t}!/passwd.txt", "a link or device, not a file")])
    with pytest.raises(InputError, match="archive holds no document"):
        ingest.read(t)


@pytest.mark.slow
@pytest.mark.cli
def test_zip_bomb_is_refused(tmp_path):
    z = tmp_path / "bomb.zip"
    z.write_bytes(_zip({"plan.txt": b"\x00" * (8 * 1024 * 1024)}))  # 8 MB of zeros: ratio ~1000:1
    with pytest.raises(InputError, match=r"compression ratio \d+:1 looks like a zip bomb: refused"):
        ingest.read(z)
    r = _cli("extract", str(z))
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and "zip bomb" in r.stderr


def test_damaged_archives_are_one_line_errors(tmp_path):
    bad = tmp_path / "cut.zip"
    bad.write_bytes(_zip({"plan.txt": PLAN.encode()})[:40])
    with pytest.raises(CorruptFileError):
        ingest.read(bad)
    empty = tmp_path / "empty.zip"
    empty.write_bytes(_zip({}))
    with pytest.raises((InputError, EmptyFileError)):
        ingest.read(empty)
    with pytest.raises(MissingFileError):
        ingest.read(tmp_path / "nowhere.zip!/plan.txt")


# ----------------------------------------------------------------------------- .doc / .wps (LibreOffice)

_SOFFICE_SKIP = pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice (soffice) not installed"
)


def needs_soffice(test):
    return pytest.mark.office(pytest.mark.slow(_SOFFICE_SKIP(test)))


@needs_soffice
def test_word97_doc_of_the_corpus():
    raw = ingest.read(DOC_048)
    assert raw.format == "doc"
    lines = [ln for p in raw.pages for ln in p.lines]
    assert lines[0] == "南宁市燃气管理条例"
    articles = [ln.split(" ", 1)[0] for ln in lines if ln.startswith("第") and "条 " in ln[:8]]
    assert len(articles) == 35 and articles[0] == "第一条" and articles[-1] == "第三十五条"
    assert lines[-1] == "第三十五条 本条例自2013年12月1日起施行。"
    assert "（一）有自然资源、生态环境等部门出具的批准文件；" in lines
    doc = extract_file(DOC_048)
    assert doc.meta.title == "南宁市燃气管理条例"
    assert doc.source.format == "doc"


@pytest.mark.cli
@needs_soffice
def test_wps_made_by_libreoffice_reads_like_its_docx(tmp_path):
    """LibreOffice has no Kingsoft-WPS export filter of its own: `--convert-to wps` writes the Word 97
    binary format in an OLE container under the .wps name, which is what WPS Writer's .wps files are."""
    from tools.make_docx import txt_to_docx

    docx = tmp_path / "plan.docx"
    txt_to_docx(SAMPLE, docx)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "wps",
                    "--outdir", str(tmp_path / "out"), str(docx)], check=True, capture_output=True, timeout=300)
    wps = tmp_path / "out" / "plan.wps"
    assert wps.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    doc = extract_file(wps)
    assert doc.source.format == "wps"
    # Headings and levels as in the .docx; the ordinals of numbering that Word continues across
    # sections (2.2.4 after 2.1.3), LibreOffice restarts (2.2.1) when it writes the file.
    assert [(c.level, c.heading) for c in doc.clauses] == [(c.level, c.heading) for c in extract_file(docx).clauses]
    assert doc.meta.doc_number == extract_file(docx).meta.doc_number
    assert len(doc.clauses) > 40


def test_doc_without_a_converter_is_a_clear_exit_3(tmp_path, monkeypatch):
    from planparse.ingest import office

    monkeypatch.setattr(office, "find_converter", lambda: None)
    with pytest.raises(InputError, match=r"needs LibreOffice to be read: install it \(apt install libreoffice-writer-nogui\)"):
        ingest.read(DOC_048)


# ------------------------------------------------------------------------------------------- OFD


def test_ofd_of_the_corpus():
    raw = ingest.read(OFD_052)
    assert (raw.format, raw.page_count) == ("ofd", 2)
    p1 = raw.pages[0].lines
    assert p1[:4] == ["测试符路桥区卫生局文件", "路卫发〔2011〕76号", "关于同意张阿三同志辞职的批复", "区中医院："]
    assert p1[-1] == "号）文件精神，经研究，同意张阿三同志辞职。"  # `— 1 —` is page furniture
    assert raw.pages[1].lines == ["测试符路桥区卫生局办公室", "2011年3月10日", "测试符路桥区卫生局办公室 2011年3月10日印发"]
    assert len(raw.pages[0].boxes) == len(p1)
    box = raw.pages[0].boxes[1]
    x0, top, x1, bottom = box.x0, box.top, box.x1, box.bottom
    assert 200 < x0 < x1 < 400 and 190 < top < bottom < 240  # centred under the letterhead (points)
    doc = extract_file(OFD_052)
    assert doc.meta.print_date == "2011-03-10"
    assert [c.doc_number for c in doc.meta.cited_documents] == ["路中医发〔2011〕10号", "浙人才〔1993〕73号"]
    assert [p.number for p in doc.source.page_info] == [1, 2]


_OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def _ofd(content_xml: str, extra_common: str = "", template: str | None = None) -> bytes:
    doc = (f'<ofd:Document {_OFD_NS}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>'
           f'</ofd:PageArea>{extra_common}</ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
           '</ofd:Pages></ofd:Document>')
    entries = {
        "OFD.xml": f'<ofd:OFD {_OFD_NS} Version="1.0"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        "Doc_0/Document.xml": doc,
        "Doc_0/Pages/Page_0/Content.xml": content_xml,
    }
    if template:
        entries["Doc_0/Tpls/Tpl_0/Content.xml"] = template
    return _zip({k: v.encode("utf-8") for k, v in entries.items()})


def _text(id_: int, x: float, y: float, text: str, size: float = 5.6, **attrs: str) -> str:
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return (f'<ofd:TextObject ID="{id_}" Font="1" Size="{size}" Boundary="{x} {y} 150 {size * 1.8}"{extra}>'
            f'<ofd:TextCode X="0" Y="{size}" DeltaX="g {len(text) - 1} {size}">{text}</ofd:TextCode></ofd:TextObject>')


def _line(id_: int, x: float, y: float, w: float, h: float) -> str:
    return f'<ofd:PathObject ID="{id_}" Stroke="true" Boundary="{x} {y} {w} {h}"><ofd:AbbreviatedData>M 0 0 L {w} {h}</ofd:AbbreviatedData></ofd:PathObject>'


def test_ofd_runs_per_character_templates_and_a_ruled_table(tmp_path):
    """Producers write a TextCode per character (reading order rebuilt from positions), draw the
    letterhead in a template page, and rule tables with PathObjects."""
    chars = "".join(
        f'<ofd:TextObject ID="{100 + i}" Font="1" Size="5" Boundary="{30 + 5 * i} 60 5 9"><ofd:TextCode X="0" Y="5">{ch}</ofd:TextCode></ofd:TextObject>'
        for i, ch in reversed(list(enumerate("二、重点任务")))  # stored right to left
    )
    rows = [("序号", "任务", "牵头单位"), ("1", "整治排污口", "市生态环境局"), ("2", "建设缓冲带", "市水务局")]
    cells = ""
    xs, ys = [30, 50, 110, 170], [100, 112, 124, 136]
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            cells += _text(200 + r * 10 + c, xs[c] + 1, ys[r] + 1, cell, size=4)
    grid = "".join(_line(300 + i, 30, y, 140, 0.3) for i, y in enumerate(ys))
    grid += "".join(_line(310 + i, x, 100, 0.3, 36) for i, x in enumerate(xs))
    content = (f'<ofd:Page {_OFD_NS}><ofd:Template TemplateID="9" ZOrder="Background"/><ofd:Content><ofd:Layer ID="2">'
               f'{_text(10, 30, 40, "一、工作目标")}{chars}{cells}{grid}{_text(11, 30, 150, "（一）加强源头治理。")}'
               '</ofd:Layer></ofd:Content></ofd:Page>')
    template = (f'<ofd:Page {_OFD_NS}><ofd:Content><ofd:Layer ID="3">{_text(20, 60, 20, "某某市水务局文件", size=9)}'
                '</ofd:Layer></ofd:Content></ofd:Page>')
    f = tmp_path / "plan.ofd"
    f.write_bytes(_ofd(content, '<ofd:TemplatePage ID="9" BaseLoc="Tpls/Tpl_0/Content.xml"/>', template))
    raw = ingest.read(f)
    page = raw.pages[0]
    assert page.lines == ["某某市水务局文件", "一、工作目标", "二、重点任务", "（一）加强源头治理。"]
    assert len(page.tables) == 1
    assert page.tables[0].rows == [list(r) for r in rows]
    assert page.tables[0].line_index == 3  # between 二、 and （一）, where it stands on the page


@pytest.mark.slow
@pytest.mark.cli
def test_damaged_ofd_is_a_one_line_error(tmp_path):
    f = tmp_path / "bad.ofd"
    f.write_bytes(_zip({"OFD.xml": b"<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'><ofd:DocBody/></ofd:OFD>"}))
    r = _cli("extract", str(f))
    assert (r.returncode, r.stderr.strip()) == (3, f"planparse: error: {f}: damaged OFD: OFD.xml names no document (DocRoot)")
    r = _cli("check", str(OFD_052))
    assert r.returncode in (0, 1) and "error:" not in r.stderr


# ------------------------------------------------------------------------------------ batch of a zip


@pytest.mark.slow
@pytest.mark.cli
def test_a_zip_of_the_samples_through_batch_gives_the_outputs_of_the_loose_files(tmp_path):
    loose = tmp_path / "samples"
    loose.mkdir()
    for f in sorted((ROOT / "samples").glob("*.txt"))[:3]:
        (loose / f.name).write_bytes(f.read_bytes())
    z = tmp_path / "收文.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(loose.iterdir()):
            zf.write(f, f"2024/{f.name}")
        zf.writestr("../escape.txt", PLAN)
    r1 = _cli("batch", str(loose), "-o", str(tmp_path / "out_loose"), "--workers", "1", "--no-progress")
    assert r1.returncode == 0, r1.stderr
    r2 = _cli("batch", str(z), "-o", str(tmp_path / "out_zip"), "--workers", "2", "--no-progress")
    assert r2.returncode == 1  # the member leaving the archive is refused, the rest go on
    assert "../escape.txt: unsafe_member: unsafe member name (path leaves the archive (..)): refused" in r2.stderr
    assert not (tmp_path / "escape.txt.json").exists()
    for f in sorted(loose.iterdir()):
        a = json.loads((tmp_path / "out_loose" / f"{f.name}.json").read_text(encoding="utf-8"))
        b = json.loads((tmp_path / "out_zip" / "收文.zip!" / "2024" / f"{f.name}.json").read_text(encoding="utf-8"))
        assert b["source"]["path"] == f"{z}!/2024/{f.name}"
        assert b["source"]["sha256"] == a["source"]["sha256"]
        a.pop("source"), b.pop("source")
        assert a == b
    r3 = _cli("batch", str(z), "-o", str(tmp_path / "out_zip"), "--workers", "1", "--resume", "--no-progress")
    assert "skip" in r3.stderr and r3.stderr.count("skip ") == 3
