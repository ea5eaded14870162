"""Entity resolution: every name an article uses for an actor -> one dossier entity.

Pipeline (all deterministic, no all-pairs comparison):

1. **Parse** each surface name once (``parse_name``): normalise case, accents,
   punctuation and possessives, peel off leading titles and the country they
   qualify ("Azerbaijani President Ilham Aliyev" -> name "Ilham Aliyev", role
   ("president", Azerbaijan)). States are recognised from a small table of
   country names, demonyms ("Azeri", "Iranian") and capitals used as
   metonymy ("Baku", "Tel Aviv"); "<demonym> government/regime/presidency"
   is the state too. A capital declared as a *place* by the extraction stays
   a place.
2. **Nodes.** Each parse gives a node key: ``country:iran``, ``place:baku``,
   ``name:ilham aliyev``, or for a bare role ("the Azeri president") an
   article-scoped ``role:`` node, because who holds an office depends on when
   the article was written.
3. **Union** nodes known to co-refer:
   a. names an extraction lists as ``Entity.mentions`` of one entity;
   b. token containment: a person's surname ("Aliyev") or partial name joins
      the unique longer person name that contains it;
   c. spelling variants: rapidfuzz ratio >= ``FUZZY_NAME_THRESHOLD`` within
      blocks keyed by surname prefix;
   d. role-only nodes join the unique person holding that role, first within
      the same article, else across all articles.
4. **Canonicalise**: the fullest name, a type by the extractions' votes (or
   by heuristics), aliases = every other surface, sorted.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Literal

from rapidfuzz import fuzz

from summariser.canonical import content_id
from summariser.grounding import without_invisible
from summariser.datamodel import ArticleExtraction, DossierEntity, EntityType
from summariser.lexicon import (
    CAPITAL_DISPLAY,
    GOVERNMENT_WORDS,
    PAST_MODIFIERS,
    STATE_BY_CAPITAL,
    STATE_BY_NAME,
    TITLE_MODIFIERS,
    TITLE_PHRASES,
    looks_like_personal_name,
    names_an_organisation,
)
from summariser.unionfind import UnionFind

# Words inside a title phrase that carry nothing ("the", "minister of the interior").
_FILLERS = frozenset({"the", "of", "to", "and", "s"})

# Spelling variants ("Pezeshkian"/"Pezeshkiyan", "Amir-Abdollahian"/"Amir
# Abdollahian") score >= 90 on rapidfuzz's ratio over the normalised name;
# different people who share a surname ("Ilham Aliyev"/"Heydar Aliyev", 72)
# stay well below.
FUZZY_NAME_THRESHOLD = 90.0
# Surnames of a pair must be near-identical on their own too, so a shared
# long first name cannot carry two different surnames over the threshold.
FUZZY_SURNAME_THRESHOLD = 80.0
# Below this many characters a one-letter difference is a different word.
FUZZY_MIN_LENGTH = 6
_BLOCK_PREFIX = 4

NodeKind = Literal["country", "place", "name", "role"]
_TYPE_PRIORITY: tuple[EntityType, ...] = ("person", "organization", "country", "place", "document", "other")


# --------------------------------------------------------------------------
# Normalisation and parsing of one surface name
# --------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Casefolded, accent-free, punctuation-free, possessive-free, single-spaced."""
    return " ".join(_normalised_tokens(text))


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# An acronym with dots ("U.S.") or a word, possibly with inner apostrophes or
# hyphens ("Kata'ib", "Amir-Abdollahian", "Iran's").
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:['\u2019-]\w+)*")


@lru_cache(maxsize=200_000)
def _normalise_token(token: str) -> tuple[str, ...]:
    """One raw token -> normalised parts: no accents, case, dots or possessive."""
    token = _strip_accents(unicodedata.normalize("NFKC", token)).casefold()
    token = token.replace("\u2019", "'").replace(".", "")
    token = re.sub(r"'s$", "", token).replace("'", "")
    return tuple(part for part in token.split("-") if part)


def _normalised_tokens(text: str) -> list[str]:
    # A soft hyphen, a zero-width character or a decomposed accent inside a name would split it.
    text = unicodedata.normalize("NFC", without_invisible(text))
    return [part for match in _TOKEN.finditer(text) for part in _normalise_token(match.group())]


@dataclass(frozen=True)
class ParsedName:
    """What one surface name says about its referent."""

    kind: NodeKind
    key: str  # node key without article scope
    display: str  # how the referent is named by this surface
    tokens: tuple[str, ...] = ()  # normalised name tokens (kind "name")
    role: str | None = None  # normalised office, e.g. "foreign minister"
    role_country: str | None = None  # canonical state the office belongs to
    role_is_current: bool = True
    has_title: bool = False


@dataclass(frozen=True)
class _Token:
    norm: str
    start: int  # offset in the tidied segment


def _segment_tokens(segment: str) -> list[_Token]:
    return [
        _Token(part, match.start())
        for match in _TOKEN.finditer(segment)
        for part in _normalise_token(match.group())
    ]


def _longest_phrase(tokens: list[_Token], index: int, table: Iterable[str]) -> int:
    """Number of tokens from ``index`` that spell a phrase in ``table`` (0 if none)."""
    best = 0
    words = [t.norm for t in tokens]
    for phrase in table:
        parts = phrase.split()
        if words[index:index + len(parts)] == parts and len(parts) > best:
            best = len(parts)
    return best


@dataclass
class _Prefix:
    """The qualifier words peeled off the front of a name."""

    end: int = 0  # index of the first token after the prefix
    titles: list[str] = field(default_factory=list)
    country: str | None = None
    government_word: bool = False
    past: bool = False


def _scan_prefix(tokens: list[_Token]) -> _Prefix:
    """Consume leading fillers, states/demonyms, titles and government words.

    The consumed qualifiers only count when the prefix holds a title or a
    government word, or when nothing else follows ("Azeri", "the Azeri
    president"); "Israeli Defense Forces" keeps its demonym because nothing
    in it is a title.
    """
    prefix = _Prefix()
    committed = _Prefix()
    index = 0
    while index < len(tokens):
        word = tokens[index].norm
        if word in _FILLERS or word in TITLE_MODIFIERS:
            index += 1
            continue
        if word in PAST_MODIFIERS:
            prefix.past = True
            index += 1
            continue
        state_len = _longest_phrase(tokens, index, STATE_BY_NAME)
        title_len = _longest_phrase(tokens, index, TITLE_PHRASES)
        if state_len and state_len >= title_len:
            phrase = " ".join(t.norm for t in tokens[index:index + state_len])
            # The first state named owns the office: "Azeri Ambassador to the US".
            prefix.country = prefix.country or STATE_BY_NAME[phrase]
            index += state_len
            if prefix.titles or prefix.government_word:
                committed = _copy_prefix(prefix, index)
            continue
        if title_len:
            prefix.titles.append(" ".join(t.norm for t in tokens[index:index + title_len]))
            index += title_len
            committed = _copy_prefix(prefix, index)
            continue
        if word in GOVERNMENT_WORDS:
            prefix.government_word = True
            index += 1
            committed = _copy_prefix(prefix, index)
            continue
        break
    if index == len(tokens):
        return _copy_prefix(prefix, index)
    return committed


def _trailing_title_prefix(tokens: list[_Token], segment: str) -> _Prefix | None:
    """"Likud Party leader Benjamin Netanyahu": a title mid-name, then a name.

    Only when what follows the title is one to four capitalised words, so an
    organisation such as "Supreme Leader's office" is left whole.
    """
    for index in range(len(tokens) - 2, 0, -1):
        title_len = _longest_phrase(tokens, index, TITLE_PHRASES)
        rest = tokens[index + title_len:]
        if not title_len or not 1 <= len(rest) <= 4:
            continue
        if not all(segment[t.start:t.start + 1].isupper() for t in rest):
            continue
        title = " ".join(t.norm for t in tokens[index:index + title_len])
        country = None
        for j in range(index):
            state_len = _longest_phrase(tokens, j, STATE_BY_NAME)
            if state_len:
                country = STATE_BY_NAME[" ".join(t.norm for t in tokens[j:j + state_len])]
                break
        return _Prefix(index + title_len, [title], country)
    return None


def _copy_prefix(prefix: _Prefix, end: int) -> _Prefix:
    return _Prefix(end, list(prefix.titles), prefix.country, prefix.government_word, prefix.past)


def _clean_display(text: str) -> str:
    """A name as written, minus a trailing possessive or stray quotes."""
    text = re.sub(r"['\u2019]s$", "", text.strip())
    return text.strip(" '\u2019\"\u201c\u201d")


def _without_article(text: str) -> str:
    return _clean_display(re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE))


