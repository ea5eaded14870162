"""The data contract: what summariser stores and publishes.

These Pydantic models are the single source of truth. JSON Schemas in
``schemas/`` are generated from them (``summarise schema --write``) and a test
fails when the files are stale.

Two layers live here:

* per-article extraction (``ArticleExtraction``): statements, events, stances
  and entities found in one article, each with a verbatim ``Evidence`` span
  whose ``start``/``end`` are character offsets into that article's text;
* the consolidated ``Dossier``: the merge of every article, where each item
  lists every ``Source`` (article + evidence) that reports it.

Offsets always index the article text *as loaded* (decoded to str, newlines
normalised to ``\\n``); ``text[start:end] == evidence.text`` holds for every
kept item. The model-facing question models (what the model is asked to fill)
live in ``summariser.questions``; they are deliberately smaller than these.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "1"

EntityType = Literal["person", "country", "organization", "place", "document", "other"]
# Who a statement's source is, as the text gives it: a named person, an
# organisation ("the ministry", "officials"), a document ("the report", "a Times
# article", "the video") or someone the article does not name.
SpeakerType = Literal["person", "organization", "document", "unnamed"]
StatementKind = Literal["quote", "paraphrase"]
Polarity = Literal["support", "oppose", "deny", "neutral"]
EventType = Literal[
    "attack",
    "military_activity",
    "phone_call",
    "meeting",
    "visit",
    "agreement",
    "ceasefire",
    "arms_transfer",
    "diplomatic_action",
    "accusation",
    "denial",
    "casualties",
    "other",
]
DatePrecision = Literal["day", "month", "year", "unknown"]


class _Model(BaseModel):
    # Frozen and strict about unknown keys: stored data is a contract, and a
    # typo in a field name should fail loudly rather than vanish.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(_Model):
    """A verbatim span of one article that supports an item."""

    text: str = Field(description="The exact characters of the article at [start, end).")
    start: int = Field(ge=0, description="Offset of the first character in the article text.")
    end: int = Field(ge=0, description="Offset one past the last character.")

    @model_validator(mode="after")
    def _ordered(self) -> "Evidence":
        if self.end <= self.start:
            raise ValueError(f"evidence end ({self.end}) must be after start ({self.start})")
        if len(self.text) != self.end - self.start:
            raise ValueError("evidence text length does not match its offsets")
        return self


class Participant(_Model):
    name: str = Field(description="Name of the participant as written in the article.")
    role: Literal["agent", "target", "other"] = Field(
        default="other", description="agent = did it; target = it was done to them; other."
    )


class Statement(_Model):
    """Someone said something, quoted or paraphrased, in one article."""

    speaker: str = Field(description="Who spoke, as named in the article.")
    speaker_role: str | None = Field(
        default=None, description="The speaker's role or affiliation as written in the article."
    )
    content: str = Field(description="What was said: the quote, or the reported clause.")
    kind: StatementKind = Field(description="quote = direct quotation; paraphrase = reported speech.")
    addressee: str | None = Field(
        default=None, description="To whom or about whom it was said, if the article says."
    )
    date_text: str | None = Field(default=None, description="When it was said, as stated.")
    evidence: Evidence = Field(description="The sentence or sentences that report the statement.")
    content_span: Evidence | None = Field(
        default=None, description="The words attributed to the speaker: the quotation's inside, or the reported clause."
    )
    source_span: Evidence | None = Field(
        default=None, description="The mention of the source in the text ('Aliyev', 'he', 'the report'), when it has one."
    )
    cue_span: Evidence | None = Field(default=None, description="The cue that marks the attribution ('said', 'according to', ':').")
    speaker_type: SpeakerType | None = Field(default=None, description="What kind of source the text names.")


class Event(_Model):
    """Something that happened, as reported by one article."""

    summary: str = Field(description="What happened, in a few words.")
    event_type: EventType
    date_text: str | None = Field(default=None, description="When it happened, as stated.")
    place: str | None = Field(default=None, description="Where it happened, as stated.")
    participants: list[Participant] = Field(default_factory=list)
    evidence: Evidence


# A stance's topic when the text gives none in its own words: a placeholder,
# not a proposition two holders could disagree on.
DEFAULT_TOPIC = "relations"


class Stance(_Model):
    """Actor A's position toward B on a topic, as expressed in one article."""

    holder: str = Field(description="Who holds the position (the speaker or the side they speak for).")
    target: str = Field(description="Toward whom or what the position is held.")
    topic: str = Field(description="What the position is about, in a few words.")
    polarity: Polarity
    speaker: str | None = Field(default=None, description="Who voiced it, when not the holder.")
    date_text: str | None = None
    evidence: Evidence


class Entity(_Model):
    """An actor or place named in one article."""

    name: str
    type: EntityType
    mentions: list[str] = Field(default_factory=list, description="Other names used for it.")


class Usage(_Model):
    """Model traffic: every call counted, retries included.

    Wall-clock time is reported by the run summary, not stored: stored data
    must be identical when the same inputs are re-run from the cache.
    """

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(
            calls=self.calls + other.calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )

    def __sub__(self, other: "Usage") -> "Usage":
        """The traffic between two readings of a meter: ``after - before``."""
        return Usage(
            calls=self.calls - other.calls,
            prompt_tokens=self.prompt_tokens - other.prompt_tokens,
            completion_tokens=self.completion_tokens - other.completion_tokens,
        )


