"""Attributions from syntax: who said what, found by the dependency parse.

An attribution is a cue (a speech or cognition verb, "according to", a
colon before a quotation, "is against"), its source (the cue's subject, a
passive agent, the object of "according to") and its content (the
complement clause, the object, or the quotation). Every span holds character
offsets into the parsed text: ``text[span.start:span.end] == span.text``.

Rules, by spaCy lemma and dependency label (the cue lexicon is below):

a. A cue verb with a complement clause (ccomp), an infinitive (xcomp, for
   verbs like "vow", "urge"), a prepositional object ("accused X of ...",
   "warned of ...") or, for verbs that take one, a noun-phrase object
   ("denied the reports", "chronicles his rise") gives one attribution. The
   source is the verb's subject, inherited through conjunctions ("... and
   said"), participles ("adding that", "spent an hour explaining", "left
   after saying") and relative clauses ("who said"),
   or the passive agent ("was criticised by X"); a passive without agent
   has no source.
b. A quotation opening the cue's clause and closed on a comma ('said,
   "We'll see," when asked ...') is the content; what follows it is the
   reporter's. A quotation whose words are the complement of a cue, or which has a cue
   in its sentence ('"...," she said'), just before it after a colon
   ("He added:" then the quote, also in the next sentence or paragraph), or
   just after it in a short sentence, is attributed to that cue; the content
   is the inside of the quotation marks.
c. A quotation over several sentences is one attribution. A quotation split
   by its cue ('"A," she said. "B."', '"A," she said, "B."', same line) is
   ONE attribution too, as PolNeAR annotates it: its content span runs from
   A to B over the cue, and ``parts`` holds A and B. A quotation continued
   in the next paragraph, and one that opens the sentence right after an
   attribution and has no cue of its own ('Baker said he would run. "We are
   ready."'), give a second attribution with the same cue and source.
d. Every cue in a sentence gives its own attribution.
e. "in a poll/survey/report, ..." (FINDING_NOUNS) before a clause with no
   cue verb: the document is the source, the clause the content.
   "according to X, ..." : X is the source, the rest of the clause the
   content (not the phrase itself when it ends the clause); X is a name,
   pronoun or noun, except the NOT_SOURCES nouns ("according to the plan").
   "X writes:" ending a line gives the next unquoted paragraph. Quotation
   marks are “curly”, "straight" or ''doubled apostrophes'' (NYT style).
f. Quotation marks right after a possessive, determiner or preposition
   name something ('on NBC's "Meet the Press"'): never a cue's quotation.
   Quotation marks without a cue nearby (titles, scare quotes) give nothing;
   a quotation needs a cue in its sentence or an adjacent one and at least
   four words, unless it is the cue verb's own object ('called it "a
   disgrace"').
g. Nested speech ("The ministry said Aliyev told Pezeshkian that X") gives
   both: the inner one (Aliyev, "X") and the outer one (the ministry, the
   whole clause "Aliyev told Pezeshkian that X"), unless the inner source
   is the outer one's pronoun ("He said that later he clarified that X":
   one statement, the outer). A cue inside a quotation
   gives nothing: it is part of what the quoted speaker says ("I think",
   "he wants to win"); PolNeAR annotates almost none (6 of 1,320 on the
   tune set).
h. Sources that are not persons ("the report", "officials", "a Times
   article") are kept, typed by entity label or head-noun lexicon. Bare
   plural reports with a participle cue ("reports alleging that ...", "the
   claims suggesting that ...") name no one: no attribution. A definite
   document ("The Iranian statement said") is its issuer's words when the
   article named the issuer earlier ("a statement from the Iranian
   presidency"): issuer_named_earlier.
i. A noun of saying or stance with a possessor ("his support for the
   bill", "Lee's call for an inquiry", "her claim that ...") is a cue: the
   possessor is the source, the prepositional object, "that" clause or
   infinitive the content. Inside what another source is reported to say
   ("she mocked his call for ...") it is part of that report only, as is
   a stance verb ("she stressed that Baku will support Israel"). Claims
   "made/put forward by X regarding Y" are X's, about Y.
   "support" owned by a state or an organisation ("its support for
   Ukraine") is aid, not words: it counts only with a person for owner.
j. Content that only points back ("disclosed this information", "said
   it", "denied that") holds nothing that was said: no attribution.
k. A cue verb and a participle of the same speaker hung off it are one
   act when the participle is fronted ("Reiterating X, she said that Y":
   the one that says a clause, else the main verb) or when it trails a
   verb with a bare noun phrase and says a clause ("dismissed the reports,
   assuring them that Y": the participle). After a clause or a quotation
   ('said "A," adding that B') it is a second act, as PolNeAR has it.

kind is "quote" when the content is a quotation, "mixed" when a paraphrase
contains a quotation of two or more words, else "paraphrase".
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterable, Literal

from spacy.tokens import Doc, Token

from .nlp import doc_entities, doc_sentences, token_at, tokens_between

SourceKind = Literal["name", "pronoun", "nominal", "none"]
SourceType = Literal["person", "organisation", "document", "unknown"]
Kind = Literal["quote", "paraphrase", "mixed"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Attribution:
    cue: Span
    source: Span | None
    source_kind: SourceKind
    source_type: SourceType
    content: Span
    kind: Kind
    sentences: tuple[int, int]
    # A quotation split by its cue ('"A," she said. "B."'): content runs from
    # A to B (cue included) and parts holds A and B; empty otherwise.
    parts: tuple[Span, ...] = ()


# --------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------

# Words and constructions beyond the first lists were counted on annotated
# news and kept when mostly cues there (bench/mine_cues.py, docs/quality.md).

# Verbs of saying: they count with a complement clause or a quotation.
SPEECH_VERBS = frozenset(
    """
    say tell add state announce claim deny insist argue warn urge write question compliment maintain
    vow document chronicle accuse criticise criticize praise call ask reply respond testify tweet post
    explain note acknowledge admit suggest predict promise pledge threaten confirm report reveal declare
    stress emphasise emphasize assert allege contend complain concede disclose inform assure reassure
    reiterate remark mention observe point recall repeat comment conclude answer counter retort joke quip
    shout whisper brief demand propose recommend highlight underline underscore reaffirm express voice
    condemn blame describe boast caution clarify hint speculate estimate forecast proclaim swear
    affirm agree announce charge dispute dismiss reject oppose welcome write signal indicate show find
    cite lament acknowledge notify remind tout predict talk speak refer encourage bark elaborate posit
    credit rail chide scold rebuke berate lambaste grouse brag blast lash echo raise invite
    imply read list outline articulate chant recount retweet bemoan portray dub deem
    cast frame liken thank hint open
    """.split()
)
# Verbs of stance toward a person or thing: the object is the content
# ("endorsed Trump", "mocked the plan"). Kept apart from SPEECH_VERBS (no
# complement clause or quotation is needed). Verbs that are as often
# physical ("attack", "hit", "target", "blast") are left out: in war news
# they are not speech ("blasted X for Y" counts, by its preposition).
STANCE_VERBS = frozenset(
    """
    support back endorse prefer slam trash mock ridicule defend reference downplay disavow denounce
    decry assail applaud hail laud champion vote push side vouch balk
    """.split()
)
# ... of them, those whose content comes only after their preposition
# ("pushed for X", "sided with X", "balked at X"): "pushed troops" is no stance.
PREPOSITION_STANCE_VERBS = frozenset({"push", "side", "vouch", "balk"})
# Verbs of intention: the infinitive (or object) is the content ("wants to
# win", "refused to release the names").
INTENTION_VERBS = frozenset({"want", "seek", "plan", "refuse", "intend", "decline"})
# Verbs of thinking: they count with a complement clause only.
COGNITION_VERBS = frozenset(
    "believe think fear hope expect doubt feel worry suspect assume reckon guess imagine realize realise "
    "understand wonder know learn".split()
)
CUE_VERBS = SPEECH_VERBS | COGNITION_VERBS | STANCE_VERBS | INTENTION_VERBS
# Cues only in one construction ("pushed for X", "cast X as Y", "opened up
# about X", "declined to comment", "listed X as Y", "the letter read that");
# elsewhere they tell an act ("pushed an attack south", "cast ballots").
ACT_SENSE_CUES = frozenset({"push", "cast", "open", "decline", "frame", "list", "read"})
# Verbs that report words, thoughts or a stance whatever follows them: for
# the events finder, such a verb tells no happening.
REPORTING_VERBS = CUE_VERBS - ACT_SENSE_CUES
# Verbs whose noun-phrase object is the content only when the subject is a
# document ("a poll showed Sanders ahead", not "she showed him the door").
DOCUMENT_OBJECT_VERBS = frozenset({"show", "find", "reveal", "indicate", "suggest"})
# Verbs that introduce a quotation standing beside them ('"...," she said').
QUOTE_VERBS = frozenset(
    """
    say tell add state announce claim insist argue warn write reply respond explain note acknowledge admit
    declare stress emphasise emphasize assert remark recall repeat comment conclude answer counter retort
    joke quip shout whisper ask tweet post testify confirm deny call describe urge promise vow pledge
    threaten predict suggest complain concede observe mention point reiterate boast caution proclaim
    assure reassure inform muse agree continue allege contend maintain clarify lament bark elaborate
    grouse brag
    """.split()
)
# Verbs whose noun-phrase object is the content ("denied the reports").
OBJECT_VERBS = frozenset(
    """
    deny question compliment document chronicle accuse criticise criticize praise condemn blame announce
    confirm reveal disclose report predict promise pledge vow threaten demand propose recommend urge
    highlight underline underscore stress emphasise emphasize reaffirm reiterate express voice reject
    dismiss acknowledge admit describe oppose welcome dispute allege forecast estimate proclaim tout
    lament mention note cite state tweet credit chide scold rebuke berate lambaste echo raise affirm
    recall declare list repeat outline articulate chant recount retweet bemoan dub deem
    """.split()
) | (STANCE_VERBS - PREPOSITION_STANCE_VERBS) | frozenset({"want", "seek"})
# ... and whose object must be a claim for it to be one ("dismissed the reports", not "the minister";
# "raised concerns over X", not "raised taxes").
CLAIM_OBJECT_VERBS = frozenset({"dismiss", "maintain", "raise"})
CLAIM_NOUNS = frozenset(
    """
    report claim allegation accusation rumour rumor suggestion criticism concern speculation idea notion
    charge story statement remark comment theory fear warning call demand proposal offer request innocence
    position stance view assertion argument account version question doubt objection alarm
    """.split()
)
# Verbs that give their object a name or a verdict: 'called it "a disgrace"',
# 'dubbed him "Little Marco"', 'deems the releases a fair trade-off'.
NAMING_VERBS = frozenset({"call", "dub", "deem"})
# Verbs whose object is a person spoken to, not what was said.
ADDRESSEE_VERBS = frozenset(
    {"tell", "inform", "assure", "reassure", "ask", "urge", "warn", "brief", "notify", "remind", "call"}
)
# Verbs that tell the addressee of something ("informed the militants of an attack").
TELLING_OF_VERBS = frozenset({"inform", "warn", "notify", "brief"})
# Verbs whose object is the target, said together with a preposition: "accused X of Y".
TARGET_VERBS = frozenset(
    {"accuse", "criticise", "criticize", "praise", "blame", "compliment", "condemn", "describe", "call", "question", "credit",
     "chide", "scold", "rebuke", "berate", "lambaste", "blast", "cite", "portray", "dismiss", "list",
     "defend", "frame", "liken", "slam", "thank", "cast"}
)
# Verbs whose infinitive is the content ("vowed to fight", "urged Baku to act").
INFINITIVE_VERBS = frozenset(
    """
    vow promise pledge threaten urge ask tell warn demand claim deny propose call agree swear
    recommend remind encourage expect hope invite prefer suggest argue
    """.split()
) | INTENTION_VERBS
# Verb -> prepositions whose object is the content.
PREPOSITION_VERBS: dict[str, frozenset[str]] = {
    "warn": frozenset({"of", "about", "against"}),
    "complain": frozenset({"about", "of"}),
    "accuse": frozenset({"of"}),
    "criticise": frozenset({"for", "over"}),
    "criticize": frozenset({"for", "over"}),
    "praise": frozenset({"for"}),
    "blame": frozenset({"for", "on"}),
    "compliment": frozenset({"on"}),
    "condemn": frozenset({"for"}),
    "call": frozenset({"for", "on"}),
    "insist": frozenset({"on"}),
    "testify": frozenset({"about", "on"}),
    "comment": frozenset({"on"}),
    "inform": frozenset({"of", "about"}),
    "argue": frozenset({"for", "against"}),
    "boast": frozenset({"about", "of"}),
    "speculate": frozenset({"about", "on"}),
    "describe": frozenset({"as"}),
    "claim": frozenset({"of"}),
    "refer": frozenset({"to"}),
    "point": frozenset({"to"}),
    "talk": frozenset({"about", "of"}),
    "speak": frozenset({"about", "of", "against"}),
    "rail": frozenset({"against", "at"}),
    "credit": frozenset({"with", "for"}),
    "chide": frozenset({"for"}),
    "scold": frozenset({"for"}),
    "rebuke": frozenset({"for"}),
    "berate": frozenset({"for"}),
    "lambaste": frozenset({"for"}),
    "brag": frozenset({"about", "of"}),
    # "blasted X for Y" is speech; "blasted X" alone may be a bomb's doing
    "blast": frozenset({"for"}),
    "lash": frozenset({"at"}),
    "ask": frozenset({"about"}),
    "joke": frozenset({"about"}),
    "write": frozenset({"about", "of"}),
    "vote": frozenset({"for", "against"}),
    "express": frozenset(),
    # "cast the Clintons as part of the establishment": "cast" alone is a vote or a doubt
    "cast": frozenset({"as"}),
    "cite": frozenset({"as"}),
    "portray": frozenset({"as"}),
    "dismiss": frozenset({"as"}),
    "list": frozenset({"as"}),
    "defend": frozenset({"as"}),
    "frame": frozenset({"as"}),
    "liken": frozenset({"to"}),
    "slam": frozenset({"for"}),
    "thank": frozenset({"for"}),
    "hint": frozenset({"at"}),
    "push": frozenset({"for"}),
    "hope": frozenset({"for"}),
    "open": frozenset({"about"}),
    "side": frozenset({"with"}),
    "vouch": frozenset({"for"}),
    "balk": frozenset({"at"}),
}
# Verbs that take a clause only when it is finite or has "that": "welcomed
# Gantz to bolster ties" is not a report.
FINITE_CLAUSE_ONLY = frozenset(
    """
    welcome praise criticise criticize condemn blame accuse question document chronicle highlight express
    voice reaffirm oppose dispute dismiss reject compliment
    """.split()
)
# Nouns of saying or stance whose possessor is the source ("his support for
# the bill", "Lee's call for an inquiry", "her claim that ..."): noun ->
# prepositions whose object is the content. A "that" clause is content for
# all of them; an infinitive only for NOUN_INFINITIVE_CUES ("his call to
# ban ..."). Without a possessor there is no source, and nothing is kept.
NOUN_CUES: dict[str, frozenset[str]] = {
    noun: frozenset(preps.split())
    for noun, preps in {
        "support": "for", "call": "for", "criticism": "of", "opposition": "to", "praise": "for of",
        "demand": "for", "claim": "of", "statement": "", "argument": "for against",
        "warning": "of about against", "denial": "of", "endorsement": "of", "defense": "of", "defence": "of",
        "rejection": "of", "condemnation": "of", "comment": "on about", "remark": "on about",
        "insistence": "on", "assertion": "", "accusation": "of against", "allegation": "of", "pledge": "",
        "promise": "", "vow": "", "belief": "in", "objection": "to", "complaint": "about", "apology": "for",
        "threat": "", "refusal": "", "suggestion": "", "prediction": "", "admission": "", "announcement": "",
    }.items()
}
# Nouns that, owned by a state or an organisation, name what it gives or
# does rather than what it says ("its support for Ukraine", "the EU's
# support"): a cue only with a person for owner ("her support for the deal").
MATERIAL_NOUNS = frozenset({"support"})
NOUN_INFINITIVE_CUES = frozenset({"call", "pledge", "promise", "vow", "threat", "refusal", "demand", "decision"})
# "according to X": X counts as a source when it is one of these or a name.
DOCUMENT_NOUNS = frozenset(
    """
    report article statement video letter poll survey study document memo readout book analysis paper
    filing lawsuit complaint indictment ruling transcript email e-mail tweet post message record footage
    data review investigation audit ad advertisement story editorial column op-ed release communique
    communiqué declaration resolution website blog broadcast documentary film recording photo image chart
    map note cable dossier testimony assessment estimate estimates findings research figures account
    interview briefing book tally count census reports statements file files records emails documents
    """.split()
)
ORGANISATION_NOUNS = frozenset(
    """
    ministry campaign government administration agency department office committee council party company
    firm court police military army navy media newspaper network group organization organisation union
    board commission parliament congress senate cabinet embassy presidency kremlin team authority
    authorities officials sources militants rebels insurgents prosecutors investigators regime state
    country nation bank agency legislature coalition alliance opposition spokesmen analysts experts critics
    residents witnesses activists protesters diplomats lawmakers leaders officers troops forces voters
    people aides advisers advisors representatives members staff staffers employees workers
    """.split()
)
PERSON_NOUNS = frozenset(
    """
    president minister senator governor ambassador spokesman spokeswoman spokesperson official leader
    mayor chief secretary lawyer attorney director chairman chairwoman chair ceo founder candidate
    representative congressman congresswoman lawmaker diplomat general commander officer aide adviser
    advisor analyst expert professor doctor judge prosecutor king queen prince premier chancellor
    envoy man woman father mother son daughter wife husband author reporter journalist editor
    counterpart head member speaker minister nominee correspondent scientist economist historian
    activist witness resident source sheikh emir cleric imam priest pope
    """.split()
)
PERSON_TITLES = frozenset(
    "mr. mrs. ms. dr. sen. rep. gov. gen. lt. col. capt. sgt. prof. rev. president senator governor minister "
    "ambassador premier chancellor judge mayor secretary king queen prince general".split()
)
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "i", "me", "my"})
FIRST_SECOND_PERSON = frozenset({"i", "we", "you", "me", "us"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
# "according to the plan/law/rules" is not an attribution.
NOT_SOURCES = frozenset(
    """
    plan law rule rules schedule framework constitution agreement tradition custom treaty principle
    principles procedure protocol standard standards script timetable terms design definition guidelines
    calendar order instructions legend
    """.split()
)

OPEN_QUOTES = frozenset({"“", "\"", "‘", "''"})
QUOTE_MARKS = frozenset("“”\"‘’'«»") | {"''"}
_LINKING_DEPS = frozenset({"ccomp", "dobj", "oprd", "xcomp", "attr", "parataxis", "dep", "npadvmod", "advcl", "conj", "appos"})


# --------------------------------------------------------------------------
# Quotations
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    open: int  # index of the opening mark
    close: int  # index just after the closing mark (or the line end, if unclosed)
    inner_start: int
    inner_end: int
    closed: bool


def _inner(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def find_quotes(text: str) -> list[Quote]:
    """Double-quoted stretches (straight or curly), and ‘single’ ones outside
    double quotes, line by line; an unclosed one runs to the line end."""
    quotes: list[Quote] = []
    line_start = 0
    for line in text.split("\n"):
        quotes.extend(_quotes_in_line(text, line_start, line_start + len(line)))
        line_start += len(line) + 1
    return quotes


def _quotes_in_line(text: str, start: int, end: int) -> list[Quote]:
    """Quotations in one line. Two apostrophes (''...'', the New York Times'
    plain-text style) count as a double quotation mark."""
    found: list[Quote] = []
    opened: int | None = None
    opener = ""
    i = start
    while i < end:
        ch = text[i]
        doubled = text[i : i + 2] == "''" and i + 1 < end
        if opened is None:
            if doubled:
                opened, opener = i, "''"
                i += 2
                continue
            if ch in "“\"":
                opened, opener = i, ch
            elif ch == "‘" and (i == start or not text[i - 1].isalnum()):
                opened, opener = i, ch
        else:
            if opener == "''":
                if doubled:
                    inner = _inner(text, opened + 2, i)
                    if inner[0] < inner[1]:
                        found.append(Quote(opened, i + 2, inner[0], inner[1], True))
                    opened = None
                    i += 2
                    continue
                i += 1
                continue
            closes = (
                (opener in "“\"" and ch in "”\"")
                or (opener == "‘" and ch == "’" and (i + 1 >= end or not text[i + 1].isalpha()))
            )
            if closes:
                inner = _inner(text, opened + 1, i)
                if inner[0] < inner[1]:
                    found.append(Quote(opened, i + 1, inner[0], inner[1], True))
                opened = None
        i += 1
    if opened is not None and opener != "‘":
        inner = _inner(text, opened + len(opener), end)
        if inner[0] < inner[1]:
            found.append(Quote(opened, end, inner[0], inner[1], False))
    return found


# --------------------------------------------------------------------------
# Helpers over tokens
# --------------------------------------------------------------------------


def _span(doc: Doc, start: int, end: int) -> Span:
    return Span(start, end, doc.text[start:end])


def _tokens_span(tokens: Iterable[Token]) -> tuple[int, int] | None:
    tokens = list(tokens)
    if not tokens:
        return None
    return min(t.idx for t in tokens), max(t.idx + len(t.text) for t in tokens)


def _same(a: Token | None, b: Token | None) -> bool:
    """spaCy makes a new Token object at each access: compare positions."""
    return a is not None and b is not None and a.i == b.i


# Forms the small model's lemmatiser gets wrong ("hoping" -> "hop").
_LEMMA_FIXES = {"hoping": "hope", "hoped": "hope", "hopes": "hope", "retweeted": "retweet"}


def _lemma(token: Token) -> str:
    return _LEMMA_FIXES.get(token.lower_) or token.lemma_.lower()


def _contracted_has(token: Token) -> bool:
    """"He's said he will run": the parser reads 's as a passive "is"; with a
    past participle of a speech or thought verb and a clause, it is "has"."""
    return (
        token.tag_ in ("VBN", "VBD")
        and [c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")] in (["'s"], ["’s"])
        and any(c.dep_ == "ccomp" for c in token.children)
        and not any(c.dep_ == "agent" for c in token.children)
    )


def _is_verb(token: Token) -> bool:
    return token.pos_ == "VERB" or (token.tag_.startswith("VB") and token.pos_ != "AUX")


def _is_negated(token: Token) -> bool:
    return any(child.dep_ == "neg" for child in token.children)


def _is_passive(token: Token) -> bool:
    if token.tag_ == "VBN" and token.dep_ in ("advcl", "acl") and not any(c.dep_ == "agent" for c in token.children):
        return True  # "Asked whether he would run, ...": asked by someone unnamed
    if _contracted_has(token):
        return False
    return any(child.dep_ in ("auxpass", "nsubjpass") for child in token.children)


def _trim_tokens(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens of doc between two token indices (exclusive end) less
    leading and trailing punctuation, a leading complementiser 'that' and
    leading conjunctions; quotation marks stay when balanced inside."""
    tokens = list(doc[start:end])
    while tokens and (
        (tokens[0].is_punct and tokens[0].text not in OPEN_QUOTES)
        or tokens[0].is_space
        or (tokens[0].lower_ == "that" and (tokens[0].dep_ == "mark" or tokens[0].pos_ == "SCONJ"))
        or tokens[0].dep_ == "cc"
    ):
        tokens.pop(0)
    while tokens and (
        ((tokens[-1].is_punct or tokens[-1].is_space) and tokens[-1].text not in QUOTE_MARKS)
        or tokens[-1].dep_ == "cc"
    ):
        tokens.pop()
    return tokens