def _split_appositions(surface: str) -> list[str]:
    """"Masoud Pezeshkian, Iran's president" -> both halves, name first."""
    parts = re.split(r"[,;()\[\]]", surface)
    return [p.strip() for p in parts if p.strip()]


def _person_role(prefix: _Prefix) -> str | None:
    titles = [t for t in prefix.titles if t not in {"mr", "mrs", "ms", "dr"}]
    return " ".join(titles) if titles else None


@lru_cache(maxsize=200_000)
def parse_name(surface: str, as_place: bool = False) -> ParsedName | None:
    """Parse one surface name; None when nothing nameable is left."""
    segments = _split_appositions(unicodedata.normalize("NFKC", surface))
    if not segments:
        return None
    parsed = [_parse_segment(seg, as_place) for seg in segments]
    parsed = [p for p in parsed if p is not None]
    if not parsed:
        return None
    named = [p for p in parsed if p.kind != "role"]
    main = named[0] if named else parsed[0]
    if main.kind == "name" and main.role is None:
        # Borrow the office from an apposition ("..., Iran's president").
        for other in parsed:
            if other.kind == "role":
                return ParsedName(
                    kind="name", key=main.key, display=main.display, tokens=main.tokens,
                    role=other.role, role_country=other.role_country,
                    role_is_current=other.role_is_current, has_title=True,
                )
    return main


