"""Per-verdict precision and recall of the review against labelled claims (tests/data/review*/cases.yaml)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml

from assistant.checks.table import load_table
from assistant.document.readers import read_document
from assistant.review.service import VERDICTS, ClaimResult, ReviewResult, review

if TYPE_CHECKING:
    from assistant.knowledge import KnowledgeBase


@dataclass(frozen=True)
class LabelledClaim:
    case: str
    quote: str
    verdict: str
    source: str = ""


@dataclass
class Outcome:
    label: LabelledClaim
    predicted: str
    claim: ClaimResult | None
    cited: list[str] = field(default_factory=list)

    @property
    def citation_ok(self) -> bool | None:
        """For a correct supported/contradicted verdict: whether the labelled source is among those cited."""
        if self.predicted != self.label.verdict or self.label.verdict not in ("supported", "contradicted"):
            return None
        if not self.label.source:
            return None
        wanted = PurePosixPath(self.label.source).name
        return any(PurePosixPath(c).name == wanted for c in self.cited)


@dataclass
class Scores:
    outcomes: list[Outcome]

    def confusion(self) -> Counter[tuple[str, str]]:
        return Counter((o.label.verdict, o.predicted) for o in self.outcomes)

    def per_verdict(self) -> dict[str, dict[str, float]]:
        table = {}
        for verdict in VERDICTS:
            tp = sum(1 for o in self.outcomes if o.label.verdict == verdict and o.predicted == verdict)
            predicted = sum(1 for o in self.outcomes if o.predicted == verdict)
            actual = sum(1 for o in self.outcomes if o.label.verdict == verdict)
            table[verdict] = {
                "precision": tp / predicted if predicted else 1.0,
                "recall": tp / actual if actual else 1.0,
                "support": actual,
                "predicted": predicted,
            }
        return table

    def accuracy(self) -> float:
        return sum(o.predicted == o.label.verdict for o in self.outcomes) / max(1, len(self.outcomes))

    def citation_accuracy(self) -> tuple[int, int]:
        checked = [o.citation_ok for o in self.outcomes if o.citation_ok is not None]
        return sum(checked), len(checked)

    def mistakes(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.predicted != o.label.verdict]

    def report(self, title: str) -> str:
        lines = [f"{title}: {len(self.outcomes)} claims, accuracy {self.accuracy():.3f}"]
        for verdict, row in self.per_verdict().items():
            lines.append(
                f"  {verdict:<14} precision {row['precision']:.3f}  recall {row['recall']:.3f}  "
                f"(labelled {row['support']}, predicted {row['predicted']})"
            )
        right, total = self.citation_accuracy()
        lines.append(f"  citations: {right}/{total} correct verdicts cite the labelled source")
        return "\n".join(lines)


def match_claim(result: ReviewResult, start: int, end: int) -> ClaimResult | None:
    """The reviewed claim that overlaps the labelled quote most."""
    best, best_overlap = None, 0
    for claim in result.claims:
        overlap = min(end, claim.claim.end) - max(start, claim.claim.start)
        if overlap > best_overlap:
            best, best_overlap = claim, overlap
    return best


def evaluate_cases(
    cases_file: Path, root: Path, kb: KnowledgeBase | None, model: Any = None
) -> tuple[Scores, list[ReviewResult]]:
    """Review every case's draft and score the verdicts of its labelled claims."""
    data = yaml.safe_load(cases_file.read_text(encoding="utf-8"))
    outcomes: list[Outcome] = []
    results = []
    for case in data["cases"]:
        draft_path = root / case["draft"]
        text = read_document(draft_path).text
        table = load_table(root / case["data"]) if case.get("data") else None
        evidence = [root / case["evidence"]] if case.get("evidence") else None
        result = review(
            text,
            table=table,
            table_name=case.get("data") or "数据表",
            evidence=evidence,
            kb=kb,
            model=model,
            draft_name=draft_path.name,
        )
        results.append(result)
        for item in case["claims"]:
            label = LabelledClaim(case["id"], item["quote"], item["verdict"], item.get("source", ""))
            at = text.find(label.quote)
            if at < 0:
                raise ValueError(f"{case['id']}: quote not in draft: {label.quote}")
            claim = match_claim(result, at, at + len(label.quote))
            predicted = claim.verdict if claim else "not_checkable"
            cited = [c.source for c in claim.citations] if claim else []
            outcomes.append(Outcome(label, predicted, claim, cited))
    return Scores(outcomes), results
