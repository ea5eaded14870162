"""The narrow questions the model answers, as Pydantic response models.

A small model on a CPU is slow to write and easily confused, so each question
asks for little: sentence numbers instead of copied text, names instead of
prose, short capped fields. Validators check every answer against the article
(``validating_against``: instructor given a ``context`` would render the
messages, article and all, as templates) and explain what is wrong, so
instructor can re-ask with the message. Only problems that would lose the
item are re-asked (a sentence or speaker that is not in the article): a re-ask
costs a CPU model as much as the first answer. A bad optional field (a
target, participant or place not in the article) is removed by
``repair_*`` instead, which also report what they removed.

Field descriptions are instructions to the model: prompts/ renders them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, field_validator, model_validator

from .articles import Article
from .grounding import article_spelling, fold_name, mentions
from .prepass import Sentence
from .datamodel import EventType, Polarity
from .rules import _whole_words, same_side, speaker_role

PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "his", "her", "their", "him", "them"}


@dataclass
class QuestionContext:
    """What validators need to know about the article being asked about."""

    article: Article
    sentences: dict[int, Sentence]


# The article being asked about, for the validators while instructor checks an
# answer. It is not handed to instructor as its ``context``: instructor renders
# every message as a Jinja template when given one, and the messages hold the
# article's text, which must never be read as a template.
_ASKING: ContextVar[QuestionContext | None] = ContextVar("question_context", default=None)


@contextmanager
def validating_against(ctx: QuestionContext) -> Iterator[None]:
    """Validators check answers against ``ctx`` inside this block."""
    token = _ASKING.set(ctx)
    try:
        yield
    finally:
        _ASKING.reset(token)


def _context(info: ValidationInfo) -> QuestionContext | None:
    context = info.context or {}
    return context.get("question") or _ASKING.get()


def _check_sentence(number: int, ctx: QuestionContext) -> list[str]:
    if number not in ctx.sentences:
        return [f"sentence {number} does not exist: use a number shown in [brackets]"]
    return []


def _is_pronoun(name: str) -> bool:
    # Folded: a zero-width character does not make "he" a name.
    return fold_name(name) in PRONOUNS


def _check_name(label: str, name: str | None, ctx: QuestionContext, sentence: int | None = None) -> list[str]:
    if not name:
        return []
    if _is_pronoun(name):
        where = f" (see the sentences before [{sentence}])" if sentence else ""
        return [f"{label} '{name}' is a pronoun: write the name it refers to{where}"]
    if not mentions(name, ctx.article.text, ctx.article.excluded):
        return [f"{label} '{name}' does not appear in the article: copy the name exactly as written there"]
    return []


def _respelled(name: str | None, ctx: QuestionContext) -> str | None:
    """The name as the article writes it, when the model wrote it a little differently."""
    if not name or _is_pronoun(name) or mentions(name, ctx.article.text, ctx.article.excluded):
        return name
    return article_spelling(name, ctx.article.text, ctx.article.excluded) or name


def _respell(item: BaseModel, info: ValidationInfo, names: tuple[str, ...]) -> None:
    """Put the article's spelling in the named fields, before they are checked (see
    grounding.article_spelling): re-asked, a small model only repeats its spelling."""
    ctx = _context(info)
    if ctx is None:
        return
    for field in names:
        value = getattr(item, field)
        if isinstance(value, list):
            setattr(item, field, [_respelled(v, ctx) for v in value])
        else:
            setattr(item, field, _respelled(value, ctx))


_NULL_WORDS = {"", "null", "none", "n/a", "unknown", "nobody", "no one"}


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @field_validator("*", mode="before")
    @classmethod
    def _null_words_are_null(cls, value: object) -> object:
        # Small models write the string "null" where they mean null.
        if isinstance(value, str) and value.strip().casefold() in _NULL_WORDS:
            return None
        if isinstance(value, list):
            return [v for v in value if not (isinstance(v, str) and v.strip().casefold() in _NULL_WORDS)]
        return value


# --------------------------------------------------------------------------
# Statements: who said what
# --------------------------------------------------------------------------


class SpeechAct(_Answer):
    """One statement as checked: who spoke (from the parse, or the name the model
    chose), in which sentence, and the stance the model read. Built by the
    extractor, never asked for, so it has no length caps: a name respelled as the
    article writes it may be longer than the model's capped answer."""

    sentence: int
    speaker: str
    stance: Polarity | None = None
    target: str | None = None
    topic: str | None = None


