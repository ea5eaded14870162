"""The narrow questions the model answers, as Pydantic response models.

A small model on a CPU is slow to write and easily confused, so each question
asks for little: sentence numbers instead of copied text, names instead of
prose, short capped fields. Validators check every answer against the article
(through ``validation_context``) and explain what is wrong, so instructor can
re-ask with the message; ``problems_*`` are the same checks, item by item, used
to drop what is still wrong after the last re-ask.

Field descriptions are instructions to the model: prompts/ renders them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from .articles import Article
from .grounding import mentions
from .prepass import Sentence
from .schema import EventType, Polarity

PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "his", "her", "their", "him", "them"}


@dataclass
class QuestionContext:
    """What validators need to know about the article being asked about."""

    article: Article
    sentences: dict[int, Sentence]
    # Statements offered to the stance question, by their number in the list.
    statements: dict[int, "SpeechAct"] = field(default_factory=dict)
    statement_sentences: dict[int, int] = field(default_factory=dict)


def _context(info: ValidationInfo) -> QuestionContext | None:
    context = info.context or {}
    return context.get("question")


def _check_sentence(number: int, ctx: QuestionContext) -> list[str]:
    if number not in ctx.sentences:
        return [f"sentence {number} does not exist: use a number shown in [brackets]"]
    return []


def _check_name(label: str, name: str | None, ctx: QuestionContext, sentence: int | None = None) -> list[str]:
    if not name:
        return []
    if name.strip().lower() in PRONOUNS:
        where = f" (see the sentences before [{sentence}])" if sentence else ""
        return [f"{label} '{name}' is a pronoun: write the name it refers to{where}"]
    if not mentions(name, ctx.article.text):
        return [f"{label} '{name}' does not appear in the article: copy the name exactly as written there"]
    return []


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --------------------------------------------------------------------------
# Statements: who said what
# --------------------------------------------------------------------------


class SpeechAct(_Answer):
    sentence: int = Field(description="Number of the sentence that reports what was said.")
    speaker: str = Field(
        max_length=60,
        description="Who said it, with the name written in the article (the fullest form used). "
        "A country or organisation only if no person is named. Never a pronoun.",
    )
    addressee: str | None = Field(
        default=None, max_length=60, description="Who it was said to or about, if the sentence names them; else null."
    )


def problems_speech_act(item: SpeechAct, ctx: QuestionContext) -> list[str]:
    found = _check_sentence(item.sentence, ctx)
    found += _check_name("speaker", item.speaker, ctx, item.sentence)
    found += _check_name("addressee", item.addressee, ctx, item.sentence)
    return found


class StatementsAnswer(_Answer):
    statements: list[SpeechAct] = Field(max_length=16, description="One entry per speech act; none if nobody speaks.")

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> "StatementsAnswer":
        ctx = _context(info)
        if ctx is not None:
            _raise_if_any((f"statement {i}", problems_speech_act(s, ctx)) for i, s in enumerate(self.statements, 1))
        return self


# --------------------------------------------------------------------------
# Events: what happened
# --------------------------------------------------------------------------


class Happening(_Answer):
    sentence: int = Field(description="Number of the sentence that reports the event.")
    what: str = Field(max_length=80, description="What happened, in at most 8 words, e.g. 'Israel struck Iranian nuclear sites'.")
    type: EventType = Field(description="The kind of event.")
    by: list[str] = Field(default_factory=list, max_length=3, description="Who did it: names from the article.")
    to: list[str] = Field(default_factory=list, max_length=3, description="Who it was done to or with: names from the article.")
    where: str | None = Field(default=None, max_length=40, description="Place named in the sentence, else null.")


def problems_happening(item: Happening, ctx: QuestionContext) -> list[str]:
    found = _check_sentence(item.sentence, ctx)
    for name in item.by:
        found += _check_name("participant", name, ctx, item.sentence)
    for name in item.to:
        found += _check_name("participant", name, ctx, item.sentence)
    found += _check_name("place", item.where, ctx, item.sentence)
    if not item.what.strip():
        found.append("'what' is empty: say what happened in a few words")
    return found


class EventsAnswer(_Answer):
    events: list[Happening] = Field(max_length=12, description="Things that happened (not opinions), one per event.")

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> "EventsAnswer":
        ctx = _context(info)
        if ctx is not None:
            _raise_if_any((f"event {i}", problems_happening(e, ctx)) for i, e in enumerate(self.events, 1))
        return self


# --------------------------------------------------------------------------
# Stances: whose position toward whom
# --------------------------------------------------------------------------


class Position(_Answer):
    statement: int = Field(description="Number of the statement in the list.")
    holder: str = Field(
        max_length=40,
        description="Who holds the position: the speaker, or the country or organisation the speaker speaks for.",
    )
    target: str = Field(max_length=40, description="Toward whom the position is held: a country, person or organisation.")
    topic: str = Field(max_length=60, description="What it is about, in at most 6 words.")
    polarity: Polarity = Field(
        description="support = backs, praises, reassures or cooperates with the target; "
        "oppose = criticises, accuses, threatens or acts against the target; "
        "deny = rejects a claim or accusation; neutral = none of these."
    )


def _same_side(holder: str, speaker: str, role: str | None, sentence_text: str) -> bool:
    """The direction check: a stance belongs to the speaker or the side they speak for."""
    folded = holder.casefold().strip()
    candidates = [speaker, role or "", sentence_text]
    if any(folded and folded in c.casefold() for c in candidates[:2]):
        return True
    if any(word in speaker.casefold() for word in folded.split() if len(word) >= 4):
        return True
    # "Azerbaijan" held by a speaker described in the sentence as Azeri/Azerbaijani.
    stem = folded[:5]
    return len(stem) >= 4 and stem in (role or "").casefold()


def problems_position(item: Position, ctx: QuestionContext) -> list[str]:
    if item.statement not in ctx.statements:
        return [f"statement {item.statement} is not in the list: use a listed number"]
    act = ctx.statements[item.statement]
    found = _check_name("holder", item.holder, ctx) + _check_name("target", item.target, ctx)
    if found:
        return found
    if item.holder.casefold().strip() == item.target.casefold().strip():
        return [f"holder and target are both '{item.holder}': the target is who the position is about"]
    sentence = ctx.sentences[act.sentence]
    role = _speaker_role(ctx.article.text, act.speaker)
    if not _same_side(item.holder, act.speaker, role, sentence.text):
        return [
            f"holder '{item.holder}' is not the speaker '{act.speaker}' nor the side they speak for: "
            "the holder is who expresses the position"
        ]
    return []


class StancesAnswer(_Answer):
    stances: list[Position] = Field(max_length=16, description="Positions expressed in the statements; skip neutral facts.")

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> "StancesAnswer":
        ctx = _context(info)
        if ctx is not None:
            _raise_if_any((f"stance {i}", problems_position(p, ctx)) for i, p in enumerate(self.stances, 1))
        return self


# --------------------------------------------------------------------------


def _raise_if_any(labelled: object) -> None:
    lines = [f"{label}: {problem}" for label, problems in labelled for problem in problems]  # type: ignore[attr-defined]
    if lines:
        raise ValueError("Fix these and answer again:\n" + "\n".join(lines))


_ROLE_WORDS = (
    r"(?:President|Prime Minister|Foreign Minister|Defen[cs]e Minister|Minister|Ambassador|ambassador"
    r"|Secretary|Spokes(?:wo)?man|Emir|King|Chief|General|Commander|leader|Leader|Speaker)"
)


def _speaker_role(text: str, speaker: str) -> str | None:
    """The title written right before a speaker's name, e.g. 'Azerbaijani President'.

    Deterministic, so a role is always the article's own words: the model is
    never asked to describe affiliations (small models invent them).
    """
    surname = speaker.strip().split()[-1] if speaker.strip() else ""
    if len(surname) < 3:
        return None
    pattern = re.compile(
        r"((?:[A-Z][\w’'\-]*\s+){0,4}?" + _ROLE_WORDS + r"(?:\s+(?:of|to)\s+(?:the\s+)?[A-Z][\w\-]*)?)\s*,?\s+"
        r"(?:[A-Z][\w\-]*\s+){0,2}" + re.escape(surname) + r"\b"
    )
    best: str | None = None
    for match in pattern.finditer(text):
        role = match.group(1).strip(" ,")
        if best is None or len(role) > len(best):
            best = role
    return best


speaker_role = _speaker_role
