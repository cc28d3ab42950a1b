"""`review`: every claim of a draft with a verdict and its evidence, beside the numeric findings."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.checks.against_data import TableReference, table_references
from assistant.checks.arithmetic import Interval
from assistant.checks.checker import check_text, on_pages
from assistant.checks.document import Draft
from assistant.checks.findings import Finding, sort_findings
from assistant.checks.table import FiguresTable
from assistant.document.limits import ReadLimits
from assistant.document.model import Document
from assistant.ingest.metadata import describe
from assistant.review.claims import HONOUR, KIND_LABELS, POLICY, SUPERLATIVE, Claim, extract_claims
from assistant.review.evidence import DATA, Citation, EvidenceFolder, EvidenceSearch, Passage
from assistant.review.facts import NUMBER, Fact, extract_facts
from assistant.review.matching import significant_digits
from assistant.review.offline_judge import (
    CONTRADICTED,
    NOT_CHECKABLE,
    SUPPORTED,
    TARGET_AFTER,
    UNSUPPORTED,
    FactVerdict,
    OfflineJudge,
)

if TYPE_CHECKING:
    from assistant.knowledge import KnowledgeBase

log = logging.getLogger(__name__)

VERDICTS = (SUPPORTED, CONTRADICTED, UNSUPPORTED, NOT_CHECKABLE)
VERDICT_LABELS = {
    SUPPORTED: "有依据",
    CONTRADICTED: "相矛盾",
    UNSUPPORTED: "无依据",
    NOT_CHECKABLE: "无需核实",
}
OFFLINE_NOTICE = (
    "【离线判定】未配置大模型，由规则判定：数字须主体、期间和数值一致，荣誉须名称和获得者一致，"
    "并检查否定词、级别和范围用词。"
)


@dataclass
class ClaimResult:
    claim: Claim
    verdict: str
    facts: list[tuple[Fact, FactVerdict]] = field(default_factory=list)
    judge: str = "offline"
    reason: str = ""

    @property
    def citations(self) -> list[Citation]:
        seen: dict[tuple[str, int, int], Citation] = {}
        for _, verdict in self.facts:
            if verdict.citation is not None:
                key = (verdict.citation.source, verdict.citation.start, verdict.citation.end)
                seen.setdefault(key, verdict.citation)
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.claim.to_dict(),
            "verdict": self.verdict,
            "judge": self.judge,
            "reason": self.reason,
            "citations": [c.to_dict() for c in self.citations],
            "facts": [
                {
                    "kind": fact.kind,
                    "start": fact.start,
                    "end": fact.end,
                    "text": fact.text,
                    "verdict": verdict.verdict,
                    "reason": verdict.reason,
                    "citation": verdict.citation.to_dict() if verdict.citation else None,
                }  # fmt: skip
                for fact, verdict in self.facts
            ],
        }


@dataclass
class ReviewResult:
    text: str
    claims: list[ClaimResult]
    findings: list[Finding]
    judge: str  # offline | llm
    notices: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # knowledge-base files that are the draft itself

    def counts(self) -> dict[str, int]:
        counted = Counter(c.verdict for c in self.claims)
        return {verdict: counted.get(verdict, 0) for verdict in VERDICTS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "claims": [c.to_dict() for c in self.claims],
            "summary": self.counts(),
            "judge": self.judge,
            "notices": self.notices,
            "excluded": self.excluded,
        }


def review(
    text: str | Document,
    *,
    table: FiguresTable | None = None,
    table_name: str = "数据表",
    evidence: list[Path] | None = None,
    kb: KnowledgeBase | None = None,
    model: Any = None,
    draft_name: str = "",
    on_wait: Any = None,
    evidence_label: str | None = None,
) -> ReviewResult:
    """Claims of ``text`` judged against the table, the evidence files and the knowledge base.

    ``on_wait(elapsed_seconds, attempt)`` reports each wait for the LLM judge (assistant.llm.deadline).
    A :class:`Document` (a PDF, a scan, a Word file read once by the document model) is reviewed by its
    logical text, and every finding also names its page. ``evidence_label`` names an evidence folder the
    user did not name themselves (the page's own folder): its files are cited as ``label/file`` (just
    ``file`` when empty) rather than by the folder's path.
    """
    document = text if isinstance(text, Document) else Document.plain(text, draft_name)
    text = document.text
    draft_name = draft_name or document.name
    draft = Draft.parse(text)
    claims = extract_claims(text, draft)
    info = describe(text, draft_name or "draft.txt")
    draft_year = info.year
    numeric = [f for f in check_text(text, table) if f.kind != "unverified"]
    notices: list[str] = []
    folder = None
    if evidence:
        folder = _open_evidence(evidence, kb, evidence_label)
        notices += folder.problems
        if folder.file_count == 0:
            notices.append("佐证材料中没有可用的文件。")
    try:
        search = EvidenceSearch(kb, folder, text)
        if search.warning:
            notices.append(search.warning)
        excluded = sorted(search.excluded.values())
        if excluded:
            notices.append(
                f"知识库中的“{'”“'.join(excluded)}”与被审核的文稿相同或是它的早期版本，不作为依据。"
            )
        facts_of = {id(c): extract_facts(c, draft) for c in claims}
        checkable = [c for c in claims if c.checkable]
        queries = [c.text for c in checkable]
        for claim in checkable:
            cue_facts = _cue_fact_texts(facts_of[id(claim)])
            if len(cue_facts) > 1:
                queries += cue_facts
        search.prepare(queries)
        table_verdicts = _table_verdicts(draft, table, table_name, numeric, claims)
        offline = OfflineJudge(draft, draft_year, info.unit)
        data_passage = _table_passage(table, table_name) if table is not None else None
        llm_judge = None
        if model is not None:
            from assistant.review.llm_judge import LLMJudge

            llm_judge = LLMJudge(model, draft_year, on_wait)
        results = []
        for claim in claims:
            facts = facts_of[id(claim)]
            if not claim.checkable:
                results.append(
                    ClaimResult(claim, NOT_CHECKABLE, reason=f"{KIND_LABELS[claim.kind]}，无需核实。")
                )
                continue
            passages = search.passages_for(claim.text, _cue_fact_texts(facts))
            if data_passage is not None:
                passages.insert(0, data_passage)
            judged: list[tuple[Fact, FactVerdict]] = []
            open_facts = []
            for fact in facts:
                settled = table_verdicts.get(fact.figures[0]) if fact.kind == NUMBER else None
                if settled is not None:
                    judged.append((fact, settled))
                else:
                    open_facts.append(fact)
            if llm_judge is not None and open_facts:
                outcome = llm_judge.judge(claim, open_facts, passages)
                if outcome is None:
                    judged += [
                        (fact, offline.judge(fact, passages, claim.text, POLICY in claim.kinds))
                        for fact in open_facts
                    ]
                    judge_name = "offline"
                else:
                    judged += [(fact, outcome) for fact in open_facts]
                    judge_name = "llm"
            else:
                judged += [
                    (fact, offline.judge(fact, passages, claim.text, POLICY in claim.kinds))
                    for fact in open_facts
                ]
                judge_name = "offline"
            judged.sort(key=lambda pair: pair[0].start)
            judged = _co_supported(draft, judged)
            results.append(_claim_result(claim, judged, judge_name))
    finally:
        if folder is not None:
            folder.close()
    if llm_judge is not None:
        notices += llm_judge.notices
    judge = "llm" if llm_judge is not None and any(r.judge == "llm" for r in results) else "offline"
    notices.insert(0, llm_judge.notice if judge == "llm" and llm_judge else OFFLINE_NOTICE)
    findings = on_pages(sort_findings(numeric + _claim_findings(results)), document)
    return ReviewResult(text, results, findings, judge, notices, excluded)


def _open_evidence(paths: list[Path], kb: KnowledgeBase | None, label: str | None = None) -> EvidenceFolder:
    embedder, family, cache_dir, max_bytes, limits = None, "bm25-only", None, None, None
    if kb is not None:
        choice = kb.embedder_choice
        embedder, family = choice.embedder, choice.key
        cache_dir = kb.settings.cache_dir
        max_bytes = int(kb.settings.max_file_mb * 1024 * 1024)
        limits = ReadLimits.from_settings(kb.settings)
    return EvidenceFolder(
        paths, embedder, family, max_bytes=max_bytes, limits=limits, cache_dir=cache_dir, label=label
    )


def _table_verdicts(
    draft: Draft, table: FiguresTable | None, table_name: str, numeric: list[Finding], claims: list[Claim]
) -> dict[int, FactVerdict]:
    """Figures the table settles: supported when equal at the printed precision, contradicted otherwise."""
    if table is None:
        return {}
    verdicts = {}
    references = table_references(draft, table)
    references += _claim_targets(draft, claims, references)
    for ref in references:
        figure = draft.figures[ref.figure]
        stated = ref.row.in_unit(ref.reference)
        citation = Citation(DATA, table_name, ref.row.name, 0, 0, f"{ref.row.name}（{ref.label}）：{stated}")
        if ref.agrees(draft):
            verdicts[ref.figure] = FactVerdict(
                SUPPORTED,
                f"数据表中“{ref.row.name}”的{ref.label}为 {stated}，与文中 {figure.text} 一致。",
                citation,
            )
        else:
            mismatch = next(
                (f for f in numeric if f.kind == "data_mismatch" and f.start == figure.start), None
            )
            verdicts[ref.figure] = FactVerdict(
                CONTRADICTED, mismatch.message if mismatch else f"数据表中为 {stated}。", citation
            )
    return verdicts


def _claim_targets(
    draft: Draft, claims: list[Claim], references: list[TableReference]
) -> list[TableReference]:
    """ "高于99%的年度目标": a target figure in a claim whose other figure the table names."""
    row_of = {ref.figure: ref.row for ref in references}
    extra = []
    for claim in claims:
        rows = [row_of[i] for i in claim.figures if i in row_of]
        for i in claim.figures:
            figure = draft.figures[i]
            if i in row_of or not rows or not TARGET_AFTER.match(draft.text[figure.end : figure.end + 6]):
                continue
            row = rows[0]
            if row.target is not None and row.dimension == figure.dimension:
                extra.append(TableReference(i, row, row.target, "目标值"))
    return extra


def _entry(row_unit_factor: Decimal, amount: Decimal, tolerance: Decimal) -> str:
    """A table entry written back at the precision it was entered with (409.40, not 409.4)."""
    value = amount / row_unit_factor
    if tolerance > 0:
        step = (tolerance * 2 / row_unit_factor).normalize()
        return f"{value.quantize(step):f}"
    return f"{value.normalize():f}"


def _table_passage(table: FiguresTable, table_name: str) -> Passage:
    """The figures table as a passage the judges read like any table: | 名称 | 单位 | 数值 | 目标值 |."""
    from assistant.checks.units import unit_table

    lines = ["| 名称 | 单位 | 数值 | 目标值 |", "|---|---|---|---|"]
    for row in table.rows.values():
        factor = unit_table().get(row.unit).factor  # type: ignore[union-attr]
        target = _entry(factor, row.target, row.target_tolerance) if row.target is not None else ""
        lines.append(
            f"| {row.name} | {row.unit} | {_entry(factor, row.value, row.value_tolerance)} | {target} |"
        )
    return Passage(DATA, table_name, "数据表", "", 0, "\n".join(lines), "data", None)


def _cue_fact_texts(facts: list[Fact]) -> list[str]:
    return [f.text for f in facts if f.kind != NUMBER]


def _co_supported(draft: Draft, judged: list[tuple[Fact, FactVerdict]]) -> list[tuple[Fact, FactVerdict]]:
    """A figure with no support of its own is supported by a sentence that supports another fact of the same
    claim and states the same figure (753.35万元…其中9月及以后下达520.00万元)."""
    sentences = [
        v.citation for _, v in judged if v.verdict == SUPPORTED and v.citation and v.citation.origin != DATA
    ]
    if not sentences:
        return judged
    updated = []
    for fact, verdict in judged:
        if fact.kind == NUMBER and verdict.verdict == UNSUPPORTED:
            mine = draft.figures[fact.figures[0]]
            for citation in sentences:
                stated = next(
                    (o for o in Draft.parse(citation.quote).figures
                     if o.dimension == mine.dimension and Interval.of(o).overlaps(Interval.of(mine))),
                    None,
                )  # fmt: skip
                if stated is not None and significant_digits(mine.text) >= 2:
                    verdict = FactVerdict(
                        SUPPORTED,
                        f"{citation.label()}中支持本句其他内容的同一句话写明 {stated.text}，与文中 {mine.text} 一致。",
                        citation,
                    )
                    break
        updated.append((fact, verdict))
    return updated


def _claim_result(claim: Claim, judged: list[tuple[Fact, FactVerdict]], judge: str) -> ClaimResult:
    if not judged:
        return ClaimResult(claim, UNSUPPORTED, [], judge, "没有可核对的具体内容，也没有找到依据。")
    verdicts = [v.verdict for _, v in judged]
    if CONTRADICTED in verdicts:
        verdict = CONTRADICTED
    elif all(v == SUPPORTED for v in verdicts):
        verdict = SUPPORTED
    else:
        verdict = UNSUPPORTED
    reason = "；".join(v.reason.rstrip("。") for _, v in judged if v.verdict == verdict) + "。"
    return ClaimResult(claim, verdict, judged, judge, reason)


def _claim_findings(results: list[ClaimResult]) -> list[Finding]:
    findings = []
    for result in results:
        claim = result.claim
        loose: list[tuple[Fact, FactVerdict]] = []
        for fact, verdict in result.facts:
            if verdict.verdict == CONTRADICTED:
                if verdict.citation is not None and verdict.citation.origin == DATA:
                    continue  # the numeric checker's data_mismatch already says it
                findings.append(_finding("contradicted_claim", "error", fact.start, fact.end, claim, verdict))
            elif verdict.verdict == UNSUPPORTED and (fact.kind in (HONOUR, SUPERLATIVE) or fact.absolute):
                findings.append(
                    _finding("unsupported_claim", "warning", fact.start, fact.end, claim, verdict)
                )
            elif verdict.verdict == UNSUPPORTED:
                loose.append((fact, verdict))
        if result.verdict == UNSUPPORTED and not result.facts:
            findings.append(
                Finding("unsupported_claim", "info", claim.start, claim.end, claim.text, result.reason)
            )
        elif loose:
            parts = "；".join(v.reason.rstrip("。") for _, v in loose)
            start, end = loose[0][0].start, loose[-1][0].end
            findings.append(
                Finding(
                    "unsupported_claim",
                    "info",
                    start,
                    end,
                    claim.text[start - claim.start : end - claim.start],
                    f"{parts}。",
                )  # fmt: skip
            )
    return findings


def _finding(kind: str, severity: str, start: int, end: int, claim: Claim, verdict: FactVerdict) -> Finding:
    message = verdict.reason
    if verdict.citation is not None:
        message += f" 依据：{verdict.citation.label()}。"
    return Finding(kind, severity, start, end, claim.text[start - claim.start : end - claim.start], message)
