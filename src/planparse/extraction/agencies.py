"""Agencies that lead, support, are responsible for, or implement a task.

Read from parenthesised annotations in the prose (`（省发展改革委、工业和信息化厅牵头，省交通运输厅配合）`)
and from 责任分工 table cells. Names are kept as written, except that a name without a level prefix
inherits the prefix of the nearest earlier prefixed name in the same annotation (the contract's rule).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import regex as re

from ..grammar import Grammars, could_match, finder, per_grammar_set, required_characters
from ..grammar.check import example_runner
from ..models import Agencies, AgencyMention
from ..text import split_top_level, to_simplified

_SEPARATORS = "，,；;。"


@functools.lru_cache(maxsize=4096)
def _first_word_is_place(name: str) -> bool:
    """jieba's part-of-speech tagger knows place names (江苏, 南通): such a name has its own jurisdiction."""
    from ..words import starts_with_place

    return starts_with_place(name)


@dataclass
class AgencyContext:
    """What a document adds to the lexicon, and the standing rules in force (`以下均需…落实`)."""

    known_bases: set[str] = field(default_factory=set)
    standing_implementers: list[str] = field(default_factory=list)
    # ids of entries read from a bare parenthesis of names (no role word): kept only when the document
    # annotates its tasks that way (AgencyRules.bare_min_per_document), not for a stray parenthesis.
    bare_entries: set[int] = field(default_factory=set)