def _parse_segment(segment: str, as_place: bool) -> ParsedName | None:
    tokens = _segment_tokens(segment)
    if not tokens:
        return None
    whole = " ".join(t.norm for t in tokens)
    whole_no_article = whole.removeprefix("the ")
    if whole_no_article in STATE_BY_CAPITAL:
        if as_place:
            return ParsedName("place", f"place:{whole_no_article}", CAPITAL_DISPLAY[whole_no_article])
        state = STATE_BY_CAPITAL[whole_no_article]
        return ParsedName("country", f"country:{normalise_text(state)}", state)
    if whole_no_article in STATE_BY_NAME:
        state = STATE_BY_NAME[whole_no_article]
        return ParsedName("country", f"country:{normalise_text(state)}", state)

    prefix = _scan_prefix(tokens)
    if prefix.end == 0:
        prefix = _trailing_title_prefix(tokens, segment) or prefix
    core = tokens[prefix.end:]
    while core and core[0].norm == "the":
        core = core[1:]
    role = _person_role(prefix)
    if not core:
        if prefix.country and not role:
            return ParsedName("country", f"country:{normalise_text(prefix.country)}", prefix.country)
        if role:
            display = _without_article(segment)
            return ParsedName(
                kind="role", display=display,
                key=f"role:{'former ' if prefix.past else ''}{role}|{prefix.country or ''}",
                role=role, role_country=prefix.country, role_is_current=not prefix.past,
                has_title=True,
            )
        # Only fillers or a bare government word ("the government").
        return ParsedName("name", f"name:{whole}", segment, tokens=tuple(t.norm for t in tokens))
    display = _clean_display(segment[core[0].start:])
    names = tuple(t.norm for t in core)
    return ParsedName(
        kind="name", key=f"name:{' '.join(names)}", display=display, tokens=names,
        role=role, role_country=prefix.country, role_is_current=not prefix.past,
        has_title=bool(prefix.titles),
    )


# --------------------------------------------------------------------------
# Collecting every name the extractions use
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class NameUse:
    """One use of a name in one article."""

    surface: str
    article_id: str
    declared_type: EntityType | None = None
    as_place: bool = False  # the extraction lists it as a place entity
    role_hint: str | None = None  # Statement.speaker_role, parsed as an office
    same_as: tuple[str, ...] = ()  # other surfaces the extraction says co-refer
    is_speaker: bool = False


