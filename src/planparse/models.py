"""The output contract (docs/output-contract.md) as pydantic v2 models: the source of truth in code.

Field names and meanings follow the contract exactly; fields beyond it are additions, never renames.
"""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
JSON_SCHEMA_ID = "urn:planparse:schema:document:v1"

Comparator = Literal[">=", "<=", "~", "="]
Direction = Literal["decrease", "increase"]
DeadlineKind = Literal["date", "ongoing", "asap", "recurring", "period"]
Level = Literal["national", "provincial", "municipal", "district"]


# The sets of field names the models were built with, one object for each distinct set: pydantic keeps a
# set per instance (which fields were given), and in a large document those sets weighed as much as all
# the rest of the Document together.
_SHARED_FIELD_SETS: dict[frozenset[str], set[str]] = {}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    def model_post_init(self, context: Any, /) -> None:
        object.__setattr__(self, "__pydantic_fields_set__", _shared_field_set(self.__pydantic_fields_set__))

    def __setattr__(self, name: str, value: Any) -> None:
        given = self.__pydantic_fields_set__
        if name not in given and name in type(self).model_fields:
            # pydantic adds the name to the instance's set, which is shared: the set with the name is taken instead
            object.__setattr__(self, "__pydantic_fields_set__", _shared_field_set(given | {name}))
        super().__setattr__(name, value)


def _shared_field_set(names: set[str]) -> set[str]:
    return _SHARED_FIELD_SETS.setdefault(frozenset(names), names)


BoxList = Optional[list[tuple[float, float, float, float]]]


def _page_field():
    return Field(None, description="1-based page the fact starts on (paged sources: PDF, OFD); null for other inputs")


def _bbox_field():
    return Field(None, description="where the fact stands: one box [x0, top, x1, bottom] per line it covers, in PDF points "
                 "from the displayed page's top-left corner (OFD: its own millimetres turned into points), cut to the fact's characters; "
                 "null when the source has no geometry (text, docx, html); a fact read from a ruled table's cell stands in the cell's box")


def _bbox_pages_field():
    return Field(None, description="the page of each box of `bbox` (same length): a fact over a page break has boxes on two pages")


def _paragraph_field():
    return Field(None, description=".docx: 0-based index of the Word body paragraph the fact starts in (empty paragraphs counted)")


class Source(_Model):
    path: str
    sha256: str
    format: str
    pages: Optional[int] = None
    encoding: Optional[str] = Field(None, description="detected text encoding (txt input)")
    page_info: list[PageInfo] = Field(
        default_factory=list, description="paged sources (PDF, OFD): one entry per page, saying which pages were OCR'd"
    )


class PageInfo(_Model):
    """How one page of a paged source (PDF, OFD) was read."""

    number: int = Field(description="1-based page number")
    ocr: bool = Field(False, description="the page's text comes from OCR (no text layer, a garbled one, or --ocr always)")
    ocr_confidence: Optional[float] = Field(None, description="OCR pages: the engine's mean line confidence, 0..1")
    ocr_seconds: Optional[float] = Field(None, description="OCR pages: how long the page's OCR took, in seconds (wall time)")


class CitedDocument(_Model):
    title: str
    doc_number: Optional[str] = None


class Region(_Model):
    """The province, city or county a document is from: its name and GB/T 2260 six-digit code."""

    name: str
    code: str = Field(description="GB/T 2260 code: 320000 a province, 320100 a city, 320106 a county-level division")


class Meta(_Model):
    notice_title: Optional[str] = None
    title: Optional[str] = None
    doc_number: Optional[str] = None
    issuer: list[str] = Field(default_factory=list)
    issue_date: Optional[str] = Field(None, description="成文日期, ISO date")
    recipients: list[str] = Field(default_factory=list)
    cc: list[str] = Field(default_factory=list)
    printed_by: Optional[str] = None
    print_date: Optional[str] = None
    attachments: list[str] = Field(default_factory=list)
    cited_documents: list[CitedDocument] = Field(default_factory=list)
    level: Optional[Level] = None
    doc_year: Optional[int] = Field(None, description="year used to resolve relative dates (年底前)")
    effective_from: Optional[str] = Field(
        None, description="ISO date the document takes effect (本办法自…起施行; 自印发之日起施行 → issue_date)")
    valid_until: Optional[str] = Field(None, description="ISO date the document's validity ends (有效期至…, 有效期5年)")
    region: Optional[Region] = Field(
        None, description="where the document is from (issuer, title, 文号 prefix, signature); null for a national one")