class AgencyParser:
    def __init__(self, g: Grammars, ctx: AgencyContext | None = None):
        self.g = g
        self.rules = g.agencies
        self.ctx = ctx or AgencyContext()
        self.index = g.lexicon.index
        self._longest_index_name = max(map(len, self.index), default=0)
        roles = [(w, r.role) for r in self.rules.roles for w in r.words]
        roles.sort(key=lambda x: len(x[0]), reverse=True)
        self.roles = roles
        labels = [(w, r.role) for r in self.rules.role_labels for w in r.words]
        labels.sort(key=lambda x: len(x[0]), reverse=True)
        self.labels = labels
        # all the words at once (str.startswith/endswith of a tuple): most groups have none of them
        self._role_words = tuple(w for w, _ in roles)
        self._label_words = tuple(w for w, _ in labels)
        self.prefixes = tuple(self.rules.level_prefixes)
        self.no_inherit = tuple(self.rules.no_inherit_prefixes)
        self.not_prefix = tuple(self.rules.not_level_prefix)
        self.drops = sorted(self.rules.trailing_drop, key=len, reverse=True)
        self.name_endings = tuple(sorted(g.tables.org_suffixes, key=len, reverse=True))
        label_words = "|".join(re.escape(w) for w, _ in labels) or r"(?!)"
        # `牵头单位:甲 参加单位:乙`: a space (kept by normalise) before a label separates two fields.
        self.label_gap = re.compile(rf"\s+(?=(?:{label_words})\s*[:：])")
        # `责任单位：市生态环境局、市公安局。` as a sentence of its own (built once, asked of every clause)
        # The space before a label is bounded: `\s*` there tried every position of a long blank run (quadratic).
        # A bracket that only lists kinds of place (`各县（市）区政府`) is part of a name.
        self.label_sentence = re.compile(rf"(?:^|(?<=[。；\n]))[ \t\u3000]{{0,8}}(?:{label_words})\s*[:：](?:[^。\n（(]|[（(][市区县旗州、]{{1,8}}[）)])*") if labels else None

    # -- names -------------------------------------------------------------------------------
    def _is_base(self, name: str) -> bool:
        return name in self.index or name in self.ctx.known_bases

    def _base_suffix(self, name: str) -> str | None:
        """The longest lexicon name that ends `name` (`江苏海事局` → `海事局`)."""
        best = None
        # No lexicon name is longer than the longest one: tails beyond it need no look-up (a cell of
        # 100k characters made this quadratic).
        longest = max(self._longest_index_name, max(map(len, self.ctx.known_bases), default=0))
        for i in range(max(1, len(name) - longest), len(name)):
            tail = name[i:]
            if self._is_base(tail):
                best = tail
                break
        return best

    def _clean(self, name: str) -> str:
        name = name.strip(" 　,，、。；;:：")
        for d in self.drops:
            if name.endswith(d) and len(name) > len(d):
                name = name[: -len(d)]
                break
        return name.strip()

    def resolve_prefixes(self, names: list[str]) -> list[str]:
        out, prefix = [], None
        for n in names:
            if n.startswith(self.no_inherit):
                out.append(n)
                continue
            if self._is_base(n):
                out.append(prefix + n if prefix else n)
                continue
            if n.startswith(self.prefixes) and len(n) > 1 and not n.startswith(self.not_prefix):
                prefix = n[0]
                out.append(n)
                continue
            suffix = self._base_suffix(n)
            if suffix and len(n) - len(suffix) >= 2:
                out.append(n)  # a place name before a known agency: 南通海关
                continue
            if _first_word_is_place(n):
                out.append(n)
                continue
            out.append(prefix + n if prefix else n)
        return out

    def canonical(self, name: str) -> str | None:
        if name in self.index:
            c = self.index[name]
            return c if c != name else None
        if name[:1] in self.prefixes and name[1:] in self.index and not name.startswith(self.not_prefix):
            c = name[0] + self.index[name[1:]]
            return c if c != name else None
        suffix = self._base_suffix(name)
        if suffix and suffix in self.index:
            c = name[: -len(suffix)] + self.index[suffix]
            return c if c != name else None
        return None

    # -- annotations ---------------------------------------------------------------------------
    def _role_of(self, group: str) -> tuple[str, str] | None:
        """(names part, role) when the group ends with a role word or starts with a role label.
        Role words are matched in simplified characters (`負責` = `负责`); the names stay as written."""
        g = group.rstrip("。.；;，, ")
        simple = to_simplified(g)
        if simple.startswith(self._label_words):
            for word, role in self.labels:
                if simple.startswith(word):
                    rest = g[len(word):].lstrip()
                    if rest[:1] in ":：":
                        return rest[1:], role
        if simple.endswith(self._role_words):
            for word, role in self.roles:
                if simple.endswith(word):
                    return g[: -len(word)], role
        return None

    def role_word(self, role: str) -> str:
        """The plainest word of a role (the shortest one in agencies.toml): 牵头, 配合, 负责."""
        return min((w for w, r in self.roles if r == role), key=len)

    def _label_of(self, group: str) -> str | None:
        g = to_simplified(group.strip())
        for word, role in self.labels:
            if g.startswith(word) and g[len(word):].lstrip()[:1] in ":：":
                return role
        return None

    def is_agency_name(self, name: str) -> bool:
        """A name shaped like an agency: a known one, one with an agency ending, or a collective (`各区`, `相关区`)."""
        return (0 < len(name) <= 30 and (self._is_base(name) or name.endswith(self.name_endings)
                                          or (name[1:] in self.index and name.startswith(self.prefixes))
                                          or (name.startswith(self.no_inherit) and len(name) <= 8)))

    def names_only(self, text: str) -> list[str] | None:
        """The names of a text that is nothing but a list of agency names (`市科委、市卫生健康委`), else None."""
        if re.search(r"[。；;：:]", text.rstrip("。 ")):
            return None
        names = [self._clean(n) for n in split_top_level(text, "、，,")]
        if not names or not all(self.is_agency_name(n) for n in names):
            return None
        return names

    def _groups(self, body: str, partial: bool) -> list[tuple[str, list[str]]] | None:
        """(role, names) per group of an annotation. Strict: every group must name a role, or None.
        Partial (annotations in prose): groups that name no role are skipped, and after the first sentence
        only sentences that parse whole count (`…配合。未明确牵头单位的，由…负责，下同` is a note)."""
        sentences = split_top_level(body, "。") if partial else [body]
        parsed: list[tuple[str, list[str]]] = []
        for i, sentence in enumerate(sentences):
            found: list[tuple[str, list[str]]] = []
            label_role = None  # `配合单位：A，B`: names after a label run on across commas
            whole = True
            pending: list[str] = []  # `市财政局、市自然资源局，各区人民政府配合`: groups of names before one role word
            for grp in split_top_level(sentence, _SEPARATORS):
                hit = self._role_of(grp)
                if hit is not None:
                    label_role = self._label_of(grp)
                elif label_role is not None:
                    hit = (grp, label_role)
                names = [n for n in (self._clean(x) for x in split_top_level(hit[0], "、")) if n] if hit else []
                if not names:
                    listed = self.names_only(grp) if hit is None else None
                    if listed:
                        pending += listed
                        continue
                    whole = False
                    if not partial:
                        return None  # not an annotation: some part names no role
                    continue
                if pending and label_role is None:
                    names = pending + names
                pending = []
                found.append((hit[1], names))
            if pending:
                whole = False
                if not partial:
                    return None  # names that no role word closes
            if i == 0 or whole:
                parsed += found
        return parsed

    def parse(self, text: str, *, partial: bool = False) -> tuple[Agencies | None, list[str]]:
        """An annotation or 责任分工 cell → (Agencies, names of a standing rule declared in it)."""
        standing: list[str] = []
        body = self.label_gap.sub("；", text)
        sm = self.rules.standing_rule.compiled.search(body)
        if sm:
            standing = [self._clean(n) for n in split_top_level(sm.group("names"), "、")]
            standing = [n for n in standing if n]
            body = body[: sm.start()] + body[sm.end():]
        if standing and not body.strip("。；;，, "):
            return None, standing
        parsed = self._groups(body, partial or bool(standing))
        if not parsed:
            return None, standing
        return self._entry_of(text, parsed), standing

    def _entry_of(self, text: str, parsed: list[tuple[str, list[str]]]) -> Agencies:
        # Prefixes carry across the role groups of one annotation.
        flat = [n for _, names in parsed for n in names]
        resolved = iter(self.resolve_prefixes(flat))
        ag = Agencies(text=text)
        for role, names in parsed:
            lst = getattr(ag, role)
            for _ in names:
                n = next(resolved)
                if n not in lst:
                    lst.append(n)
        ag.canonical = {n: c for n in flat_names(ag) if (c := self.canonical(n))}
        return ag

    def apply_standing(self, ag: Agencies, declared_here: bool) -> None:
        """Names of standing rules declared earlier are implementers of this entry too."""
        if declared_here:
            return
        for n in self.ctx.standing_implementers:
            if n not in ag.implementers:
                ag.implementers.append(n)
            if n not in ag.implementers_inherited:
                ag.implementers_inherited.append(n)
            ag.inherited = True

    def entry(self, text: str, *, clause_id=None, task_seq=None, span=None, partial=False) -> Agencies | None:
        ag, standing = self.parse(text, partial=partial)
        if ag is None and standing:
            ag = Agencies(text=text)
        if ag is None:
            return None
        ag.clause_id, ag.task_seq, ag.span = clause_id, task_seq, span
        self.apply_standing(ag, declared_here=bool(standing))
        if standing:
            for n in standing:
                if n not in ag.implementers:
                    ag.implementers.append(n)
                if n not in self.ctx.standing_implementers:
                    self.ctx.standing_implementers.append(n)
        return ag

    def declare_standing_in(self, text: str, skip: list[tuple[int, int]] = (), offset: int = 0) -> bool:
        """Standing rules written as sentences of their own (`以下各项工作均需各区政府负责落实。`), outside
        annotations (`skip`, offsets of `text` + offset): their names, when agency names, are implementers of every
        later task. True when one was declared."""
        declared = False
        for m in self.rules.standing_rule.compiled.finditer(text):
            if any(a <= offset + m.start() < b for a, b in skip):
                continue
            names = [self._clean(n) for n in split_top_level(m.group("names"), "、")]
            if not names or not all(n and self.is_agency_name(n) for n in names):
                continue  # `以下工作要认真抓好落实`: no names, no rule
            for n in names:
                if n not in self.ctx.standing_implementers:
                    self.ctx.standing_implementers.append(n)
            declared = True
        return declared

    def inherited_entry(self, *, clause_id=None, task_seq=None) -> Agencies:
        """The entry of a task with no annotation of its own, under a standing rule: its inherited names."""
        ag = Agencies(clause_id=clause_id, task_seq=task_seq)
        self.apply_standing(ag, declared_here=False)
        return ag

    def _bare_entry(self, body: str, *, clause_id, span) -> Agencies | None:
        """`（市科委、市卫生健康委）` closing a task: names with no role word take the grammar's bare role."""
        names = self.names_only(body)
        if not names:
            return None
        ag = self._entry_of(body, [(self.rules.bare_role, names)])
        ag.clause_id, ag.span = clause_id, span
        self.apply_standing(ag, declared_here=False)
        self.ctx.bare_entries.add(id(ag))
        return ag

    def annotations_in(self, text: str, offset: int, *, clause_id=None) -> list[Agencies]:
        out = []
        for m in self.rules.annotation.compiled.finditer(text):
            body = m.group("body")
            groups = split_top_level(self.label_gap.sub("；", body), _SEPARATORS + "。")
            if not groups:
                continue
            span = (offset + m.start(), offset + m.end())
            if not (any(self._role_of(g) for g in groups) or self._label_of(groups[0])
                    or self.rules.standing_rule.compiled.search(body)):
                if self.rules.closes_paragraph.compiled.match(text[m.end():]):
                    ag = self._bare_entry(body, clause_id=clause_id, span=span)
                    if ag is not None:
                        out.append(ag)
                continue
            ag = self.entry(body, clause_id=clause_id, span=span, partial=True)
            if ag is not None and not ag.is_empty():
                out.append(ag)
        # `责任单位：市生态环境局、市公安局。` as a sentence of its own, outside brackets.
        if self.label_sentence is not None:
            for m in self.label_sentence.finditer(text):
                if any(a.span and a.span[0] <= offset + m.start() < a.span[1] for a in out):
                    continue
                ag = self.entry(m.group(0).strip(), clause_id=clause_id, span=(offset + m.start(), offset + m.end()))
                if ag is not None and not ag.is_empty():
                    out.append(ag)
        return out


    def mentions_in(self, text: str, offset: int) -> list[AgencyMention]:
        """Agencies that are the subject of a sentence (`生态环境部要加强统筹协调`), outside annotations."""
        out: list[AgencyMention] = []
        seen: set[str] = set()
        for needed, rule in _subject_rules(self.g):
            if not could_match(needed, text):
                continue
            for m in rule.finditer(text):
                name = self._clean(m.group("name"))
                if not name or name in seen:
                    continue
                seen.add(name)
                end = text.find("。", m.end())
                out.append(AgencyMention(name=name, canonical=self.canonical(name),
                                         text=text[m.start(): end + 1 if end >= 0 else len(text)].strip(),
                                         span=(offset + m.start(), offset + m.end())))
        return out


