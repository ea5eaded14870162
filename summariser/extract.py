"""Extraction: one article in, one grounded ArticleExtraction out.

The linguistic pre-pass parses the article once (spaCy) and finds every
attribution (cue, source, content, with offsets). Then, for each chunk of the
article (short articles are one chunk), the model is asked narrow questions
through instructor, in the order that lets llama.cpp reuse the article's
prompt prefix:

1. statements - one short question per attribution the text leaves open:
   whom a pronoun or description refers to (a choice among the names just
   before it) and the stance it shows toward an actor the sentence names;
   an attribution whose speaker the text names, in a sentence naming no other
   side, is not asked about at all;
2. events     - which sentences report something that happened.

A stance's holder is the speaker's side, set by rule from the speaker's role
as written ('Azerbaijani President' -> Azerbaijan), so a small model cannot
get its direction backwards; the model only picks the other actor.
Its polarity must agree with the parse: where a deed read from the same
sentence (``deeds``) gives the opposite polarity between the same two sides,
the deed stands and the model's stance is dropped and counted, as is one the
words next to its target contradict ("the threat that Iran poses") and one
held by or toward a news outlet relaying a claim. So is one whose holder or
target is not who the sentence says: a target named only where the sentence
says who the speaker is, 'support' of someone only told something, a piece
of a longer name, a holder that is no actor or a news outlet's reporter.
Two readings of one sentence with opposite polarities between the same sides
are both dropped and counted.

Answers cite sentence numbers and names, never copied prose, so evidence is
the sentence's own characters (offsets from the pre-pass) and always
grounded. Validators in ``questions`` check numbers and names against the
article and re-ask with what was wrong; what is still wrong after the last
attempt is dropped and counted. Contents, roles and dates come from
deterministic rules, in the article's own words.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, TypeVar, get_args

import httpx2
import instructor
import openai
from pydantic import BaseModel, ValidationError

from .articles import Article
from .backends import UNUSABLE_ANSWER, Backend, BackendError, Cancelled, Meter, counting_calls
from .entities import normalise_text
from .grounding import fold_name, is_grounded
from .deeds import stances_from_deeds
from .happenings import checked_event, events_left_out, is_a_name
from .nlp import parse
from spacy.tokens import Doc
from .prepass import Sentence, SpeechCandidate, numbered, speech_candidates, split_sentences, unnumbered
from .prompts import describe_fields, plain_text, prompt_version, render
from .questions import (
    Happening,
    QuestionContext,
    SPEAKER_CHOICE,
    SpeechStance,
    SpeechAct,
    repair_happening,
    repair_speech_act,
    events_question,
    speech_question,
    validating_against,
)
from .attribution import find_quotes, source_description
from .rules import (
    asked_of_target, attacked_target, contradicted, cut_off_side, distinct_stances, entities_of, event_from,
    overruling_deed, polarity_conflict, relaying_outlet, said_nothing, same_side, speaker_role, stance_from, statement_from,
    support_of_the_told, target_describes_speaker, target_not_spoken_of, unnamed_holder,
)

try:  # instructor >= 1.11 keeps its errors under v2.core
    from instructor.v2.core.errors import IncompleteOutputException, InstructorRetryException
except ImportError:  # pragma: no cover - older layouts
    from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from .datamodel import ArticleExtraction, Dropped, Event, Stance, Usage

log = logging.getLogger("summariser.extract")

Answer = TypeVar("Answer", bound=BaseModel)
T = TypeVar("T")


def in_order(questions: list[Callable[[], T]]) -> list[T]:
    """Ask one question after another (what a single-slot model wants: each
    question reuses the prompt prefix the previous one left in its cache)."""
    return [ask() for ask in questions]


@dataclass(frozen=True)
class QuestionRunner:
    """How one article's independent questions are asked, and who hears of each answer.

    ``fan_out`` takes questions (functions without arguments) and returns
    their answers in the same order, however it runs them; the pipeline passes
    one backed by a thread pool when several requests may be in flight."""

    fan_out: Callable[[list[Callable[[], T]]], list[T]] = in_order
    answered: Callable[[], None] = field(default=lambda: None)


@dataclass(frozen=True)
class ExtractionSettings:
    """Everything that shapes the model's answers; part of the cache key."""

    attempts: int = 2  # instructor attempts per question: the first answer plus one re-ask
    statement_max_tokens: int = 150  # one attribution's answer: ~30 tokens on one line
    chunk_chars: int = 6000  # ~1,500 tokens of article per prompt
    overlap_sentences: int = 2
    events_max_tokens: int = 1300
    # Events asked for per chunk: at most this many, and at most one per
    # sentence with a word for a happening (see prepass.EVENT_CUE).
    events_limit: int = 12
    temperature: float = 0.0
    seed: int = 0

    def generation(self) -> dict[str, object]:
        return {
            "attempts": self.attempts,
            "chunk_chars": self.chunk_chars,
            "overlap_sentences": self.overlap_sentences,
            "max_tokens": [self.statement_max_tokens, self.events_max_tokens],
            "events_limit": self.events_limit,
            "temperature": self.temperature,
            "seed": self.seed,
        }