def _content_from(doc: Doc, tokens: list[Token], breaks: frozenset[int] = frozenset()) -> tuple[int, int] | None:
    """The span of tokens (trimmed); with breaks (token indices cut out of
    the clause), the longest stretch between them."""
    if not tokens:
        return None
    first = min(t.i for t in tokens)
    last = max(t.i for t in tokens)
    if breaks:
        runs: list[list[int]] = [[]]
        for i in range(first, last + 1):
            if i in breaks:
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(i)
        best = max(runs, key=lambda run: sum(1 for i in run if not doc[i].is_punct))
        if not best:
            return None
        first, last = best[0], best[-1]
    kept = _trim_tokens(doc, first, last + 1)
    return _tokens_span(kept)


# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------


def _subject(verb: Token, depth: int = 0) -> Token | None:
    """The token that names who performs the cue verb, or None."""
    if _contracted_has(verb):
        return next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return verb.head
            return child
    for child in verb.children:
        if child.dep_ == "agent":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
            return None
    if any(child.dep_ == "nsubjpass" for child in verb.children):
        return None
    if depth > 4:
        return None
    head = verb.head
    if head.i == verb.i:
        return None
    outer = _outer_cue(verb)
    if outer is not None:
        return _subject(outer, depth + 1)
    if verb.dep_ == "conj" and head.pos_ in ("VERB", "AUX"):
        return _subject(head, depth + 1)
    if verb.dep_ in ("advcl", "xcomp") and head.pos_ in ("VERB", "AUX") and verb.tag_ in ("VBG", "VB"):
        subject = _subject(head, depth + 1)
        if subject is None:
            for child in head.children:
                if child.dep_ == "nsubjpass":
                    return child
        return subject
    if (verb.dep_ == "pcomp" and verb.tag_ == "VBG" and head.lower_ in _TIME_AND_MANNER
            and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX")):
        return _subject(head.head, depth + 1)  # "X left after saying that ...": X said it
    if verb.dep_ in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN"):
        if verb.dep_ == "acl" and head.dep_ in ("dobj", "dative") and not _is_document(head) and _lemma(head) not in CLAIM_NOUNS:
            # "emailed supporters saying ...": the one who emailed says it
            return _subject(head.head, depth + 1)
        return head
    return None


# "X left after saying ...", "X began by saying ...": X says it; not "X
# accused Y of threatening ...", where Y is the one who threatens.
_TIME_AND_MANNER = frozenset({"after", "before", "by", "while", "since", "upon", "on", "in", "without", "when"})


def _outer_cue(verb: Token) -> Token | None:
    """For a speech verb without its own subject that hangs (as a conjunct
    or participle) off a clause inside another speech verb's complement
    ("X emphasized that Iran never started a war and added that ...",
    "X noted that the attack came early, pointing out that ..."): that
    other speech verb, whose speaker it shares. None otherwise, and None
    when the verb hangs off a cue verb (which then gives the subject)."""
    if verb.dep_ not in ("conj", "advcl") or _lemma(verb) not in SPEECH_VERBS:
        return None
    if any(child.dep_ in ("nsubj", "nsubjpass", "csubj") for child in verb.children):
        return None
    if verb.dep_ == "advcl" and verb.tag_ != "VBG":
        return None
    node = verb.head
    if _lemma(node) in CUE_VERBS:
        return None
    for _ in range(6):
        if node.head.i == node.i:
            return None
        if node.dep_ == "ccomp" and _lemma(node.head) in SPEECH_VERBS and _is_verb(node.head):
            return node.head
        if node.dep_ not in ("conj", "advcl", "xcomp", "ccomp"):
            return None
        node = node.head
    return None


def _phrase_tokens(head: Token) -> list[Token]:
    """The minimal noun phrase around head: its left modifiers, compounds,
    coordinated nouns and (for common nouns and names that run on, such as
    'Ministry of Defence') prepositional phrases; no relative clause or
    apposition."""
    if head.pos_ == "PRON":
        return [head]
    tokens: list[Token] = [head]
    for child in head.lefts:
        if child.dep_ in ("punct", "cc", "preconj", "advmod", "prep", "mark", "case") and child.dep_ != "case":
            continue
        tokens.extend(child.subtree)
    entity_end = head.idx + len(head.text)
    if head.ent_type_:
        for ent in doc_entities(head.doc):
            if ent.start <= head.i < ent.end:
                entity_end = ent.end_char
    comma_seen = False
    for child in head.rights:
        if child.dep_ == "punct":
            comma_seen = comma_seen or child.text in ",;(—–-"
            continue
        if child.dep_ in ("compound", "flat", "nummod", "case"):
            tokens.extend(child.subtree)
        elif child.dep_ == "amod" and head.pos_ != "PROPN" and not comma_seen:
            tokens.extend(child.subtree)  # "people familiar with the matter"
        elif child.dep_ == "prep" and not comma_seen:
            if (
                head.pos_ != "PROPN"
                or head.lower_ in PERSON_NOUNS | ORGANISATION_NOUNS
                or max(t.idx + len(t.text) for t in child.subtree) <= entity_end
            ):
                tokens.extend(t for t in child.subtree if t.dep_ not in ("relcl", "acl"))
        elif child.dep_ == "conj":
            tokens.extend(_phrase_tokens(child))
            tokens.extend(t for t in head.rights if t.dep_ == "cc")
        elif child.dep_ == "cc":
            continue
        else:
            break
    return tokens


def _source_head(subject: Token) -> Token:
    """A description with an appositive name ('the ambassador, Mukhtar
    Mammadov,') gives the name."""
    if subject.pos_ != "PROPN" and not subject.ent_type_:
        for child in subject.rights:
            if child.dep_ == "appos" and (
                child.ent_type_ == "PERSON" or (child.pos_ == "PROPN" and child.ent_type_ not in ("NORP", "GPE", "LOC"))
            ):
                return child  # not "the mayor, a veteran Democrat,": a description, not a name
    return subject


def _source_span(doc: Doc, subject: Token) -> tuple[int, int] | None:
    head = _source_head(subject)
    tokens = _phrase_tokens(head)
    first = min(t.i for t in tokens)
    last = max(t.i for t in tokens)
    kept = list(doc[first : last + 1])
    while kept and (kept[0].is_punct or kept[0].is_space):
        kept.pop(0)
    while kept and (kept[-1].is_punct or kept[-1].is_space or kept[-1].tag_ == "POS"):
        kept.pop()  # "Baku's denial": the source is Baku
    return _tokens_span(kept)


LEXICON_NOUNS = DOCUMENT_NOUNS | ORGANISATION_NOUNS | PERSON_NOUNS


def _doc_label(doc: Doc, head: Token) -> str:
    """The head's entity label; a name the small model labels otherwise here
    but as a PERSON elsewhere in the article (by its last word) is a PERSON."""
    label = head.ent_type_
    if label == "PERSON" or head.pos_ not in ("PROPN", "NOUN", "ADJ"):
        return label
    for ent in doc_entities(doc):
        if ent.label_ == "PERSON" and doc[ent.end - 1].text == head.text:
            return "PERSON"
    return label


def _classify(doc: Doc, source: tuple[int, int] | None, head: Token | None) -> tuple[SourceKind, SourceType]:
    if source is None or head is None:
        return "none", "unknown"
    head = _source_head(head)
    lemma = _lemma(head)
    if head.pos_ == "PRON":
        return "pronoun", "person" if head.lower_ in PERSON_PRONOUNS else "unknown"
    label = _doc_label(doc, head)
    lexical = lemma in LEXICON_NOUNS or head.lower_ in LEXICON_NOUNS
    is_name = (
        (head.pos_ == "PROPN" and not (head.is_lower and lexical))  # the tagger's lower-case "president"
        or label in ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "WORK_OF_ART")
        # a capitalised word the tagger took for a common noun ("Roe: ...")
        or (head.is_title and not lexical and not any(c.dep_ == "det" for c in head.children))
    )
    kind: SourceKind = "name" if is_name else "nominal"
    span_tokens = list(tokens_between(doc, source[0], source[1]))
    words = {t.lower_ for t in span_tokens}
    if lemma in DOCUMENT_NOUNS or head.lower_ in DOCUMENT_NOUNS:
        return kind, "document"
    if not is_name and (lemma in ORGANISATION_NOUNS or head.lower_ in ORGANISATION_NOUNS):
        return kind, "organisation"
    if not is_name and (lemma in PERSON_NOUNS or head.lower_ in PERSON_NOUNS):
        return kind, "person"
    if label == "PERSON":
        return kind, "person"
    if is_name and words & PERSON_TITLES:
        return kind, "person"
    if label in ("ORG", "GPE", "NORP", "FAC", "LOC"):
        return kind, "organisation"
    if label in ("WORK_OF_ART", "LAW"):
        return kind, "document"
    if lemma in ORGANISATION_NOUNS:
        return kind, "organisation"
    if lemma in PERSON_NOUNS:
        return kind, "person"
    return kind, "unknown"


