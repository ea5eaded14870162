"""The merge: per-article extractions -> one consolidated, source-grounded Dossier.

Pure and deterministic. Inputs are put in a stable order first (articles by
ID, items by evidence offsets), every clustering decision is taken in that
order, and every output list is sorted by stable keys, so the same
extractions in any order give byte-identical canonical JSON.

IDs come from ``content_id`` over an item's *anchor*: its source in the
earliest-published article (then by article ID and offsets), with that
article's own wording of it. Never from the set of all its sources, from
entity IDs or from guessed types, so an item keeps its ID when a later article
adds a source to it (see ``anchor_order`` and docs/review-workflow.md).

Sections:

* text keys      - normalised, stemmed token strings that fuzzy matching compares
* events         - one dossier event per real-world event (blocked greedy clustering)
* statements     - one statement per speaker + same thing said (never two
                   that differ in a negation or a figure)
* stances        - timelines per (holder, target, topic group)
* disputes       - disagreements kept side by side: different holders'
                   incompatible positions on one proposition, each in their
                   own voice; conflicting figures; a speaker reported saying
                   X and not X
* assembly       - ``merge`` / ``merge_traced``

Matching thresholds are module constants, each with the reason for its value.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Iterable

from rapidfuzz import fuzz

from summariser.canonical import canonical_json, content_id
from summariser.dates import date_sort_key, iso_after, iso_compatible, normalise_date, precision_rank
from summariser.entities import EntityResolver, normalise_text, resolve_entities
from summariser.grounding import fold_name
from summariser.lexicon import state_of
from summariser.unionfind import UnionFind
from summariser.datamodel import DEFAULT_TOPIC
from summariser.datamodel import (
    ArticleExtraction,
    DateValue,
    Dispute,
    DisputeClaim,
    Dossier,
    DossierEvent,
    DossierStatement,
    Event,
    EventType,
    Polarity,
    RunInfo,
    Source,
    Stance,
    StanceAssertion,
    StanceTimeline,
    Statement,
    StatementSource,
)

# --------------------------------------------------------------------------
# Thresholds (rapidfuzz scores are 0-100)
# --------------------------------------------------------------------------

# Events that share a resolved participant need only loosely similar wording:
# "phone call between Pezeshkian and Aliyev" / "Pezeshkian and Aliyev phone
# conversation" score 70-90, while two different events of one type between
# the same actors are usually kept apart by their dates or their agents.
EVENT_SIM_WITH_SHARED_PARTICIPANT = 50.0
# Without a shared participant the wording itself must nearly agree.
EVENT_SIM_WITHOUT_PARTICIPANTS = 80.0
# One article reports different things in different sentences about the same
# actors ("Pezeshkian said ...", "Pezeshkian noted ..."), so a second mention
# from an article already in the cluster must nearly agree in wording too.
EVENT_SIM_SAME_ARTICLE = 80.0
# Events without a shared participant may still merge when their articles
# tell the same story: the Jaccard overlap of the actors and places the two
# articles name is at least this.
SAME_STORY_JACCARD = 0.1
# Same speaker: a quote and its paraphrase in another outlet score 60-75 on
# normalised content words; unrelated statements of one speaker (Aliyev on
# drills vs on sovereignty) score 30-45 (see tests/test_merge.py).
STATEMENT_SIM = 60.0
# Content of fewer words than this cannot be matched as a subset of a longer
# statement (token_set_ratio scores any subset 100); it must be near-identical.
STATEMENT_MIN_TOKENS_FOR_SUBSET = 3
STATEMENT_SIM_SHORT = 90.0
# token_set_ratio scores a short statement high when two of its words appear
# in a long one ("hope for expanded cooperation between Iran and Azerbaijan"
# vs "praised the defense cooperation between Tel Aviv and Baku ... Azerbaijan"
# scores 65). Paraphrases of one statement share at least half the shorter
# one's content words (0.6 for the seeds' airspace denials); unrelated ones
# of a speaker a third or less.
STATEMENT_MIN_SHARED = 0.4
# Two sentences of one article are two statements unless they nearly repeat
# each other (a quote given twice); see EVENT_SIM_SAME_ARTICLE.
STATEMENT_SIM_SAME_ARTICLE = 80.0
# Stance topics, once the holder's and target's own names are removed and
# synonyms folded ("airspace use against Iran" -> "territory use"), either
# contain one another (token_set_ratio 100) or are different topics (< 50).
TOPIC_SIM = 70.0
# A cluster is compared against at most this many of its members (its first
# ones, in stable order), and a blocking key yields at most this many of its
# most recent clusters: both keep the merge linear in the number of items.
MAX_MEMBERS_COMPARED = 8
MAX_CANDIDATES_PER_KEY = 64

# Event types that describe the same happening at different grain.
_EVENT_TYPE_GROUP: dict[str, str] = {"attack": "attack", "military_activity": "attack"}
# Events whose participants are the parties to them, named as people: a call
# between Boric and Milei and one between Boric and Lula share a participant
# and read alike, yet each names someone the other does not, so they are two
# calls. (Who struck whom is told apart by the agents instead.)
_BETWEEN_PARTIES = frozenset({"phone_call", "meeting", "visit"})
# Events that the parties do together: who is named agent and who target is the
# reporter's choice ("Chile's truce with Peru"). Every other type has a
# direction: Israel's arms sales to Azerbaijan and Azerbaijan's arms purchase
# from Israel told as a deal with Armenia in view are two acts.
_MUTUAL = _BETWEEN_PARTIES | {"agreement", "ceasefire"}

# --------------------------------------------------------------------------
# Text keys
# --------------------------------------------------------------------------

_STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or but as is are was were be been being
    has have had it its his her their they them this that these those which who whom whose
    would will shall should can could may might must do does did about into over under than
    then there here also any some such own our we us i you he she way said says say between among""".split()
)
# Words news uses interchangeably for the same notion; folding them lets
# "airspace used against Iran" match "territory used against Iran".
_SYNONYMS: dict[str, str] = {
    "airspace": "territory", "skies": "territory", "sky": "territory", "soil": "territory",
    "land": "territory", "permit": "allow", "let": "allow", "never": "not", "no": "not",
    "conversation": "call", "telephone": "phone", "airstrike": "strike", "airstrikes": "strike",
}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A crude suffix stripper: attacks/attacked/attacking -> attack.

    Enough to make inflections compare equal; not a linguistic stemmer.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if len(base) < 3:
                base = word[:-1] if suffix == "ed" else word  # used -> use
            elif len(base) > 3 and base[-1] == base[-2] and base[-1] not in "aeiouls":
                base = base[:-1]  # shipped -> ship, planned -> plan
            word = base
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]  # strike/strikes/striking -> strik
    return word


