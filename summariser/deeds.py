"""Stances from what one actor does toward another, read from the parse.

Speech is not the only place a position shows: "Armenia has criticised
Azerbaijan", "Tehran provided war supplies to Armenia", "Israel and Turkiye
are both supporters of Azerbaijan". Where a verb (or a noun such as
'supporter') that takes a side has a named actor as its subject and another
as its object, that is a stance, with no model involved:

* holder: the subject (a person stands for the state their title names, as
  for statements: ``rules.speaker_side``); target: the object, a demonym or
  capital standing for its state; passives are turned round ("was attacked
  by X");
* polarity: the verb's side (support / oppose), and only for what the
  sentence asserts: not when the verb is negated ("did not criticise") or
  sits in a clause someone reports or would not allow;
* only named actors (people, organisations, states): a pronoun subject or an
  object that is a thing ("criticised the delay") makes no stance.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from .articles import Article
from .datamodel import Stance
from .entities import normalise_text
from .grounding import evidence_at
from .lexicon import state_of
from .prepass import Sentence
from .rules import same_side, speaker_role, speaker_side

SUPPORT_LEMMAS = frozenset(
    "support back praise welcome supply provide arm aid assist defend endorse congratulate thank help "
    "reassure".split()
)
OPPOSE_LEMMAS = frozenset(
    "criticise criticize condemn accuse attack strike bomb sanction threaten blame denounce oppose invade "
    "shell target fight censure boycott".split()
)
# "X are supporters of Y", "X is a key ally of Y"
SUPPORT_NOUNS = frozenset("supporter backer ally partner supplier friend".split())
_ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def _entity(token: Token, sentence: Span) -> Span | None:
    """The named actor a token belongs to (the token itself or its compound head's name)."""
    for ent in sentence.ents:
        if ent.label_ in _ACTOR_LABELS and ent.start <= token.i < ent.end:
            return ent
    # The small parser's entity recogniser misses some states ("Armenia"): the lexicon knows them.
    if token.pos_ == "PROPN" and state_of(normalise_text(token.text)):
        return Span(token.doc, token.i, token.i + 1, label="GPE")
    return None


def _with_conjuncts(token: Token) -> list[Token]:
    """'Israel and Turkiye': both."""
    return [token, *(t for t in token.conjuncts)]


def _actors(tokens: list[Token], sentence: Span) -> list[Span]:
    found = []
    for token in tokens:
        for member in _with_conjuncts(token):
            ent = _entity(member, sentence)
            if ent is not None and ent not in found:
                found.append(ent)
    return found


def _roles(verb: Token) -> tuple[list[Token], list[Token]]:
    """Who acts and toward whom, from a verb's dependents (passives turned round)."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    objects = [c for c in verb.children if c.dep_ in ("dobj", "obj", "dative")]
    passive = [c for c in verb.children if c.dep_ == "nsubjpass"]
    if passive:
        agents = [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        return agents, passive
    if verb.lemma_ in ("provide", "supply"):  # "provided weapons to Armenia"
        objects += [p for c in verb.children if c.dep_ == "prep" and c.lower_ == "to" for p in c.children if p.dep_ == "pobj"]
    return subjects, objects


def _asserted(verb: Token) -> bool:
    """The verb is what the sentence asserts (its main clause, or one joined to
    it), not a deed someone reports, plans or would not allow ("would not let
    Israel attack Iran", "said Iran attacked")."""
    while verb.dep_ == "conj":
        verb = verb.head
    return verb.dep_ == "ROOT"


def _noun_roles(noun: Token) -> tuple[list[Token], list[Token]]:
    """'X are supporters of Y': the copula's subject, and the noun's 'of' object."""
    if noun.dep_ == "attr" and noun.head.lemma_ == "be" and _asserted(noun.head):
        subjects = [c for c in noun.head.children if c.dep_ == "nsubj"]
    elif noun.dep_ == "appos":  # "Israel, a key arms supplier to Baku"
        subjects = [noun.head]
    else:
        return [], []
    objects = [p for c in noun.children if c.dep_ == "prep" and c.lower_ in ("of", "to") for p in c.children if p.dep_ == "pobj"]
    return subjects, objects


def _side(ent: Span, text: str) -> str:
    name = re.sub(r"^(?:the|The)\s+", "", ent.text)  # "the United Nations" is "United Nations"
    if ent.label_ == "PERSON":
        return speaker_side(name, speaker_role(text, name)) or name
    return state_of(normalise_text(name)) or name


def stances_from_deeds(doc: Doc, sentences: list[Sentence], article: Article) -> list[Stance]:
    found: list[Stance] = []
    for sentence in sentences:
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None:
            continue
        for token in span:
            if token.pos_ == "VERB" and token.lemma_ in SUPPORT_LEMMAS | OPPOSE_LEMMAS and _asserted(token):
                polarity = "support" if token.lemma_ in SUPPORT_LEMMAS else "oppose"
                subjects, objects = _roles(token)
                negated = any(c.dep_ == "neg" for c in token.children)
            elif token.pos_ == "NOUN" and token.lemma_ in SUPPORT_NOUNS:
                polarity = "support"
                subjects, objects = _noun_roles(token)
                negated = any(c.dep_ == "neg" for c in token.head.children)
            else:
                continue
            if negated:
                continue
            for holder_ent in _actors(subjects, span):
                for target_ent in _actors(objects, span):
                    stance = _stance(holder_ent, target_ent, polarity, token, sentence, article)
                    if stance is not None:
                        found.append(stance)
    return found


def _stance(holder_ent: Span, target_ent: Span, polarity: str, trigger: Token, sentence: Sentence,
            article: Article) -> Stance | None:
    text = article.text
    holder, target = _side(holder_ent, text), _side(target_ent, text)
    role = speaker_role(text, holder_ent.text) if holder_ent.label_ == "PERSON" else None
    if holder.casefold() == target.casefold() or same_side(target, holder_ent.text, role):
        return None
    return Stance(
        holder=holder,
        target=target,
        topic=trigger.lemma_,
        polarity=polarity,
        speaker=None,
        date_text=sentence.dates[0] if sentence.dates else None,
        evidence=evidence_at(text, sentence.start, sentence.end),
    )