# --------------------------------------------------------------------------
# Candidates from cue verbs and phrases
# --------------------------------------------------------------------------


@dataclass
class _Candidate:
    cue: tuple[int, int]
    cue_token: Token | None
    subject: Token | None
    content: tuple[int, int]
    source_override: tuple[int, int] | None = None


def _cue_span(verb: Token) -> tuple[int, int]:
    start, end = verb.idx, verb.idx + len(verb.text)
    for child in verb.rights:
        if child.dep_ == "prt" and child.i == verb.i + 1:
            end = child.idx + len(child.text)
    return start, end


def _is_person_owner(owner: Token) -> bool:
    """A possessor that names a person: "his", "her", "their", or a PERSON name."""
    if owner.pos_ == "PRON":
        return owner.lower_ in ("his", "her", "their", "my", "our", "your")
    return _doc_label(owner.doc, owner) == "PERSON"


def _is_person_like(token: Token) -> bool:
    return token.ent_type_ == "PERSON" or (token.pos_ == "PRON" and token.lower_ not in ("it", "this", "that"))


def _verb_contents(doc: Doc, verb: Token) -> list[tuple[int, int]]:
    """What a cue verb reports: by its dependents, else after a colon."""
    return _dependent_contents(doc, verb) or _after_colon(doc, verb)


