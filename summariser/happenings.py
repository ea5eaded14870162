"""Events from syntax, for the sentences the model's events answer left out.

A small model lists fewer events than an article reports (on the seeds it
found 39 of 53, and missed most in long sentences about several things).
Every sentence with a word for a happening (``prepass.EVENT_CUE``) that no
answered event cites becomes an event here, built from the parse alone:

* the trigger is the sentence's first word for a happening, a verb preferred;
* the summary is the trigger's clause in the article's own words: its subject,
  the trigger, and its object or first prepositional phrase, without relative
  clauses, appositions and asides, so it is never a sentence cut mid-phrase;
* the type comes from the trigger's words first, then the sentence's
  (``rules.TYPE_CUES``), else ``other``;
* participants are the names in the subject (agents) and in the object
  (targets); the date is the sentence's own date expression.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from .articles import Article
from .datamodel import Event, Participant
from .grounding import evidence_at
from .prepass import EVENT_CUE, Sentence
from .rules import TYPE_CUES

# Children that make a phrase long without saying what happened.
_ASIDES = frozenset({"relcl", "acl", "appos", "advcl", "parataxis", "punct", "cc", "conj", "ccomp", "mark", "meta"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
_OBJECTS = frozenset({"dobj", "obj", "attr", "oprd", "dative"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})
SUMMARY_WORDS = 14  # a summary longer than this keeps its head words only
MIN_SUMMARY_WORDS = 2  # 'the war' names an event; one word does not


def _phrase_tokens(head: Token) -> list[Token]:
    """``head`` and what depends on it, less the asides."""
    kept = [head]
    for child in head.children:
        if child.dep_ not in _ASIDES:
            kept.extend(_phrase_tokens(child))
    return kept


def _trigger(span: Span) -> Token | None:
    """The first word for a happening in the sentence, a verb preferred."""
    cued = [t for t in span if EVENT_CUE.match(t.text)]
    verbs = [t for t in cued if t.pos_ in ("VERB", "AUX")]
    return (verbs or cued or [None])[0]


def _clause(trigger: Token) -> tuple[list[Token], list[Token], list[Token]]:
    """Subject, core and object tokens of the clause the trigger heads (or sits in)."""
    verb = trigger
    if trigger.pos_ not in ("VERB", "AUX") and trigger.dep_ in _OBJECTS | _SUBJECTS | {"pobj"}:
        # "launched a wave of airstrikes": the clause is the verb's.
        head = trigger.head.head if trigger.dep_ == "pobj" and trigger.head.dep_ == "prep" else trigger.head
        if head.pos_ in ("VERB", "AUX"):
            verb = head
    if verb.pos_ not in ("VERB", "AUX"):
        return [], _phrase_tokens(trigger), []
    subject, link = _subject_of(verb)
    core = link + [verb] + [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "prt")]
    objects = [c for c in verb.children if c.dep_ in _OBJECTS]
    if not objects:
        objects = [c for c in verb.children if c.dep_ in ("prep", "agent")][:1]
    obj = [t for c in objects for t in _phrase_tokens(c)]
    return subject, core, obj


def _subject_of(verb: Token) -> tuple[list[Token], list[Token]]:
    """The verb's subject phrase, and the words that link it to the verb. An
    infinitive without a subject takes the subject of the verb it depends on,
    with that verb and its object ("Iran used drones | to kill two people")."""
    link: list[Token] = []
    for _ in range(3):
        own = [t for c in verb.children if c.dep_ in _SUBJECTS for t in _phrase_tokens(c)]
        if own or verb.dep_ not in ("xcomp", "advcl") or verb.head is verb:
            return own, link
        head = verb.head
        link = [head] + [c for c in head.children if c.dep_ in ("aux", "auxpass", "neg", "prt")] + [
            t for c in head.children if c.dep_ in _OBJECTS for t in _phrase_tokens(c)] + link
        verb = head
    return [], []


def _text(tokens: list[Token]) -> str:
    ordered = sorted(set(tokens), key=lambda t: t.i)
    if len(ordered) > SUMMARY_WORDS:
        ordered = ordered[:SUMMARY_WORDS]
    return "".join(t.text_with_ws for t in ordered).strip(" ,;:")


def _names(tokens: list[Token], span: Span) -> list[str]:
    inside = {t.i for t in tokens}
    return [e.text for e in span.ents if e.label_ in _NAME_LABELS and e.start in inside]


def _type_of(*texts: str) -> str:
    for text in texts:
        for event_type, cue in TYPE_CUES:
            if cue.search(text):
                return event_type
    return "other"


def event_of_sentence(doc: Doc, sentence: Sentence, article: Article) -> Event | None:
    """The event a sentence's word for a happening names, from the parse; None without one."""
    span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    if span is None:
        return None
    trigger = _trigger(span)
    if trigger is None:
        return None
    subject, core, obj = _clause(trigger)
    summary = _text(subject + core + obj)
    if len(summary.split()) < MIN_SUMMARY_WORDS:
        return None
    participants = [Participant(name=n, role="agent") for n in _names(subject, span)]
    participants += [Participant(name=n, role="target") for n in _names(obj, span) if n not in {p.name for p in participants}]
    return Event(
        summary=summary,
        event_type=_type_of(_text(core + obj), sentence.text),
        date_text=sentence.dates[0] if sentence.dates else None,
        participants=participants,
        evidence=evidence_at(article.text, sentence.start, sentence.end),
    )


def events_left_out(doc: Doc, sentences: list[Sentence], article: Article, cited: set[int]) -> list[Event]:
    """Events for the sentences with a word for a happening that no answered event cites."""
    found = []
    for sentence in sentences:
        if sentence.event_cue and sentence.number not in cited:
            event = event_of_sentence(doc, sentence, article)
            if event is not None:
                found.append(event)
    return found