def collect_name_uses(extractions: Iterable[ArticleExtraction]) -> list[NameUse]:
    """Every actor name in the extractions, in input order."""
    uses: list[NameUse] = []
    for extraction in extractions:
        article_id = extraction.article.id
        for entity in extraction.entities:
            uses.append(NameUse(
                entity.name, article_id, entity.type, as_place=entity.type == "place",
                same_as=tuple(entity.mentions),
            ))
        for statement in extraction.statements:
            uses.append(NameUse(statement.speaker, article_id, role_hint=statement.speaker_role,
                                is_speaker=True))
            if statement.addressee:
                uses.append(NameUse(statement.addressee, article_id))
        for stance in extraction.stances:
            uses.append(NameUse(stance.holder, article_id))
            uses.append(NameUse(stance.target, article_id))
            if stance.speaker:
                uses.append(NameUse(stance.speaker, article_id, is_speaker=True))
        for event in extraction.events:
            for participant in event.participants:
                uses.append(NameUse(participant.name, article_id))
    return uses


# --------------------------------------------------------------------------
# Union-find over node keys
# --------------------------------------------------------------------------


@dataclass
class _NodeInfo:
    """Everything known about one node from all its uses."""

    key: str
    parsed: ParsedName
    surfaces_by_article: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    display_counts: Counter = field(default_factory=Counter)
    has_title: bool = False
    articles: set[str] = field(default_factory=set)
    type_votes: Counter = field(default_factory=Counter)
    roles: set[tuple[str, str | None]] = field(default_factory=set)  # current offices
    is_speaker: bool = False


def _surfaces(node: _NodeInfo) -> set[str]:
    return {s for article in node.articles for s in node.surfaces_by_article[article]}


def _node_key(parsed: ParsedName, article_id: str) -> str:
    if parsed.kind == "role":
        # Who holds an office depends on the article's time: scope it.
        return f"{parsed.key}@{article_id}"
    return parsed.key


# --------------------------------------------------------------------------
# The resolver
# --------------------------------------------------------------------------