@lru_cache(maxsize=200_000)
def _fold_token(token: str) -> str | None:
    state = state_of(token)
    if state is not None:
        return normalise_text(state).replace(" ", "_")
    token = _SYNONYMS.get(token, token)
    if token in _STOPWORDS:
        return None
    return stem(token)


@lru_cache(maxsize=200_000)
def text_key(text: str) -> str:
    """Normalised content words of ``text``, in order, joined by spaces."""
    folded = (_fold_token(t) for t in normalise_text(text).split())
    return " ".join(t for t in folded if t)


def similarity(a: str, b: str) -> float:
    """rapidfuzz token_set_ratio over two text keys (0-100).

    token_set_ratio scores a pair by its shared words, so a truncated quote
    or a paraphrase that keeps the key words scores high.
    """
    if not a or not b:
        return 0.0
    return fuzz.token_set_ratio(a, b, processor=None)


# Two words are the same word when their stems agree or, for words of at
# least SAME_WORD_MIN_LENGTH characters, rapidfuzz ratio >= SAME_WORD_RATIO
# ("shot"/"shoot" 89, "Pezeshkian"/"Pezeshkiyan" 95, but "threat"/"tension" 46).
SAME_WORD_RATIO = 85.0
SAME_WORD_MIN_LENGTH = 4


@lru_cache(maxsize=500_000)
def _same_word(x: str, y: str) -> bool:
    if len(x) < SAME_WORD_MIN_LENGTH or len(y) < SAME_WORD_MIN_LENGTH:
        return False
    return fuzz.ratio(x, y, processor=None) >= SAME_WORD_RATIO


def share_a_word(words_a: frozenset[str], words_b: frozenset[str]) -> bool:
    """Whether two sets of text-key words have a word in common (exactly or as
    a spelling variant).

    token_set_ratio alone compares characters, so two unrelated single words
    ("threatening", "tensions") can score 50+; a shared word is required first.
    """
    if words_a & words_b:
        return True
    return any(_same_word(*sorted((x, y))) for x in words_a for y in words_b)


@lru_cache(maxsize=200_000)
def words_of(key: str) -> frozenset[str]:
    return frozenset(key.split())


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def figures(text: str, *, ignore: str | None = None) -> frozenset[str]:
    """Numbers stated in ``text`` (not years, not those in ``ignore``)."""
    skipped = {n.replace(",", "") for n in _NUMBER.findall(ignore or "")}
    found: set[str] = set()
    for raw in _NUMBER.findall(text):
        number = raw.replace(",", "").rstrip(".")
        if number in skipped or (len(number) == 4 and number.isdigit() and 1900 <= int(number) <= 2100):
            continue
        found.add(number)
    return frozenset(found)


def _source(article_id: str, item: Statement | Event | Stance) -> Source:
    return Source(article_id=article_id, evidence=item.evidence)


def _source_key(source: Source) -> tuple[str, int, int]:
    return (source.article_id, source.evidence.start, source.evidence.end)


def _sorted_unique_sources(sources: Iterable[Source]) -> list:
    unique = {}
    for source in sources:
        unique.setdefault(_source_key(source), source)
    return [unique[k] for k in sorted(unique)]


def anchor_order(published: str | None, source: Source) -> tuple:
    """The order in which an item's sources compete to anchor its ID.

    The earliest-published article comes first: news about a story arrives
    later than what it follows up, so a new article rarely becomes the anchor
    of an item that existed before it. An undated article counts as earlier
    than any dated one, so a dated newcomer never takes the anchor from it;
    article ID and offsets break the remaining ties.
    """
    day = (published or "")[:10]
    return (bool(day), day, *_source_key(source))


def _finer_iso(current: str | None, value: DateValue | None) -> str | None:
    """The finer of a cluster's date and a new compatible date.

    Members of a cluster have mutually compatible dates: each is a prefix of
    the finest one ("2025", "2025-06", "2025-06-13"), so checking a newcomer
    against the finest date checks it against all of them.
    """
    if value is None or value.iso is None:
        return current
    if current is None or len(value.iso) > len(current):
        return value.iso
    return current


def _iso_compatible(iso: str | None, value: DateValue | None) -> bool:
    return iso_compatible(iso, value.iso if value is not None else None)


def _best_date(dates: Iterable[DateValue | None]) -> DateValue | None:
    """The most precise resolved date; the first given wins ties."""
    best: DateValue | None = None
    for value in dates:
        if value is None:
            continue
        if best is None or precision_rank(value) > precision_rank(best):
            best = value
    return best


class _CandidateIndex:
    """Blocking: blocking key -> clusters that carry it, most recently grown last."""

    def __init__(self) -> None:
        self._by_key: dict[tuple, dict[int, None]] = defaultdict(dict)

    def candidates(self, keys: Iterable[tuple]) -> list[int]:
        found: set[int] = set()
        for key in keys:
            bucket = self._by_key.get(key)
            if bucket:
                found.update(islice(reversed(bucket), MAX_CANDIDATES_PER_KEY))
        return sorted(found)

    def add(self, keys: Iterable[tuple], cluster: int) -> None:
        for key in keys:
            bucket = self._by_key[key]
            bucket.pop(cluster, None)  # a cluster that grows moves to the recent end
            bucket[cluster] = None

    def remove(self, keys: Iterable[tuple], cluster: int) -> None:
        for key in keys:
            self._by_key.get(key, {}).pop(cluster, None)


# --------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------


@dataclass
class _EventMention:
    article_id: str
    index: int  # position in its extraction's events (tracing only)
    event: Event
    type_group: str
    date: DateValue | None
    participants: frozenset[str]
    agents: frozenset[str]
    targets: frozenset[str]
    people: frozenset[str]  # the participants that are persons
    reported_by: str | None  # for an undated report, its article's day: the event had happened by then
    key: str  # text key of the summary
    context: frozenset[str]  # what the whole article is about (see article_context)
    source: Source

    @property
    def order(self) -> tuple:
        ev = self.event
        return (self.article_id, ev.evidence.start, ev.evidence.end, ev.event_type, ev.summary, self.index)


