"""Numbers written in Chinese characters (一百零五, 二十六, 三千): the common forms read here, anything else
(万, 亿, decimals, digits mixed in: 1.5万) by cn2an, imported only when such a number turns up.

Importing cn2an costs about a quarter of a second (it compiles many regular expressions); a document's
ordinals and counts are almost all below ten thousand, so most runs never need it.
"""
from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def _below_ten_thousand(s: str) -> int | None:
    """A well-formed numeral below 10000 (十二, 一百零五, 两千三百), else None (left to cn2an)."""
    total, digit, last_unit, zero = 0, None, 10_000, False
    for ch in s:
        if ch in _DIGITS:
            d = _DIGITS[ch]
            if d == 0:
                if digit is not None or zero or total == 0:
                    return None
                zero = True
                continue
            if digit is not None:
                return None  # 二三: not a numeral of this form
            digit = d
        elif ch in _UNITS:
            u = _UNITS[ch]
            if u >= last_unit:
                return None
            if digit is None:
                if u != 10 or total:
                    return None
                digit = 1  # 十二
            total += digit * u
            digit, last_unit, zero = None, u, False
        else:
            return None
    if digit is not None:
        if not zero and last_unit > 10 and total:
            return None  # 一百五 is 150 in speech: cn2an decides
        total += digit
    return total if s else None


def chinese_number(s: str, mode: str = "smart") -> float:
    """The value of a number written in Chinese characters (or digits mixed in, in cn2an's smart mode).
    Raises ValueError (or cn2an's KeyError/TypeError) when `s` is no number, as cn2an does."""
    fast = _below_ten_thousand(s)
    if fast is not None:
        return fast
    import cn2an  # noqa: PLC0415  (the rare forms only: see the module's docstring)

    return cn2an.cn2an(s, mode)


_YEAR_DIGITS = "〇一二三四五六七八九"


def written_int(s: str) -> int:
    """A whole number as a date or a count writes it: digits, a year digit by digit (二〇二四, ○ and 零 for
    〇), or Chinese numerals (十二, 三十一). Raises ValueError (or cn2an's errors) when it is none."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    s = s.replace("○", "〇").replace("Ｏ", "〇").replace("零", "〇")
    if len(s) == 4 and all(ch in _YEAR_DIGITS for ch in s):
        return int("".join(str(_YEAR_DIGITS.index(ch)) for ch in s))
    return int(chinese_number(s, "smart"))