class Dropped(_Model):
    """An item the model proposed that was not kept, and why."""

    kind: Literal["statement", "event", "stance"]
    reason: str
    proposed: str = Field(description="The model's proposal, abbreviated, for diagnosis.")


class ArticleMeta(_Model):
    id: str = Field(description="Short hash of the normalised article text.")
    title: str
    outlet: str | None = None
    published: str | None = Field(default=None, description="Publication date, ISO 8601 (YYYY-MM-DD).")
    paths: list[str] = Field(description="Every file this text was loaded from, sorted.")
    content_hash: str = Field(description="sha256 of the article text as loaded.")
    chars: int


class ArticleExtraction(_Model):
    """Everything extracted from one article; what the cache stores."""

    article: ArticleMeta
    statements: list[Statement] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    stances: list[Stance] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    dropped: list[Dropped] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    model: str = Field(description="Model id that produced this extraction.")
    prompt_version: str = Field(description="Hash of the prompt templates used.")


# --------------------------------------------------------------------------
# The consolidated dossier
# --------------------------------------------------------------------------


class Source(_Model):
    """One article's support for a dossier item."""

    article_id: str
    evidence: Evidence


class StatementSource(Source):
    """One article's report of a statement: quoted or paraphrased, in its words."""

    kind: StatementKind = Field(description="How this article reports it: quote or paraphrase.")
    content: str = Field(description="The statement as this article words it.")
    content_span: Evidence | None = Field(default=None, description="Where this article words it.")
    source_span: Evidence | None = Field(default=None, description="This article's mention of the source.")
    cue_span: Evidence | None = Field(default=None, description="This article's attribution cue.")


class DateValue(_Model):
    text: str = Field(description="The date as worded in the article.")
    iso: str | None = Field(default=None, description="YYYY-MM-DD, YYYY-MM or YYYY, per precision.")
    precision: DatePrecision = "unknown"


class DossierEntity(_Model):
    id: str
    name: str = Field(description="Canonical name: the fullest name used.")
    type: EntityType
    aliases: list[str] = Field(default_factory=list, description="Every other name that refers to it.")
    articles: list[str] = Field(default_factory=list, description="IDs of articles that mention it.")


class DossierEvent(_Model):
    id: str
    summary: str
    event_type: EventType
    date: DateValue | None = None
    place: str | None = None
    participants: list[str] = Field(default_factory=list, description="Entity IDs.")
    sources: list[Source]


class DossierStatement(_Model):
    id: str
    speaker: str = Field(description="Entity ID of the speaker.")
    speaker_name: str
    speaker_role: str | None = None
    content: str = Field(description="The first quotation among the sources, else the first paraphrase.")
    kind: StatementKind = Field(description="quote if any source quotes it directly, else paraphrase.")
    addressee: str | None = Field(default=None, description="Entity ID of the addressee.")
    date: DateValue | None = None
    sources: list[StatementSource]


class StanceAssertion(_Model):
    polarity: Polarity
    date: DateValue | None = None
    speaker: str | None = Field(default=None, description="Entity ID of who voiced it.")
    source: Source


class StanceTimeline(_Model):
    id: str
    holder: str = Field(description="Entity ID.")
    target: str = Field(description="Entity ID.")
    topic: str
    assertions: list[StanceAssertion] = Field(description="Oldest first; undated last.")
    latest_polarity: Polarity
    changed: bool = Field(description="Whether the polarity ever differs between assertions.")


class DisputeClaim(_Model):
    claim: str
    by: str | None = Field(default=None, description="Entity ID of who makes the claim, if known.")
    sources: list[Source]


class Dispute(_Model):
    id: str
    topic: str
    claims: list[DisputeClaim] = Field(min_length=2)


class RunInfo(_Model):
    """What produced the dossier, as needed to interpret it: the model and the
    prompt and schema versions. How a run went (calls, tokens, timings, paths)
    is in the run record beside the dossier (``RunRecord``), so the dossier
    changes only when the story does."""

    model: str
    schema_version: str = SCHEMA_VERSION
    prompt_version: str


class Dossier(_Model):
    articles: list[ArticleMeta]
    entities: list[DossierEntity] = Field(default_factory=list)
    events: list[DossierEvent] = Field(default_factory=list)
    statements: list[DossierStatement] = Field(default_factory=list)
    stances: list[StanceTimeline] = Field(default_factory=list)
    disputes: list[Dispute] = Field(default_factory=list)
    run: RunInfo


# --------------------------------------------------------------------------
# The run record: bookkeeping of the run that wrote a dossier
# --------------------------------------------------------------------------


class RunArticle(_Model):
    """What happened to one input in the run."""

    path: str = Field(description="The path as given on this machine.")
    article_id: str | None = Field(default=None, description="None when the file could not be read as an article.")
    status: Literal["cached", "extracted", "failed"]
    seconds: float = Field(description="Wall-clock time spent on it in this run.")
    error: str | None = None
    usage: Usage | None = Field(default=None, description="Model traffic its extraction cost when it was made.")


class RunRecord(_Model):
    """Written beside the dossier (``dossier.run.json`` for ``dossier.json``).

    Everything here may differ between two runs that give the same dossier:
    it is for the person who ran it, not part of the story.
    """

    dossier: str = Field(description="The dossier's file name, in the same folder.")
    model: str
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    this_run: Usage = Field(description="Model calls made by this run (cached articles cost none).")
    extractions: Usage = Field(description="What the extractions merged into the dossier cost when they were made.")
    articles: list[RunArticle] = Field(default_factory=list)