def _after_colon(doc: Doc, verb: Token) -> list[tuple[int, int]]:
    """'He added: the plan is dead.': the rest of the sentence after a colon
    that follows the cue (with no other verb between them)."""
    if _lemma(verb) not in QUOTE_VERBS:
        return []
    end = verb.sent.end
    for token in doc[verb.i + 1 : end]:
        if token.text == ":":
            line_end = doc.text.find("\n", token.idx)
            if line_end >= 0 and not doc.text[token.idx + 1 : line_end].strip():
                span = _next_paragraph(doc.text, line_end)
                return [span] if span else []
            span = _content_from(doc, list(doc[token.i + 1 : end]))
            return [span] if span else []
        if token.pos_ in ("VERB", "AUX") or "\n" in token.text:
            return []
    return []


def _next_paragraph(text: str, start: int) -> tuple[int, int] | None:
    """'Hewitt writes:' ending a line: the next (unquoted) paragraph is what he writes."""
    while start < len(text) and text[start].isspace():
        start += 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end or text[start] in QUOTE_MARKS or len(text[start:end].split()) < 4:
        return None  # a quotation is found as one; too short to be a passage
    return start, end


def _dependent_contents(doc: Doc, verb: Token) -> list[tuple[int, int]]:
    """What a cue verb reports, by its dependents."""
    lemma = _lemma(verb)
    contents: list[tuple[int, int]] = []
    children = list(verb.children)
    for child in children:
        if child.dep_ == "ccomp":
            if lemma in FINITE_CLAUSE_ONLY and not _finite_or_marked(child):
                continue
            if lemma == "know" and not any(c.dep_ == "mark" and c.lower_ == "that" for c in child.children):
                continue  # "you know", "I don't know what ...": only "knows that ..." reports
            detached = {
                t.i
                for d in child.subtree
                if d.i != child.i and (_same(_outer_cue(d), verb) or _contrasting_report(d))
                for t in d.subtree
            }
            span = _content_from(doc, list(child.subtree), frozenset(detached))
            if span:
                contents.append(span)
    if contents:
        return contents
    if lemma in SPEECH_VERBS:
        # "said in a statement that ...": the clause hangs off the noun
        for child in children:
            if child.dep_ != "prep":
                continue
            for pobj in child.children:
                for clause in pobj.children:
                    if clause.dep_ in ("acl", "ccomp", "relcl") and any(
                        c.dep_ == "mark" and c.lower_ == "that" for c in clause.children
                    ):
                        span = _content_from(doc, list(clause.subtree))
                        if span:
                            return [span]
    if verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX") and lemma in SPEECH_VERBS | COGNITION_VERBS:
        own = {t.i for t in verb.subtree}
        rest = [t for t in verb.head.subtree if t.i not in own]
        span = _content_from(doc, rest)
        if span:
            return [span]
    if lemma in COGNITION_VERBS and lemma not in SPEECH_VERBS | INFINITIVE_VERBS:
        return []
    objects = [c for c in children if c.dep_ in ("dobj", "dative")]
    if lemma in INFINITIVE_VERBS and not (lemma in COGNITION_VERBS and _is_passive(verb)):
        # ("is expected to win": expected by someone unnamed)
        for child in children:
            if child.dep_ == "xcomp":
                tokens = list(child.subtree)
                if objects and objects[0].i < child.i and objects[0].dep_ == "dobj":
                    tokens = list(objects[0].subtree) + tokens
                span = _content_from(doc, tokens)
                if span:
                    return [span]
    preps = PREPOSITION_VERBS.get(lemma, frozenset())
    # "informed the militants of an attack": the parser may hang "of" on the addressee
    # ("informed the farmers in the valley of a new tax": or on the noun before it)
    addressed = [
        t for c in children if lemma in TELLING_OF_VERBS and (c in objects or c.dep_ == "prep")
        for t in c.subtree if t.i > c.i and t.dep_ == "prep" and t.lower_ in preps and t.head.pos_ in ("NOUN", "PROPN")
    ][-1:]
    for child in children + addressed:
        if child.dep_ == "prep" and child.lower_ in preps:
            objects_of_prep = [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
            if not objects_of_prep:
                continue
            tokens = [t for t in child.subtree if t.i != child.i]
            if lemma in TARGET_VERBS and objects and objects[0].i < child.i:
                tokens = list(objects[0].subtree) + list(child.subtree)
            # "referred to the protesters as thugs": what they were called goes with them
            tokens += [t for c in children if c.dep_ == "prep" and c.lower_ == "as" and c.i > child.i for t in c.subtree]
            span = _content_from(doc, tokens)
            if span:
                return [span]
    if lemma in NAMING_VERBS:
        # 'called the action "a very surprising event"', 'dubbed him "Little Marco"'
        for child in children:
            if child.dep_ == "oprd":
                tokens = list(child.subtree)
                if objects and objects[0].i < child.i:
                    tokens = list(objects[0].subtree) + tokens
                span = _content_from(doc, tokens)
                if span:
                    return [span]
        if lemma == "call":
            return []  # "called the meeting", "called him": no name given
    document_subject = lemma in DOCUMENT_OBJECT_VERBS and _is_document(_subject(verb))
    if lemma == "seek" and verb.dep_ == "ccomp":
        return []  # "said Iran seeks stability": part of the report, not a report of its own
    if (lemma in OBJECT_VERBS or document_subject) and not _is_negated(verb):
        target = None
        if _is_passive(verb):
            target = next((c for c in children if c.dep_ == "nsubjpass"), None)
        elif objects and objects[0].dep_ == "dobj":
            target = objects[0]
        else:
            target = next((c for c in children if c.dep_ == "xcomp" and c.tag_ == "VBG"), None)
        if target is None:
            return []
        if lemma in CLAIM_OBJECT_VERBS and _lemma(target) not in CLAIM_NOUNS:
            return []
        if lemma in ("welcome", "question", "mention", "recall") and (
            _is_person_like(target) or target.pos_ == "PROPN" or _lemma(target) in PERSON_NOUNS
        ):
            return []  # welcomed / questioned / mentioned a person; recalled an ambassador
        tokens = list(target.subtree)
        if document_subject:  # "a poll showed Sanders with 47 percent": the rest of the clause
            tokens += [t for c in verb.rights if c.i > target.i and c.dep_ != "punct" for t in c.subtree]
        if lemma in TARGET_VERBS:
            for child in children:
                if child.dep_ in ("prep", "oprd") and child.i > target.i and (
                    child.dep_ == "oprd" or child.lower_ in PREPOSITION_VERBS.get(lemma, frozenset())
                ):
                    tokens += list(child.subtree)
        span = _content_from(doc, tokens)
        if span:
            return [span]
    return []


_CONTRAST = frozenset({"while", "whereas", "although", "though"})


def _contrasting_report(token: Token) -> bool:
    """'..., while Republicans say it will create jobs': another speaker's
    report hung inside a clause; not part of that clause's content."""
    return (
        token.dep_ == "advcl"
        and token.i > token.head.i
        and _lemma(token) in CUE_VERBS
        and any(c.dep_ == "nsubj" for c in token.children)
        and any(c.dep_ == "mark" and c.lower_ in _CONTRAST for c in token.children)
    )


def _is_document(token: Token | None) -> bool:
    return token is not None and (_lemma(token) in DOCUMENT_NOUNS or token.lower_ in DOCUMENT_NOUNS)


def _finite_or_marked(clause: Token) -> bool:
    if any(c.dep_ == "mark" and c.lower_ in ("that", "whether", "if") for c in clause.children):
        return True
    if clause.tag_ in ("VBD", "VBZ", "VBP", "MD"):
        return True
    return any(c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ", "VBP", "MD") for c in clause.children)


_NOT_TITLE_WORDS = frozenset({"that", "as", "like", "if", "whether", "because", "than"})


def _names_a_title(doc: Doc, quote: Quote) -> bool:
    """A quotation right after a possessive, a determiner or a preposition
    names something ('on NBC's "Meet the Press"', 'in the "Art of the
    Deal"'): a title, not words someone said."""
    before = doc.text[: quote.open].rstrip()
    token = token_at(doc, len(before) - 1) if before else None
    if token is None or token.lower_ in _NOT_TITLE_WORDS:
        return False
    return token.tag_ in ("POS", "DT", "PRP$", "IN") and token.idx + len(token.text) == len(before)


def _quote_objects(doc: Doc, verb: Token, quotes: list[Quote]) -> list[tuple[int, int]]:
    """Quotations that are the verb's own dependents ('said: "..."'), not titles."""
    found = []
    quotes = [q for q in quotes if not _names_a_title(doc, q)]
    for child in verb.children:
        if child.dep_ not in _LINKING_DEPS:
            continue
        span = _tokens_span(child.subtree)
        if not span:
            continue
        for quote in quotes:
            if quote.open <= verb.idx < quote.close:
                continue  # the verb is inside the quotation itself
            if quote.open <= span[0] and span[1] <= quote.close and child.idx >= quote.inner_start:
                found.append((quote.inner_start, quote.inner_end))
    return found


def _according_to(doc: Doc, token: Token) -> _Candidate | None:
    if token.lower_ != "according" or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
        return None
    to = doc[token.i + 1]
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        pobj = next((c for c in token.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    lemma = _lemma(pobj)
    if lemma in NOT_SOURCES or (
        pobj.pos_ not in ("PROPN", "PRON", "NOUN")
        and not pobj.ent_type_
        and lemma not in DOCUMENT_NOUNS | ORGANISATION_NOUNS | PERSON_NOUNS
        and pobj.lower_ not in DOCUMENT_NOUNS | ORGANISATION_NOUNS | PERSON_NOUNS
    ):
        return None
    phrase = token if token.head.i != to.i else to
    head = phrase.head
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    own = {t.i for t in phrase.subtree} | {token.i, to.i} | {t.i for t in to.subtree}
    rest = [t for t in head.subtree if t.i not in own]
    first_own = min(own)
    if all(t.i < first_own for t in rest if not (t.is_punct or t.is_space)):
        rest = [t for t in rest if t.i < first_own]  # "X, according to Y.": not the phrase itself
    content = _content_from(doc, rest)
    if content is None:
        return None
    return _Candidate(
        cue=(token.idx, to.idx + len(to.text)), cue_token=token, subject=pobj, content=content
    )


def _noun_cue(doc: Doc, token: Token) -> _Candidate | None:
    """'his support for the bill', 'Lee's call for an inquiry', 'her claim
    that ...': a NOUN_CUES noun with a possessor (the source) and a content
    (its prepositional object, a "that" clause or, for some, an infinitive)."""
    lemma = _lemma(token)
    if token.pos_ != "NOUN" or lemma not in NOUN_CUES:
        return None
    owner = next((c for c in token.children if c.dep_ == "poss"), None)
    if owner is None:
        return _made_by(doc, token)
    if lemma in MATERIAL_NOUNS and not _is_person_owner(owner):
        return None  # "its support for Ukraine": a state's support is aid, not words
    for child in token.children:
        tokens: list[Token] = []
        if child.dep_ == "prep" and child.lower_ in NOUN_CUES[lemma]:
            tokens = [t for t in child.subtree if t.i != child.i]
        elif child.dep_ in ("acl", "ccomp", "relcl") and child.i > token.i:
            marked = any(c.dep_ == "mark" and c.lower_ == "that" for c in child.children)
            infinitive = any(c.dep_ == "aux" and c.tag_ == "TO" for c in child.children)
            if marked or (infinitive and lemma in NOUN_INFINITIVE_CUES):
                tokens = list(child.subtree)
        content = _content_from(doc, tokens)
        if content is not None:
            return _Candidate(cue=(token.idx, token.idx + len(token.text)), cue_token=token, subject=owner, content=content)
    return None


ABOUT_PREPOSITIONS = frozenset({"about", "regarding", "concerning", "over", "on", "of"})


def _made_by(doc: Doc, noun: Token) -> _Candidate | None:
    """'claims made by the president regarding the drills', 'allegations put
    forward by X about Y': the agent of the participle is the source, what
    the claims are about (or their "that" clause) the content."""
    made = next((c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBN"), None)
    agent = next((c for c in made.children if c.dep_ == "agent"), None) if made is not None else None
    source = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    if source is None:
        return None
    about = [c for c in list(noun.children) + list(made.children)
             if (c.dep_ == "prep" and c.lower_ in ABOUT_PREPOSITIONS and c.i > noun.i)
             or (c.dep_ in ("acl", "ccomp") and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children))]
    if not about:
        # the parser often hangs "regarding X" that follows the agent (and its
        # appositive name: "by the mayor, Ana Ruiz, regarding") on the clause's verb
        after = [t for t in doc[agent.right_edge.i + 1 : agent.right_edge.i + 8] if not (t.is_punct or t.pos_ == "PROPN")]
        about = [t for t in after[:1] if t.dep_ == "prep" and t.lower_ in ABOUT_PREPOSITIONS - {"of", "on"}]
    if not about:
        return None
    tokens = [t for c in about for t in c.subtree if not (c.dep_ == "prep" and t.i == c.i)]
    content = _content_from(doc, tokens)
    if content is None:
        return None
    return _Candidate(cue=(noun.idx, noun.idx + len(noun.text)), cue_token=noun, subject=source, content=content)


# Documents that find things: "In a new poll, X leads Y" reports what the poll found.
FINDING_NOUNS = frozenset({"poll", "survey", "study", "report", "analysis", "memo", "review", "audit", "assessment"})


def _in_a_finding(doc: Doc, token: Token) -> _Candidate | None:
    """'In a new poll, the governor leads by six points': the poll is the
    source, the clause the content (unless the clause has a cue verb of its
    own, which then gives the attribution: "In a memo, X wrote that ...")."""
    if token.lower_ != "in" or token.dep_ != "prep" or token.head.pos_ not in ("VERB", "AUX"):
        return None
    pobj = next((c for c in token.children if c.dep_ == "pobj"), None)
    if pobj is None or _lemma(pobj) not in FINDING_NOUNS:
        return None
    head = token.head
    if _lemma(head) in CUE_VERBS or not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in head.children):
        return None
    own = {t.i for t in token.subtree}
    rest = [t for t in head.subtree if t.i not in own]
    content = _content_from(doc, rest, frozenset(own))
    if content is None:
        return None
    return _Candidate(cue=(token.idx, token.idx + len(token.text)), cue_token=token, subject=pobj, content=content)


HEADLINE_LABELS = frozenset(
    """
    read related photo photos image images source sources update updated watch video videos editor note
    credit caption more also see advertisement subscribe share tags topics by written posted published
    opinion analysis exclusive breaking live listen audio transcript correction disclaimer
    """.split()
)


def _headline_colon(doc: Doc, token: Token) -> _Candidate | None:
    """'Kerry: US to take in more refugees' - a short name (or source noun)
    opening a line, a colon, and at least four words of unquoted text."""
    if token.text != ":":
        return None
    text = doc.text
    line_start = text.rfind("\n", 0, token.idx) + 1
    line_end = text.find("\n", token.idx)
    line_end = len(text) if line_end < 0 else line_end
    before = [t for t in doc[max(0, token.i - 12) : token.i] if t.idx >= line_start and not t.is_space]
    after = [t for t in doc[token.i + 1 : token.i + 80] if t.idx < line_end and not t.is_space]
    if not before or len(before) > 6 or before[0].idx != line_start + len(text[line_start:token.idx]) - len(text[line_start:token.idx].lstrip()):
        return None
    if len([t for t in after if t.is_alpha]) < 4 or after[0].text in QUOTE_MARKS:
        return None
    if any(t.lower_ in HEADLINE_LABELS or (t.pos_ in ("VERB", "AUX", "ADP") and t.lower_ != "of") for t in before):
        return None
    head = before[-1]
    if not (head.pos_ == "PROPN" or head.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or _lemma(head) in LEXICON_NOUNS):
        return None
    content = _content_from(doc, after)
    if content is None:
        return None
    return _Candidate(cue=(token.idx, token.idx + 1), cue_token=token, subject=head, content=content)


def _copular_stance(doc: Doc, token: Token) -> _Candidate | None:
    """'X is against Y', 'X is opposed to Y', 'X is in favour of Y'."""
    if token.lower_ == "opposed" and token.dep_ not in ("amod", "acomp"):
        aux = next((c for c in token.children if c.dep_ == "auxpass"), None)
        subject = next((c for c in token.children if c.dep_ in ("nsubjpass", "nsubj")), None)
        if subject is None and aux is not None:  # the parser may hang the subject off "is"
            subject = next((c for c in aux.children if c.dep_ in ("nsubjpass", "nsubj")), None)
        prep = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "to"), None)
        if aux is not None and subject is not None and prep is not None:
            content = _content_from(doc, [t for t in prep.subtree if t.i != prep.i])
            if content is not None:
                return _Candidate(
                    cue=(min(aux.idx, token.idx), prep.idx + len(prep.text)), cue_token=token, subject=subject, content=content
                )
    if _lemma(token) != "be":
        return None
    subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return None
    for child in token.children:
        prep = None
        if child.dep_ == "prep" and child.lower_ == "against":
            prep = child
        elif child.dep_ == "acomp" and child.lower_ in ("opposed", "against"):
            prep = next((c for c in child.children if c.dep_ == "prep" and c.lower_ == "to"), None)
        elif child.dep_ == "prep" and child.lower_ == "in":
            favour = next((c for c in child.children if c.dep_ == "pobj" and c.lower_ in ("favor", "favour")), None)
            if favour is not None:
                prep = next((c for c in favour.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if prep is None:
            continue
        tokens = [t for t in prep.subtree if t.i != prep.i]
        content = _content_from(doc, tokens)
        if content is None:
            continue
        return _Candidate(cue=(token.idx, prep.idx + len(prep.text)), cue_token=token, subject=subject, content=content)
    return None


# --------------------------------------------------------------------------
# The finder
# --------------------------------------------------------------------------


class _Sentences:
    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def index(self, char: int) -> int | None:
        i = bisect.bisect_right(self.starts, char) - 1
        if i >= 0 and self.spans[i][0] <= char < self.spans[i][1]:
            return i
        return None

    def covering(self, start: int, end: int) -> tuple[int, int]:
        first = self.index(start)
        last = self.index(max(start, end - 1))
        lo = self.spans[first][0] if first is not None else start
        hi = self.spans[last][1] if last is not None else end
        return min(lo, start), max(hi, end)


def _quote_words(doc: Doc, quote: Quote) -> int:
    return sum(1 for t in tokens_between(doc, quote.inner_start, quote.inner_end) if t.is_alpha or t.like_num)


def _in_quote(quotes: list[Quote], char: int) -> Quote | None:
    for quote in quotes:
        if quote.open <= char < quote.close:
            return quote
    return None


_GOING_ON = frozenset({"continue", "begin", "start", "keep", "go", "appear", "seem", "have", "spend"})
# "wanted to make clear that ...", "tried to explain that ...": the speech
# verb under them reports what was said (not "refused to say").
_SAYING_ON_PURPOSE = frozenset({"want", "try", "seek", "intend", "mean"})


def _candidates(doc: Doc, sentences: _Sentences, quotes: list[Quote]) -> list[_Candidate]:
    found: list[_Candidate] = []
    for token in doc:
        if sentences.index(token.idx) is None:
            continue
        if _in_quote(quotes, token.idx) is not None:
            continue  # a cue inside a quotation is part of what the quoted speaker says
        special = (
            _according_to(doc, token) or _copular_stance(doc, token) or _headline_colon(doc, token)
            or _noun_cue(doc, token) or _in_a_finding(doc, token)
        )
        if special is not None:
            found.append(special)
            continue
        if _lemma(token) not in CUE_VERBS or not _is_verb(token):
            continue
        if token.dep_ == "xcomp" and not (
            _lemma(token.head) in _GOING_ON
            or (_lemma(token.head) in SPEECH_VERBS and not _is_passive(token.head))
            or (_lemma(token.head) in _SAYING_ON_PURPOSE and _lemma(token) in SPEECH_VERBS)
        ):
            continue  # "is expected to announce", "declined to say": not (yet) said
        subject = _subject(token)
        if subject is None and not _is_passive(token):
            continue  # "failing to condemn", "of threatening to", a headline's "Says": nobody is said to speak
        if subject is not None and _names_no_one(subject, token):
            continue  # "reports alleging that ...": whose reports, the text does not say
        contents = _verb_contents(doc, token)
        quoted = _quote_objects(doc, token, quotes)
        for content in contents:
            found.append(_Candidate(_cue_span(token), token, subject, content))
        for content in quoted:
            if not any(content[0] < c[1] and c[0] < content[1] for c in contents):
                found.append(_Candidate(_cue_span(token), token, subject, content))
    return [c for c in found if not _nested_noun_cue(c, found) and not _only_points_back(doc, c.content)]


DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})


def _only_points_back(doc: Doc, content: tuple[int, int]) -> bool:
    """Content that only points at words elsewhere ("disclosed this
    information", "said it", "denied that"): a pronoun, or a demonstrative
    with its noun. What was said is not in the span: no statement here."""
    words = [t for t in tokens_between(doc, *content) if not (t.is_punct or t.is_space)]
    if len(words) == 1:
        return words[0].pos_ == "PRON" or words[0].lower_ in DEMONSTRATIVES
    return (
        len(words) == 2
        and words[0].lower_ in DEMONSTRATIVES
        and words[0].dep_ == "det"
        and words[1].pos_ == "NOUN"
    )


# Nouns for what was said or written that name no speaker by themselves.
REPORT_NOUNS = frozenset({"report", "claim", "allegation", "rumour", "rumor", "suggestion", "accusation", "speculation"})


def _names_no_one(source: Token, cue: Token) -> bool:
    """A bare plural report noun with a participle cue ("reports alleging
    that ...", "the claims suggesting that ..."): no owner ("Iran's claims"),
    no modifier that says whose ("Israeli media reports", "Pentagon
    reports") and no "by"/"from": the text gives no one to attribute to."""
    if source.tag_ != "NNS" or _lemma(source) not in REPORT_NOUNS:
        return False
    if not (cue.dep_ == "acl" and cue.tag_ == "VBG" and cue.head.i == source.i):
        return False
    for child in source.children:
        if child.dep_ in ("poss", "compound", "nmod") or (child.dep_ == "amod" and child.ent_type_):
            return False
        if child.dep_ == "det" and child.lower_ not in ("the", "these", "those"):
            return False
        if child.dep_ == "prep" and child.lower_ in ("by", "from", "of"):
            return False
    return True


def _nested_noun_cue(candidate: _Candidate, found: list[_Candidate]) -> bool:
    """A noun cue or a stance verb inside what someone else is reported to
    say ("she praised his support for the bill", "he stressed that Baku
    will support Israel"): part of that report, not one of its own."""
    token = candidate.cue_token
    if token is None:
        return False
    stance_verb = _is_verb(token) and _lemma(token) in STANCE_VERBS - SPEECH_VERBS
    if not stance_verb and (token.pos_ != "NOUN" or _lemma(token) not in NOUN_CUES):
        return False
    return any(
        other is not candidate and other.subject is not None and other.content[0] <= candidate.cue[0] < other.content[1]
        for other in found
    )


def _quote_then_narration(text: str, quote: Quote, start: int, end: int) -> bool:
    """'said, "We'll see," when asked whether ...': a clause that opens with
    a quotation closed on a comma goes on in the reporter's words: only the
    quotation was said."""
    return (
        quote.closed
        and quote.inner_start == start
        and quote.close < end
        and text[quote.inner_end : quote.close].startswith(",")
        and not any(mark in text[quote.close : end] for mark in OPEN_QUOTES)
    )


def _settle(candidate: _Candidate, quotes: list[Quote], used: set[int], doc: Doc) -> tuple[tuple[int, int], Kind]:
    """Fit a candidate's content to the quotations it touches."""
    start, end = candidate.content
    text = doc.text
    # Content (less framing marks) inside one quotation: the whole quotation.
    bare_start, bare_end = start, end
    while bare_start < bare_end and (text[bare_start] in QUOTE_MARKS or text[bare_start].isspace()):
        bare_start += 1
    while bare_end > bare_start and (text[bare_end - 1] in QUOTE_MARKS or text[bare_end - 1] in ",.;:" or text[bare_end - 1].isspace()):
        bare_end -= 1
    cue_start, cue_end = candidate.cue
    for n, quote in enumerate(quotes):
        if quote.inner_start <= cue_start and cue_end <= quote.inner_end:
            continue  # the cue inside the quotation: its marks are not the speaker's
        if quote.inner_start <= bare_start and bare_end <= max(quote.inner_end, quote.close) and bare_start < quote.inner_end:
            used.add(n)
            return (quote.inner_start, quote.inner_end), "quote"
        if _quote_then_narration(text, quote, bare_start, end):
            used.add(n)
            return (quote.inner_start, quote.inner_end), "quote"
    kind: Kind = "paraphrase"
    for n, quote in enumerate(quotes):
        if start <= quote.open < end:
            if quote.close > end:
                end = quote.close  # a quotation the clause opens runs on
            used.add(n)
            if _quote_words(doc, quote) >= 2:
                kind = "mixed"
    return (start, end), kind


def _short_cue_sentence(doc: Doc, span: tuple[int, int], taken: set[int]) -> Token | None:
    """A cue verb with nothing reported in a short sentence ("she said.")."""
    tokens = list(tokens_between(doc, span[0], span[1]))
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    if not words or len(words) > 10:
        return None
    for token in tokens:
        if _lemma(token) in QUOTE_VERBS and _is_verb(token) and token.i not in taken and _subject(token) is not None:
            if not any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in token.children):
                return token
    return None


def _colon_cue(doc: Doc, colon_index: int, sentences: _Sentences) -> tuple[Token | None, Token | None, Token]:
    """For a colon introducing a quotation: the cue verb before it in its
    sentence (with its subject), else the noun phrase before it."""
    colon = doc[colon_index]
    sentence = sentences.index(colon.idx)
    lo = sentences.spans[sentence][0] if sentence is not None else 0
    before = [t for t in doc[:colon_index] if t.idx >= lo]
    for token in reversed(before):
        if _lemma(token) in QUOTE_VERBS and _is_verb(token):
            return token, _subject(token), colon
    if before and before[-1].pos_ in ("PROPN", "NOUN"):
        head = before[-1]
        while head.dep_ in ("compound", "flat") and head.head.i > head.i:
            head = head.head
        return None, head, colon
    return None, None, colon


def _token_at(doc: Doc, char: int) -> Token | None:
    return token_at(doc, char)


_CLAUSAL = frozenset({"ROOT", "ccomp", "parataxis", "conj", "advcl", "dep", "xcomp", "csubj", "npadvmod", "intj"})


def _stands_alone(doc: Doc, quote: Quote, cues: list[Token]) -> bool:
    """A quotation is said when it is a clause of its own or hangs off a cue;
    not when it is the object or subject of another word (a title, a term:
    'watched "The Long Night of the Fox"')."""
    cue_ids = {c.i for c in cues}
    inside = [t for t in tokens_between(doc, quote.inner_start, quote.inner_end) if not t.is_punct and not t.is_space]
    roots = [t for t in inside if t.head.i == t.i or not (quote.inner_start <= t.head.idx < quote.inner_end)]
    return any(t.dep_ in _CLAUSAL or t.head.i in cue_ids or _lemma(t.head) in CUE_VERBS for t in roots)


def _extend_paraphrase(doc: Doc, results: list, cue: Token, quote: Quote) -> bool:
    """A quotation after a cue's paraphrase, still inside the cue's clause
    ('stressed the importance of ... and allowing Baku to protect its
    "statehood, values"'): the paraphrase runs on over it (kind mixed)."""
    quote_tokens = list(tokens_between(doc, quote.inner_start, quote.inner_end))
    if not quote_tokens or not all(cue in t.ancestors for t in quote_tokens if not t.is_punct):
        return False
    for n, (candidate, content, kind) in enumerate(results):
        if _same(candidate.cue_token, cue) and content[1] <= quote.open and kind != "quote":
            if "\n" in doc.text[content[1] : quote.open]:
                return False
            results[n] = (candidate, (content[0], quote.close), "mixed")
            return True
    return False


def find_attributions(doc: Doc, sentence_spans: list[tuple[int, int]]) -> list[Attribution]:
    """Every attribution in ``doc`` whose cue lies in one of ``sentence_spans``."""
    text = doc.text
    sentences = _Sentences(list(sentence_spans))
    quotes = find_quotes(text)
    used: set[int] = set()
    results: list[tuple[_Candidate, tuple[int, int], Kind]] = []
    for candidate in _candidates(doc, sentences, quotes):
        content, kind = _settle(candidate, quotes, used, doc)
        results.append((candidate, content, kind))

    # Quotations no clause took: look for a cue around them.
    taken_cues = {c.cue_token.i for c, _, _ in results if c.cue_token is not None}
    for n, quote in enumerate(quotes):
        if n in used:
            continue
        first = sentences.index(quote.inner_start)
        if first is None:
            continue
        words = _quote_words(doc, quote)
        last = sentences.index(max(quote.inner_start, quote.inner_end - 1))
        if last is None:
            last = first
        cue: Token | None = None
        subject: Token | None = None
        cue_span: tuple[int, int] | None = None
        source_override: tuple[int, int] | None = None
        # 1. a colon just before the quotation (here or ending the previous sentence)
        j = quote.open - 1
        while j >= 0 and text[j].isspace():
            j -= 1
        if j >= 0 and text[j] == ":" and words >= 2:
            colon = _token_at(doc, j)
            if colon is not None:
                verb, head, colon_token = _colon_cue(doc, colon.i, sentences)
                if verb is not None:
                    cue, subject, cue_span = verb, head, _cue_span(verb)
                elif head is not None and words >= 4:
                    cue_span = (colon_token.idx, colon_token.idx + 1)
                    subject = head
        # 2. a cue verb in the quotation's own sentence(s), outside quotations
        if cue_span is None:
            lo, hi = sentences.spans[first][0], sentences.spans[last][1]
            options = [
                t
                for t in tokens_between(doc, lo, hi)
                if _lemma(t) in QUOTE_VERBS
                and _is_verb(t)
                and _in_quote(quotes, t.idx) is None
                and _subject(t) is not None
            ]
            if options and words >= 2:
                free = [t for t in options if t.i not in taken_cues] or options
                nearest = min(free, key=lambda t: min(abs(t.idx - quote.open), abs(t.idx - quote.close)))
                if _extend_paraphrase(doc, results, nearest, quote):
                    used.add(n)
                    continue
                if words >= 4 and _stands_alone(doc, quote, options):
                    cue = nearest
                    subject, cue_span = _subject(cue), _cue_span(cue)
        # 3. a short cue sentence right after ('"...". she said.')
        if cue_span is None and words >= 4 and last + 1 < len(sentences.spans):
            after = sentences.spans[last + 1]
            if "\n" not in text[quote.close : after[0]] and text[sentences.spans[last][1] - 1] in QUOTE_MARKS:
                verb = _short_cue_sentence(doc, after, taken_cues)
                if verb is not None:
                    cue, subject, cue_span = verb, _subject(verb), _cue_span(verb)
        # 4. continuing the previous sentence's (or paragraph's) quotation
        earlier = [r for r in results if r[1][1] <= quote.open and r[0].cue[1] <= quote.open]
        if cue_span is None and words >= 3 and first > 0 and earlier:
            previous = max(earlier, key=lambda r: (r[1][1], r[0].cue[0]))
            prev_candidate, prev_content, prev_kind = previous
            prev_last = sentences.index(max(prev_content[0], prev_content[1] - 1))
            cue_last = sentences.index(prev_candidate.cue[0])
            known = [x for x in (prev_last, cue_last) if x is not None]
            ends_before = max(known) if known else None
            if (
                ends_before is not None
                and ends_before == first - 1
                and quote.open == sentences.spans[first][0]
                and _stands_alone(doc, quote, [])
            ):
                cue_span, cue, subject = prev_candidate.cue, prev_candidate.cue_token, prev_candidate.subject
                source_override = prev_candidate.source_override
        if cue_span is None:
            continue
        used.add(n)
        candidate = _Candidate(cue_span, cue, subject, (quote.inner_start, quote.inner_end), source_override=source_override)
        results.append((candidate, (quote.inner_start, quote.inner_end), "quote"))
        if cue is not None:
            taken_cues.add(cue.i)

    results = _one_act_per_participle(doc, results)
    results = _outer_of_same_speaker(results)
    pieces = _join_split_quotes(text, results)
    attributions: list[Attribution] = []
    seen: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    for candidate, content, kind in results:
        key = (candidate.cue, content)
        if key in seen or content[0] >= content[1]:
            continue
        seen.add(key)
        source = candidate.source_override
        if source is None and candidate.subject is not None:
            source = _source_span(doc, candidate.subject)
        source_kind, source_type = _classify(doc, source, candidate.subject)
        parts = [candidate.cue, content] + ([source] if source else [])
        lo = min(p[0] for p in parts)
        hi = max(p[1] for p in parts)
        first_lo = sentences.covering(lo, lo + 1)[0]
        last_hi = sentences.covering(hi - 1, hi)[1]
        attributions.append(
            Attribution(
                cue=_span(doc, *candidate.cue),
                source=_span(doc, *source) if source else None,
                source_kind=source_kind,
                source_type=source_type,
                content=_span(doc, *content),
                kind=kind,
                sentences=(first_lo, last_hi),
                parts=tuple(_span(doc, *p) for p in pieces.get(content, ())),
            )
        )
    attributions.sort(key=lambda a: (a.content.start, a.cue.start))
    return attributions


def _same_source(inner: Token, outer: Token) -> bool:
    """The source of a cue reported inside another's words is the outer
    speaker when it is the same personal pronoun ("He said that later he
    clarified ..."); a name or another pronoun may be someone else."""
    if inner.pos_ == "PRON":
        return inner.lower_ == outer.lower_ and inner.lower_ in PERSON_PRONOUNS | {"they", "we", "i"}
    return False


def _outer_of_same_speaker(results: list) -> list:
    """A cue inside the content of another cue of the same speaker ("He also
    said that later he clarified to the emir that X") tells what that
    speaker says now: one statement, the outer one."""
    kept = []
    for candidate, content, kind in results:
        cue = candidate.cue_token
        nested = cue is not None and candidate.subject is not None and any(
            other is not candidate and other.subject is not None and other_content[0] <= cue.idx < other_content[1]
            and _same_source(candidate.subject, other.subject)
            for other, other_content, _ in results
        )
        if not nested:
            kept.append((candidate, content, kind))
    return kept


def _participle_of(participle: Token, verb: Token) -> bool:
    """'Rejecting the reports, X stressed that ...', 'X noted that A,
    pointing out that B': a present participle hung off the cue verb,
    with no subject of its own (so the verb's subject is its speaker)."""
    return (
        participle.dep_ == "advcl"
        and participle.tag_ == "VBG"
        and participle.head.i == verb.i
        and not any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in participle.children)
    )