@per_grammar_set
def _subject_rules(g: Grammars) -> list[tuple]:
    # (the characters a match holds one of, the rule): most clauses have no agency for a subject, and
    # most of those lack what the rule must find after the name (`要`, `负责`)
    return [(required_characters([rule]), finder(rule.pattern)) for rule in g.agencies.sentence_subject]


def flat_names(ag: Agencies) -> list[str]:
    return ag.lead + ag.support + ag.responsible + ag.implementers


def add_document_list(parser: AgencyParser, text: str) -> None:
    """Names listed in an annex such as 省有关部门名单 extend the lexicon for this document."""
    for n in split_top_level(text, "、，,；;。\n"):
        n = parser._clean(n)
        if not 1 < len(n) <= 30 or n.startswith(parser.no_inherit):
            continue
        base = n[1:] if n.startswith(parser.prefixes) else n
        suffix = parser._base_suffix(base)
        if suffix and len(base) - len(suffix) >= 2 and base not in parser.index:
            continue  # 江苏海事局: a place-bound name, not a base to prefix
        parser.ctx.known_bases.add(base)


@example_runner
def _agency_examples(g: Grammars):
    parser = AgencyParser(g)

    def role_of(s):
        hit = parser._role_of(s)
        return hit[1] if hit else None

    for i, r in enumerate(g.agencies.roles):
        for ex in r.examples:
            yield f"agencies.toml roles[{i}]", ex, role_of

    def annotation(s):
        ag, _ = AgencyParser(g).parse(s, partial=True)
        return None if ag is None else {k: getattr(ag, k) for k in ("lead", "support", "responsible", "implementers")}

    for ex in g.agencies.examples:
        yield "agencies.toml examples", ex, annotation