class Target(_Model):
    metric: Optional[str] = None
    scope: Optional[str] = None
    value: Optional[float] = None
    value_max: Optional[float] = None
    unit: Optional[str] = None
    comparator: Optional[Comparator] = None
    direction: Optional[Direction] = None
    baseline_year: Optional[int] = None
    baseline_value: Optional[float] = Field(None, description="the value in the baseline year, where the document gives it (an indicator table's 基期值 column)")
    target_year: Optional[int] = None
    aspirational: bool = False
    metric_key: Optional[str] = Field(
        None, description="the metric with its synonyms folded (grammars/metrics.toml): equal keys, the same metric across documents")
    text: str = ""
    span: Optional[tuple[int, int]] = Field(None, description="offsets of `text` in the normalised full text")
    clause_id: Optional[str] = None
    task_seq: Optional[int] = None
    table_index: Optional[int] = Field(None, description="index into `tables` for targets read from a table cell")
    qualitative: bool = Field(False, description="a goal stated without a number (value null)")
    page: Optional[int] = _page_field()
    bbox: BoxList = _bbox_field()
    bbox_pages: Optional[list[int]] = _bbox_pages_field()
    paragraph: Optional[int] = _paragraph_field()


class Measure(_Model):
    """A policy instrument of a 若干措施 (subsidy, one-off award, interest subsidy, tax rule, co-funding):
    what the government gives, at what rate or amount, up to what cap, to whom. Not a target."""

    kind: str = Field(description="award, subsidy, loan_interest, tax, co_funding … (the kinds of grammars/measures.toml)")
    amount: Optional[float] = Field(None, description="a fixed sum (给予一次性奖励200万元 → 200), in `unit`")
    amount_max: Optional[float] = Field(None, description="upper end of a range of sums (50—100万元 → 100)")
    rate: Optional[float] = Field(None, description="percent of `basis` (不超过总投入30% → 30)")
    basis: Optional[str] = Field(None, description="what the rate is a share of, as written (总投入, 企业实际支付额)")
    ratio: Optional[str] = Field(None, description="a co-funding ratio (按照1∶1比例共同出资 → 1:1)")
    cap: Optional[float] = Field(None, description="an upper limit of the sum (最高3000万元, 不超过300万元/年), in `cap_unit`")
    unit: Optional[str] = Field(None, description="unit of amount (else of cap): 元, 万元, 亿元, 万元/年, 元/千瓦时 …")
    cap_unit: Optional[str] = Field(None, description="unit of cap (每吨500元…最高150万元: unit 元, cap_unit 万元)")
    recipient: Optional[str] = Field(None, description="who receives it, or on what condition, as written (对…的企业 → …的企业)")
    text: str = ""
    span: Optional[tuple[int, int]] = Field(None, description="offsets of `text` in the normalised full text")
    clause_id: Optional[str] = None
    task_seq: Optional[int] = None
    page: Optional[int] = _page_field()
    bbox: BoxList = _bbox_field()
    bbox_pages: Optional[list[int]] = _bbox_pages_field()
    paragraph: Optional[int] = _paragraph_field()


class Deadline(_Model):
    text: str
    kind: DeadlineKind
    date: Optional[str] = None
    start: Optional[str] = None
    span: Optional[tuple[int, int]] = None
    clause_id: Optional[str] = None
    task_seq: Optional[int] = None
    page: Optional[int] = _page_field()
    bbox: BoxList = _bbox_field()
    bbox_pages: Optional[list[int]] = _bbox_pages_field()
    paragraph: Optional[int] = _paragraph_field()


class AgencyName(_Model):
    name: str
    canonical: Optional[str] = None


class Agencies(_Model):
    lead: list[str] = Field(default_factory=list)
    support: list[str] = Field(default_factory=list)
    responsible: list[str] = Field(default_factory=list)
    implementers: list[str] = Field(default_factory=list)
    implementers_inherited: list[str] = Field(
        default_factory=list, description="implementers carried from a standing rule (inherited: true)"
    )
    inherited: bool = Field(False, description="true when any name comes from a standing rule")
    canonical: dict[str, str] = Field(
        default_factory=dict, description="name as written -> canonical lexicon name, where known"
    )
    text: str = Field("", description="the annotation or cell as written")
    span: Optional[tuple[int, int]] = None
    clause_id: Optional[str] = None
    task_seq: Optional[int] = None
    page: Optional[int] = _page_field()
    bbox: BoxList = _bbox_field()
    bbox_pages: Optional[list[int]] = _bbox_pages_field()
    paragraph: Optional[int] = _paragraph_field()

    def is_empty(self) -> bool:
        return not (self.lead or self.support or self.responsible or self.implementers)