def _says_a_clause(doc: Doc, content: tuple[int, int], kind: Kind) -> bool:
    """Content that is a quotation or a clause (a verb heads some part of
    it), not a bare noun phrase ("the reports", "civilian casualties")."""
    if kind != "paraphrase":
        return True
    tokens = list(tokens_between(doc, *content))
    inside = {t.i for t in tokens}
    return any(t.pos_ in ("VERB", "AUX") and (t.head.i == t.i or t.head.i not in inside) for t in tokens)


def _one_act_per_participle(doc: Doc, results: list) -> list:
    """A cue verb and a participle clause of the same speaker hung off it
    that tell ONE speech act: a fronted participle frames the act
    ("Reiterating X, she said that Y": the main verb's, or the one of the
    two that says a clause), and a trailing one that says a clause after a
    verb with a bare noun phrase ("he dismissed the reports, assuring them
    that Y") spells the act out (the participle's). A trailing participle
    after a clause or a quotation ('said "A," adding that B', "noted that A,
    pointing out that B") is a second act, as PolNeAR annotates it;
    conjoined cues ("said A and added B") stay two."""
    dropped: set[int] = set()
    for n, (candidate, content, kind) in enumerate(results):
        participle = candidate.cue_token
        if participle is None or not _is_verb(participle):
            continue
        for m, (other, other_content, other_kind) in enumerate(results):
            verb = other.cue_token
            if m == n or m in dropped or verb is None or not _participle_of(participle, verb):
                continue
            participle_says = _says_a_clause(doc, content, kind)
            verb_says = _says_a_clause(doc, other_content, other_kind)
            if participle.i > verb.i and (verb_says or not participle_says):
                continue  # "said A, adding B" / "denied X, citing Y": two acts
            if participle_says and not verb_says:
                dropped.add(m)
            else:
                dropped.add(n)
                break
    return [r for n, r in enumerate(results) if n not in dropped]