class ExtractionError(Exception):
    """One article could not be extracted; carries what failed and what it cost."""

    def __init__(self, article: Article, question: str, problem: str, usage: Usage):
        self.article = article
        self.question = question
        self.problem = problem
        self.usage = usage
        path = article.meta.paths[0] if article.meta.paths else article.id
        super().__init__(f"{path}: {question} question failed: {problem}")


# --------------------------------------------------------------------------
# Chunks
# --------------------------------------------------------------------------


def chunk_sentences(sentences: list[Sentence], max_chars: int, overlap: int) -> list[list[Sentence]]:
    """Consecutive runs of sentences of at most ~max_chars, overlapping by a few sentences.

    Numbers stay global, so answers from different chunks cite the same
    sentence the same way and duplicates from the overlap are easy to join.
    """
    chunks: list[list[Sentence]] = []
    current: list[Sentence] = []
    size = 0
    for sentence in sentences:
        if current and size + len(sentence.text) > max_chars:
            chunks.append(current)
            current = current[-overlap:] if overlap else []
            # The overlap gives way to the new sentence, so every chunk moves on
            # and stays within max_chars unless one sentence alone is longer.
            while current and sum(len(s.text) for s in current) + len(sentence.text) > max_chars:
                current = current[1:]
            size = sum(len(s.text) for s in current)
        current.append(sentence)
        size += len(sentence.text)
    if current:
        chunks.append(current)
    return chunks


# --------------------------------------------------------------------------
# Asking
# --------------------------------------------------------------------------


@dataclass
class Asked:
    items: list  # SpeechAct or Happening, checked and repaired
    dropped: list[Dropped]


@lru_cache(maxsize=1)
def _system_prompt() -> str:
    """Instructions and field descriptions for every question: the same for every
    article, so llama.cpp keeps them in its prompt cache from one article to the next."""
    return render("system.j2", statement_fields=describe_fields(SpeechStance) + f"\n- speaker (only when the question asks who someone is): {SPEAKER_CHOICE}", event_fields=describe_fields(Happening))