def _fatal_speech_act(item: SpeechAct, ctx: QuestionContext) -> list[str]:
    return _check_sentence(item.sentence, ctx) + _check_name("speaker", item.speaker, ctx, item.sentence)


def _optional_speech_act(item: SpeechAct, ctx: QuestionContext) -> tuple[dict[str, object], list[str]]:
    """Problems with fields the statement can live without, and the update that removes them."""
    update: dict[str, object] = {}
    found = _check_name("target", item.target, ctx, item.sentence)
    if found:
        update["target"] = None
    if item.target and "target" not in update:
        role = speaker_role(ctx.article.text, item.speaker)
        if same_side(item.target, item.speaker, role):
            update["target"] = None
            found.append(
                f"target '{item.target}' is the speaker's own side: give the other actor the stance is toward, or null"
            )
    if "target" in update:
        update.update(stance=None, topic=None)
    elif item.topic and ctx.sentences.get(item.sentence):
        topic = grounded_topic(item.topic, ctx.sentences[item.sentence].text)
        if topic != item.topic:
            update["topic"] = topic
    return update, found


def repair_speech_act(item: SpeechAct, ctx: QuestionContext) -> tuple[SpeechAct | None, list[str]]:
    """After the last re-ask: drop the statement if its sentence or speaker is wrong,
    else keep it without its stance if the target is wrong."""
    fatal = _fatal_speech_act(item, ctx)
    if fatal:
        return None, fatal
    update, found = _optional_speech_act(item, ctx)
    return (item.model_copy(update=update) if update else item), found


class SpeechStance(_Answer):
    """The statement question: about one attribution that syntax found.

    Who spoke and what they said come from the parse (the subject of "said",
    the object of "according to", the quotation); the model reads only the
    position the statement shows. A small model asked "who spoke?" named the
    article's main actor for other people's words; asked about one statement
    at a time, with the article in its prompt cache, it answers in ~30 tokens.
    When the source is a pronoun or a description with several possible
    referents, ``speech_question`` adds a ``speaker`` field whose grammar allows
    only those names.
    """

    stance: Polarity | None = Field(
        default=None,
        description="Only if the speaker clearly takes a position toward another actor: support = backs, praises, "
        "reassures or cooperates; oppose = criticises, accuses, threatens or warns; deny = rejects a claim or "
        "accusation; otherwise null.",
    )
    target: str | None = Field(
        default=None, max_length=40,
        description="The other actor that stance is toward (not the speaker's own country); null if no stance.",
    )
    topic: str | None = Field(default=None, max_length=40, description="What the stance is about, in at most 5 words; else null.")

    @model_validator(mode="after")
    def _article_spelling(self, info: ValidationInfo) -> "SpeechStance":
        _respell(self, info, ("target",))
        return self


SPEAKER_CHOICE = "Whom the source refers to: one of the names listed in the question."


def speech_question(choices: tuple[str, ...] = (), targets: tuple[str, ...] = ()) -> type[SpeechStance]:
    """SpeechStance narrowed to this statement: the target may only be one of
    the actors its sentence names, and when the text leaves open whom a pronoun
    or description refers to, a ``speaker`` limited to ``choices`` is added."""
    fields: dict[str, object] = {}
    if targets:
        target = SpeechStance.model_fields["target"]
        fields["target"] = (Literal[tuple(targets)] | None, Field(default=None, description=target.description))  # type: ignore[valid-type]
    if choices:
        fields["speaker"] = (Literal[tuple(choices)], Field(description=SPEAKER_CHOICE))  # type: ignore[valid-type]
    if not fields:
        return SpeechStance
    return create_model("SpeechStance", __base__=SpeechStance, **fields)  # type: ignore[call-overload]