_SPLIT_GAP = 120  # characters between the two pieces of a split quotation, cue included


def _join_split_quotes(text: str, results: list) -> dict[tuple[int, int], tuple[tuple[int, int], ...]]:
    """'"A," she said. "B."' (or '"A," she said, "B."'): one attribution whose
    content runs from A to B, the cue between them (PolNeAR's convention: one
    attribution, its content in pieces). ``results`` is changed in place;
    returns joined content -> its pieces."""
    pieces: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}
    order = sorted(range(len(results)), key=lambda n: results[n][1])
    merged_into: dict[int, int] = {}
    for n in order:
        candidate, content, kind = results[n]
        if kind != "quote" or n in merged_into:
            continue
        for m in order:
            if m == n or m in merged_into or results[m][2] != "quote":
                continue
            other, other_content, _ = results[m]
            if other.cue != candidate.cue or other_content[0] <= content[1]:
                continue
            gap = text[content[1] : other_content[0]]
            if (
                content[1] <= candidate.cue[0] and candidate.cue[1] <= other_content[0]
                and "\n" not in gap and len(gap) <= _SPLIT_GAP
            ):
                merged_into[m] = n
                joined = (content[0], other_content[1])
                pieces[joined] = pieces.pop(content, (content,)) + (other_content,)
                content = joined
                results[n] = (candidate, content, kind)
            break
    for m in sorted(merged_into, reverse=True):
        del results[m]
    return pieces