@dataclass
class _EventCluster:
    members: list[_EventMention] = field(default_factory=list)
    participants: set[str] = field(default_factory=set)
    agents: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)
    finest_date: str | None = None  # see _finer_iso
    not_after: str | None = None  # the earliest day an undated member was reported
    signals: set[tuple] = field(default_factory=set)  # blocking signals of all members
    filed: set[tuple] = field(default_factory=set)  # index keys it is filed under
    keys: list[str] = field(default_factory=list)  # distinct summary keys compared against

    def add(self, mention: _EventMention) -> None:
        self.members.append(mention)
        _remember_key(self.keys, mention.key)
        self.participants |= mention.participants
        self.agents |= mention.agents
        self.targets |= mention.targets
        self.people |= mention.people
        self.finest_date = _finer_iso(self.finest_date, mention.date)
        if mention.reported_by is not None and (self.not_after is None or mention.reported_by < self.not_after):
            self.not_after = mention.reported_by


def article_context(extraction: ArticleExtraction, resolver: EntityResolver) -> frozenset[str]:
    """The actors and places an article names: what story it tells.

    Two reports of one event come from articles about the same story, so
    their articles share actors or places even when the sentences reporting
    the event name different participants.
    """
    article_id = extraction.article.id
    names = [e.name for e in extraction.entities if e.type != "place"]
    names += [s.speaker for s in extraction.statements]
    names += [n for s in extraction.stances for n in (s.holder, s.target)]
    names += [p.name for e in extraction.events for p in e.participants]
    context = {resolver.entity_id(name, article_id) for name in names}
    places = [e.name for e in extraction.entities if e.type == "place"]
    places += [e.place for e in extraction.events if e.place]
    context |= {f"place:{word}" for place in places for word in text_key(place).split()}
    context.discard(None)
    return frozenset(context)  # type: ignore[arg-type]


def _event_mentions(extractions: list[ArticleExtraction], resolver: EntityResolver) -> list[_EventMention]:
    mentions: list[_EventMention] = []
    for extraction in extractions:
        article = extraction.article
        context = article_context(extraction, resolver)
        for index, event in enumerate(extraction.events):
            date = normalise_date(event.date_text, article.published)
            participants: set[str] = set()
            agents: set[str] = set()
            targets: set[str] = set()
            for participant in event.participants:
                entity = resolver.entity_id(participant.name, article.id)
                if entity is None:
                    continue
                participants.add(entity)
                if participant.role == "agent":
                    agents.add(entity)
                elif participant.role == "target":
                    targets.add(entity)
            mentions.append(_EventMention(
                article_id=article.id, index=index, event=event,
                type_group=_EVENT_TYPE_GROUP.get(event.event_type, event.event_type),
                date=date,
                # "Tehran launched drills" with Iran as target too: a side named both ways has no role.
                participants=frozenset(participants), agents=frozenset(agents), targets=frozenset(targets - agents),
                people=frozenset(p for p in participants if resolver.entity(p).type == "person"),
                reported_by=_undated_report_day(date, article.published),
                key=text_key(event.summary), context=context, source=_source(article.id, event),
            ))
    mentions.sort(key=lambda m: m.order)
    return mentions


def _undated_report_day(date: DateValue | None, published: str | None) -> str | None:
    """The publication day of a report that gives no date of its own (else None)."""
    if date is not None and date.iso is not None:
        return None
    return published[:10] if published else None


def _remember_key(keys: list[str], key: str) -> None:
    """Keep the first MAX_MEMBERS_COMPARED distinct wordings of a cluster."""
    if len(keys) < MAX_MEMBERS_COMPARED and key not in keys:
        keys.append(key)


def _month_bucket(iso: str | None) -> str | None:
    """The month a date falls in, when it is known to the month or day."""
    return iso[:7] if iso is not None and len(iso) >= 7 else None


def _event_signals(mention: _EventMention) -> list[tuple]:
    """What a matching cluster must share: the type group and a participant or a word."""
    signals = [(mention.type_group, "p", entity) for entity in sorted(mention.participants)]
    signals += [(mention.type_group, "w", word) for word in sorted(words_of(mention.key))]
    return signals


# Blocking for events. A cluster is filed under its signals (type group plus
# a participant or a summary word) in three namespaces:
#   "all"  - every cluster, searched by mentions that name no agent;
#   "free" - clusters without a known agent, searched by mentions with one;
#   "a"    - clusters by agent, searched by mentions with that agent;
# and under two date buckets: "*" and its month (or "undated"). A mention
# dated to the month searches its month and "undated", any other mention "*".
# Everything a block hides would fail the date or the agent rule anyway, so
# blocking changes the cost, not the result (up to MAX_CANDIDATES_PER_KEY).


def _date_buckets_searched(mention: _EventMention) -> tuple[str, ...]:
    month = _month_bucket(mention.date.iso if mention.date else None)
    return ("*",) if month is None else (month, "undated")


def _event_lookup_keys(mention: _EventMention) -> list[tuple]:
    signals = _event_signals(mention)
    if mention.agents:
        filed = [("a", mention.type_group, agent) for agent in sorted(mention.agents)]
        filed += [("free", *signal) for signal in signals]
    else:
        filed = [("all", *signal) for signal in signals]
    return [(*f, bucket) for f in filed for bucket in _date_buckets_searched(mention)]


def _event_file_keys(cluster: _EventCluster, signals: Iterable[tuple], agents: Iterable[str]) -> set[tuple]:
    """Keys under which ``cluster`` is filed for the given signals and agents."""
    type_group = cluster.members[0].type_group
    buckets = ("*", _month_bucket(cluster.finest_date) or "undated")
    filed = [("all", *signal) for signal in signals]
    if cluster.agents:
        filed += [("a", type_group, agent) for agent in agents]
    else:
        filed += [("free", *signal) for signal in signals]
    return {(*f, bucket) for f in filed for bucket in buckets}


def _event_match_score(mention: _EventMention, cluster: _EventCluster) -> float | None:
    """How well ``mention`` fits ``cluster``; None when it must not join."""
    if not _iso_compatible(cluster.finest_date, mention.date) or _after_its_report(mention, cluster):
        return None
    if mention.agents and cluster.agents and not (mention.agents & cluster.agents):
        return None  # Israel's strikes and the US's strikes are different events
    if mention.type_group not in _MUTUAL and _roles_swapped(mention, cluster):
        return None  # Israel arming Baku and Baku's deal with Israel against Armenia: two acts
    if mention.type_group == "other" and bool(mention.agents) != bool(cluster.agents):
        return None  # a catch-all type says no kind of act: someone's act is not an act of no one named
    if mention.type_group in _BETWEEN_PARTIES and _each_names_someone_else(mention.people, cluster.people):
        return None  # the Boric-Milei call and the Boric-Lula call
    shared = len(mention.participants & cluster.participants)
    if not shared and not _same_story(mention, cluster):
        return None
    words = words_of(mention.key)
    sim = max(
        (similarity(mention.key, key) for key in cluster.keys
         if share_a_word(words, words_of(key)) and _same_doing(mention.key, key)),
        default=0.0,
    )
    needed = EVENT_SIM_WITH_SHARED_PARTICIPANT if shared else EVENT_SIM_WITHOUT_PARTICIPANTS
    if any(m.article_id == mention.article_id for m in cluster.members):
        needed = max(needed, EVENT_SIM_SAME_ARTICLE)
    if sim < needed:
        return None
    return sim + 10.0 * shared