class _InvalidAnswer(Exception):
    """The model answered, but not validly, even after the re-asks."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


class Asker:
    """Asks one article's questions through instructor, salvaging what it can."""

    def __init__(self, backend: Backend, article: Article, settings: ExtractionSettings, meter: Meter,
                 answered: Callable[[], None] = lambda: None):
        self.backend = backend
        self.article = article
        self.settings = settings
        self.meter = meter  # this article's calls only
        self.answered = answered
        self.client = instructor.from_openai(backend.client(), mode=instructor.Mode.JSON_SCHEMA)

    def messages(self, article_block: str, question: str) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": _system_prompt()},
            # Both hold the article's words (the question quotes its sentence and names).
            {"role": "user", "content": plain_text(article_block + "\n\n" + question)},
        ]

    def ask(
        self,
        kind: str,
        response_model: type[Answer],
        messages: list[dict[str, str]],
        ctx: QuestionContext,
        max_tokens: int,
        repair,
        sentence: int | None = None,
        drop_invalid: bool = False,
    ) -> Asked:
        """One question; list answers, or a one-sentence answer about `sentence`.

        With ``drop_invalid`` (a question about one item) an answer still invalid
        after the re-asks costs that item only, counted as dropped; otherwise it
        fails the article. A model or server that cannot answer always fails it.
        """
        try:
            return self._ask(kind, response_model, messages, ctx, max_tokens, repair, sentence)
        except _InvalidAnswer as invalid:
            if not drop_invalid:
                raise self._error(kind, invalid.problem) from None
            problem = invalid.problem
            reason = problem if problem.startswith("no valid answer") else f"no valid answer: {problem}"
            return Asked([], [Dropped(kind=_singular(kind), reason=reason, proposed=f"sentence {sentence}")])
        finally:
            self.answered()

    def _ask(self, kind, response_model, messages, ctx, max_tokens, repair, sentence) -> Asked:
        try:
            with validating_against(ctx):  # never instructor's context=: it would template the messages
                answer = self.client.chat.completions.create(
                    model=self.backend.model_id,
                    messages=messages,
                    response_model=response_model,
                    max_retries=max(0, self.settings.attempts - 1),  # instructor counts re-asks
                    temperature=self.settings.temperature,
                    seed=self.settings.seed,
                    max_tokens=max_tokens,
                )
            return self._screen(kind, _items(answer, sentence), ctx, repair)
        except InstructorRetryException as exc:
            # instructor wraps a failed API call (404, timeout, refused connection) in
            # InstructorRetryException too: tell those apart from invalid answers.
            if isinstance(exc.__cause__, openai.APIError):
                raise self._api_failure(kind, exc.__cause__, ctx) from exc.__cause__
            return self._salvage(kind, response_model, exc, ctx, repair, sentence)
        except IncompleteOutputException:
            raise _InvalidAnswer(f"the answer hit the {max_tokens}-token limit (the model was repeating itself?)") from None
        except openai.APIError as exc:
            raise self._api_failure(kind, exc, ctx) from exc

    def _api_failure(self, kind: str, exc: openai.APIError, ctx: QuestionContext) -> Exception:
        """BackendError when the model cannot be used at all, else this article's ExtractionError."""
        if self.backend.cancelled.is_set():  # the run stopped (its requests were cut off): not the server's fault
            return Cancelled("the run was interrupted")
        if _exceeds_context(exc):
            return self._error(kind, self._too_long(exc, ctx))
        if _error_type(exc) == "replay_miss":
            # A request that was never recorded: this article's, not the model's, problem.
            return self._error(kind, f"{_api_message(exc)} — re-record, or run without --replay")
        if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError)):
            return BackendError(f"{_api_message(exc)} — check --model, --base-url and --api-key")
        if isinstance(exc, openai.APITimeoutError):  # this article was too slow: the others may not be
            options = self.backend.options
            return self._error(
                kind, f"no answer within {options.timeout:g}s ({options.attempts} tries) — raise --timeout"
            )
        if isinstance(exc, openai.APIConnectionError) and isinstance(exc.__cause__, httpx2.ConnectError):
            # Refused or unresolvable: no later article can do better.
            return BackendError(
                f"cannot reach the model server at {self.backend.client().base_url} ({exc}) "
                "— is it running? check --base-url"
            )
        if isinstance(exc, openai.APIConnectionError):  # the server was there and broke off: this article's problem
            cause = exc.__cause__
            return self._error(kind, f"the model server closed the connection before its answer was complete "
                                     f"({self.backend.options.attempts} tries; {cause or exc})")
        if _error_type(exc) == UNUSABLE_ANSWER:
            return self._error(kind, _api_message(exc, with_class=False))
        return self._error(kind, _api_message(exc))

    def _too_long(self, exc: openai.APIError, ctx: QuestionContext) -> str:
        """What to change when a prompt does not fit in the model's context."""
        sentences = list(ctx.sentences.values())
        chars = sum(len(s.text) for s in sentences)
        tokens, limit = _context_figures(exc)
        figures = f" ({tokens:,} tokens for {limit:,})" if tokens and limit else ""
        if len(sentences) == 1:
            return (f"the prompt is longer than the model's context{figures}: sentence [{sentences[0].number}] alone is "
                    f"{chars:,} characters — split that text into shorter sentences, or use a model with a longer context")
        smaller = int(self.settings.chunk_chars * min(0.8, 0.8 * limit / tokens)) if tokens and limit else self.settings.chunk_chars // 2
        return (f"the prompt is longer than the model's context{figures} — lower --chunk-chars "
                f"(now {self.settings.chunk_chars}) to about {max(200, smaller)}, or use a model with a longer context")

    def _salvage(self, kind, response_model, exc, ctx, repair, sentence) -> Asked:
        """After the last re-ask: screen the last answer item by item. Nothing unchecked is kept."""
        content = _completion_text(exc.last_completion)
        if _finish_reason(exc.last_completion) == "length":
            raise _InvalidAnswer("the answer hit the token limit (the model was repeating itself?)")
        try:
            answer = response_model.model_validate_json(content or "")
        except ValidationError as error:
            unstanced = _without_stance(response_model, content)
            if unstanced is not None:  # the speaker chosen stands; the stance is lost, and counted
                lost = Dropped(kind="stance", reason=f"no valid answer after {exc.n_attempts} attempts: {unstanced[1]}",
                               proposed=f"sentence {sentence}")
                screened = self._screen(kind, [unstanced[0]], ctx, repair)
                return Asked(screened.items, [lost] + screened.dropped)
            salvaged = _valid_items(response_model, content, kind)
            if salvaged is None:
                raise _InvalidAnswer(
                    f"no valid answer after {exc.n_attempts} attempts ({_first_line(error)}); got {content[:80]!r}"
                ) from None
            items, invalid = salvaged
            screened = self._screen(kind, items, ctx, repair)
            return Asked(screened.items, invalid + screened.dropped)
        return self._screen(kind, _items(answer, sentence), ctx, repair)

    def _screen(self, kind, items, ctx, repair) -> Asked:
        """Keep what passes, repair what can live without a bad field, drop (and count) the rest."""
        kept, dropped = [], []
        for item in items:
            repaired, problems = repair(item, ctx)
            if repaired is None:
                dropped.append(Dropped(kind=_singular(kind), reason="; ".join(problems), proposed=_abbreviate(item)))
                continue
            kept.append(repaired)
            if getattr(item, "stance", None) and not getattr(repaired, "stance", None):
                dropped.append(Dropped(kind="stance", reason="; ".join(problems), proposed=_abbreviate(item)))
        if dropped:
            log.info("%s: %s answer: kept %d, dropped %d", self.article.id, kind, len(kept), len(dropped))
        return Asked(kept, dropped)

    def _error(self, question: str, problem: str) -> ExtractionError:
        return ExtractionError(self.article, question, problem, self.meter.usage)


def _error_type(exc: openai.APIError) -> str | None:
    """The ``type`` of an API error body ({"error": {"type": ...}} or its inner dict)."""
    return _error_body(exc).get("type")


