"""ECB+ adapter: score the merge's cross-document event clustering against gold.

ECB+ (Cybulska & Vossen, LREC 2014) annotates event mentions in news articles
and links those that refer to the same real-world event across documents
(``CROSS_DOC_COREF``). This module:

1. reads the raw CAT/CROMER XML of each document and rebuilds its text
   (tokens joined by spaces, sentences by newlines), with character offsets
   for every token;
2. turns every gold event mention (``ACTION_*``/``NEG_ACTION_*``) in the
   sentences the corpus marks as reliably annotated into an ``Event``:
   summary = the mention's words, evidence = its sentence (verbatim, with
   offsets into the rebuilt text), participants = gold human/non-human
   participant mentions of the same sentence, date = its first time
   mention, place = its first location mention;
3. runs the real merge (``merge_traced``) over all documents at once, without
   telling it the topics, and reads back which dossier event each mention
   joined;
4. scores those clusters against the gold chains with MUC, B-cubed, CEAF-e
   and CoNLL F1, per topic and overall, next to simple baselines.

The data is never copied into the repository; the folder is located through
``SUMMARISER_EVAL_DIR`` or ``../shared/eval`` next to the repository.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from summariser.canonical import sha256_text
from summariser.merge import merge_traced, text_key
from summariser.datamodel import (
    ArticleExtraction,
    ArticleMeta,
    Entity,
    EntityType,
    Event,
    EventType,
    Evidence,
    Participant,
)

from .coref_metrics import CorefScores, clusters_from_labels, score_all
from .eval_data import default_eval_dir

CORPUS_FOLDER = "ecbplus"
SENTENCES_CSV_GLOB = "ECBplus_coreference_sentences*.csv"

MentionKey = tuple[str, str]  # (document id, markable id)

# Gold participant tags -> the entity type the extraction would declare.
_PARTICIPANT_TYPES: dict[str, EntityType] = {
    "HUMAN_PART_PER": "person",
    "HUMAN_PART_ORG": "organization",
    "HUMAN_PART_GPE": "country",
    "HUMAN_PART_FAC": "place",
    "HUMAN_PART_VEH": "other",
    "HUMAN_PART_MET": "other",
    "HUMAN_PART_GENERIC": "other",
    "HUMAN_PART": "other",
    "NON_HUMAN_PART": "other",
    "NON_HUMAN_PART_GENERIC": "other",
}


def is_event_tag(tag: str) -> bool:
    return tag.startswith(("ACTION_", "NEG_ACTION_"))


class CorpusMissing(FileNotFoundError):
    """The ECB+ folder is not where it should be (it is not shipped with the repo)."""


def corpus_dir(eval_dir: Path | None = None) -> Path:
    """The ECB+ folder; raises CorpusMissing with a readable message if absent."""
    folder = (eval_dir or default_eval_dir()) / CORPUS_FOLDER
    if not (folder / "xml").is_dir():
        raise CorpusMissing(
            f"ECB+ data not found at {folder} (expected {folder / 'xml'}); "
            "set SUMMARISER_EVAL_DIR to the folder that contains 'ecbplus/'."
        )
    return folder


# --------------------------------------------------------------------------
# Reading the corpus
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    m_id: str
    tag: str
    token_ids: tuple[int, ...]
    sentence: int
    start: int
    end: int
    text: str  # the mention's tokens, space-joined (may skip gaps)


@dataclass
class Document:
    doc_id: str  # e.g. "12_10ecbplus"
    topic: str
    subtopic: str  # "ecb" or "ecbplus": the two seminal events of a topic
    path: Path
    text: str
    sentence_spans: dict[int, tuple[int, int]]
    mentions: dict[str, Mention]
    gold_label: dict[str, str] = field(default_factory=dict)  # event m_id -> gold cluster label
    eval_sentences: set[int] = field(default_factory=set)

    def event_mentions(self) -> list[Mention]:
        """Gold event mentions in the reliably annotated sentences, in text order."""
        found = [
            m for m in self.mentions.values()
            if is_event_tag(m.tag) and m.sentence in self.eval_sentences
        ]
        return sorted(found, key=lambda m: (m.start, m.end, m.m_id))

    def sentence_text(self, sentence: int) -> tuple[str, int, int]:
        start, end = self.sentence_spans[sentence]
        return self.text[start:end], start, end


def load_eval_sentences(folder: Path) -> dict[str, set[int]]:
    """{document id: sentence numbers with reliable coreference gold}."""
    found: dict[str, set[int]] = defaultdict(set)
    for path in sorted(folder.glob(SENTENCES_CSV_GLOB)):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                found[f"{row['Topic']}_{row['File']}"].add(int(row["Sentence Number"]))
    return found


def _rebuild_text(root: ET.Element) -> tuple[str, dict[int, tuple[int, int, int]], dict[int, tuple[int, int]]]:
    """Text from tokens; {token id: (sentence, start, end)}; {sentence: span}."""
    by_sentence: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for token in root.iter("token"):
        by_sentence[int(token.get("sentence"))].append((int(token.get("t_id")), token.text or ""))
    pieces: list[str] = []
    offset = 0
    token_spans: dict[int, tuple[int, int, int]] = {}
    sentence_spans: dict[int, tuple[int, int]] = {}
    for sentence in sorted(by_sentence):
        if pieces:
            pieces.append("\n")
            offset += 1
        sentence_start = offset
        for index, (t_id, word) in enumerate(sorted(by_sentence[sentence])):
            if index:
                pieces.append(" ")
                offset += 1
            token_spans[t_id] = (sentence, offset, offset + len(word))
            pieces.append(word)
            offset += len(word)
        sentence_spans[sentence] = (sentence_start, offset)
    return "".join(pieces), token_spans, sentence_spans


def _read_mentions(root: ET.Element, text: str, token_spans: dict[int, tuple[int, int, int]]) -> dict[str, Mention]:
    mentions: dict[str, Mention] = {}
    markables = root.find("Markables")
    for element in markables if markables is not None else ():
        anchors = [int(a.get("t_id")) for a in element.findall("token_anchor")]
        if not anchors:
            continue  # an instance descriptor, not a mention in the text
        anchors.sort()
        spans = [token_spans[t] for t in anchors]
        mentions[element.get("m_id")] = Mention(
            m_id=element.get("m_id"), tag=element.tag, token_ids=tuple(anchors),
            sentence=spans[0][0], start=spans[0][1], end=spans[-1][2],
            text=" ".join(text[s:e] for _, s, e in spans),
        )
    return mentions


def _read_gold_labels(root: ET.Element, doc_id: str, mentions: dict[str, Mention]) -> dict[str, str]:
    """Gold cluster label of every event mention (singletons label themselves)."""
    labels: dict[str, str] = {}
    relations = root.find("Relations")
    for relation in relations if relations is not None else ():
        sources = [s.get("m_id") for s in relation.findall("source")]
        if relation.tag == "CROSS_DOC_COREF":
            label = f"cross:{relation.get('note')}"  # instance id, shared across documents
        elif relation.tag == "INTRA_DOC_COREF":
            label = f"intra:{doc_id}:{relation.get('r_id')}"
        else:
            continue
        for m_id in sources:
            if m_id in mentions and is_event_tag(mentions[m_id].tag):
                # Cross-document links win over within-document ones (the
                # corpus removed overlaps, this only makes the rule explicit).
                if m_id not in labels or label.startswith("cross:"):
                    labels[m_id] = label
    for m_id, mention in mentions.items():
        if is_event_tag(mention.tag):
            labels.setdefault(m_id, f"single:{doc_id}:{m_id}")
    return labels


def load_document(path: Path, eval_sentences: set[int]) -> Document:
    root = ET.parse(path).getroot()
    doc_id = path.stem
    topic, rest = doc_id.split("_", 1)
    text, token_spans, sentence_spans = _rebuild_text(root)
    mentions = _read_mentions(root, text, token_spans)
    return Document(
        doc_id=doc_id, topic=topic, subtopic="ecbplus" if rest.endswith("ecbplus") else "ecb",
        path=path, text=text, sentence_spans=sentence_spans, mentions=mentions,
        gold_label=_read_gold_labels(root, doc_id, mentions), eval_sentences=set(eval_sentences),
    )


def load_corpus(folder: Path) -> list[Document]:
    eval_sentences = load_eval_sentences(folder)
    paths = sorted((folder / "xml").glob("*/*.xml"))
    return [load_document(p, eval_sentences.get(p.stem, set())) for p in paths]


# --------------------------------------------------------------------------
# Gold mentions -> extractions
# --------------------------------------------------------------------------

# A deliberately small trigger -> type table: the words whose type is not in
# doubt. Everything else is "other" and is matched on wording and context.
_TRIGGER_TYPES: dict[str, EventType] = {
    "attack": "attack", "strik": "attack", "struck": "attack", "bomb": "attack", "shell": "attack",
    "shoot": "attack", "shot": "attack", "fir": "attack", "raid": "attack", "hit": "attack",
    "kill": "casualties", "dead": "casualties", "death": "casualties", "die": "casualties",
    "injur": "casualties", "wound": "casualties",
    "meet": "meeting", "talk": "meeting", "visit": "visit",
}


def event_type_of(trigger: str) -> EventType:
    words = text_key(trigger).split()
    return _TRIGGER_TYPES.get(words[-1], "other") if words else "other"


def _mentions_in_sentence(doc: Document, sentence: int, tags: Callable[[str], bool]) -> list[Mention]:
    found = [m for m in doc.mentions.values() if m.sentence == sentence and tags(m.tag)]
    return sorted(found, key=lambda m: (m.start, m.end, m.m_id))


def to_extraction(doc: Document) -> tuple[ArticleExtraction, list[MentionKey]]:
    """The document as the extractor would report it, one Event per gold mention.

    Returns the extraction and, for each of its events in order, the gold
    mention it came from.
    """
    events: list[Event] = []
    keys: list[MentionKey] = []
    entities: dict[str, EntityType] = {}
    for mention in doc.event_mentions():
        sentence, start, end = doc.sentence_text(mention.sentence)
        participants = _mentions_in_sentence(doc, mention.sentence, lambda t: t in _PARTICIPANT_TYPES)
        times = _mentions_in_sentence(doc, mention.sentence, lambda t: t == "TIME_DATE")
        places = _mentions_in_sentence(doc, mention.sentence, lambda t: t.startswith("LOC"))
        for participant in participants:
            entities.setdefault(participant.text, _PARTICIPANT_TYPES[participant.tag])
        events.append(Event(
            summary=mention.text,
            event_type=event_type_of(mention.text),
            date_text=times[0].text if times else None,
            place=places[0].text if places else None,
            participants=[Participant(name=p.text) for p in participants],
            evidence=Evidence(text=sentence, start=start, end=end),
        ))
        keys.append((doc.doc_id, mention.m_id))
    extraction = ArticleExtraction(
        article=ArticleMeta(
            id=doc.doc_id, title=doc.doc_id, published=None,
            paths=[f"{doc.topic}/{doc.path.name}"], content_hash=sha256_text(doc.text), chars=len(doc.text),
        ),
        events=events,
        entities=[Entity(name=name, type=kind) for name, kind in sorted(entities.items())],
        model="ecbplus-gold", prompt_version="gold",
    )
    return extraction, keys


# --------------------------------------------------------------------------
# Clusterings: gold, merge, baselines
# --------------------------------------------------------------------------


def gold_labels(docs: Iterable[Document]) -> dict[MentionKey, str]:
    labels: dict[MentionKey, str] = {}
    for doc in docs:
        for mention in doc.event_mentions():
            labels[(doc.doc_id, mention.m_id)] = doc.gold_label[mention.m_id]
    return labels


def merge_labels(docs: list[Document]) -> dict[MentionKey, str]:
    """Dossier event ID of every gold mention after merging all documents at once."""
    extractions, keys_by_doc = [], {}
    for doc in docs:
        extraction, keys = to_extraction(doc)
        extractions.append(extraction)
        keys_by_doc[doc.doc_id] = keys
    result = merge_traced(extractions, model="ecbplus-gold", prompt_version="gold")
    labels: dict[MentionKey, str] = {}
    for doc_id, keys in keys_by_doc.items():
        for index, key in enumerate(keys):
            labels[key] = result.event_ids[(doc_id, index)]
    return labels


def singleton_labels(docs: Iterable[Document]) -> dict[MentionKey, str]:
    return {key: f"{key[0]}:{key[1]}" for key in gold_labels(docs)}


def topic_labels(docs: Iterable[Document]) -> dict[MentionKey, str]:
    """Everything in one topic is one event (the gold topics are given away)."""
    return {(doc.doc_id, m.m_id): doc.topic for doc in docs for m in doc.event_mentions()}


def lemma_labels(docs: Iterable[Document], *, use_topics: bool = True) -> dict[MentionKey, str]:
    """Same stemmed trigger words (the usual 'lemma baseline'), within a gold topic
    or, with ``use_topics=False``, across the whole corpus like the merge."""
    return {
        (doc.doc_id, m.m_id): f"{doc.topic if use_topics else ''}:{text_key(m.text) or m.text.lower()}"
        for doc in docs for m in doc.event_mentions()
    }


# --------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    system: str
    topic: str  # a topic number or "all"
    mentions: int
    scores: CorefScores


def score_labels(gold: dict[MentionKey, str], system: dict[MentionKey, str], keys: Iterable[MentionKey]) -> CorefScores:
    keys = list(keys)
    key_clusters = clusters_from_labels({k: gold[k] for k in keys})
    response_clusters = clusters_from_labels({k: system[k] for k in keys})
    return score_all(key_clusters, response_clusters)


def evaluate(folder: Path | None = None) -> list[Row]:
    """Per-topic and overall scores of the merge and of the baselines."""
    docs = load_corpus(folder or corpus_dir())
    gold = gold_labels(docs)
    systems = {
        "merge": merge_labels(docs),
        "singletons": singleton_labels(docs),
        "one per topic": topic_labels(docs),
        "lemma per topic": lemma_labels(docs),
        "lemma, no topics": lemma_labels(docs, use_topics=False),
    }
    by_topic: dict[str, list[MentionKey]] = defaultdict(list)
    topic_of = {doc.doc_id: doc.topic for doc in docs}
    for key in sorted(gold):
        by_topic[topic_of[key[0]]].append(key)
    rows: list[Row] = []
    for name, labels in systems.items():
        for topic in sorted(by_topic):
            rows.append(Row(name, topic, len(by_topic[topic]), score_labels(gold, labels, by_topic[topic])))
        rows.append(Row(name, "all", len(gold), score_labels(gold, labels, sorted(gold))))
    return rows


def format_table(rows: list[Row]) -> str:
    header = f"{'system':<17} {'topic':>5} {'n':>5}  {'MUC':>5} {'B3':>5} {'CEAFe':>5} {'CoNLL':>6}   (R/P below F1)"
    lines = [header, "-" * len(header)]
    for row in rows:
        s = row.scores
        lines.append(
            f"{row.system:<17} {row.topic:>5} {row.mentions:>5}  {s.muc.f1:5.3f} {s.b_cubed.f1:5.3f} "
            f"{s.ceaf_e.f1:5.3f} {s.conll_f1:6.3f}   "
            f"R/P MUC {s.muc.recall:.2f}/{s.muc.precision:.2f} B3 {s.b_cubed.recall:.2f}/{s.b_cubed.precision:.2f} "
            f"CEAFe {s.ceaf_e.recall:.2f}/{s.ceaf_e.precision:.2f}"
        )
    return "\n".join(lines)