def _after_its_report(mention: _EventMention, cluster: _EventCluster) -> bool:
    """Whether one side is dated after the other side's undated report was
    published: an article published on June 14 that says "a phone call" without
    a date does not report the call of June 20."""
    iso = mention.date.iso if mention.date is not None else None
    return iso_after(iso, cluster.not_after) or iso_after(cluster.finest_date, mention.reported_by)


def _roles_swapped(mention: _EventMention, cluster: _EventCluster) -> bool:
    """Whether one side's agent is the other side's target: the one who did it
    in one report is the one it was done to in the other. Only when both name
    who did it: a report naming no agent ("the drills were conducted within
    Iran's rights") tells no direction its target could contradict."""
    if not (mention.agents and cluster.agents):
        return False
    return bool(mention.agents & cluster.targets) or bool(mention.targets & cluster.agents)


def _each_names_someone_else(people: frozenset[str], others: set[str]) -> bool:
    """Whether each side names a person the other does not. One report naming
    fewer of the parties ("Pezeshkian's call" / "the Pezeshkian-Aliyev call")
    is not a conflict."""
    return bool(people - others) and bool(others - people)


def _same_doing(a: str, b: str) -> bool:
    """Whether two event summaries share a word for what was done, not only the
    states they name: token_set_ratio scores "This meeting came after clashes
    between Azerbaijan and Armenia" and "Yerevan and Baku are engaging in peace
    talks" high on the two states alone. Summaries of one or two words (a
    trigger: "shot", "the shooting") are left to the score."""
    if min(len(a.split()), len(b.split())) < STATEMENT_MIN_TOKENS_FOR_SUBSET:
        return True
    doing_a = frozenset(w for w in words_of(a) if state_of(w) is None)
    doing_b = frozenset(w for w in words_of(b) if state_of(w) is None)
    return share_a_word(doing_a, doing_b)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _same_story(mention: _EventMention, cluster: _EventCluster) -> bool:
    """Whether the mention's article and a member's article tell the same story."""
    return any(
        m.article_id == mention.article_id or jaccard(m.context, mention.context) >= SAME_STORY_JACCARD
        for m in cluster.members[:MAX_MEMBERS_COMPARED]
    )


def _cluster_events(mentions: list[_EventMention]) -> list[_EventCluster]:
    """Greedy clustering in stable order: each mention joins its best candidate."""
    clusters: list[_EventCluster] = []
    index = _CandidateIndex()
    for mention in mentions:
        best, best_score = None, None
        for candidate in index.candidates(_event_lookup_keys(mention)):
            score = _event_match_score(mention, clusters[candidate])
            if score is not None and (best_score is None or score > best_score):
                best, best_score = candidate, score
        if best is None:
            best = len(clusters)
            clusters.append(_EventCluster())
        _file_event(index, clusters[best], best, mention)
    return clusters


def _file_event(index: _CandidateIndex, cluster: _EventCluster, number: int, mention: _EventMention) -> None:
    """Add ``mention`` to ``cluster`` and keep the cluster's index entries right."""
    month_before = _month_bucket(cluster.finest_date)
    had_agents = bool(cluster.agents)
    cluster.add(mention)
    cluster.signals |= set(_event_signals(mention))
    if _month_bucket(cluster.finest_date) != month_before or bool(cluster.agents) != had_agents:
        # Newly dated or newly with an agent: refile everything.
        index.remove(sorted(cluster.filed), number)
        cluster.filed = _event_file_keys(cluster, cluster.signals, cluster.agents)
        index.add(sorted(cluster.filed), number)
        return
    keys = _event_file_keys(cluster, _event_signals(mention), mention.agents)
    cluster.filed |= keys
    index.add(sorted(keys), number)


def _dossier_event(cluster: _EventCluster, published: dict[str, str | None]) -> DossierEvent:
    anchor = min(cluster.members, key=lambda m: (anchor_order(published[m.article_id], m.source), m.order))
    ev = anchor.event
    return DossierEvent(
        id=content_id("ev", anchor.article_id, ev.evidence.start, ev.evidence.end, ev.event_type, ev.summary),
        summary=ev.summary,
        event_type=_cluster_event_type(cluster),
        date=_best_date(m.date for m in cluster.members),
        place=next((m.event.place for m in cluster.members if m.event.place), None),
        participants=sorted(cluster.participants),
        sources=_sorted_unique_sources(m.source for m in cluster.members),
    )


def _cluster_event_type(cluster: _EventCluster) -> EventType:
    """The type most members give; the first member's wins ties."""
    counts: dict[str, int] = defaultdict(int)
    for member in cluster.members:
        counts[member.event.event_type] += 1
    first = cluster.members[0].event.event_type
    return max(counts, key=lambda t: (counts[t], t == first, t))  # type: ignore[return-value]


# --------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------


@dataclass
class _StatementMention:
    article_id: str
    statement: Statement
    speaker: str
    addressee: str | None
    date: DateValue | None
    key: str
    source: Source
    negated: bool = False
    figures: frozenset[str] = frozenset()

    @property
    def order(self) -> tuple:
        st = self.statement
        return (self.article_id, st.evidence.start, st.evidence.end, st.speaker, st.content)


@dataclass
class _StatementCluster:
    members: list[_StatementMention] = field(default_factory=list)
    finest_date: str | None = None  # see _finer_iso
    keys: list[str] = field(default_factory=list)  # distinct content keys compared against

    def add(self, mention: _StatementMention) -> None:
        self.members.append(mention)
        _remember_key(self.keys, mention.key)
        self.finest_date = _finer_iso(self.finest_date, mention.date)


