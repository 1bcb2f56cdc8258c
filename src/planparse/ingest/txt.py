"""Plain text in any Chinese encoding (UTF-8, UTF-8-BOM, GB18030/GBK, Big5, UTF-16)."""
from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import CorruptFileError
from .base import RawDocument, RawPage

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes, returning (text, encoding). BOMs and strict UTF-8 first, then charset detection."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise CorruptFileError("binary data, not text in any known encoding")
    enc = best.encoding
    # GB2312 and GBK are subsets of GB18030: decoding with the superset never loses characters.
    if enc.replace("_", "").lower() in {"gb2312", "gbk", "cp936", "hz"}:
        enc = "gb18030"
    # Big5 files often use the Hong Kong extension's characters: its superset decodes them too.
    if enc.replace("_", "").replace("-", "").lower() in {"big5", "cp950"}:
        enc = "big5hkscs"
    return data.decode(enc, errors="replace"), enc


def read_txt(path: Path, data: bytes) -> RawDocument:
    text, enc = decode_text(data)
    if "\x00" in text:
        raise CorruptFileError("binary data, not text", path=str(path))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text.rstrip("\f"):
        # Form feeds (pdftotext output) separate the pages of the PDF the text came from.
        chunks = text.rstrip("\f").split("\f")
        pages = [RawPage(number=i + 1, lines=chunk.split("\n")) for i, chunk in enumerate(chunks)]
        return RawDocument(path=str(path), format="txt", sha256="", pages=pages, page_count=len(pages), encoding=enc)
    return RawDocument(
        path=str(path), format="txt", sha256="", pages=[RawPage(number=None, lines=text.split("\n"))], encoding=enc
    )
