"""Extraction quality against hand-made gold: precision, recall, F1 per kind.

The gold for the seed articles lives in ``seeds/gold/*.json`` (one
``GoldArticle`` per seed; the rules it follows are in ``docs/annotation.md``).
This module compares predictions — per-article ``ArticleExtraction`` files or a
consolidated ``Dossier`` — with that gold. Everything here is a pure function
of its inputs except the loaders and ``run_eval_command``.

Matching rules (summarised in ``docs/quality.md``):

* evidence overlap: a predicted and a gold span *overlap* when the shared
  characters cover at least ``min_containment`` (default 0.5) of the shorter
  span — a clause inside its sentence matches, two neighbouring sentences do not;
* statements: overlap AND the same speaker after name normalisation;
* events: overlap (``events_lenient``), plus the same ``event_type``
  (``events_strict``); a gold event may list further mentions of the same
  happening, any of which can be overlapped;
* stances: overlap AND holder AND target AND polarity (``stances``), or
  without polarity (``stances_no_polarity``); the holder may also match the
  gold ``speaker`` (who voiced it for the holder);
* one-to-one: candidate pairs are taken greedily by best overlap
  (intersection over union), ties broken by gold then prediction order;
* a prediction left unmatched whose evidence lies mostly in a gold
  ``unscored`` span (headline, standfirst, caption) is *ignored*, not a false
  positive: extracting from a headline is not an error, just not required.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .canonical import canonical_json, sha256_text
from .grounding import is_grounded
from .datamodel import (
    ArticleExtraction,
    ArticleMeta,
    Dossier,
    Event,
    Evidence,
    Participant,
    Stance,
    Statement,
)

Item = TypeVar("Item", Statement, Event, Stance)

DEFAULT_MIN_CONTAINMENT = 0.5
# Share of an unmatched prediction's evidence that must fall in unscored
# spans for it to be ignored rather than counted as a false positive.
UNSCORED_SHARE = 0.5

STATEMENTS = "statements"
EVENTS_LENIENT = "events_lenient"
EVENTS_STRICT = "events_strict"
STANCES = "stances"
STANCES_NO_POLARITY = "stances_no_polarity"
SCORE_NAMES = (STATEMENTS, EVENTS_LENIENT, EVENTS_STRICT, STANCES, STANCES_NO_POLARITY)


# --------------------------------------------------------------------------
# Gold
# --------------------------------------------------------------------------


class GoldEvent(Event):
    """A gold event, plus any other mentions of the same happening.

    Events are annotated once per happening per article; an article that
    mentions the same strike three times would otherwise make two of three
    reasonable predictions count as false positives.
    """

    mentions: list[Evidence] = Field(
        default_factory=list, description="Further spans of this article that report the same happening."
    )

    def spans(self) -> list[Evidence]:
        return [self.evidence, *self.mentions]


class GoldArticle(BaseModel):
    """Hand-made reference extraction for one article file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    article_file: str = Field(description="Path of the article, relative to the repository root.")
    content_hash: str = Field(description="sha256 of the article text as loaded (UTF-8, \\r\\n -> \\n).")
    statements: list[Statement] = Field(default_factory=list)
    events: list[GoldEvent] = Field(default_factory=list)
    stances: list[Stance] = Field(default_factory=list)
    unscored: list[Evidence] = Field(
        default_factory=list,
        description="Headline, standfirst, crosshead and caption spans: predictions there are neither rewarded nor penalised.",
    )

    @field_validator("events", mode="before")
    @classmethod
    def _events_from_plain(cls, value: Any) -> Any:
        # Accept plain schema Events too (e.g. gold built in code).
        if isinstance(value, list):
            return [v.model_dump() if isinstance(v, Event) and not isinstance(v, GoldEvent) else v for v in value]
        return value

    def all_evidence(self) -> list[Evidence]:
        spans: list[Evidence] = [s.evidence for s in self.statements]
        for event in self.events:
            spans.extend(event.spans())
        spans.extend(s.evidence for s in self.stances)
        spans.extend(self.unscored)
        return spans


def read_article_text(path: str | Path) -> str:
    """An article's text as the pipeline loads it: UTF-8, newlines normalised."""
    return Path(path).read_text(encoding="utf-8").replace("\r\n", "\n")