def _statement_mentions(extractions: list[ArticleExtraction], resolver: EntityResolver) -> list[_StatementMention]:
    mentions: list[_StatementMention] = []
    name_words: dict[str, set[str]] = {}
    for extraction in extractions:
        article = extraction.article
        for statement in extraction.statements:
            speaker = resolver.entity_id(statement.speaker, article.id)
            if speaker is None:
                continue  # no nameable speaker: nothing to attribute it to
            if speaker not in name_words:
                name_words[speaker] = _own_name_words(resolver, speaker)
            mentions.append(_StatementMention(
                article_id=article.id, statement=statement, speaker=speaker,
                addressee=resolver.entity_id(statement.addressee, article.id),
                date=normalise_date(statement.date_text, article.published),
                key=_without_words(text_key(statement.content), name_words[speaker]),
                source=_source(article.id, statement),
                negated=negated(statement.content),
                figures=figures(statement.content, ignore=statement.date_text),
            ))
    mentions.sort(key=lambda m: m.order)
    return mentions


def statements_match(a: str, b: str) -> bool:
    """Whether two statement text keys say the same thing (see STATEMENT_SIM)."""
    if min(len(a.split()), len(b.split())) < STATEMENT_MIN_TOKENS_FOR_SUBSET:
        return fuzz.ratio(a, b, processor=None) >= STATEMENT_SIM_SHORT
    words_a, words_b = words_of(a), words_of(b)
    if len(words_a & words_b) < STATEMENT_MIN_SHARED * min(len(words_a), len(words_b)):
        return False
    return similarity(a, b) >= STATEMENT_SIM


# Words that make a statement say the opposite ("will not send" / "will send"),
# as normalise_text writes them ("won't" -> "wont").
NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor without cannot cant wont dont doesnt didnt isnt arent "
    "wasnt werent wouldnt shouldnt couldnt hasnt havent hadnt".split()
)


def negated(text: str) -> bool:
    return any(word in NEGATIONS for word in normalise_text(text).split())


def figures_conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Numbers that disagree ("100 tanks" / "5,000 tanks"); a report that only adds one does not."""
    return bool(a and b) and not (a <= b or b <= a)


def _contradicts(mention: _StatementMention, other: _StatementMention) -> bool:
    """Same words, opposite meaning: one denies what the other asserts, or their figures differ."""
    return mention.negated != other.negated or figures_conflict(mention.figures, other.figures)


def _claim_key(key: str) -> str:
    """A statement's text key without negations and numbers: what it is about."""
    return " ".join(w for w in key.split() if w not in NEGATIONS and not w.isdigit()) or key


def _statement_match_score(mention: _StatementMention, cluster: _StatementCluster) -> float | None:
    if not _iso_compatible(cluster.finest_date, mention.date):
        return None  # the same words on another day are another statement
    if any(_contradicts(mention, member) for member in cluster.members[:MAX_MEMBERS_COMPARED]):
        return None  # never agreeing sources: see _statement_disputes
    best = None
    for key in cluster.keys:
        if statements_match(mention.key, key):
            score = similarity(mention.key, key)
            best = score if best is None else max(best, score)
    if best is not None and best < STATEMENT_SIM_SAME_ARTICLE and any(
        m.article_id == mention.article_id for m in cluster.members
    ):
        return None
    return best


def _cluster_statements(mentions: list[_StatementMention]) -> list[_StatementCluster]:
    """Greedy clustering in stable order, blocked by speaker and shared word."""
    clusters: list[_StatementCluster] = []
    index = _CandidateIndex()
    for mention in mentions:
        # Matching statements share a content word (or are near-identical,
        # which shares one too), so (speaker, word) blocks lose nothing.
        keys = [(mention.speaker, word) for word in sorted(words_of(mention.key))] or [(mention.speaker, "")]
        best, best_score = None, None
        for candidate in index.candidates(keys):
            score = _statement_match_score(mention, clusters[candidate])
            if score is not None and (best_score is None or score > best_score):
                best, best_score = candidate, score
        if best is None:
            best = len(clusters)
            clusters.append(_StatementCluster())
        clusters[best].add(mention)
        index.add(keys, best)
    return clusters


def _dossier_statement(
    cluster: _StatementCluster, resolver: EntityResolver, published: dict[str, str | None],
) -> DossierStatement:
    first = cluster.members[0]
    anchor = min(cluster.members, key=lambda m: (anchor_order(published[m.article_id], m.source), m.order))
    st = anchor.statement
    quotes = [m for m in cluster.members if m.statement.kind == "quote"]
    wording = (quotes or cluster.members)[0].statement
    sources = {}
    for m in cluster.members:
        source = StatementSource(
            article_id=m.article_id, evidence=m.statement.evidence,
            kind=m.statement.kind, content=m.statement.content,
            content_span=m.statement.content_span, source_span=m.statement.source_span, cue_span=m.statement.cue_span,
        )
        sources.setdefault(_source_key(source), source)
    return DossierStatement(
        id=content_id("stm", anchor.article_id, st.evidence.start, st.evidence.end, st.speaker, st.content),
        speaker=first.speaker,
        speaker_name=resolver.name_of(first.speaker) or first.statement.speaker,
        speaker_role=next((m.statement.speaker_role for m in cluster.members if m.statement.speaker_role), None),
        content=wording.content,
        kind="quote" if quotes else "paraphrase",
        addressee=next((m.addressee for m in cluster.members if m.addressee), None),
        date=_best_date(m.date for m in cluster.members),
        sources=[sources[k] for k in sorted(sources)],
    )


# --------------------------------------------------------------------------
# Stances
# --------------------------------------------------------------------------


@dataclass
class _StanceMention:
    article_id: str
    published: str | None
    stance: Stance
    holder: str
    target: str
    speaker: str | None
    date: DateValue | None
    topic_key: str  # topic words minus the holder's and target's names
    full_topic_key: str  # topic words, names included (for disputes)
    source: Source

    @property
    def order(self) -> tuple:
        s = self.stance
        return (self.article_id, s.evidence.start, s.evidence.end, s.holder, s.target, s.topic)

    @property
    def timeline_order(self) -> tuple:
        """Oldest first by stated date, else by publication date; undated last."""
        when = date_sort_key(self.date)
        if when[0] == 1 and self.published:
            when = (0, self.published[:10])
        return (when, self.order)


@dataclass
class _Timeline:
    holder: str
    target: str
    members: list[_StanceMention] = field(default_factory=list)


def _own_name_words(resolver: EntityResolver, *entity_ids: str) -> set[str]:
    """Text-key words of every name the given entities go by."""
    words: set[str] = set()
    for entity_id in entity_ids:
        entity = resolver.entity(entity_id)
        for name in (entity.name, *entity.aliases):
            words.update(text_key(name).split())
    return words


def _without_words(key: str, words: set[str]) -> str:
    """``key`` without ``words``, unless nothing would be left.

    A speaker's own name in what they said ("President Aliyev invited ...")
    says nothing about what was said, yet would make two unrelated statements
    of one speaker look alike.
    """
    return " ".join(w for w in key.split() if w not in words) or key