# --------------------------------------------------------------------------
# For document sources
# --------------------------------------------------------------------------

ISSUER_PREPOSITIONS = frozenset({"from", "by"})


def issuer_named_earlier(doc: Doc, source: Span) -> Span | None:
    """For a definite document source ("The Iranian statement said ..."),
    its issuer when the article named it earlier with the same noun ("a
    statement from the Iranian presidency", "a report by the Guardian") and
    every other word of the source is in that earlier phrase; else None
    (the document stays the source)."""
    words = [t for t in tokens_between(doc, source.start, source.end) if not (t.is_punct or t.is_space)]
    if len(words) < 2 or words[0].lower_ != "the":
        return None
    head = words[-1]
    if not _is_document(head):
        return None
    modifiers = {t.lower_ for t in words[1:-1]}
    for token in reversed(doc[: words[0].i]):
        if _lemma(token) != _lemma(head) or token.pos_ != "NOUN":
            continue
        for prep in token.children:
            if prep.dep_ != "prep" or prep.lower_ not in ISSUER_PREPOSITIONS:
                continue
            issuer = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if issuer is None:
                continue
            span = _source_span(doc, issuer)
            if span is None or not modifiers <= {t.lower_ for t in tokens_between(doc, token.idx, span[1])}:
                continue
            return _span(doc, *span)
    return None