class EntityResolver:
    """Maps (surface name, article) to a dossier entity; built once per merge."""

    def __init__(self, uses: Iterable[NameUse]) -> None:
        self._nodes: dict[str, _NodeInfo] = {}
        self._uf: UnionFind[str] = UnionFind()
        uses = list(uses)
        for use in uses:
            self._register(use)
        self._union_declared_mentions(uses)
        self._union_contained_names()
        self._union_spelling_variants()
        self._union_roles()
        self._build_entities()

    # -- registration -----------------------------------------------------

    def _register(self, use: NameUse) -> str | None:
        parsed = parse_name(use.surface, use.as_place)
        if parsed is None:
            return None
        key = _node_key(parsed, use.article_id)
        node = self._nodes.get(key)
        if node is None:
            node = self._nodes[key] = _NodeInfo(key, parsed)
            self._uf.add(key)
        node.surfaces_by_article[use.article_id].add(use.surface.strip())
        node.display_counts[parsed.display] += 1
        node.has_title = node.has_title or parsed.has_title
        node.articles.add(use.article_id)
        if use.declared_type is not None:
            node.type_votes[use.declared_type] += 1
        node.is_speaker = node.is_speaker or use.is_speaker
        if parsed.role and parsed.role_is_current:
            node.roles.add((parsed.role, parsed.role_country))
        if use.role_hint:
            hint = parse_name(use.role_hint)
            if hint is not None and hint.role and hint.role_is_current:
                node.roles.add((hint.role, hint.role_country))
        return key

    def _union_declared_mentions(self, uses: list[NameUse]) -> None:
        """a. The extraction lists these names as one entity."""
        for use in uses:
            if not use.same_as:
                continue
            head = parse_name(use.surface, use.as_place)
            if head is None:
                continue
            head_key = _node_key(head, use.article_id)
            for mention in use.same_as:
                other = parse_name(mention)
                if other is None or not _kinds_can_corefer(head, other):
                    continue
                other_key = self._register(NameUse(mention, use.article_id))
                if other_key is not None:
                    self._uf.union(head_key, other_key)

    def _name_nodes(self) -> list[_NodeInfo]:
        return [self._nodes[k] for k in sorted(self._nodes) if self._nodes[k].parsed.kind == "name"]

    def _looks_like_person(self, node: _NodeInfo) -> bool:
        votes = _informative(node.type_votes)
        if votes:
            return _voted_type(votes) == "person"
        return node.has_title or bool(node.roles)

    def _declared_non_person(self, node: _NodeInfo) -> bool:
        votes = _informative(node.type_votes)
        return bool(votes) and _voted_type(votes) != "person"

    def _union_contained_names(self) -> None:
        """b. "Aliyev" joins the unique person name that contains it.

        Unique across all articles, or else unique within one article: where
        an article names both "Ilham Aliyev" and "Heydar Aliyev", its bare
        "Aliyev" stays unresolved, but in an article that only knows Ilham,
        "Aliyev" is Ilham. Decisions are taken against the clusters as they
        stand before this step and applied afterwards, so they do not depend
        on order.
        """
        by_last_token: dict[str, list[_NodeInfo]] = defaultdict(list)
        for node in self._name_nodes():
            if len(node.parsed.tokens) > 1 and self._looks_like_person(node):
                by_last_token[node.parsed.tokens[-1]].append(node)
        decisions: list[tuple[str, str]] = []
        splits: list[tuple[_NodeInfo, str, str]] = []
        for node in self._name_nodes():
            tokens = node.parsed.tokens
            if not tokens or self._declared_non_person(node) or tokens[-1] in STATE_BY_NAME:
                continue
            wanted = set(tokens)
            containers = [
                other for other in by_last_token.get(tokens[-1], ())
                if len(other.parsed.tokens) > len(tokens) and wanted <= set(other.parsed.tokens)
            ]
            roots = {self._uf.find(other.key) for other in containers}
            if len(roots) == 1:
                decisions.append((node.key, roots.pop()))
                continue
            for article in sorted(node.articles):
                local_roots = {self._uf.find(o.key) for o in containers if article in o.articles}
                if len(local_roots) == 1:
                    splits.append((node, article, local_roots.pop()))
        for a, b in decisions:
            self._uf.union(a, b)
        for node, article, root in splits:
            self._uf.union(self._split_off(node, article), root)

    def _split_off(self, node: _NodeInfo, article: str) -> str:
        """Move one article's uses of ``node`` to their own article-scoped node."""
        key = f"{node.key}@{article}"
        scoped = _NodeInfo(
            key, node.parsed, has_title=node.has_title, articles={article},
            type_votes=node.type_votes.copy(), roles=set(node.roles), is_speaker=node.is_speaker,
        )
        scoped.surfaces_by_article[article] = set(node.surfaces_by_article[article])
        for surface in scoped.surfaces_by_article[article]:
            parsed = parse_name(surface)
            if parsed is not None:
                scoped.display_counts[parsed.display] += 1
        self._nodes[key] = scoped
        self._uf.add(key)
        node.articles.discard(article)
        if not node.articles:
            del self._nodes[node.key]
        return key

    def _union_spelling_variants(self) -> None:
        """c. Near-identical names, compared only within surname-prefix blocks."""
        blocks: dict[str, list[_NodeInfo]] = defaultdict(list)
        for node in self._name_nodes():
            tokens = node.parsed.tokens
            if "@" in node.key:
                continue  # an ambiguous surname split per article: already decided
            if tokens and len(" ".join(tokens)) >= FUZZY_MIN_LENGTH:
                blocks[tokens[-1][:_BLOCK_PREFIX]].append(node)
        for block in blocks.values():
            for i, left in enumerate(block):
                for right in block[i + 1:]:
                    if _spelling_variants(left, right):
                        self._uf.union(left.key, right.key)

    def _union_roles(self) -> None:
        """d. "The Azeri president" joins the unique holder of that office
        named in the same article.

        Only within the article: who holds an office depends on when the
        article was written. A bare office that names its state but no
        holder ("Israel's Foreign Minister") becomes one entity for that
        office across articles; one without a state stays per article.
        """
        holders: dict[tuple[str, str, str | None], set[str]] = defaultdict(set)
        holders_any_state: dict[tuple[str, str], set[str]] = defaultdict(set)
        # Only articles that use a bare office need their office holders listed.
        wanted = {a for n in self._nodes.values() if n.parsed.kind == "role" for a in n.articles}
        for node in self._name_nodes():
            if not node.roles:
                continue
            root = self._uf.find(node.key)
            articles = node.articles & wanted
            for role, country in node.roles:
                for article in articles:
                    holders[(article, role, country)].add(root)
                    holders_any_state[(article, role)].add(root)
        decisions: list[tuple[str, str]] = []
        unresolved_offices: dict[str, list[str]] = defaultdict(list)
        for key in sorted(self._nodes):
            node = self._nodes[key]
            parsed = node.parsed
            if parsed.kind != "role" or parsed.role is None:
                continue
            (article,) = node.articles
            candidates: set[str] = set()
            if parsed.role_is_current:
                if parsed.role_country:
                    candidates = holders.get((article, parsed.role, parsed.role_country), set())
                else:
                    candidates = holders_any_state.get((article, parsed.role), set())
            if len(candidates) == 1:
                decisions.append((key, next(iter(candidates))))
            elif parsed.role_country:
                unresolved_offices[parsed.key].append(key)
        for a, b in decisions:
            self._uf.union(a, b)
        for keys in unresolved_offices.values():
            for key in keys[1:]:
                self._uf.union(keys[0], key)

    # -- output -------------------------------------------------------------

    def _build_entities(self) -> None:
        clusters: dict[str, list[_NodeInfo]] = defaultdict(list)
        for key in sorted(self._nodes):
            clusters[self._uf.find(key)].append(self._nodes[key])
        drafts = [_draft_entity(nodes) for _, nodes in sorted(clusters.items())]
        keyed = _identity_keys(drafts)
        self._entity_by_root: dict[str, DossierEntity] = {}
        self._sides: dict[str, str] = {}
        entities: list[DossierEntity] = []
        for root, draft, parts in zip(sorted(clusters), drafts, keyed):
            entity = DossierEntity(
                id=content_id("en", *parts), name=draft.name, type=draft.type,
                aliases=draft.aliases, articles=draft.articles,
            )
            self._entity_by_root[root] = entity
            entities.append(entity)
            states = {country for node in clusters[root] for _, country in node.roles if country}
            if len(states) == 1:
                self._sides[entity.id] = next(iter(states))
        self.entities: list[DossierEntity] = sorted(entities, key=lambda e: e.id)
        self._by_id = {e.id: e for e in entities}

    def entity_id(self, surface: str | None, article_id: str, *, as_place: bool = False) -> str | None:
        """The entity a name used in ``article_id`` refers to (None if unnamed)."""
        if surface is None or not surface.strip():
            return None
        parsed = parse_name(surface, as_place)
        if parsed is None:
            return None
        key = _node_key(parsed, article_id)
        scoped = f"{key}@{article_id}"
        if scoped in self._nodes:  # split off by _union_contained_names
            key = scoped
        if key not in self._nodes:
            return None
        return self._entity_by_root[self._uf.find(key)].id

    def entity(self, entity_id: str) -> DossierEntity:
        return self._by_id[entity_id]

    def name_of(self, entity_id: str | None) -> str | None:
        return None if entity_id is None else self._by_id[entity_id].name

    def side_of(self, entity_id: str) -> str | None:
        """The state whose office the articles give this person ("Iran's newly
        elected President Masoud Pezeshkian" -> Iran), when they all give one."""
        return self._sides.get(entity_id)


