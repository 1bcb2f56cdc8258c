"""Plain text in any Chinese encoding (UTF-8, UTF-8-BOM, GB18030/GBK, Big5, UTF-16)."""
from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import CorruptFileError
from .base import RawDocument, RawPage

# Byte-order marks and the codec each one names (html.py reads a page's BOM the same way).
BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


# Decoded with replacement as long as the invalid sequences stay this rare among the valid non-ASCII
# characters: a stray byte or a file cut inside a character (`head -c`), not text in another encoding.
_MAX_INVALID_SHARE = 1 / 50
# Control characters (other than tab, newlines, form feed) above this share mean binary data.
_MAX_CONTROL_SHARE = 1 / 100
_CONTROL = {c: None for c in range(32) if chr(c) not in "\t\n\r\f\v"}


def _decode_counting(data: bytes, enc: str) -> tuple[str, int, int | None]:
    """(text, invalid sequences replaced by U+FFFD, byte offset of the first); surrogates pass through
    (CESU-8/WTF-8 writers encode them one by one) for ingest to join or replace."""
    try:
        return data.decode(enc, errors="surrogatepass" if enc.startswith("utf") else "strict"), 0, None
    except UnicodeDecodeError as e:
        first = e.start
    text = data.decode(enc, errors="replace")
    already = data.decode(enc, errors="ignore").count("\ufffd")  # U+FFFD written in the file itself
    return text, text.count("\ufffd") - already, first


def decode_text_reporting(data: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    """(text, encoding, warnings): BOMs and UTF-8 first (a few invalid bytes replaced), then detection.

    Raises CorruptFileError for binary data: no encoding fits, or control characters are more
    than a trace.
    """
    enc = next((e for bom, e in BOMS if data.startswith(bom)), None)
    if enc is None:
        text, bad, first = _decode_counting(data, "utf-8")
        enc = "utf-8"
        if bad:
            non_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - bad
            if non_ascii <= 0 or bad > max(1, non_ascii * _MAX_INVALID_SHARE):
                enc = None  # not UTF-8 with a few bad bytes: some other encoding
    if enc is None:
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
        text, bad, first = _decode_counting(data, enc)
    elif enc != "utf-8":
        text, bad, first = _decode_counting(data, enc)
    warnings = []
    if bad:
        warnings.append(("invalid-bytes-replaced", f"{bad} invalid {enc} byte sequence(s) replaced by U+FFFD, "
                                                   f"the first at byte offset {first}"))
    controls = len(text) - len(text.translate(_CONTROL))
    if controls:
        if controls > max(8, len(text) * _MAX_CONTROL_SHARE):
            raise CorruptFileError("binary data, not text")
        text = text.translate(_CONTROL)
        warnings.append(("control-characters-removed", f"{controls} control character(s) (NUL and the like) removed"))
    return text, enc, warnings


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes, returning (text, encoding); see decode_text_reporting."""
    text, enc, _ = decode_text_reporting(data)
    return text, enc


def read_txt(path: Path, data: bytes) -> RawDocument:
    text, enc, warnings = decode_text_reporting(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text.rstrip("\f"):
        # Form feeds (pdftotext output) separate the pages of the PDF the text came from.
        chunks = text.rstrip("\f").split("\f")
        pages = [RawPage(number=i + 1, lines=chunk.split("\n")) for i, chunk in enumerate(chunks)]
        return RawDocument(path=str(path), format="txt", sha256="", pages=pages, page_count=len(pages), encoding=enc,
                           warnings=warnings)
    return RawDocument(
        path=str(path), format="txt", sha256="", pages=[RawPage(number=None, lines=text.split("\n"))], encoding=enc,
        warnings=warnings,
    )
