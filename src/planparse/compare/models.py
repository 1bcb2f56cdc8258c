"""What `planparse compare` finds, as pydantic models: the JSON output is their dump.

A Comparison is built from two Documents by a pure function (`compare_documents`); the renderers
(text, json, csv, html) only read it.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..models import Level, Target

Verdict = Literal["same", "stricter", "looser", "not_comparable", "above_national", "below_national"]
CitedBy = Literal["doc_number", "title"]
ItemKind = Literal["clause", "task"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DocumentRef(_Model):
    """One side of a comparison, as an analyst names it."""

    path: str
    doc_number: Optional[str] = None
    title: Optional[str] = None
    notice_title: Optional[str] = None
    issuer: list[str] = Field(default_factory=list)
    level: Optional[Level] = None
    issue_date: Optional[str] = None
    known_numbers: list[str] = Field(
        default_factory=list, description="发文字号 other documents cite this one by (when it does not print its own)"
    )


class TargetRef(Target):
    """A target of one side: the contract's Target, its index, and the key it is matched by. `metric` is
    the metric as read for comparison (a coordinated list's shared head added: 铁路、水路货运量 → 铁路货运量)."""

    index: int = Field(description="index into the document's `targets`")
    metric_key: str = Field("", description="the metric as matched: synonyms resolved, noise removed, folded")
    regions: list[str] = Field(default_factory=list, description="the regions (metrics.toml) the target is set for; [] for the whole jurisdiction")


class TargetPair(_Model):
    parent: TargetRef
    child: TargetRef
    score: float = Field(description="metric similarity, 0..1 (1: same metric after synonyms)")
    verdict: Verdict = Field(description="same, stricter, looser, not_comparable; a region's level (a rate, a share, a "
                             "concentration) against the nation's: above_national, below_national or same")
    reason: str = Field(description="why the verdict, in one line")
    region_share: Optional[float] = Field(
        None, description="a national amount against a region's (never judged): the region's amount as a percent of the nation's")


class TargetComparison(_Model):
    pairs: list[TargetPair] = Field(default_factory=list)
    dropped: list[TargetRef] = Field(default_factory=list, description="parent targets with no counterpart in the child")
    added: list[TargetRef] = Field(default_factory=list, description="child targets with no parent target")
    other_regions: list[TargetRef] = Field(
        default_factory=list, description="parent targets set for regions the child does not lie in (neither paired nor dropped)")
    child_places: list[str] = Field(default_factory=list, description="the provinces the child's title and issuer name")
    counts: dict[str, int] = Field(default_factory=dict, description="pairs per verdict")


class ClauseMatch(_Model):
    """A child clause or task row and the parent clause it best takes up."""

    kind: ItemKind
    child_id: str = Field(description="clause id, or the task row's seq")
    child_heading: Optional[str] = None
    parent_id: Optional[str] = None
    parent_heading: Optional[str] = None
    score: float = 0.0
    matched: bool = Field(False, description="score at or above the threshold")


class SectionCoverage(_Model):
    section_id: str
    heading: Optional[str] = None
    clauses: int = Field(description="the parent's clauses in this section")
    taken_up: int = Field(description="how many of them something in the child takes up")
    share: float


class ParentClause(_Model):
    """A parent clause nothing in the child takes up, with the best score anything reached."""

    id: str
    heading: Optional[str] = None
    best_score: float = 0.0


class ClauseComparison(_Model):
    threshold: float
    matches: list[ClauseMatch] = Field(default_factory=list)
    coverage: list[SectionCoverage] = Field(default_factory=list)
    overall: float = Field(0.0, description="share of all the parent's clauses taken up")
    not_taken_up: list[ParentClause] = Field(default_factory=list, description="parent clauses nothing in the child takes up")


class Citation(_Model):
    cites_parent: bool
    by: Optional[CitedBy] = None
    cited_as: Optional[str] = Field(None, description="the citation in the child that names the parent")


class Comparison(_Model):
    parent: DocumentRef
    child: DocumentRef
    citation: Citation
    targets: TargetComparison
    clauses: ClauseComparison


class ChainLink(_Model):
    child: str = Field(description="path of the implementing document")
    parent: str = Field(description="path of the document it implements")
    by: CitedBy
    cited_as: str


class ChainDocument(_Model):
    document: DocumentRef
    implements: list[str] = Field(default_factory=list, description="paths of the documents it directly implements")
    cites_elsewhere: list[str] = Field(default_factory=list, description="cited plans/notices not in the directory")


class Chain(_Model):
    documents: list[ChainDocument] = Field(default_factory=list)
    links: list[ChainLink] = Field(default_factory=list, description="every citation of one document by another")
    errors: dict[str, str] = Field(default_factory=dict, description="path -> why it could not be read")