@dataclass(frozen=True)
class _DraftEntity:
    name: str
    type: EntityType
    aliases: list[str]
    articles: list[str]
    first_key: str
    article_scoped: bool  # every node is scoped to one article (a bare office, a split surname)


def _identity_keys(drafts: list[_DraftEntity]) -> list[tuple[str, ...]]:
    """What each entity's ID is derived from: its canonical name's normalised key.

    Not its type, aliases or articles, which a new article may add to or
    correct: "Pezeshkian" keeps its ID when a later article calls him "the
    Iranian president" or types him a person rather than other. Two entities
    can share a name ("President" in two articles, each its own office
    holder); then each one that exists only within one article (its first
    node keys are all article-scoped) also carries its first node key, so
    the entity known across articles keeps the plain ID however many such
    namesakes appear.
    """
    names = [normalise_text(d.name) or d.name for d in drafts]
    shared = Counter(names)
    unscoped = Counter(name for name, d in zip(names, drafts) if not d.article_scoped)
    keys = []
    for name, draft in zip(names, drafts):
        plain = shared[name] == 1 or (not draft.article_scoped and unscoped[name] == 1)
        keys.append((name,) if plain else (name, draft.first_key))
    return keys


def _draft_entity(nodes: list[_NodeInfo]) -> _DraftEntity:
    name = _canonical_name(nodes)
    surfaces = {s for node in nodes for s in _surfaces(node) if s and s != name}
    return _DraftEntity(
        name=name,
        type=_cluster_type(nodes),
        aliases=sorted(surfaces, key=lambda s: (s.casefold(), s)),
        articles=sorted({a for node in nodes for a in node.articles}),
        first_key=min(node.key for node in nodes),
        article_scoped=all("@" in node.key for node in nodes),
    )