class AgencyMention(_Model):
    """An agency named as the subject of a sentence (`生态环境部要加强统筹协调`)."""

    name: str
    role: str = "responsible"
    canonical: Optional[str] = None
    text: str = ""
    span: Optional[tuple[int, int]] = None


class Clause(_Model):
    id: str
    marker: str
    level: int
    kind: str = Field(
        "clause",
        description="chapter (第一章), section (第一节), article (第一条); part (一、), subpart (（一）), "
        "item (1、), subitem (（1）), point (①); inside an article, （一） is an item and 1、 a subitem; "
        "in a standard numbered GB/T 1.1 style, `1 范围` is a chapter, `4.1` a clause and `4.1.2` a subclause",
    )
    heading: Optional[str] = None
    text: str
    parent_id: Optional[str] = None
    page: Optional[int] = None
    line: Optional[int] = Field(None, description="1-based source line (txt/docx/html: in the file; pdf: on the page)")
    marker_raw: str = Field("", description="the marker exactly as written, brackets not normalised")
    span: tuple[int, int]
    items: list[str] = Field(default_factory=list, description="一是……二是…… enumerations")
    targets: list[Target] = Field(default_factory=list)
    qualitative_targets: list[Target] = Field(
        default_factory=list, description="goals stated without a number (PM2.5浓度总体达标): value null"
    )
    deadlines: list[Deadline] = Field(default_factory=list)
    agencies: list[Agencies] = Field(default_factory=list)
    agency_mentions: list[AgencyMention] = Field(
        default_factory=list, description="agencies named as a sentence's subject, outside annotations"
    )
    measures: list[Measure] = Field(default_factory=list, description="policy instruments (subsidies, awards …) of this clause")
    bbox: BoxList = _bbox_field()
    bbox_pages: Optional[list[int]] = _bbox_pages_field()
    paragraph: Optional[int] = _paragraph_field()


class Task(_Model):
    seq: int
    category: Optional[str] = None
    content: str = ""
    measures: Optional[str] = Field(None, description="工作措施 column where the table has one")
    deadline: Optional[Deadline] = None
    deadline_text: Optional[str] = Field(None, description="完成时限 cell as written")
    agencies: Optional[Agencies] = None
    clause_id: Optional[str] = None
    targets: list[Target] = Field(default_factory=list)
    page: Optional[int] = None
    table_title: Optional[str] = None
    bbox: BoxList = _bbox_field()
    bbox_pages: Optional[list[int]] = _bbox_pages_field()
    paragraph: Optional[int] = _paragraph_field()


class Table(_Model):
    title: Optional[str] = None
    header: list[str] = Field(default_factory=list)
    rows: list[list[str]] = Field(default_factory=list)
    page: Optional[int] = None
    annex: Optional[str] = Field(None, description="the annex label the table stands under (附件1)")
    kind: Optional[str] = Field(None, description="'targets' for a table of targets, else null")


class Warning(_Model):
    code: str
    message: str
    clause_id: Optional[str] = None
    page: Optional[int] = None


class Annex(_Model):
    label: str
    title: Optional[str] = None
    text: str = ""
    span: tuple[int, int]
    page: Optional[int] = None


class Document(_Model):
    schema_version: str = SCHEMA_VERSION
    source: Source
    meta: Meta
    clauses: list[Clause] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    annexes: list[Annex] = Field(default_factory=list, description="annex sections (附件) after the body")
    deadlines: list[Deadline] = Field(default_factory=list, description="every deadline, flat")
    agencies: list[Agencies] = Field(default_factory=list, description="every agency annotation, flat")
    measures: list[Measure] = Field(
        default_factory=list, description="every policy instrument (若干措施: subsidies, awards, tax rules …), flat"
    )


def document_json_schema() -> dict:
    """The JSON Schema of a Document (docs/schema.json), with its dialect and identifier first."""
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": JSON_SCHEMA_ID, **Document.model_json_schema()}