def locate_evidence(text: str, snippet: str, nth: int | None = None) -> Evidence:
    """Evidence for ``snippet`` computed from the text, never typed by hand.

    When the snippet occurs more than once, ``nth`` (0-based) must say which
    occurrence is meant, so an annotation can never silently pick the wrong one.
    """
    starts = [m.start() for m in re.finditer(re.escape(snippet), text)]
    if not starts:
        raise ValueError(f"snippet not in text: {snippet[:80]!r}")
    if nth is None:
        if len(starts) > 1:
            raise ValueError(f"snippet occurs {len(starts)} times, pass nth: {snippet[:80]!r}")
        nth = 0
    start = starts[nth]
    return Evidence(text=snippet, start=start, end=start + len(snippet))


def load_gold(directory: str | Path) -> list[GoldArticle]:
    """Every ``*.json`` GoldArticle in ``directory``, sorted by file name."""
    folder = Path(directory)
    if not folder.is_dir():
        raise FileNotFoundError(f"gold folder not found: {folder}")
    return [GoldArticle.model_validate_json(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def find_repo_root(start: Path) -> Path:
    """Nearest folder at or above ``start`` holding pyproject.toml (else ``start``)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return start


def load_gold_texts(gold: Sequence[GoldArticle], root: str | Path) -> dict[str, str]:
    """Article texts keyed by ``article_file``, checked against ``content_hash``."""
    texts: dict[str, str] = {}
    for article in gold:
        text = read_article_text(Path(root) / article.article_file)
        if sha256_text(text) != article.content_hash:
            raise ValueError(f"{article.article_file} changed since it was annotated (content_hash differs)")
        texts[article.article_file] = text
    return texts


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

# Capitals, demonyms and stock epithets used for a state: matching treats
# "Baku", "Azeri" and "Azerbaijan" as the same actor. Keys are normalised
# token sequences; keep it small and obvious.
METONYMS: dict[str, str] = {
    "baku": "azerbaijan",
    "azeri": "azerbaijan",
    "azerbaijani": "azerbaijan",
    "tehran": "iran",
    "iranian": "iran",
    "islamic republic": "iran",
    "tel aviv": "israel",
    "jerusalem": "israel",
    "israeli": "israel",
    "jewish state": "israel",
    "zionist regime": "israel",
    "yerevan": "armenia",
    "armenian": "armenia",
    "ankara": "turkey",
    "turkish": "turkey",
    "turkiye": "turkey",
    "washington": "united states",
    "american": "united states",
    "us": "united states",
    "usa": "united states",
    "united states": "united states",
    "doha": "qatar",
    "qatari": "qatar",
    "moscow": "russia",
    "russian": "russia",
    "kyiv": "ukraine",
    "ukrainian": "ukraine",
    "baghdad": "iraq",
    "iraqi": "iraq",
}
# Titles and filler words that do not identify anyone.
TITLE_WORDS = frozenset(
    "the a an mr mrs ms dr president prime minister foreign defense defence ambassador emir king queen "
    "sheikh leader spokesman spokeswoman spokesperson general gen deputy secretary chief head of to "
    "former outgoing incoming newly elected his her its their".split()
)
_MAX_METONYM_WORDS = max(len(k.split()) for k in METONYMS)


def _plain_tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['’]s\b", "", text)  # possessive: "Iran's" -> "Iran"
    # Collapse dotted initialisms ("U.S." -> "us") before punctuation goes.
    text = re.sub(r"\b((?:[a-z]\.){2,})", lambda m: m.group(1).replace(".", ""), text)
    return re.findall(r"[a-z0-9]+", text)


def _apply_metonyms(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for width in range(min(_MAX_METONYM_WORDS, len(tokens) - i), 0, -1):
            key = " ".join(tokens[i : i + width])
            if key in METONYMS:
                out.append(METONYMS[key])
                i += width
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def name_tokens(name: str | None) -> tuple[str, ...]:
    """Normalised identifying tokens: lower case, no punctuation, no titles,
    capitals and demonyms mapped to their state ("Azeri" -> "azerbaijan")."""
    if not name:
        return ()
    tokens = _apply_metonyms(_plain_tokens(name))
    kept = [t for t in tokens if t not in TITLE_WORDS]
    # "the President" alone: better some tokens than none.
    return tuple(kept or tokens)


def names_match(a: str | None, b: str | None) -> bool:
    """Same actor after normalisation, or surname containment: the last
    identifying token of the shorter name appears in the longer one
    ("Aliyev" ~ "Ilham Aliyev" ~ "President Aliyev"; "Iran" ~ "Iranian media")."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    shorter, longer = sorted((ta, tb), key=len)
    return shorter[-1] in longer


# --------------------------------------------------------------------------
# Spans
# --------------------------------------------------------------------------


def shared_chars(a: Evidence, b: Evidence) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def containment(a: Evidence, b: Evidence) -> float:
    """Shared characters over the length of the shorter span (0..1)."""
    return shared_chars(a, b) / min(a.end - a.start, b.end - b.start)


def iou(a: Evidence, b: Evidence) -> float:
    """Shared characters over the union of both spans (0..1)."""
    inter = shared_chars(a, b)
    return inter / ((a.end - a.start) + (b.end - b.start) - inter)


def spans_overlap(a: Evidence, b: Evidence, min_containment: float = DEFAULT_MIN_CONTAINMENT) -> bool:
    return shared_chars(a, b) > 0 and containment(a, b) >= min_containment


def best_overlap(pred: Evidence, gold_spans: Iterable[Evidence], min_containment: float) -> float | None:
    """Best IoU with any of the gold spans that overlaps enough, else None."""
    scores = [iou(pred, g) for g in gold_spans if spans_overlap(pred, g, min_containment)]
    return max(scores) if scores else None


def share_inside(span: Evidence, regions: Sequence[Evidence]) -> float:
    """Fraction of ``span``'s characters that fall inside any of ``regions``."""
    covered = set()
    for region in regions:
        covered.update(range(max(span.start, region.start), min(span.end, region.end)))
    return len(covered) / (span.end - span.start)


def anchor(evidence: Evidence, text: str | None) -> Evidence:
    """Where the evidence text really is, for matching.

    Ungrounded offsets are reported by the grounding rate; matching should
    judge content, so a quote with wrong offsets is moved to the occurrence of
    its text nearest the stated start. Text not in the article stays put.
    """
    if text is None or is_grounded(evidence, text):
        return evidence
    starts = [m.start() for m in re.finditer(re.escape(evidence.text), text)]
    if not starts:
        return evidence
    start = min(starts, key=lambda s: (abs(s - evidence.start), s))
    return Evidence(text=evidence.text, start=start, end=start + len(evidence.text))


def _reanchored(item: Item, text: str | None) -> Item:
    placed = anchor(item.evidence, text)
    return item if placed is item.evidence else item.model_copy(update={"evidence": placed})


# --------------------------------------------------------------------------
# One-to-one matching
# --------------------------------------------------------------------------


def greedy_match(scores: Mapping[tuple[int, int], float]) -> list[tuple[int, int]]:
    """One-to-one pairs (pred, gold) from candidate scores, best first.

    Deterministic: ties go to the lower gold index, then the lower prediction
    index. Returned sorted by (pred, gold).
    """
    order = sorted(scores, key=lambda pg: (-scores[pg], pg[1], pg[0]))
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for p, g in order:
        if p in used_pred or g in used_gold:
            continue
        used_pred.add(p)
        used_gold.add(g)
        pairs.append((p, g))
    return sorted(pairs)


def candidate_scores(
    preds: Sequence[Item],
    golds: Sequence[Item],
    compatible: Callable[[Item, Item], bool],
    min_containment: float,
) -> dict[tuple[int, int], float]:
    """Overlap score of every (pred, gold) pair that may match at all."""
    scores: dict[tuple[int, int], float] = {}
    for gi, gold in enumerate(golds):
        gold_spans = gold.spans() if isinstance(gold, GoldEvent) else [gold.evidence]
        for pi, pred in enumerate(preds):
            overlap = best_overlap(pred.evidence, gold_spans, min_containment)
            if overlap is not None and compatible(pred, gold):
                scores[(pi, gi)] = overlap
    return scores


def match_items(
    preds: Sequence[Item],
    golds: Sequence[Item],
    compatible: Callable[[Item, Item], bool],
    min_containment: float = DEFAULT_MIN_CONTAINMENT,
) -> list[tuple[int, int]]:
    return greedy_match(candidate_scores(preds, golds, compatible, min_containment))


# Kind-specific compatibility rules -----------------------------------------


def same_speaker(pred: Statement, gold: Statement) -> bool:
    return names_match(pred.speaker, gold.speaker)


def any_event(pred: Event, gold: Event) -> bool:
    return True


def same_event_type(pred: Event, gold: Event) -> bool:
    return pred.event_type == gold.event_type


def holder_matches(pred_holder: str, gold: Stance) -> bool:
    """The holder may be named as the state or as the person who voiced it."""
    return names_match(pred_holder, gold.holder) or (gold.speaker is not None and names_match(pred_holder, gold.speaker))


def same_holder_target(pred: Stance, gold: Stance) -> bool:
    return holder_matches(pred.holder, gold) and names_match(pred.target, gold.target)


def same_stance(pred: Stance, gold: Stance) -> bool:
    return same_holder_target(pred, gold) and pred.polarity == gold.polarity


def swapped_holder_target(pred: Stance, gold: Stance) -> bool:
    return names_match(pred.target, gold.holder) and names_match(pred.holder, gold.target)


def same_pair_any_direction(pred: Stance, gold: Stance) -> bool:
    return same_holder_target(pred, gold) or swapped_holder_target(pred, gold)


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


class Score(BaseModel):
    """Counts and P/R/F1 for one kind and variant."""

    model_config = ConfigDict(frozen=True)

    tp: int = 0
    fp: int = 0
    fn: int = 0
    ignored: int = Field(default=0, description="Unmatched predictions inside unscored spans (not FP).")
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None


class Rate(BaseModel):
    """hits out of total; rate is None when there is nothing to count."""

    model_config = ConfigDict(frozen=True)

    hits: int = 0
    total: int = 0
    rate: float | None = None


def prf(tp: int, fp: int, fn: int, ignored: int = 0) -> Score:
    """Precision/recall/F1; None where the denominator is 0 (undefined, not 0)."""
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    if precision is None or recall is None:
        f1 = None
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(tp=tp, fp=fp, fn=fn, ignored=ignored, precision=precision, recall=recall, f1=f1)


def rate(hits: int, total: int) -> Rate:
    return Rate(hits=hits, total=total, rate=hits / total if total else None)


def sum_scores(scores: Iterable[Score]) -> Score:
    """Micro-average: add the counts, then recompute P/R/F1."""
    scores = list(scores)
    return prf(
        sum(s.tp for s in scores), sum(s.fp for s in scores), sum(s.fn for s in scores), sum(s.ignored for s in scores)
    )


def sum_rates(rates: Iterable[Rate]) -> Rate:
    rates = list(rates)
    return rate(sum(r.hits for r in rates), sum(r.total for r in rates))


class Agreement(BaseModel):
    """Attribute agreement among matched pairs."""

    statement_kind: Rate = Field(default_factory=Rate, description="Matched statements with the same quote/paraphrase kind.")
    statement_addressee: Rate = Field(
        default_factory=Rate,
        description="Matched statements whose addressee agrees with the gold: the same actor, or none on both sides.",
    )
    event_type: Rate = Field(default_factory=Rate, description="Leniently matched events with the same event_type.")
    event_date: Rate = Field(default_factory=Rate, description="Matched events whose gold has a date: the predicted date_text agrees.")
    event_participants: Rate = Field(default_factory=Rate, description="Gold participants of matched events found among the predicted ones.")
    stance_direction: Rate = Field(default_factory=Rate, description="Stances matched on the unordered holder/target pair: holder and target not swapped.")


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    min_containment: float = DEFAULT_MIN_CONTAINMENT
    unscored_share: float = UNSCORED_SHARE
    only_predicted: bool = False


class ArticleReport(BaseModel):
    article_file: str
    predicted: bool = Field(description="Whether any prediction was found for this gold article.")
    article_id: str | None = None
    gold_counts: dict[str, int]
    predicted_counts: dict[str, int]
    scores: dict[str, Score]
    agreement: Agreement
    grounding: Rate
    grounding_unchecked: int = 0
    dropped: int = 0


class Report(BaseModel):
    """Everything one evaluation measured; JSON via ``canonical_json``."""

    model: str | None = None
    prompt_version: str | None = None
    scores: dict[str, Score]
    agreement: Agreement
    grounding: Rate = Field(description="Predicted items whose evidence equals the article text at its offsets.")
    grounding_unchecked: int = Field(default=0, description="Predicted items whose article text was not available.")
    dropped: int = Field(default=0, description="Items the pipeline proposed and dropped (ArticleExtraction.dropped).")
    dropped_by_kind: dict[str, int] = Field(default_factory=dict)
    articles: list[ArticleReport]
    missing_predictions: list[str] = Field(default_factory=list, description="Gold articles with no prediction.")
    unmatched_predictions: list[str] = Field(default_factory=list, description="Predicted articles with no gold.")
    settings: Settings = Field(default_factory=Settings)


# --------------------------------------------------------------------------
# Scoring one article
# --------------------------------------------------------------------------


def _unmatched_split(
    preds: Sequence[Item], matched: set[int], unscored: Sequence[Evidence], unscored_share: float
) -> tuple[int, int]:
    """(false positives, ignored) among predictions left unmatched."""
    fp = ignored = 0
    for i, pred in enumerate(preds):
        if i in matched:
            continue
        if unscored and share_inside(pred.evidence, unscored) >= unscored_share:
            ignored += 1
        else:
            fp += 1
    return fp, ignored


def score_kind(
    preds: Sequence[Item],
    golds: Sequence[Item],
    compatible: Callable[[Item, Item], bool],
    unscored: Sequence[Evidence] = (),
    settings: Settings = Settings(),
) -> tuple[Score, list[tuple[int, int]]]:
    """One kind, one variant: counts and the matched (pred, gold) pairs."""
    pairs = match_items(preds, golds, compatible, settings.min_containment)
    fp, ignored = _unmatched_split(preds, {p for p, _ in pairs}, unscored, settings.unscored_share)
    return prf(len(pairs), fp, len(golds) - len(pairs), ignored), pairs


def dates_agree(pred: str | None, gold: str | None) -> bool:
    """Word-set containment either way, ignoring case and punctuation
    ("June 13" ~ "on 13 June"; "Thursday" ~ "on Thursday")."""
    filler = {"on", "in", "at", "the", "of"}
    a = {t for t in _plain_tokens(pred or "") if t not in filler}
    b = {t for t in _plain_tokens(gold or "") if t not in filler}
    return bool(a) and bool(b) and (a <= b or b <= a)


def addressees_agree(pred: str | None, gold: str | None) -> bool:
    """The same actor, or no addressee on either side (naming one where the
    article names none is as wrong as missing one)."""
    if not pred or not gold:
        return not pred and not gold
    return names_match(pred, gold)


def participants_found(pred: Event, gold: Event) -> tuple[int, int]:
    """(gold participants named among the predicted participants, gold participants)."""
    names = [p.name for p in pred.participants]
    hits = sum(1 for g in gold.participants if any(names_match(g.name, n) for n in names))
    return hits, len(gold.participants)


def event_agreement(preds: Sequence[Event], golds: Sequence[Event], pairs: Sequence[tuple[int, int]]) -> tuple[Rate, Rate, Rate]:
    """(type, date, participants) agreement over matched event pairs."""
    type_hits = date_hits = date_total = part_hits = part_total = 0
    for p, g in pairs:
        pred, gold = preds[p], golds[g]
        type_hits += pred.event_type == gold.event_type
        if gold.date_text:
            date_total += 1
            date_hits += dates_agree(pred.date_text, gold.date_text)
        hits, total = participants_found(pred, gold)
        part_hits += hits
        part_total += total
    return rate(type_hits, len(pairs)), rate(date_hits, date_total), rate(part_hits, part_total)


def stance_direction(preds: Sequence[Stance], golds: Sequence[Stance], settings: Settings) -> Rate:
    """Among stances matched on evidence and the unordered {holder, target}
    pair, the share that also has the right direction (holder -> target)."""
    pairs = match_items(preds, golds, same_pair_any_direction, settings.min_containment)
    correct = sum(1 for p, g in pairs if same_holder_target(preds[p], golds[g]))
    return rate(correct, len(pairs))


def _counts(extraction: ArticleExtraction | GoldArticle | None) -> dict[str, int]:
    if extraction is None:
        return {"statements": 0, "events": 0, "stances": 0}
    return {
        "statements": len(extraction.statements),
        "events": len(extraction.events),
        "stances": len(extraction.stances),
    }


def _grounding(pred: ArticleExtraction | None, text: str | None) -> tuple[Rate, int]:
    if pred is None:
        return rate(0, 0), 0
    items = [*pred.statements, *pred.events, *pred.stances]
    if text is None:
        return rate(0, 0), len(items)
    return rate(sum(is_grounded(i.evidence, text) for i in items), len(items)), 0


def score_article(
    pred: ArticleExtraction | None,
    gold: GoldArticle,
    text: str | None,
    settings: Settings = Settings(),
) -> ArticleReport:
    """All kinds and variants for one gold article (``pred`` None = no prediction)."""
    statements = [_reanchored(s, text) for s in (pred.statements if pred else [])]
    events = [_reanchored(e, text) for e in (pred.events if pred else [])]
    stances = [_reanchored(s, text) for s in (pred.stances if pred else [])]
    unscored = gold.unscored

    s_score, s_pairs = score_kind(statements, gold.statements, same_speaker, unscored, settings)
    el_score, el_pairs = score_kind(events, gold.events, any_event, unscored, settings)
    es_score, _ = score_kind(events, gold.events, same_event_type, unscored, settings)
    st_score, _ = score_kind(stances, gold.stances, same_stance, unscored, settings)
    stn_score, _ = score_kind(stances, gold.stances, same_holder_target, unscored, settings)

    type_rate, date_rate, part_rate = event_agreement(events, gold.events, el_pairs)
    kind_rate = rate(sum(statements[p].kind == gold.statements[g].kind for p, g in s_pairs), len(s_pairs))
    addressee_rate = rate(
        sum(addressees_agree(statements[p].addressee, gold.statements[g].addressee) for p, g in s_pairs), len(s_pairs)
    )
    grounding, unchecked = _grounding(pred, text)
    return ArticleReport(
        article_file=gold.article_file,
        predicted=pred is not None,
        article_id=pred.article.id if pred else None,
        gold_counts=_counts(gold),
        predicted_counts=_counts(pred),
        scores={
            STATEMENTS: s_score,
            EVENTS_LENIENT: el_score,
            EVENTS_STRICT: es_score,
            STANCES: st_score,
            STANCES_NO_POLARITY: stn_score,
        },
        agreement=Agreement(
            statement_kind=kind_rate,
            statement_addressee=addressee_rate,
            event_type=type_rate,
            event_date=date_rate,
            event_participants=part_rate,
            stance_direction=stance_direction(stances, gold.stances, settings),
        ),
        grounding=grounding,
        grounding_unchecked=unchecked,
        dropped=len(pred.dropped) if pred else 0,
    )


# --------------------------------------------------------------------------
# Predictions: folders, dossiers, pairing with gold
# --------------------------------------------------------------------------


def _entity_names(dossier: Dossier) -> dict[str, str]:
    return {e.id: e.name for e in dossier.entities}


def dossier_to_extractions(dossier: Dossier) -> list[ArticleExtraction]:
    """Turn each dossier item's sources back into per-article items.

    A dossier item reported by three articles becomes one item in each of the
    three; entity IDs become the entity's canonical name.
    """
    names = _entity_names(dossier)
    by_article: dict[str, dict[str, list]] = {a.id: {"statements": [], "events": [], "stances": []} for a in dossier.articles}

    def bucket(article_id: str, kind: str) -> list:
        return by_article.setdefault(article_id, {"statements": [], "events": [], "stances": []})[kind]

    for st in dossier.statements:
        for src in st.sources:
            # Each source carries how *its* article worded the statement.
            bucket(src.article_id, "statements").append(
                Statement(
                    speaker=st.speaker_name,
                    speaker_role=st.speaker_role,
                    content=getattr(src, "content", None) or st.content,
                    kind=getattr(src, "kind", None) or st.kind,
                    addressee=names.get(st.addressee, st.addressee) if st.addressee else None,
                    date_text=st.date.text if st.date else None,
                    evidence=src.evidence,
                )
            )
    for ev in dossier.events:
        participants = [Participant(name=names.get(pid, pid)) for pid in ev.participants]
        for src in ev.sources:
            bucket(src.article_id, "events").append(
                Event(
                    summary=ev.summary,
                    event_type=ev.event_type,
                    date_text=ev.date.text if ev.date else None,
                    place=ev.place,
                    participants=participants,
                    evidence=src.evidence,
                )
            )
    for timeline in dossier.stances:
        for assertion in timeline.assertions:
            bucket(assertion.source.article_id, "stances").append(
                Stance(
                    holder=names.get(timeline.holder, timeline.holder),
                    target=names.get(timeline.target, timeline.target),
                    topic=timeline.topic,
                    polarity=assertion.polarity,
                    speaker=names.get(assertion.speaker, assertion.speaker) if assertion.speaker else None,
                    date_text=assertion.date.text if assertion.date else None,
                    evidence=assertion.source.evidence,
                )
            )

    metas = {a.id: a for a in dossier.articles}
    out: list[ArticleExtraction] = []
    for article_id in sorted(by_article):
        meta = metas.get(article_id) or ArticleMeta(id=article_id, title="", paths=[], content_hash="", chars=0)
        items = by_article[article_id]
        out.append(
            ArticleExtraction(
                article=meta,
                statements=items["statements"],
                events=items["events"],
                stances=items["stances"],
                model=dossier.run.model,
                prompt_version=dossier.run.prompt_version,
            )
        )
    return out


class PredictionLoadError(Exception):
    """A predictions path that cannot be read; the message names the file."""


def load_predictions(path: str | Path) -> list[ArticleExtraction] | Dossier:
    """A folder of ArticleExtraction JSON files, or one dossier/extraction file."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.is_file())
        if not files:
            raise PredictionLoadError(f"{path}: no *.json files")
        out = []
        for file in files:
            try:
                out.append(ArticleExtraction.model_validate_json(file.read_text(encoding="utf-8")))
            except (ValidationError, ValueError) as exc:
                raise PredictionLoadError(f"{file}: not an ArticleExtraction ({_first_error(exc)})") from exc
        return out
    if path.is_file():
        raw = path.read_text(encoding="utf-8")
        try:
            return Dossier.model_validate_json(raw)
        except (ValidationError, ValueError) as dossier_error:
            try:
                return [ArticleExtraction.model_validate_json(raw)]
            except (ValidationError, ValueError):
                raise PredictionLoadError(f"{path}: neither a Dossier nor an ArticleExtraction ({_first_error(dossier_error)})") from dossier_error
    raise PredictionLoadError(f"{path}: no such file or folder")


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        err = exc.errors()[0]
        return f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}"
    return str(exc).splitlines()[0]


def _file_names(meta: ArticleMeta) -> set[str]:
    return {Path(p).name for p in meta.paths}


def pair_with_gold(
    predictions: Sequence[ArticleExtraction], gold: Sequence[GoldArticle]
) -> tuple[dict[int, ArticleExtraction], list[ArticleExtraction]]:
    """Gold index -> prediction (by content_hash, else file name), and the leftovers."""
    paired: dict[int, ArticleExtraction] = {}
    leftovers: list[ArticleExtraction] = []
    for pred in predictions:
        gi = next((i for i, g in enumerate(gold) if g.content_hash == pred.article.content_hash), None)
        if gi is None:
            names = _file_names(pred.article)
            gi = next((i for i, g in enumerate(gold) if Path(g.article_file).name in names), None)
        if gi is None or gi in paired:
            leftovers.append(pred)
        else:
            paired[gi] = pred
    return paired, leftovers


def text_for(gold: GoldArticle, texts: Mapping[str, str]) -> str | None:
    """The article text from ``texts`` keyed by path, file name, stem or hash."""
    path = Path(gold.article_file)
    for key in (gold.article_file, path.name, path.stem, gold.content_hash):
        if key in texts:
            text = texts[key]
            if sha256_text(text) != gold.content_hash:
                raise ValueError(f"text given for {gold.article_file} does not match its gold content_hash")
            return text
    return None


# --------------------------------------------------------------------------
# Evaluate
# --------------------------------------------------------------------------


def _dropped_by_kind(predictions: Iterable[ArticleExtraction]) -> dict[str, int]:
    counts = {"statement": 0, "event": 0, "stance": 0}
    for pred in predictions:
        for item in pred.dropped:
            counts[item.kind] += 1
    return counts


def _single(values: Iterable[str]) -> str | None:
    distinct = sorted(set(values))
    return distinct[0] if len(distinct) == 1 else (", ".join(distinct) if distinct else None)


def evaluate(
    predictions: Sequence[ArticleExtraction] | Dossier,
    gold: Sequence[GoldArticle],
    texts: Mapping[str, str],
    *,
    min_containment: float = DEFAULT_MIN_CONTAINMENT,
    only_predicted: bool = False,
) -> Report:
    """Compare predictions with gold.

    ``texts`` maps an article key (gold ``article_file``, file name, stem or
    content hash) to its text; it is used for the grounding rate and to match
    evidence whose offsets are off. A gold article without any prediction
    counts all its items as misses unless ``only_predicted`` is set.
    Dropped items are counted over the predictions paired with gold.
    """
    extractions = dossier_to_extractions(predictions) if isinstance(predictions, Dossier) else list(predictions)
    settings = Settings(min_containment=min_containment, only_predicted=only_predicted)
    paired, leftovers = pair_with_gold(extractions, gold)

    articles: list[ArticleReport] = []
    for gi, gold_article in enumerate(gold):
        pred = paired.get(gi)
        if pred is None and only_predicted:
            continue
        articles.append(score_article(pred, gold_article, text_for(gold_article, texts), settings))

    used = list(paired.values())
    return Report(
        model=_single(p.model for p in used),
        prompt_version=_single(p.prompt_version for p in used),
        scores={name: sum_scores(a.scores[name] for a in articles) for name in SCORE_NAMES},
        agreement=Agreement(
            **{field: sum_rates(getattr(a.agreement, field) for a in articles) for field in Agreement.model_fields}
        ),
        grounding=sum_rates(a.grounding for a in articles),
        grounding_unchecked=sum(a.grounding_unchecked for a in articles),
        dropped=sum(a.dropped for a in articles),
        dropped_by_kind=_dropped_by_kind(used),
        articles=articles,
        missing_predictions=[g.article_file for i, g in enumerate(gold) if i not in paired],
        unmatched_predictions=sorted(p.article.paths[0] if p.article.paths else p.article.id for p in leftovers),
        settings=settings,
    )


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _fmt_rate(r: Rate) -> str:
    return f"{_fmt(r.rate)} ({r.hits}/{r.total})"


_SHORT_HEADERS = {STATEMENTS: "S", EVENTS_LENIENT: "E~", EVENTS_STRICT: "E=", STANCES: "St", STANCES_NO_POLARITY: "St~"}


def render_report(report: Report) -> list[Any]:
    """Rich renderables: overall scores, agreement rates, per-article F1."""
    from rich.table import Table

    head = f"model {report.model or '?'} · prompt {report.prompt_version or '?'}"
    scores = Table(title=f"Extraction vs gold — {head}")
    for col in ("kind", "TP", "FP", "FN", "ignored", "P", "R", "F1"):
        scores.add_column(col, justify="left" if col == "kind" else "right")
    for name in SCORE_NAMES:
        s = report.scores[name]
        scores.add_row(name, str(s.tp), str(s.fp), str(s.fn), str(s.ignored), _fmt(s.precision), _fmt(s.recall), _fmt(s.f1))

    rates = Table(title="Agreement, grounding, dropped")
    rates.add_column("measure")
    rates.add_column("value", justify="right")
    for field, info in Agreement.model_fields.items():
        rates.add_row(field, _fmt_rate(getattr(report.agreement, field)))
    rates.add_row("grounding", _fmt_rate(report.grounding) + (f", {report.grounding_unchecked} unchecked" if report.grounding_unchecked else ""))
    rates.add_row("dropped", f"{report.dropped} " + str(report.dropped_by_kind))

    per_article = Table(title="Per article F1 (S statements, E events lenient/strict, St stances full/no polarity)")
    per_article.add_column("article")
    per_article.add_column("gold S/E/St", justify="right")
    per_article.add_column("pred S/E/St", justify="right")
    for header in _SHORT_HEADERS.values():
        per_article.add_column(header, justify="right")
    for a in report.articles:
        gold_counts = "/".join(str(a.gold_counts[k]) for k in ("statements", "events", "stances"))
        pred_counts = "/".join(str(a.predicted_counts[k]) for k in ("statements", "events", "stances")) if a.predicted else "missing"
        per_article.add_row(Path(a.article_file).stem[:12], gold_counts, pred_counts, *(_fmt(a.scores[n].f1) for n in _SHORT_HEADERS))

    out: list[Any] = [scores, rates, per_article]
    if report.missing_predictions:
        out.append(f"[yellow]No prediction for:[/] {', '.join(report.missing_predictions)}")
    if report.unmatched_predictions:
        out.append(f"[yellow]Predictions without gold (not scored):[/] {', '.join(report.unmatched_predictions)}")
    return out


def print_report(report: Report, fmt: str = "table", file: Any = None) -> None:
    if fmt == "json":
        (file or sys.stdout).write(canonical_json(report))
        return
    from rich.console import Console

    console = Console(file=file)
    for renderable in render_report(report):
        console.print(renderable)


# Why scoring the dossier and scoring extractions/ give different figures.
DOSSIER_SCORE_NOTE = (
    "note: this scores the merged dossier: statements the merge joined count once, and items the extractor "
    "dropped are not recorded in a dossier. The extractor's own figures (docs/quality.md) come from scoring "
    "the per-article files: summarise eval extractions/"
)


def run_eval_command(pred_path: Path, gold_dir: Path, fmt: str = "table", *, only_predicted: bool = False) -> int:
    """What ``summarise eval`` runs. Exit codes: 0 scored; 1 nothing paired
    with gold (wrong folder?); 2 unreadable input or gold."""
    if fmt not in ("table", "json"):
        print(f"unknown format {fmt!r}: use table or json", file=sys.stderr)
        return 2
    try:
        gold = load_gold(gold_dir)
        if not gold:
            print(f"{gold_dir}: no gold *.json files", file=sys.stderr)
            return 2
        texts = load_gold_texts(gold, find_repo_root(Path(gold_dir)))
        predictions = load_predictions(pred_path)
    except (PredictionLoadError, FileNotFoundError, ValueError, ValidationError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    report = evaluate(predictions, gold, texts, only_predicted=only_predicted)
    print_report(report, fmt)
    if isinstance(predictions, Dossier) and fmt == "table":
        print(DOSSIER_SCORE_NOTE, file=sys.stderr)
    if len(report.missing_predictions) == len(gold):
        print("eval: no prediction matched any gold article (by content hash or file name)", file=sys.stderr)
        return 1
    return 0