# --------------------------------------------------------------------------
# Events: what happened
# --------------------------------------------------------------------------


class Happening(_Answer):
    sentence: int = Field(description="Number of the sentence that reports the event.")
    what: str = Field(max_length=60, description="What happened, in at most 8 words, e.g. 'Israel struck Iranian nuclear sites'.")
    type: EventType = Field(description="The kind of event.")
    by: list[str] = Field(default_factory=list, max_length=3, description="Who did it: names from the article.")
    to: list[str] = Field(default_factory=list, max_length=3, description="Who it was done to or with: names from the article.")
    where: str | None = Field(default=None, max_length=40, description="Place named in the sentence, else null.")

    @model_validator(mode="after")
    def _article_spelling(self, info: ValidationInfo) -> "Happening":
        _respell(self, info, ("by", "to", "where"))
        return self


def _fatal_happening(item: Happening, ctx: QuestionContext) -> list[str]:
    found = _check_sentence(item.sentence, ctx)
    if not item.what or not item.what.strip():
        found.append("'what' is empty: say what happened in a few words")
    return found


def _optional_happening(item: Happening, ctx: QuestionContext) -> tuple[dict[str, object], list[str]]:
    update: dict[str, object] = {}
    found: list[str] = []
    for side in ("by", "to"):
        names = getattr(item, side)
        kept = []
        for name in names:
            problems = _check_name("participant", name, ctx, item.sentence)
            found += problems
            if not problems:
                kept.append(name)
        if len(kept) != len(names):
            update[side] = kept
    problems = _check_name("place", item.where, ctx, item.sentence)
    if problems:
        update["where"] = None
        found += problems
    return update, found


def repair_happening(item: Happening, ctx: QuestionContext) -> tuple[Happening | None, list[str]]:
    fatal = _fatal_happening(item, ctx)
    if fatal:
        return None, fatal
    item, found = _realign(item, ctx)
    if item is None:
        return None, found
    update, more = _optional_happening(item, ctx)
    return (item.model_copy(update=update) if update else item), found + more


# Words too common in news to tie a summary to a sentence.
_COMMON_WORDS = frozenset(
    "said says also that this with from have been were will would their they them after over "
    "into about which while when where than more most other such only just very".split()
)


def _key_words(text: str) -> frozenset[str]:
    """Words of four letters or more, cut to five letters so inflections agree (strikes/struck aside)."""
    return frozenset(w[:5] for w in re.findall(r"[^\W\d_]{4,}", text.casefold()) if w not in _COMMON_WORDS)


# Share of a summary's key words its sentence must hold ("Israel struck Iran"
# for "Israel launched airstrikes on Iranian sites" holds one of three), and
# the share that makes a sentence far from the cited one the summary's own.
MIN_SUMMARY_COVERAGE = 0.25
MOVE_COVERAGE = 0.5


def _coverage(summary: str, sentence: str) -> float:
    words = _key_words(summary)
    return len(words & _key_words(sentence)) / len(words) if words else 1.0


# Short words a topic may hold that its sentence need not ("support for Iran",
# "Trump's visit": the possessive's "s" is grammar, not a word of the text).
_LINKING_WORDS = frozenset("a an the of on in to for and or by at as its his her our their s".split())


