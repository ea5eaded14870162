"""Events from syntax, for the sentences the model's events answer left out.

A small model lists fewer events than an article reports (on the seeds it
found 39 of 53, and missed most in long sentences about several things).
Every sentence with a word for a happening (``prepass.EVENT_CUE``) that no
answered event cites becomes an event here, built from the parse alone:

* the trigger is the sentence's first word for a happening, a verb preferred,
  never one that only describes a noun ("the newly elected president"); the
  first word of a compound that names a kind of happening stands for the
  compound when a verb did it or it is where the verb happened ("held a phone
  call", "came during a phone call");
* the summary is the trigger's clause in the article's own words: its subject,
  the trigger, and its object, else the prepositional phrase that holds the
  trigger ("came during a phone call ..."), else its first one; without
  relative clauses, appositions and asides, so it is never a sentence cut
  mid-phrase;
* the type comes from the trigger's words first, then the sentence's
  (``rules.TYPE_CUES``), else ``other``;
* participants are the names in the subject (agents) and in the object
  (targets), appositions and conjuncts included ("a call between Iran's
  president, Masoud Pezeshkian, and ..."); the date is the sentence's own date
  expression.
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


def _phrase_tokens(head: Token, asides: frozenset[str] = _ASIDES) -> list[Token]:
    """``head`` and what depends on it, less the asides."""
    kept = [head]
    for child in head.children:
        if child.dep_ not in asides:
            kept.extend(_phrase_tokens(child, asides))
    return kept


# Who took part is named in an apposition or a conjunct ("between A and B") as
# often as in the phrase itself.
_ASIDES_BUT_NAMES = _ASIDES - {"appos", "conj", "cc"}


def _describes_a_noun(token: Token) -> bool:
    """A participle used as an adjective reports nothing: "the newly elected president"."""
    return token.dep_ == "amod" and token.pos_ in ("VERB", "AUX")


def _in_clause(token: Token) -> Token:
    """The compound a word begins, when the compound names a kind of happening
    and is what a verb did ("held a phone call") or where ("came during a phone
    call"): 'phone' then stands for 'call'. 'drone' in "their drone efficiency"
    names a thing, and a compound as subject ("the arms deal stirred tensions")
    is a cause in commentary: both stay themselves."""
    head = token
    while head.dep_ == "compound" and head.head != head:
        head = head.head
    if head == token or head.dep_ in _SUBJECTS or _governing_verb(head) is None:
        return token
    compound = [c for c in head.children if c.dep_ == "compound"] + [head]
    return head if _type_of(_text(compound)) != "other" else token


def _trigger(span: Span) -> Token | None:
    """The first word for a happening in the sentence, a verb preferred."""
    cued = [_in_clause(t) for t in span if EVENT_CUE.match(t.text) and not _describes_a_noun(t)]
    verbs = [t for t in cued if t.pos_ in ("VERB", "AUX")]
    return (verbs or cued or [None])[0]


def _preposition_of(noun: Token) -> Token | None:
    return noun.head if noun.dep_ == "pobj" and noun.head.dep_ == "prep" else None


def _governing_verb(noun: Token) -> Token | None:
    """The verb whose subject or object the noun is, directly or through a
    preposition ("launched a wave of airstrikes", "came during a call")."""
    if noun.dep_ not in _OBJECTS | _SUBJECTS | {"pobj"}:
        return None
    preposition = _preposition_of(noun)
    head = preposition.head if preposition is not None else noun.head
    return head if head.pos_ in ("VERB", "AUX") else None


def _clause(trigger: Token) -> tuple[list[Token], list[Token], list[Token]]:
    """Subject heads, core tokens and object heads of the clause the trigger heads (or sits in)."""
    verb = trigger
    if trigger.pos_ not in ("VERB", "AUX"):
        verb = _governing_verb(trigger) or trigger  # "launched a wave of airstrikes": the clause is the verb's
    if verb.pos_ not in ("VERB", "AUX"):
        return [], _phrase_tokens(trigger), []
    subject, link = _subject_of(verb)
    core = link + [verb] + [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "prt")]
    objects = [c for c in verb.children if c.dep_ in _OBJECTS]
    preposition = _preposition_of(trigger)
    if not objects and preposition is not None and preposition.head == verb:
        objects = [preposition]  # "came during a phone call": the phrase that holds the happening
    if not objects:
        objects = [c for c in verb.children if c.dep_ in ("prep", "agent")][:1]
    return subject, core, objects


def _subject_of(verb: Token) -> tuple[list[Token], list[Token]]:
    """The heads of the verb's subject, and the words that link it to the verb. An
    infinitive without a subject takes the subject of the verb it depends on,
    with that verb and its object ("Iran used drones | to kill two people")."""
    link: list[Token] = []
    for _ in range(3):
        own = [c for c in verb.children if c.dep_ in _SUBJECTS]
        if own or verb.dep_ not in ("xcomp", "advcl") or verb.head is verb:
            return own, link
        head = verb.head
        link = [head] + [c for c in head.children if c.dep_ in ("aux", "auxpass", "neg", "prt")] + [
            t for c in head.children if c.dep_ in _OBJECTS for t in _phrase_tokens(c)] + link
        verb = head
    return [], []


def _phrases(heads: list[Token], asides: frozenset[str] = _ASIDES) -> list[Token]:
    return [t for head in heads for t in _phrase_tokens(head, asides)]


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
    subject_heads, core, object_heads = _clause(trigger)
    subject, obj = _phrases(subject_heads), _phrases(object_heads)
    summary = _text(subject + core + obj)
    if len(summary.split()) < MIN_SUMMARY_WORDS:
        return None
    agents = _names(_phrases(subject_heads, _ASIDES_BUT_NAMES), span)
    participants = [Participant(name=n, role="agent") for n in agents]
    participants += [Participant(name=n, role="target")
                     for n in _names(_phrases(object_heads, _ASIDES_BUT_NAMES), span) if n not in agents]
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