# How servers say a prompt is too long: llama.cpp's error type, OpenAI's code,
# and the wording of both and of vLLM.
_CONTEXT_EXCEEDED = re.compile(r"exceeds the available context size|maximum context length|context_length_exceeded", re.I)


def _error_body(exc: openai.APIError) -> dict:
    """An API error's body: the inner dict of {"error": {...}}, or the body itself."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    return body if isinstance(body, dict) else {}


def _exceeds_context(exc: openai.APIError) -> bool:
    body = _error_body(exc)
    said = " ".join(str(body.get(k) or "") for k in ("type", "code", "message")) or str(exc)
    return body.get("type") == "exceed_context_size_error" or bool(_CONTEXT_EXCEEDED.search(said))


def _context_figures(exc: openai.APIError) -> tuple[int | None, int | None]:
    """(prompt tokens, context tokens) when the server says them (llama.cpp's fields, or OpenAI's wording)."""
    body = _error_body(exc)
    if isinstance(body.get("n_prompt_tokens"), int) and isinstance(body.get("n_ctx"), int):
        return body["n_prompt_tokens"], body["n_ctx"]
    found = re.search(r"maximum context length is (\d+) tokens.*?(?:resulted in|requested) (\d+) tokens", str(body.get("message") or ""))
    return (int(found.group(2)), int(found.group(1))) if found else (None, None)


def _api_message(exc: openai.APIError, with_class: bool = True) -> str:
    body = getattr(exc, "body", None)
    message = None
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message") if isinstance(body.get("error"), dict) else body.get("message")
    message = message or str(exc)
    return f"{exc.__class__.__name__}: {message}" if with_class else str(message)


def _completion_text(completion: object) -> str:
    try:
        return completion.choices[0].message.content or ""  # type: ignore[attr-defined]
    except (AttributeError, IndexError, TypeError):
        return ""


def _finish_reason(completion: object) -> str | None:
    try:
        return completion.choices[0].finish_reason  # type: ignore[attr-defined]
    except (AttributeError, IndexError, TypeError):
        return None


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else error.__class__.__name__


def _valid_items(response_model: type[BaseModel], content: str, kind: str) -> tuple[list, list[Dropped]] | None:
    """A list answer that fails as a whole, item by item: the items that are valid
    on their own (up to the list's cap), and the others as dropped. None when
    the answer is not a list of items at all (or the question is about one item)."""
    fields = response_model.model_fields
    if len(fields) != 1:
        return None
    (name, info), = fields.items()
    item_model = next((a for a in get_args(info.annotation) if isinstance(a, type) and issubclass(a, BaseModel)), None)
    try:
        raw = json.loads(content).get(name)
    except (ValueError, AttributeError):
        return None
    if item_model is None or not isinstance(raw, list):
        return None
    cap = next((m.max_length for m in info.metadata if getattr(m, "max_length", None) is not None), len(raw))
    items, dropped = [], []
    for position, value in enumerate(raw, 1):
        proposed = _shortened(json.dumps(value, ensure_ascii=False, sort_keys=True))
        try:
            item = item_model.model_validate(value)
        except ValidationError as error:
            dropped.append(Dropped(kind=_singular(kind), reason=f"invalid item {position}: {_error_summary(error)}",
                                   proposed=proposed))
            continue
        if len(items) == cap:
            dropped.append(Dropped(kind=_singular(kind), reason=f"more than the {cap} items asked for", proposed=proposed))
            continue
        items.append(item)
    return items, dropped


_STANCE_FIELDS = frozenset({"stance", "target", "topic"})


def _without_stance(response_model: type[BaseModel], content: str) -> tuple[BaseModel, str] | None:
    """A statement answer that is invalid in its stance fields only: the answer
    without them, and what was wrong. None for any other invalid answer."""
    if not issubclass(response_model, SpeechStance):
        return None
    try:
        raw = json.loads(content)
        response_model.model_validate(raw)
    except ValidationError as error:
        if not {str(e["loc"][0]) for e in error.errors() if e["loc"]} <= _STANCE_FIELDS:
            return None
        problem = _error_summary(error)
    except ValueError:
        return None
    else:
        return None
    if not isinstance(raw, dict):
        return None
    try:
        return response_model.model_validate({k: v for k, v in raw.items() if k not in _STANCE_FIELDS}), problem
    except ValidationError:
        return None


def _error_summary(error: ValidationError) -> str:
    """Pydantic's errors, one clause each: 'sentence: Input should be 1, 2 or 3'."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'item'}: {e['msg']}" for e in error.errors())


def _items(answer: BaseModel, sentence: int | None) -> list:
    if isinstance(answer, SpeechStance):
        return [answer]
    (name,) = type(answer).model_fields
    return list(getattr(answer, name))


def _singular(kind: str) -> str:
    return {"statements": "statement", "statement": "statement", "events": "event", "stances": "stance"}[kind]


def _abbreviate(item: BaseModel) -> str:
    return _shortened(json.dumps(item.model_dump(), ensure_ascii=False, sort_keys=True))


def _shortened(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------
# Building the stored items (deterministic, in the article's own words)
# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# One article
# --------------------------------------------------------------------------


def _cited(numbers: list[int]) -> str:
    return ", ".join(f"[{n}]" for n in numbers)


_EVENTS_WITHOUT_CUES = 4


def _budget(ceiling: int, items: int, cap: int) -> int:
    """max_tokens for a list answer: room for every possible item (60-80 tokens
    each as the model pretty-prints them, so 100 with a margin), never above
    the ceiling; a runaway repetition still stops. At 80 a WikiEvents article
    with 12 events lost all its answers to the token limit."""
    return min(ceiling, 40 + 100 * min(items, cap))


def extract_article(
    article: Article,
    backend: Backend,
    settings: ExtractionSettings | None = None,
    runner: QuestionRunner | None = None,
) -> ArticleExtraction:
    """Ask the model about one article and build its grounded extraction.

    Raises ExtractionError when a question gets no usable answer, and
    BackendError when the model cannot be used at all. The usage recorded is
    this article's own calls, whatever else is in flight.
    """
    with counting_calls() as meter:
        return _extract(article, backend, settings or ExtractionSettings(), runner or QuestionRunner(), meter)


def _extract(article: Article, backend: Backend, settings: ExtractionSettings, runner: QuestionRunner,
             meter: Meter) -> ArticleExtraction:
    asker = Asker(backend, article, settings, meter, runner.answered)
    doc = parse(article.text)
    sentences = split_sentences(article, doc)
    by_number = {s.number: s for s in sentences}
    candidates = speech_candidates(doc, sentences, article.excluded)
    dropped: list[Dropped] = []
    spoken: dict[tuple[int, int, str], tuple[SpeechCandidate, SpeechAct]] = {}
    happenings: dict[tuple[int, str], Happening] = {}

    for chunk in chunk_sentences(sentences, settings.chunk_chars, settings.overlap_sentences):
        ctx = QuestionContext(article=article, sentences={s.number: s for s in chunk})
        block = render("article.j2", title=article.meta.title, published=article.meta.published, sentences=numbered(chunk))

        # Sentences with a word for a happening are pointed out, and bound how
        # many events may be listed; the cue words are English, so a chunk
        # without any (another language) is still asked, for a few.
        cued = [s.number for s in chunk if s.event_cue]
        limit = min(settings.events_limit, max(len(cued), _EVENTS_WITHOUT_CUES), len(chunk))

        def events_question_of_chunk(block=block, ctx=ctx, cued=cued, limit=limit) -> Asked:
            return asker.ask(
                "events", events_question([s.number for s in chunk], limit),
                asker.messages(block, render("events.j2", candidates=_cited(cued))),
                ctx, _budget(settings.events_max_tokens, limit, limit), repair_happening,
            )

        # The statement questions and the events question are independent: they
        # go out together, and answers are taken in candidate order, so the
        # result is the same however they are run.
        pending = [c for c in candidates if c.sentence.number in ctx.sentences]
        events_asked: Asked | None = None
        while pending or events_asked is None:
            answered = {(k[0], k[1]) for k in spoken}
            round_, later, spans = [], [], set()
            for candidate in pending:
                span = (candidate.attribution.content.start, candidate.attribution.content.end)
                if span in answered:
                    continue
                # Two attributions of the same words: the second is asked only
                # if the first gave no statement (as when asked one by one).
                (later if span in spans else round_).append(candidate)
                spans.add(span)
            questions: list[Callable[[], object]] = [
                (lambda c=c, block=block, ctx=ctx: _statement_act(asker, block, c, ctx, settings)) for c in round_
            ]
            if events_asked is None:
                questions.append(events_question_of_chunk)
            answers = runner.fan_out(questions)
            if events_asked is None:
                events_asked = answers.pop()
            for candidate, (act, lost) in zip(round_, answers):
                dropped += lost
                content = candidate.attribution.content
                if act is not None:
                    spoken.setdefault((content.start, content.end, act.speaker.casefold()), (candidate, act))
            pending = later

        dropped += events_asked.dropped
        for happening in events_asked.items:
            happenings.setdefault((happening.sentence, normalise_text(happening.what)), happening)

    statements = [statement_from(candidate, act, article) for candidate, act in spoken.values()]
    events = _checked_events(happenings.values(), doc, by_number, article, dropped)
    events += events_left_out(doc, sentences, article, cited={h.sentence for h in happenings.values()}, told=events)
    events = _one_event_each(_allegations_as_such(_not_quoted(events, doc, article, dropped), doc, article), dropped)
    said = _spoken_of(_sides_as_written([(c, s) for c, a in spoken.values() if (s := stance_from(a, c.sentence, article))
                                         is not None], doc, article, dropped),
                      [(c, a.speaker) for c, a in spoken.values()], article, dropped)
    deeds = stances_from_deeds(doc, sentences, article)
    # The words near a target check the model's polarity; a deed's is read from the syntax that links the two.
    said = _words_agree(_parse_agrees(_held_by_actors(said, article, dropped), deeds, dropped), article, dropped)
    said = _one_reading_each(said, dropped)
    stances = distinct_stances(said + deeds)
    statements, events, stances = (
        _grounded_only(items, article, kind, dropped)
        for items, kind in ((statements, "statement"), (events, "event"), (stances, "stance"))
    )
    return ArticleExtraction(
        article=article.meta,
        statements=sorted(statements, key=_item_order),
        events=sorted(events, key=_item_order),
        stances=sorted(stances, key=_item_order),
        entities=entities_of(statements, events, stances),
        dropped=sorted(dropped, key=lambda d: (d.kind, d.reason, d.proposed)),
        usage=meter.usage,
        model=backend.model_id,
        prompt_version=prompt_version(),
    )


def _checked_events(
    happenings: Iterable[Happening], doc: Doc, by_number: dict[int, Sentence], article: Article, dropped: list[Dropped]
) -> list[Event]:
    """The answered events whose sentence bears them out, summaries made clauses (happenings.checked_event)."""
    kept = []
    for happening in happenings:
        event, reason = checked_event(event_from(happening, by_number[happening.sentence], article), doc,
                                      by_number[happening.sentence])
        if event is None:
            dropped.append(Dropped(kind="event", reason=reason or "", proposed=_abbreviate(happening)))
        else:
            kept.append(event)
    return kept


def _not_quoted(events: list[Event], doc: Doc, article: Article, dropped: list[Dropped]) -> list[Event]:
    """Events the article reports. One whose words are all inside a quotation
    and not told as past ("“I am going to respond,” he said", "“If you shoot it
    down ...”", "“Why do I have to sign?”") is what someone said may or should
    happen, kept as their statement: counted, not an event. A quoted account
    of what happened ("“There was an explosion,” she said") stays."""
    quotes = find_quotes(article.text)

    def why_not(event: Event) -> str | None:
        words = _quoted_words(event, quotes, doc)
        if words is not None and not _told_as_past(words):
            return "summary: words inside a quotation that tell no past happening (what someone said may or should happen)"
        return None

    return _kept_unless(events, why_not, "event", dropped)


def _quoted_words(event: Event, quotes: list, doc: Doc) -> list | None:
    """The tokens of an event's summary when they are all inside a quotation of
    its sentence (the summary as written there, else its words found in the
    quoted parts and not all outside them); None when the article says it."""
    start, end = event.evidence.start, event.evidence.end
    # A quotation may open in an earlier sentence or close in a later one: its part in this one counts.
    inner = [(max(q.inner_start, start), min(q.inner_end, end)) for q in quotes if q.inner_start < end and q.inner_end > start]
    if not inner:
        return None
    found = doc.text.find(event.summary, start, end)
    if found >= 0:
        if not any(a <= found and found + len(event.summary) <= b for a, b in inner):
            return None
        return list(doc.char_span(found, found + len(event.summary), alignment_mode="expand") or [])
    wanted = {w.casefold() for w in re.findall(r"[\w’'-]{3,}", event.summary)}
    quoted = [t for a, b in inner for t in doc.char_span(a, b, alignment_mode="expand") or []]
    outside = {t.lower_ for t in doc.char_span(start, end, alignment_mode="expand") or []} - {t.lower_ for t in quoted}
    if not wanted or not wanted <= {t.lower_ for t in quoted} or wanted <= outside:
        return None
    return [t for t in quoted if t.lower_ in wanted]


# Words that put what their clause says in doubt: "claims that", "reports
# suggesting that", "alleged that". "said" does not: it is how news reports.
_HEDGES = frozenset("claim allege allegation suggest suggestion rumor rumour speculate speculation accuse "
                    "accusation".split())
_CLAUSE_LINKS = frozenset({"ccomp", "acl", "xcomp", "relcl"})


def _allegations_as_such(events: list[Event], doc: Doc, article: Article) -> list[Event]:
    """Events as the article tells them. One told only inside a claim, an
    allegation or a suggestion keeps those words in its summary ("claims that
    it allowed Israel to use its airspace", "internal sources have claimed
    that Baku has bought weapons"): without them it would state as fact what
    someone alleges."""
    told = []
    for event in events:
        start = _hedge_start(event, doc, article)
        if start is None:
            told.append(event)
        else:
            end = article.text.find(event.summary, event.evidence.start, event.evidence.end) + len(event.summary)
            told.append(event.model_copy(update={"summary": article.text[start:end]}))
    return told


def _hedge_start(event: Event, doc: Doc, article: Article) -> int | None:
    """Where the words that put the event's clause in doubt begin (the hedge's
    subject, or the noun a participle hedge describes), when its summary is
    the sentence's own words hanging, clause by clause, from a hedge; else None."""
    found = article.text.find(event.summary, event.evidence.start, event.evidence.end)
    words = doc.char_span(found, found + len(event.summary), alignment_mode="expand") if found >= 0 else None
    if not words:
        return None
    node = words.root
    while node.head is not node and node.dep_ in _CLAUSE_LINKS | {"conj", "aux", "auxpass", "pobj", "pcomp", "prep"}:
        hedge = node.head
        if node.dep_ in _CLAUSE_LINKS and hedge.lemma_.casefold() in _HEDGES and hedge.i < words.start:
            subjects = [c for c in hedge.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < hedge.i]
            first = subjects[0].left_edge if subjects else (hedge.head if hedge.dep_ == "acl" else hedge)
            return max(first.idx, event.evidence.start)
        node = hedge
    return None


def _told_as_past(words) -> bool:
    """Whether words tell something as done: a past verb, with no modal ("will
    be fired") and no condition ("if you shoot") or question."""
    if any(t.tag_ == "MD" or t.lower_ in ("if", "unless", "why", "whether") for t in words):
        return False
    return any(t.tag_ in ("VBD", "VBN") for t in words)


def _one_event_each(events: list[Event], dropped: list[Dropped]) -> list[Event]:
    """One event per sentence and summary: two answers that the rules turn into
    the same words are one happening; the one that says most (a date, a place,
    participants) is kept, the other counted."""
    def says_most(event: Event) -> tuple:
        return (event.date_text is None, event.place is None, -len(event.participants), _item_order(event))

    best: dict[tuple[int, int, str], Event] = {}
    for event in sorted(events, key=says_most):
        key = (event.evidence.start, event.evidence.end, normalise_text(event.summary))
        if key in best:
            dropped.append(Dropped(kind="event", reason="the same happening as another event of its sentence",
                                   proposed=_abbreviate(event)))
        else:
            best[key] = event
    return [event for event in events if best.get((event.evidence.start, event.evidence.end,
                                                    normalise_text(event.summary))) is event]


def _statement_act(
    asker: Asker, block: str, candidate: SpeechCandidate, ctx: QuestionContext, settings: ExtractionSettings
) -> tuple[SpeechAct | None, list[Dropped]]:
    """The checked speech act for one attribution: asked only for what the text leaves open."""
    number = candidate.sentence.number

    def checked(answer: SpeechStance, ctx: QuestionContext) -> tuple[SpeechAct | None, list[str]]:
        speaker = getattr(answer, "speaker", None) or candidate.speaker or ""
        act = SpeechAct(sentence=number, speaker=speaker, stance=answer.stance, target=answer.target, topic=answer.topic)
        return repair_speech_act(act, ctx)

    targets = _stance_targets(candidate, ctx.article)
    if candidate.speaker is not None and not targets:
        # Nothing for the model to say: the speaker is settled and names no other side.
        act, problems = checked(SpeechStance(), ctx)
        if act is None:
            return None, [Dropped(kind="statement", reason="; ".join(problems), proposed=candidate.speaker)]
        return act, []
    attribution = candidate.attribution
    question = render(
        "statement.j2", number=number, text=unnumbered(candidate.sentence.text), speaker=candidate.speaker,
        source=unnumbered(attribution.source.text) if attribution.source else "",
        content=unnumbered(attribution.content.text), choices=candidate.choices, targets=targets,
    )
    asked = asker.ask("statement", speech_question(candidate.choices, targets), asker.messages(block, question), ctx,
                      settings.statement_max_tokens, checked, sentence=number, drop_invalid=True)
    if asked.items or candidate.speaker is None:
        return (asked.items[0] if asked.items else None), asked.dropped
    # No valid stance answer, but the text names the speaker: the statement
    # stands without a stance, and what was lost is counted as a stance.
    act, _ = checked(SpeechStance(), ctx)
    return act, [d.model_copy(update={"kind": "stance"}) for d in asked.dropped]


def _stance_targets(candidate: SpeechCandidate, article: Article) -> tuple[str, ...]:
    """The actors a stance may be toward: those the sentence names, less the
    speaker's own side when the text settles the speaker (a stance toward one's
    own side is none, so it is not offered)."""
    if candidate.speaker is None:
        return candidate.targets
    role = speaker_role(article.text, candidate.speaker)
    return tuple(t for t in candidate.targets if not same_side(t, candidate.speaker, role))


def _own_words(candidate: SpeechCandidate, speaker: str, statements: list[tuple[SpeechCandidate, str]], text: str) -> str:
    """The words of a statement from its cue to the end of what was said, with
    what someone else is reported in them to have said blanked out: in "he
    noted that while US negotiators had claimed X, ...", the negotiators' claim
    and its source are theirs, so a position read from it is not his."""
    cue, content = candidate.attribution.cue, candidate.attribution.content
    start, end = min(cue.start, content.start), max(cue.end, content.end)
    chars = list(text[start:end])
    for inner, inner_speaker in statements:
        a = inner.attribution
        # A pronoun source ("Democrats say they will accuse X") may be the speaker again.
        if inner is candidate or a.source_kind in ("pronoun", "none") or fold_name(inner_speaker) == fold_name(speaker):
            continue
        first = min(a.cue.start, a.content.start, a.source.start if a.source else a.cue.start)
        last = max(a.cue.end, a.content.end)
        if start <= first and last <= end and (first, last) != (start, end):
            chars[first - start:last - start] = " " * (last - first)
    return "".join(chars)


def _spoken_of(said: list[tuple[SpeechCandidate, Stance]], statements: list[tuple[SpeechCandidate, str]],
               article: Article, dropped: list[Dropped]) -> list[Stance]:
    """Stances toward someone their statement speaks of or to, in its own words; the others are counted."""
    kept = []
    for candidate, stance in said:
        speaker = stance.speaker or stance.holder
        reason = target_not_spoken_of(stance, _own_words(candidate, speaker, statements, article.text))
        if reason is None:
            kept.append(stance)
        else:
            dropped.append(Dropped(kind="stance", reason=reason, proposed=_abbreviate(stance)))
    return kept


def _sides_as_written(said: list[tuple[SpeechCandidate, Stance]], doc: Doc, article: Article,
                      dropped: list[Dropped]) -> list[tuple[SpeechCandidate, Stance]]:
    """Stances whose holder and target are who the sentence says; the others are counted:
    a target named only in the speaker's description, 'support' of whom was only told
    something, a piece of a longer name, a holder that is no actor."""
    kept = []
    common = _common_words(doc)
    for candidate, stance in said:
        start, end = stance.evidence.start, stance.evidence.end
        sentence = article.text[start:end]
        description = [(a - start, b - start) for a, b in source_description(doc, candidate.attribution)]
        reason = (target_describes_speaker(stance, sentence, description) or support_of_the_told(stance, sentence)
                  or unnamed_holder(stance, sentence, common) or cut_off_side(stance, sentence))
        if reason is None:
            kept.append((candidate, stance))
        else:
            dropped.append(Dropped(kind="stance", reason=reason, proposed=_abbreviate(stance)))
    return kept


def _common_words(doc: Doc) -> frozenset[str]:
    """The article's words surely no name: read by the parse as a plural common
    noun, a function word or a date ("Days" in "Days after ..."), and never
    written with a capital inside a sentence ("Trump" may be read as a noun)."""
    inside = {t.text for t in doc if t.text[:1].isupper() and not t.is_sent_start
              and not (t.i and doc[t.i - 1].text in "“\"‘'(:—–-\n")}
    return frozenset(t.text for t in doc if not is_a_name(t) and t.text not in inside
                     and (t.tag_ == "NNS" or t.is_stop or t.ent_type_ in ("DATE", "TIME")))


def _kept_unless(items: list, why_not: Callable[[BaseModel], str | None], kind: str, dropped: list[Dropped]) -> list:
    """The items ``why_not`` finds nothing against; each other one is dropped and counted with its reason."""
    kept = []
    for item in items:
        reason = why_not(item)
        if reason is None:
            kept.append(item)
        else:
            dropped.append(Dropped(kind=kind, reason=reason, proposed=_abbreviate(item)))
    return kept


def _held_by_actors(stances: list[Stance], article: Article, dropped: list[Dropped]) -> list[Stance]:
    """Stances between actors; one held by or toward a news outlet that relays a claim is counted and dropped."""
    def why_not(stance: Stance) -> str | None:
        outlet = relaying_outlet(stance, article.text[stance.evidence.start:stance.evidence.end])
        return outlet and (f"'{outlet}' is a news outlet or its reporter: it relays positions, it neither holds nor is "
                           "the target of one")

    return _kept_unless(stances, why_not, "stance", dropped)


def _parse_agrees(stances: list[Stance], deeds: list[Stance], dropped: list[Dropped]) -> list[Stance]:
    """The model's stances the parse does not contradict; where it reads the
    opposite polarity between the same sides in the same sentence, the parse's
    stance stands and the model's is counted and dropped."""
    def why_not(stance: Stance) -> str | None:
        deed = overruling_deed(stance, deeds)
        return deed and (f"polarity: '{stance.polarity}' of {stance.target}, but the sentence's '{deed.topic}' reads "
                         f"'{deed.polarity}'")

    return _kept_unless(stances, why_not, "stance", dropped)


def _words_agree(stances: list[Stance], article: Article, dropped: list[Dropped]) -> list[Stance]:
    """Stances whose polarity the words next to their target do not contradict, toward a
    target that is a side and not only the one attacked; the others are counted."""
    def why_not(stance: Stance) -> str | None:
        sentence = article.text[stance.evidence.start:stance.evidence.end]
        return (polarity_conflict(stance, sentence) or attacked_target(stance, sentence)
                or asked_of_target(stance, sentence) or said_nothing(stance, sentence))

    return _kept_unless(stances, why_not, "stance", dropped)


def _one_reading_each(stances: list[Stance], dropped: list[Dropped]) -> list[Stance]:
    """Stances no other reading of the same sentence contradicts; where two give
    opposite polarities between the same sides, both are counted and dropped
    (a deed or the words next to the target, checked before, settle it when they can)."""
    def why_not(stance: Stance) -> str | None:
        other = contradicted(stance, stances)
        return other and (f"polarity: '{stance.polarity}' of {stance.target}, but the same sentence also reads "
                          f"'{other.polarity}' of it: the text does not say which")

    return _kept_unless(stances, why_not, "stance", dropped)


def _grounded_only(items: list, article: Article, kind: str, dropped: list[Dropped]) -> list:
    """The last gate: nothing is kept unless its evidence is the article's text at its offsets."""
    return _kept_unless(items, lambda item: None if is_grounded(item.evidence, article.text)
                        else "evidence not found in the article", kind, dropped)


def _item_order(item: BaseModel) -> tuple:
    return (item.evidence.start, item.evidence.end, json.dumps(item.model_dump(), sort_keys=True))