def grounded_topic(topic: str, sentence: str) -> str | None:
    """A stance's topic, if it is the sentence's own words; else None (the
    stance keeps its default topic).

    The topic is the model's free text: a word the sentence does not hold (a
    long word compared as ``_key_words`` does, so inflections agree) or a
    non-ASCII letter the sentence never uses (another script) is an answer not read
    from the sentence, and trimming it would leave a fragment of that answer,
    so none of it is kept. A topic cut at its length cap loses its last
    word when the cut may have split it or the name it begins ("Justices
    Neil" of "Justices Neil Gorsuch"), and the linking words left dangling
    before it ("at the borders of").
    """
    cap = SpeechStance.model_fields["topic"].metadata[0].max_length
    if len(topic) >= cap and not _ends_whole(topic, sentence):
        topic = _whole_words(topic, cap)
        while " " in topic and topic.rsplit(" ", 1)[-1].casefold() in _LINKING_WORDS | _COMMON_WORDS:
            topic = _whole_words(topic, len(topic))  # "drills at the borders of" ends before "of"
    folded = sentence.casefold()
    if any(c.isalpha() and not c.isascii() and c not in folded for c in topic.casefold()):
        return None
    topic = topic.rstrip(" ,;:-")  # "Nauert," ends where the cap cut a list
    sentence_words = set(re.findall(r"[^\W_]+", folded))
    short = {w for w in re.findall(r"[^\W_]+", topic.casefold()) if len(w) < 4} - _LINKING_WORDS
    if _key_words(topic) - _key_words(sentence) or short - sentence_words:
        return None
    return topic or None


def _ends_whole(topic: str, sentence: str) -> bool:
    """Whether a topic's last word is whole in the sentence and no name runs on after it."""
    last = topic.split()[-1].rstrip(",;:") if topic.split() else ""
    return bool(last) and re.search(r"(?<!\w)(?i:" + re.escape(last) + r")(?!\w)(?!\s+[A-Z])", sentence) is not None


def _realign(item: Happening, ctx: QuestionContext) -> tuple[Happening | None, list[str]]:
    """Make the cited sentence the one the summary describes.

    A small model often writes the summary of one sentence next to the number
    of its neighbour. The summary is the claim, so the evidence follows it: the
    cited sentence or a neighbour, whichever holds more of the summary's words
    (ties keep the cited one). A summary that shares no word with any of them
    is not grounded and is dropped.
    """
    cited = item.sentence
    near = [n for n in (cited, cited - 1, cited + 1) if n in ctx.sentences]
    best = max(near, key=lambda n: _coverage(item.what, ctx.sentences[n].text))
    anywhere = max(ctx.sentences, key=lambda n: (_coverage(item.what, ctx.sentences[n].text), n == cited))
    if _coverage(item.what, ctx.sentences[anywhere].text) >= MOVE_COVERAGE > _coverage(item.what, ctx.sentences[best].text):
        best = anywhere  # cited far from what it describes: the sentence that does hold it
    if _coverage(item.what, ctx.sentences[best].text) < MIN_SUMMARY_COVERAGE:
        return None, [f"event '{item.what}': sentence {cited} holds too few of its words: not grounded, dropped"]
    if best == cited:
        return item, []
    return item.model_copy(update={"sentence": best}), [f"event '{item.what}' cites sentence {cited} but is sentence {best}: moved"]


class EventsAnswer(_Answer):
    events: list[Happening] = Field(max_length=8, description="Things that happened (not opinions), one per event.")

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> "EventsAnswer":
        ctx = _context(info)
        if ctx is not None:
            _raise_if_any((f"event {i}", _fatal_happening(e, ctx)) for i, e in enumerate(self.events, 1))
        return self


# --------------------------------------------------------------------------


def _raise_if_any(labelled: object) -> None:
    lines = [f"{label}: {problem}" for label, problems in labelled for problem in problems]  # type: ignore[attr-defined]
    if lines:
        raise ValueError("Fix these and answer again:\n" + "\n".join(lines))


# --------------------------------------------------------------------------
# Per-chunk questions: the grammar only allows numbers that exist
# --------------------------------------------------------------------------


def _numbers_field(numbers: list[int], description: str) -> tuple[object, object]:
    return (Literal[tuple(numbers)], Field(description=description))  # type: ignore[valid-type]


def events_question(numbers: list[int], limit: int = 8) -> type[EventsAnswer]:
    item = create_model(
        "Happening", __base__=Happening,
        sentence=_numbers_field(numbers, Happening.model_fields["sentence"].description or ""),
    )
    return create_model(
        "EventsAnswer", __base__=EventsAnswer,
        events=(list[item], Field(max_length=min(limit, len(numbers)), description=EventsAnswer.model_fields["events"].description)),
    )