def _canonical_name(nodes: list[_NodeInfo]) -> str:
    """The state's name, else the fullest name, else the office as written."""
    for kind in ("country", "place"):
        for node in nodes:
            if node.parsed.kind == kind:
                return node.parsed.display  # one spelling per state or capital
    counts: Counter = Counter()
    for node in nodes:
        if node.parsed.kind == "name":
            counts.update(node.display_counts)
    if not counts:
        for node in nodes:
            counts.update(node.display_counts)
    # Fullest = most words; among spellings of as many words, the most used,
    # then the longest; remaining ties broken alphabetically.
    return min(counts, key=lambda s: (-len(s.split()), -counts[s], -len(s), s))


def _informative(votes: Counter) -> Counter:
    """Type votes that say something: 'other' is what an extraction answers for
    a bare surname it cannot type ("Aliyev"), not a claim that it is no person."""
    return Counter({kind: count for kind, count in votes.items() if kind != "other"})


def _voted_type(votes: Counter) -> EntityType:
    return min(votes, key=lambda t: (-votes[t], _TYPE_PRIORITY.index(t)))


def _cluster_type(nodes: list[_NodeInfo]) -> EntityType:
    kinds = {n.parsed.kind for n in nodes}
    if "country" in kinds:
        return "country"
    if "place" in kinds:
        return "place"
    votes: Counter = Counter()
    for node in nodes:
        votes.update(node.type_votes)
    if votes:
        return _voted_type(votes)
    if any(n.has_title or n.roles for n in nodes):
        return "person"
    tokens = {t for n in nodes for t in n.parsed.tokens}
    if names_an_organisation(tokens):
        return "organization"
    if any(n.is_speaker and any(looks_like_personal_name(d) for d in n.display_counts) for n in nodes):
        return "person"
    return "other"


def _kinds_can_corefer(a: ParsedName, b: ParsedName) -> bool:
    """A person's name and a state never co-refer, whatever a mention list says."""
    state_like = {"country", "place"}
    if (a.kind in state_like) != (b.kind in state_like):
        return False
    if a.kind in state_like:
        return a.key == b.key
    return True


def _spelling_variants(left: _NodeInfo, right: _NodeInfo) -> bool:
    a, b = left.parsed.tokens, right.parsed.tokens
    if not a or not b or a == b:
        # Same words in two nodes: an ambiguous surname deliberately split
        # per article by _union_contained_names; spelling cannot rejoin them.
        return False
    if left.type_votes and right.type_votes and _voted_type(left.type_votes) != _voted_type(right.type_votes):
        return False
    if fuzz.ratio(a[-1], b[-1]) < FUZZY_SURNAME_THRESHOLD:
        return False
    return fuzz.ratio(" ".join(a), " ".join(b)) >= FUZZY_NAME_THRESHOLD


def resolve_entities(extractions: Iterable[ArticleExtraction]) -> EntityResolver:
    """Build the resolver for a set of extractions."""
    return EntityResolver(collect_name_uses(extractions))