# What may stand between the start of a reported clause and the source it
# reports: "said (that) (the) Azerbaijani government denied ...".
_REPORTED_CLAUSE_LEAD = re.compile(r"\s*(?:that\s+)?(?:the\s+)?", re.I)


def _reports_another(statement: Statement, others: list[Statement], holder: str, resolver: EntityResolver,
                     article_id: str) -> bool:
    """Whether what ``statement`` says is another actor's statement: its
    content opens with that actor's own attribution ("Iran said | Azerbaijan
    has denied ..."). Reports and documents ("the reports suggesting ...") are
    not actors; the speaker quoting themselves, or the side they speak for
    ("Pezeshkian said Iran denies ..."), is not another."""
    content = statement.content_span
    if content is None:
        return False
    own = {resolver.entity_id(statement.speaker, article_id), holder}
    for other in others:
        if other.source_span is None or other.cue_span is None or other.speaker_type == "document":
            continue
        lead = other.source_span.start - content.start
        if lead < 0 or not (content.start <= other.cue_span.start and other.cue_span.end <= content.end):
            continue
        if not _REPORTED_CLAUSE_LEAD.fullmatch(content.text[:lead]):
            continue
        inner = resolver.entity_id(other.speaker, article_id)
        if inner is not None and inner not in own:
            return True
    return False


def _only_relays(stance: Stance, holder: str, statements: list[Statement], resolver: EntityResolver,
                article_id: str) -> bool:
    """Whether the stance's voice, in its sentence, only reports another actor's
    statement: "Iran said Azerbaijan denied ..." holds no position of Iran's,
    whatever the stance question made of it. A stance with no statement behind
    it (a deed) is the actor's own."""
    voice = fold_name(stance.speaker or stance.holder)
    evidence = stance.evidence
    own = [s for s in statements if fold_name(s.speaker) == voice
           and s.evidence.start <= evidence.start and evidence.end <= s.evidence.end]
    return bool(own) and all(_reports_another(s, statements, holder, resolver, article_id) for s in own)


def _stance_mentions(extractions: list[ArticleExtraction], resolver: EntityResolver) -> list[_StanceMention]:
    mentions: list[_StanceMention] = []
    name_words: dict[tuple[str, str], set[str]] = {}
    for extraction in extractions:
        article = extraction.article
        for stance in extraction.stances:
            holder = resolver.entity_id(stance.holder, article.id)
            target = resolver.entity_id(stance.target, article.id)
            if holder is None or target is None or holder == target:
                continue  # a stance needs two sides ("Azerbaijan" toward "Baku" has one)
            if _only_relays(stance, holder, extraction.statements, resolver, article.id):
                continue  # the holder only reports someone else's position
            if _toward_own_state(resolver, holder, target):
                continue  # an office holder toward the state they speak for takes no side
            if (holder, target) not in name_words:
                name_words[(holder, target)] = _own_name_words(resolver, holder, target)
            full = text_key(stance.topic)
            own = name_words[(holder, target)]
            mentions.append(_StanceMention(
                article_id=article.id, published=article.published, stance=stance,
                holder=holder, target=target,
                speaker=resolver.entity_id(stance.speaker, article.id),
                date=normalise_date(stance.date_text, article.published),
                topic_key=_without_words(full, own),
                full_topic_key=full, source=_source(article.id, stance),
            ))
    mentions.sort(key=lambda m: m.order)
    return mentions


def _toward_own_state(resolver: EntityResolver, holder: str, target: str) -> bool:
    """Whether the holder holds an office of the target state. One article may
    write only "President Pezeshkian"; another, "Iran's President Masoud
    Pezeshkian": the merge sees both, the article alone cannot."""
    side = resolver.side_of(holder)
    return side is not None and state_of(normalise_text(resolver.name_of(target) or "")) == side


def topics_match(a: str, b: str) -> bool:
    """Topic grouping rule: one topic's words (fuzzily) contain the other's."""
    return similarity(a, b) >= TOPIC_SIM


def _group_stances(mentions: list[_StanceMention]) -> list[_Timeline]:
    """Per (holder, target): each assertion joins the first timeline whose topic matches."""
    timelines: list[_Timeline] = []
    by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
    for mention in mentions:
        pair = (mention.holder, mention.target)
        chosen = None
        for candidate in by_pair[pair][-MAX_CANDIDATES_PER_KEY:]:
            members = timelines[candidate].members[:MAX_MEMBERS_COMPARED]
            if any(topics_match(mention.topic_key, m.topic_key) for m in members) and _may_join(timelines[candidate], mention):
                chosen = candidate
                break
        if chosen is None:
            chosen = len(timelines)
            timelines.append(_Timeline(mention.holder, mention.target))
            by_pair[pair].append(chosen)
        timelines[chosen].members.append(mention)
    return timelines


def _may_join(timeline: _Timeline, mention: _StanceMention) -> bool:
    """Assertions with the default topic are on no stated matter, so a polarity
    that differs is no change of position: such an assertion joins only a
    timeline of its own polarity."""
    return mention.stance.topic != DEFAULT_TOPIC or _polarities(timeline) == {mention.stance.polarity}


def _timeline_anchor(timeline: _Timeline) -> _StanceMention:
    return min(timeline.members, key=lambda m: (anchor_order(m.published, m.source), m.order))


def _timeline_id(timeline: _Timeline) -> str:
    anchor = _timeline_anchor(timeline)
    s = anchor.stance
    return content_id("sn", anchor.article_id, s.evidence.start, s.evidence.end, s.holder, s.target, s.topic)


def _timeline_topic(timeline: _Timeline) -> str:
    """The plainest wording of the topic: fewest words, then alphabetical."""
    return min((m.stance.topic for m in timeline.members), key=lambda t: (len(t.split()), t))


def _stance_timeline(timeline: _Timeline) -> StanceTimeline:
    ordered = sorted(timeline.members, key=lambda m: m.timeline_order)
    assertions = [
        StanceAssertion(
            polarity=m.stance.polarity, date=m.date, speaker=m.speaker,
            source=m.source,
        )
        for m in ordered
    ]
    return StanceTimeline(
        id=_timeline_id(timeline),
        holder=timeline.holder,
        target=timeline.target,
        topic=_timeline_topic(timeline),
        assertions=assertions,
        latest_polarity=ordered[-1].stance.polarity,
        changed=len({m.stance.polarity for m in ordered}) > 1,
    )


# --------------------------------------------------------------------------
# Disputes
# --------------------------------------------------------------------------

