"""Text similarity without a model: TF-IDF over character bigrams, cosine between vectors.

Chinese clauses that implement one another repeat the same phrases (`推广氮肥机械深施`), so shared
character bigrams, weighted by how rare they are across both documents, say well which clause takes
up which. Pure Python: a few hundred short texts per comparison.
"""
from __future__ import annotations

import math
import unicodedata
from collections import Counter


def clean(text: str) -> str:
    """Letters and digits only, NFKC-folded and lower-cased: punctuation and spacing never count."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if ch.isalnum() or ch == ".")


def bigrams(text: str) -> list[str]:
    s = clean(text)
    if len(s) < 2:
        return [s] if s else []
    return [s[i : i + 2] for i in range(len(s) - 1)]


def dice(a: list[str], b: list[str]) -> float:
    """Dice coefficient of two bags of tokens, each token weighted by its length."""
    if not a or not b:
        return 0.0
    ca, cb = Counter(a), Counter(b)
    shared = sum(len(t) * min(n, cb[t]) for t, n in ca.items() if t in cb)
    return 2 * shared / (sum(len(t) for t in a) + sum(len(t) for t in b))


class TfIdf:
    """Vectors for a fixed collection of texts; `cosine(i, j)` compares two of them."""

    def __init__(self, texts: list[str]):
        grams = [Counter(bigrams(t)) for t in texts]
        df = Counter(g for c in grams for g in c)
        n = len(texts)
        idf = {g: math.log((1 + n) / (1 + d)) + 1 for g, d in df.items()}
        self.vectors: list[dict[str, float]] = []
        for c in grams:
            v = {g: (1 + math.log(k)) * idf[g] for g, k in c.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            self.vectors.append({g: x / norm for g, x in v.items()})

    def cosine(self, i: int, j: int) -> float:
        a, b = self.vectors[i], self.vectors[j]
        if len(a) > len(b):
            a, b = b, a
        return sum(x * b.get(g, 0.0) for g, x in a.items())


def sparse_cosines(left: list[str], right: list[str], floor: float) -> dict[tuple[int, int], float]:
    """Cosine of every (left, right) pair of texts at or above `floor`, by an inverted index over
    bigrams (only pairs that share a bigram are ever touched). IDF over both lists together."""
    vec = TfIdf(left + right)
    n = len(left)
    postings: dict[str, list[tuple[int, float]]] = {}
    for i in range(n):
        for g, w in vec.vectors[i].items():
            postings.setdefault(g, []).append((i, w))
    out: dict[tuple[int, int], float] = {}
    for j in range(len(right)):
        acc: dict[int, float] = {}
        for g, w in vec.vectors[n + j].items():
            for i, x in postings.get(g, ()):
                acc[i] = acc.get(i, 0.0) + w * x
        for i, s in acc.items():
            if s >= floor:
                out[(i, j)] = s
    return out