# --------------------------------------------------------------------------
# For pronoun sources
# --------------------------------------------------------------------------

CANDIDATE_LABELS = frozenset({"PERSON", "ORG", "GPE"})


def resolve_pronoun_candidates(doc: Doc, attribution: Attribution, sentences_back: int = 3) -> list[Span]:
    """Entity mentions (PERSON, ORG, GPE) before the attribution's source (or
    cue), in its sentence and up to ``sentences_back`` sentences before,
    nearest first, one per distinct name; gender is not used."""
    anchor = attribution.source.start if attribution.source else attribution.cue.start
    sents = doc_sentences(doc)
    index = next((i for i, s in enumerate(sents) if s.start_char <= anchor < s.end_char), len(sents) - 1)
    lo = sents[max(0, index - sentences_back)].start_char if sents else 0
    mentions = [e for e in doc_entities(doc) if e.label_ in CANDIDATE_LABELS and lo <= e.start_char and e.end_char <= anchor]
    mentions.sort(key=lambda e: e.end_char, reverse=True)
    found: list[Span] = []
    names: set[str] = set()
    for ent in mentions:
        start, end = ent.start_char, ent.end_char
        while start < end and doc.text[start] in "“”\"‘’'(":
            start += 1
        while end > start and doc.text[end - 1] in "“”\"‘’'),.":
            end -= 1
        if doc.text[end - 2 : end] in ("’s", "'s"):
            end -= 2
        name = doc.text[start:end]
        if not name or name.casefold() in names:
            continue
        names.add(name.casefold())
        found.append(Span(start, end, name))
    return found


def name_of(doc: Doc, span: Span | None) -> str | None:
    """The name inside span: the name its last words spell when they are
    proper nouns ("Azeri Ambassador to the US Khazar Ibrahim" is Khazar
    Ibrahim: the head of a title-and-name phrase comes last), else the
    entity inside it, a PERSON before an ORG before a GPE; else None."""
    if span is None:
        return None
    tokens = [t for t in tokens_between(doc, span.start, span.end) if not t.is_punct]
    trailing: list[Token] = []
    for token in reversed(tokens):
        if token.pos_ != "PROPN" or token.lower_ in PERSON_NOUNS or token.lower_.rstrip(".") + "." in PERSON_TITLES:
            break
        trailing.insert(0, token)
    # "... to the US Khazar Ibrahim": a place that ends before the name is not part of it.
    while trailing and any(e.label_ in ("GPE", "NORP", "LOC", "ORG") and e.start <= trailing[0].i < e.end <= trailing[-1].i
                           for e in doc_entities(doc)):
        trailing.pop(0)
    if trailing and not any(e.label_ in ("GPE", "NORP", "LOC") and e.start <= trailing[0].i and trailing[-1].i < e.end
                            for e in doc_entities(doc)):
        return doc.text[trailing[0].idx : trailing[-1].idx + len(trailing[-1].text)]
    inside = [e for e in doc_entities(doc) if e.label_ in CANDIDATE_LABELS and span.start <= e.start_char and e.end_char <= span.end]
    if not inside:
        return None
    rank = {"PERSON": 0, "ORG": 1, "GPE": 2}
    return min(inside, key=lambda e: (rank[e.label_], -len(e.text), -e.start_char)).text


def source_description(doc: Doc, attribution: Attribution) -> list[tuple[int, int]]:
    """Where the sentence describes the speaker: the (start, end) character
    ranges of the source's phrase with everything that hangs on it (title,
    apposition, relative clause: "Maria Olsen, president of the Northfield
    Alliance," or "Pruitt, who ran the Army under Clinton"), less the cue and
    what was said. A name found only here is who the speaker is, not whom they
    spoke of. Empty without a source."""
    source = attribution.source
    if source is None:
        return []
    inside = [t for t in doc if source.start <= t.idx < source.end]
    heads = [t for t in inside if not source.start <= t.head.idx < source.end or t.head.i == t.i]
    if not heads:
        return []
    # A quotation split by its cue runs on over the cue and the speaker: what was said is its parts.
    spoken = [attribution.cue, *(attribution.parts or [attribution.content])]
    ranges: list[tuple[int, int]] = []
    previous = -2
    for token in heads[0].subtree:
        if any(s.start <= token.idx < s.end for s in spoken):
            continue
        end = token.idx + len(token.text)
        if ranges and token.i == previous + 1:  # one range for a run of words, so a name of several words fits in it
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((token.idx, end))
        previous = token.i
    return ranges