_OPPOSITE: dict[str, str] = {"support": "oppose", "oppose": "support"}


def _polarities(timeline: _Timeline) -> set[str]:
    return {m.stance.polarity for m in timeline.members}


def _latest_polarity(timeline: _Timeline) -> Polarity:
    return max(timeline.members, key=lambda m: m.timeline_order).stance.polarity


def _stances_disagree(a: _Timeline, b: _Timeline, names: _NameWords) -> bool:
    """Whether two holders assert incompatible positions on one proposition.

    Preconditions: different holders, and topics that are one proposition
    (``_one_proposition``). Then either
    (a) one side denies what the other asserts (supports or opposes), in
        answer to it (``_denial_answers``), or
    (c) with the same target, their latest positions are support vs oppose.
    Neutral assertions never make a dispute, and a stance in which the holder
    only reports another's position never reaches a timeline (``_only_relays``).
    """
    if a.holder == b.holder or not _one_proposition(a, b, names):
        return False
    pa, pb = _polarities(a), _polarities(b)
    definite = {"support", "oppose"}
    if ("deny" in pa and pb & definite and _denial_answers(a, b, names)) or (
            "deny" in pb and pa & definite and _denial_answers(b, a, names)):
        return True
    return a.target == b.target and _OPPOSITE.get(_latest_polarity(a)) == _latest_polarity(b)


def _denial_answers(denial: _Timeline, assertion: _Timeline, names: _NameWords) -> bool:
    """Whether a denial answers an assertion: the assertion is aimed at the
    denier or at the denial's own target (Iran accuses Azerbaijan, Azerbaijan
    denies), and the denial is aimed at the asserter, at the asserter's target
    or at someone the assertion's topic names ("Zionist presence in
    Azerbaijan" / Azerbaijan denies toward Israel). Azerbaijan denying toward
    Iran does not answer Armenia's criticism of Azerbaijan."""
    if assertion.target not in (denial.holder, denial.target):
        return False
    if denial.target in (assertion.holder, assertion.target):
        return True
    return bool(names.of(denial.target) & words_of(assertion.members[0].full_topic_key))


# Two holders' topics are one proposition when they match as topics (names
# kept: "Zionist presence in Azerbaijan" / "Israeli presence at the border")
# and, without any state's or either side's names, still share at least this
# share of the longer topic's words ('presence' of 'presence border'), where
# "retaliation for Turkish attacks on Iran" and "Turkish attacks on Iran from
# Georgian airspace" share only 'attack' of three.
PROPOSITION_MIN_SHARED = 0.5


def _one_proposition(a: _Timeline, b: _Timeline, names: _NameWords) -> bool:
    if DEFAULT_TOPIC in (a.members[0].stance.topic, b.members[0].stance.topic):
        return False  # no topic in the text's words: no proposition to disagree on
    key_a, key_b = a.members[0].full_topic_key, b.members[0].full_topic_key
    if not topics_match(key_a, key_b):
        return False
    parties = names.of(a.holder, a.target, b.holder, b.target)
    words_a, words_b = _claim_words(key_a, parties), _claim_words(key_b, parties)
    if not (words_a and words_b):
        return False  # a topic that is only names ("Israel") states no proposition
    return len(words_a & words_b) >= PROPOSITION_MIN_SHARED * max(len(words_a), len(words_b))


def _claim_words(key: str, parties: set[str]) -> frozenset[str]:
    return frozenset(w for w in key.split() if w not in parties and state_of(w.replace("_", " ")) is None)


class _NameWords:
    """Text-key words of the names each entity goes by, computed once per entity."""

    def __init__(self, resolver: EntityResolver) -> None:
        self._resolver = resolver
        self._words: dict[str, set[str]] = {}

    def of(self, *entity_ids: str) -> set[str]:
        words: set[str] = set()
        for entity_id in entity_ids:
            if entity_id not in self._words:
                self._words[entity_id] = _own_name_words(self._resolver, entity_id)
            words |= self._words[entity_id]
        return words


def _stance_disputes(timelines: list[_Timeline], ids: list[str], resolver: EntityResolver) -> list[Dispute]:
    """Timelines that disagree, grouped (transitively) into one dispute each."""
    by_target: dict[str, list[int]] = defaultdict(list)
    by_holder: dict[str, list[int]] = defaultdict(list)
    for i, timeline in enumerate(timelines):
        if _polarities(timeline) - {"neutral"}:
            by_target[timeline.target].append(i)
            by_holder[timeline.holder].append(i)
    groups: UnionFind[int] = UnionFind(range(len(timelines)))
    involved: set[int] = set()
    names = _NameWords(resolver)
    for i in sorted({i for group in by_target.values() for i in group}):
        t = timelines[i]
        candidates = set(by_target[t.target]) | set(by_holder[t.target]) | set(by_target[t.holder])
        for j in sorted(candidates):
            if j > i and _stances_disagree(t, timelines[j], names):
                groups.union(i, j)
                involved.update((i, j))
    components: dict[int, list[int]] = defaultdict(list)
    for i in sorted(involved):
        components[groups.find(i)].append(i)
    disputes = []
    for members in components.values():
        members.sort(key=lambda i: ids[i])
        claims = [_stance_claim(timelines[i], resolver) for i in members]
        # Anchored like the items: the timeline with the earliest-published assertion.
        anchor = min(members, key=lambda i: (_anchor_key(timelines[i]), ids[i]))
        disputes.append(Dispute(
            id=content_id("dp", "stance", ids[anchor]),
            topic=_timeline_topic(timelines[members[0]]),
            claims=claims,
        ))
    return disputes


def _anchor_key(timeline: _Timeline) -> tuple:
    anchor = _timeline_anchor(timeline)
    return anchor_order(anchor.published, anchor.source)


def _stance_claim(timeline: _Timeline, resolver: EntityResolver) -> DisputeClaim:
    latest = _latest_polarity(timeline)
    holder = resolver.name_of(timeline.holder)
    target = resolver.name_of(timeline.target)
    topic = _timeline_topic(timeline)
    return DisputeClaim(
        claim=f"{holder} ({latest}) toward {target}: {topic}",
        by=timeline.holder,
        sources=_sorted_unique_sources(m.source for m in timeline.members),
    )


def _figure_dispute(
    item_id: str, topic: str, by: str | None, members: list[tuple[str, str, frozenset[str], Source]],
) -> Dispute | None:
    """Rule (b): one item, reported with conflicting numbers by different articles.

    ``members`` are (article_id, wording, figures, source). Figure sets conflict
    when neither contains the other ("40 killed" vs "42 killed"); a report that
    only adds a number ("40 killed, 10 of them children") does not.
    """
    by_figures: dict[frozenset[str], list[tuple[str, str, Source]]] = defaultdict(list)
    for article_id, wording, numbers, source in members:
        if numbers:
            by_figures[numbers].append((article_id, wording, source))
    sets = sorted(by_figures, key=lambda s: sorted(s))
    conflicting = any(
        not (a <= b or b <= a)
        and {x[0] for x in by_figures[a]} != {x[0] for x in by_figures[b]}
        for i, a in enumerate(sets) for b in sets[i + 1:]
    )
    if not conflicting:
        return None
    claims = [
        DisputeClaim(
            claim=by_figures[numbers][0][1], by=by,
            sources=_sorted_unique_sources(x[2] for x in by_figures[numbers]),
        )
        for numbers in sets
    ]
    return Dispute(id=content_id("dp", "figures", item_id), topic=topic, claims=claims)


def _event_figure_disputes(clusters: list[_EventCluster], ids: list[str]) -> list[Dispute]:
    disputes = []
    for cluster, item_id in zip(clusters, ids):
        if len({m.article_id for m in cluster.members}) < 2:
            continue
        members = [
            (m.article_id, m.event.summary, figures(m.event.summary, ignore=m.event.date_text),
             m.source)
            for m in cluster.members
        ]
        dispute = _figure_dispute(item_id, cluster.members[0].event.summary, None, members)
        if dispute is not None:
            disputes.append(dispute)
    return disputes


def _statement_disputes(clusters: list[_StatementCluster], ids: list[str]) -> list[Dispute]:
    """Statements of one speaker about the same thing that contradict each other
    (a negation, or figures that disagree), reported by different articles:
    one dispute per group, each statement a claim with its sources."""
    index = _CandidateIndex()
    groups: UnionFind[int] = UnionFind(range(len(clusters)))
    involved: set[int] = set()
    for i, cluster in enumerate(clusters):
        first = cluster.members[0]
        about = _claim_key(first.key)
        keys = [(first.speaker, word) for word in sorted(words_of(about))] or [(first.speaker, "")]
        articles = {m.article_id for m in cluster.members}
        for j in index.candidates(keys):
            other = clusters[j].members[0]
            if (_contradicts(first, other) and articles != {m.article_id for m in clusters[j].members}
                    and statements_match(about, _claim_key(other.key))):
                groups.union(i, j)
                involved.update((i, j))
        index.add(keys, i)
    components: dict[int, list[int]] = defaultdict(list)
    for i in sorted(involved):
        components[groups.find(i)].append(i)
    disputes = []
    for members in components.values():
        members.sort(key=lambda i: ids[i])
        claims = [
            DisputeClaim(
                claim=clusters[i].members[0].statement.content, by=clusters[i].members[0].speaker,
                sources=_sorted_unique_sources(m.source for m in clusters[i].members),
            )
            for i in members
        ]
        disputes.append(Dispute(
            id=content_id("dp", "statement", ids[members[0]]),
            topic=clusters[members[0]].members[0].statement.content,
            claims=claims,
        ))
    return disputes


# --------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeResult:
    """The dossier plus where each input event ended up (for evaluation)."""

    dossier: Dossier
    event_ids: dict[tuple[str, int], str]  # (article id, index in its events) -> dossier event id


def _stable_extractions(extractions: Iterable[ArticleExtraction]) -> list[ArticleExtraction]:
    """One extraction per article ID, sorted by ID.

    Should the same article come twice, the copy with the smallest canonical
    JSON is kept so the choice does not depend on input order.
    """
    by_id: dict[str, list[ArticleExtraction]] = defaultdict(list)
    for extraction in extractions:
        by_id[extraction.article.id].append(extraction)
    chosen = []
    for article_id in sorted(by_id):
        copies = by_id[article_id]
        if len(copies) > 1:
            copies = sorted(copies, key=lambda x: canonical_json(x, indent=None))
        chosen.append(copies[0])
    return chosen


@contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector for the duration of a merge.

    The merge allocates hundreds of thousands of small objects and creates no
    reference cycles, so reference counting frees everything; the cyclic
    collector would only rescan the growing heap again and again (a third of
    the run time at 10,000 articles). The previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def merge_traced(
    extractions: Iterable[ArticleExtraction], *, model: str, prompt_version: str,
) -> MergeResult:
    """``merge`` that also reports which dossier event each input event joined."""
    with _cyclic_gc_paused():
        return _merge_traced(extractions, model=model, prompt_version=prompt_version)


def _merge_traced(
    extractions: Iterable[ArticleExtraction], *, model: str, prompt_version: str,
) -> MergeResult:
    ordered = _stable_extractions(extractions)
    resolver = resolve_entities(ordered)

    event_clusters = _cluster_events(_event_mentions(ordered, resolver))
    published = {x.article.id: x.article.published for x in ordered}
    events = [_dossier_event(c, published) for c in event_clusters]
    event_ids = {(m.article_id, m.index): e.id for c, e in zip(event_clusters, events) for m in c.members}

    statement_clusters = _cluster_statements(_statement_mentions(ordered, resolver))
    statements = [_dossier_statement(c, resolver, published) for c in statement_clusters]

    timelines = _group_stances(_stance_mentions(ordered, resolver))
    stances = [_stance_timeline(t) for t in timelines]

    disputes = (
        _stance_disputes(timelines, [s.id for s in stances], resolver)
        + _event_figure_disputes(event_clusters, [e.id for e in events])
        + _statement_disputes(statement_clusters, [s.id for s in statements])
    )

    dossier = Dossier(
        articles=[e.article for e in ordered],
        # Every list in ID order: an item whose date or wording changes stays
        # where it is, so a diff of the file shows the change in place.
        entities=resolver.entities,
        events=sorted(events, key=lambda e: e.id),
        statements=sorted(statements, key=lambda s: s.id),
        stances=sorted(stances, key=lambda s: s.id),
        disputes=sorted(disputes, key=lambda d: d.id),
        run=RunInfo(model=model, prompt_version=prompt_version),
    )
    return MergeResult(dossier=dossier, event_ids=event_ids)


def merge(extractions: list[ArticleExtraction], *, model: str, prompt_version: str) -> Dossier:
    """Merge per-article extractions into one Dossier (pure, deterministic)."""
    return merge_traced(extractions, model=model, prompt_version=prompt_version).dossier


__all__ = ["MergeResult", "figures", "merge", "merge_traced", "similarity", "statements_match",
           "stem", "text_key", "topics_match"]
