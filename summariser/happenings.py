"""Events from syntax, for the sentences the model's events answer left out.

A small model lists fewer events than an article reports (on the seeds it
found 39 of 53, and missed most in long sentences about several things).
Every sentence with a word for a happening (``prepass.EVENT_CUE``) that no
answered event cites becomes an event here, built from the parse alone:

* the trigger is the sentence's first word for a happening, a verb preferred;
* the summary is the trigger's clause in the article's own words: its subject,
  the trigger, and its object or first prepositional phrase, without relative
  clauses, appositions and asides; it is whole pieces of the sentence (no word
  inside a piece dropped or respelled), shortened by whole trailing phrases,
  so it is never a sentence cut mid-phrase; a relative clause's subject is its
  antecedent; a noun phrase that names a happening without who took part, or
  an apposition describing an actor, is no event;
* the type comes from the trigger's words first, then the sentence's
  (``rules.TYPE_CUES``), else ``other``;
* participants are the names in the subject (agents) and in the object
  (targets); the date is the sentence's own date expression, unless it dates
  the verb that reports the happening ("announced on 31 May that ... during
  his recent visit": the visit is undated).

What is only ahead or wished for ("upcoming talks", "the importance of
holding exercises"), what a sentence comments on ("the drills signal
escalation") or remarks on ("he welcomed the ceasefire") is no event, from
the parse or from the model; what a sentence lists ("this includes attacks
on the ports off Oman") is, when the phrase names who or where.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from .articles import Article
from .datamodel import Event, Participant
from .grounding import evidence_at
from .prepass import EVENT_CUE, Sentence
from .attribution import REPORTING_VERBS
from .rules import TYPE_CUES

# Children that make a phrase long without saying what happened. Punctuation
# is not one: the hyphen of "Israel-made" belongs to the word; a comma left at
# the edge of a piece is dropped when the text is written (_text).
_ASIDES = frozenset({"relcl", "acl", "appos", "advcl", "parataxis", "ccomp", "mark", "meta"})
# A verb's conjuncts are further clauses; a noun's ("Israel and Turkiye") are part of the phrase.
_CLAUSE_LINKS = frozenset({"cc", "conj", "preconj"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
_OBJECTS = frozenset({"dobj", "obj", "attr", "oprd", "dative"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})
SUMMARY_WORDS = 14  # a summary longer than this keeps its head words only
MIN_SUMMARY_WORDS = 2  # 'the war' names an event; one word does not


def _phrase_tokens(head: Token, asides: frozenset[str] = _ASIDES) -> list[Token]:
    """``head`` and what depends on it, less the asides."""
    kept = [head]
    verb = head.pos_ in ("VERB", "AUX")
    for child in head.children:
        if child.dep_ not in asides and not (verb and child.dep_ in _CLAUSE_LINKS):
            kept.extend(_phrase_tokens(child, asides))
    return kept


# Who took part is named in an apposition ("the president, Ilham Aliyev") as
# often as in the phrase itself.
_ASIDES_BUT_NAMES = _ASIDES - {"appos"}


def _named_in(tokens: list[Token], span: Span) -> list[str]:
    """The names in these phrases, appositions included."""
    inside = set(tokens)
    heads = [t for t in tokens if t.head not in inside or t.head == t]
    return _names([t for head in heads for t in _phrase_tokens(head, _ASIDES_BUT_NAMES)], span)


def _trigger(span: Span) -> Token | None:
    """The first word for a happening in the sentence, a verb preferred."""
    return _preferred([t for t in span if _names_a_happening(t)])


# Words the cues' word starts take in that name no happening: "sign" is there
# for "signed", not for "signal" or "warning signs".
_NOT_HAPPENINGS = ("signal", "signific")


# Verbs for taking control of a place, which the model's cue words
# (``prepass.EVENT_CUE``, shown to the model) leave out: "Azerbaijan has
# conquered the corridor". Only the parse reads them.
_TAKING = frozenset({"conquer", "annex", "recapture", "retake"})


def _names_a_happening(token: Token) -> bool:
    """Whether the word is one for a happening (``prepass.EVENT_CUE``), or a
    verb for a named actor's taking a place."""
    if token.pos_ == "VERB" and token.lemma_.casefold() in _TAKING:
        return _tells_a_named_actors_act(token)
    if not EVENT_CUE.match(token.text) or token.lower_.startswith(_NOT_HAPPENINGS):
        return False
    return not (token.pos_ == "NOUN" and token.lemma_.casefold() == "sign")


def _preferred(cued: list[Token]) -> Token | None:
    """A verb that heads a clause first, then a noun; a participle that only
    describes a noun ("the newly elected president") last."""
    modifiers = [t for t in cued if t.dep_ in ("amod", "acomp") or (t.pos_ == "VERB" and t.dep_ == "compound")]
    verbs = [t for t in cued if t.pos_ in ("VERB", "AUX") and t not in modifiers]
    nouns = [t for t in cued if t not in verbs and t not in modifiers]
    first = (verbs or nouns or modifiers or [None])[0]
    return _head_noun(first) if first is not None else None


def _head_noun(token: Token) -> Token:
    """The noun a modifier word for a happening belongs to, when that noun names
    a happening too: "drone" in "drone attacks", "phone" in "phone call"; not
    "launch" in "launch formation"."""
    while token.dep_ in ("compound", "amod", "nmod") and token.head != token and token.head.pos_ in ("NOUN", "PROPN"):
        head = token.head
        if not (EVENT_CUE.match(head.text) or _type_of(f"{token.text} {head.text}") != "other"):
            break
        token = head
    return token


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
    preps = [c for c in verb.children if c.dep_ in ("prep", "agent") and c.i > verb.i]
    # "accused Azerbaijan | of threatening", "sent troops | to the border": the
    # object's first prepositional phrase completes what was done.
    objects += preps[:1]
    obj = [t for c in objects for t in _phrase_tokens(c)]
    obj += [t for c in preps[1:2] if _closes_a_range(c, obj) for t in _phrase_tokens(c)]
    return subject, core, obj


# A range's two ends: "between 2016 to 2020", "from May until June".
_RANGE_STARTS = frozenset({"between", "from"})
_RANGE_ENDS = frozenset({"to", "until", "till", "through"})


def _closes_a_range(prep: Token, kept: list[Token]) -> bool:
    """Whether the prepositional phrase closes a range the kept words open:
    the parse may hang "between 2016" on a noun and "to 2020" on the verb, and
    a range with one end ("imports between 2016") says something else."""
    before = prep.doc[prep.i - 1] if prep.i > 0 else None
    if prep.lower_ not in _RANGE_ENDS or before is None or before not in kept:
        return False
    return any(a.dep_ == "prep" and a.lower_ in _RANGE_STARTS for a in (before, *before.ancestors) if a in kept)


def _subject_of(verb: Token) -> tuple[list[Token], list[Token]]:
    """The verb's subject phrase, and the words that link it to the verb. An
    infinitive without a subject takes the subject of the verb it depends on,
    with that verb and its object ("Iran used drones | to kill two people")."""
    link: list[Token] = []
    for _ in range(3):
        own = [t for c in verb.children if c.dep_ in _SUBJECTS for t in _phrase_tokens(c)]
        if verb.dep_ == "relcl" and len(own) == 1 and own[0].tag_ in ("WDT", "WP"):
            own = _antecedent(verb)  # "the U.S., which bombed": the U.S. bombed
        if not own and verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ == "VERB":
            # "criticised Azerbaijan | for deploying drones": the one blamed did it.
            doer = verb.head.head
            own = [t for c in doer.children if c.dep_ in _OBJECTS for t in _phrase_tokens(c)]
            if not own and verb.head.lower_ == "by":
                # "the regime acted | by attacking Iran": the subject did it, and that is how.
                own = [t for c in doer.children if c.dep_ in _SUBJECTS for t in _phrase_tokens(c)]
                link = [doer, verb.head] if own else link
        if len(own) == 1 and own[0].tag_ == "PRP" and verb.dep_ in ("advcl", "conj"):
            own = _pronoun_antecedent(own[0], verb.head) or own
        if own or verb.dep_ not in ("xcomp", "advcl") or verb.head == verb:
            return own, link
        head = verb.head
        # "attempts were made | by Tehran | to attack": who made them is who attacked.
        link = [head] + [c for c in head.children if c.dep_ in ("aux", "auxpass", "neg", "prt")] + [
            t for c in head.children if c.dep_ in _OBJECTS | {"agent"} for t in _phrase_tokens(c)] + link
        verb = head
    return [], []


# Which names a personal pronoun can stand for.
_PRONOUN_LABELS = {
    "it": frozenset({"GPE", "ORG", "NORP", "FAC", "LOC"}), "he": frozenset({"PERSON"}), "she": frozenset({"PERSON"}),
    "they": _NAME_LABELS,
}


def _pronoun_antecedent(pronoun: Token, head_verb: Token) -> list[Token]:
    """The subject of the clause a pronoun's clause is joined to, when that
    subject is a name the pronoun can stand for ("Israel is ..., as it has
    provided"): the only antecedent the sentence itself settles."""
    labels = _PRONOUN_LABELS.get(pronoun.lower_, frozenset())
    for subject in (c for c in head_verb.children if c.dep_ in ("nsubj", "nsubjpass")):
        kind_unknown = not subject.ent_type_ and pronoun.lower_ in ("it", "they")  # "Baku ..., as it has"
        if subject.pos_ == "PROPN" and (subject.ent_type_ in labels or kind_unknown):
            return _phrase_tokens(subject)
    return []


def _antecedent(relative_verb: Token) -> list[Token]:
    """The phrase a relative clause's pronoun stands for. The parse often hangs
    the clause on the phrase around a name ("the standards of the U.S., which
    bombed"): a name just before the pronoun is the one it stands for."""
    head = relative_verb.head
    pronoun = min(t.i for t in relative_verb.subtree)
    before = [t for t in head.subtree if t.i < pronoun and t.pos_ in ("NOUN", "PROPN")]
    if before and before[-1] != head:
        named = [e for e in relative_verb.doc.ents if e.start <= before[-1].i < e.end and e.label_ in _NAME_LABELS]
        if named:
            head = named[0].root
    return _phrase_tokens(head)


def _words(tokens: Iterable[Token]) -> int:
    """Words as written: "Iran’s" is one, "Israel-made" two."""
    return sum(1 for t in tokens if not t.is_punct and not t.is_space and not _clitic(t))


def _clitic(token: Token) -> bool:
    before = token.doc[token.i - 1] if token.i > 0 else None
    return before is not None and not before.whitespace_ and not before.is_punct


# Quotation marks a summary leaves out: one cut at a piece's edge would stay open.
_DOUBLE_QUOTES = frozenset('"\u201c\u201d\u201e\u00ab\u00bb`')
_BRACKETS = {")": "(", "]": "["}
# Punctuation that only separates ("5%" keeps its sign).
_SEPARATORS = frozenset(",;:.!?-\u2013\u2014\u2026'\u2018\u2019()[]/")


def _text(tokens: Iterable[Token]) -> str:
    """The tokens as the article writes them: each run of tokens with no word
    left out between them is the article's own text from its first to its last
    character ("Israel-made", "casualties and the bombing"), one plain space
    for any gap (a no-break space, a line break, a dropped aside); the pieces
    are joined by a space, without the punctuation left at their edges."""
    pieces = []
    for run in _runs(sorted(set(tokens), key=lambda t: t.i)):
        run = _trimmed(run)
        if run:
            doc = run[0].doc
            pieces.append(" ".join(doc.text[run[0].idx:run[-1].idx + len(run[-1].text)].split()))
    return " ".join(pieces).strip(" ,;:")


def _runs(ordered: list[Token]) -> list[list[Token]]:
    """The tokens in runs of neighbours (spaces between them aside), split at double quotes."""
    runs: list[list[Token]] = []
    for token in ordered:
        if token.is_space:
            continue
        if token.text in _DOUBLE_QUOTES:
            runs.append([])
        elif runs and runs[-1] and _next_to(runs[-1][-1], token):
            runs[-1].append(token)
        else:
            runs.append([token])
    return [run for run in runs if run]


def _next_to(before: Token, token: Token) -> bool:
    return all(t.is_space for t in before.doc[before.i + 1:token.i])


def _trimmed(run: list[Token]) -> list[Token]:
    """The run without punctuation at its edges, but for a closing bracket whose opening it holds."""
    while run and _separator(run[0]):
        run = run[1:]
    while run and _separator(run[-1]) and not (_BRACKETS.get(run[-1].text) in {t.text for t in run}):
        run = run[:-1]
    return run


def _separator(token: Token) -> bool:
    return token.is_punct and all(c in _SEPARATORS for c in token.text)


def _names(tokens: list[Token], span: Span) -> list[str]:
    inside = {t.i for t in tokens}
    return [e.text for e in span.ents if e.label_ in _NAME_LABELS and e.start in inside]


def _type_of_word(trigger: Token) -> str | None:
    """The kind of happening the word for it names by itself ("airstrikes",
    "drills", "visit"), None when the word alone does not say ("war")."""
    # A light verb's object names it: "launched drills", "carried out strikes".
    words = [trigger] + [c for c in trigger.children if c.dep_ in _OBJECTS]
    for word in words:
        for event_type, cue in TYPE_CUES:
            if cue.match(word.text) or cue.match(word.lemma_):
                return event_type
    return None


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
    if trigger is None or _only_talked_about(trigger):
        return None
    subject, core, obj = _clause(trigger)
    told, tokens, why = _happening_words(trigger, _noun_phrase(trigger) or subject + core + obj, span)
    if why == _NO_ACTORS and not _in_passing(trigger):
        # The parse alone found the sentence, and its noun is the one thing it
        # says of the happening ("the explosion killed 12"; "the attack was
        # claimed by ETA"): a mention of it, kept for where the article tells it.
        told, tokens = trigger, _noun_phrase(trigger) or subject + core + obj
    if told is not trigger:
        trigger, (subject, core, obj) = told, _clause(told)
    summary = _short_text(tokens, trigger)
    if len(summary.split()) < MIN_SUMMARY_WORDS or did_not_happen(trigger, summary):
        return None
    date_text = sentence.dates[0] if sentence.dates else None
    agents, targets = _roles(subject, core, obj, span)
    participants = [Participant(name=n, role="agent") for n in agents]
    participants += [Participant(name=n, role="target") for n in targets if n not in agents]
    return Event(
        summary=summary,
        event_type=_type_of(_text(core + obj), sentence.text),
        date_text=None if _date_of_the_report(trigger, date_text, span) else date_text,
        participants=participants,
        evidence=evidence_at(article.text, sentence.start, sentence.end),
    )


def _roles(subject: list[Token], core: list[Token], obj: list[Token], span: Span) -> tuple[list[str], list[str]]:
    """Who did it and who it was done to: the subject's names, or in the passive
    the names after "by" ("airspace was used | by Israeli drones")."""
    by = [t for a in core + obj if a.dep_ == "agent" for t in _phrase_tokens(a)]
    if by or any(t.dep_ == "nsubjpass" for t in subject):
        agents = _named_in(by, span) if by else []
        return agents, [n for n in _named_in(subject + [t for t in obj if t not in by], span) if n not in agents]
    return _named_in(subject, span), _named_in(obj, span)


def events_left_out(
    doc: Doc, sentences: list[Sentence], article: Article, cited: set[int], told: Iterable[Event] = ()
) -> list[Event]:
    """Events for the sentences with a word for a happening that no answered
    event cites, and the happenings a sentence tells as another's outcome
    ("..., killing several commanders", "the war, which resulted in the deaths
    of 6,000 soldiers") that no event (``told`` or found here) says."""
    found: list[Event] = []
    told = list(told)
    for sentence in sentences:
        if not (sentence.event_cue or _takes_a_place(doc, sentence)):
            continue
        if sentence.number not in cited:
            event = event_of_sentence(doc, sentence, article)
            if event is not None:
                found.append(event)
        said = [e.summary for e in told + found if sentence.start <= e.evidence.start < sentence.end]
        found += [e for e in outcomes_of_sentence(doc, sentence, article) if not _said_in(e, said)]
    return found


def _takes_a_place(doc: Doc, sentence: Sentence) -> bool:
    """Whether a named actor takes a place in the sentence ("Azerbaijan has conquered the corridor")."""
    span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    return span is not None and any(t.lemma_.casefold() in _TAKING and _names_a_happening(t) for t in span)


def _said_in(event: Event, summaries: list[str]) -> bool:
    """Whether a summary already says the outcome: it holds the outcome's word for it."""
    words = {w.casefold().strip(",;:.") for summary in summaries for w in summary.split()}
    return any(w.casefold() in words for w in _outcome_words(event.summary))


_CASUALTIES = dict(TYPE_CUES)["casualties"]


def _outcome_words(summary: str) -> list[str]:
    """The summary's words for casualties ("killing", "deaths")."""
    return [w for w in summary.split() if _CASUALTIES.match(w)]


# Verbs whose subject is a happening and whose object its outcome: "the war
# resulted in deaths", "the blast caused casualties", "the war claimed 6,000 lives".
_RESULTING = frozenset({"result", "cause", "claim", "leave"})


def outcomes_of_sentence(doc: Doc, sentence: Sentence, article: Article) -> list[Event]:
    """The casualties a sentence tells as the outcome of another happening:
    a participle after a comma ("Israel launched airstrikes, | killing several
    commanders": the subject of the verb it goes with did it) or a relative
    clause on a happening ("the conflict, | which resulted in the deaths of
    6,000 soldiers")."""
    span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    if span is None:
        return []
    events = []
    for token in span:
        clause = _outcome_clause(token)
        if clause is None:
            continue
        subject, core, obj = clause
        outcome = next((t for t in sorted(obj, key=lambda t: t.i) if _CASUALTIES.match(t.text)), token)
        summary = _short_text(subject + core + obj, outcome)
        if len(summary.split()) < MIN_MODEL_SUMMARY_WORDS or did_not_happen(token, summary) or not _outcome_words(summary):
            continue
        # Who the summary names: a name the parse joined to the words left out is not one.
        parties = _parties(subject) if token.dep_ == "relcl" else subject
        agents, targets = ([n for n in names if n in summary] for names in _roles(parties, core, obj, span))
        date_text = sentence.dates[0] if sentence.dates else None
        events.append(Event(
            summary=summary,
            event_type="casualties",
            date_text=None if _date_of_the_report(token, date_text, span) else date_text,
            participants=[Participant(name=n, role="agent") for n in agents]
            + [Participant(name=n, role="target") for n in targets if n not in agents],
            evidence=evidence_at(article.text, sentence.start, sentence.end),
        ))
    return events


def _outcome_clause(token: Token) -> tuple[list[Token], list[Token], list[Token]] | None:
    """Subject, core and object words of the clause telling the outcome the
    word heads, or None when it heads none."""
    if token.pos_ != "VERB":
        return None
    if token.dep_ == "relcl" and token.lemma_.casefold() in _RESULTING:
        subject = _happening_antecedent(token)
        if not subject:
            return None
        _, core, obj = _clause(token)
        return subject, core, obj
    if token.tag_ != "VBG" or not _names_a_happening(token) or token.i == 0 or token.nbor(-1).text != ",":
        return None
    if any(c.dep_ in _SUBJECTS for c in token.children) or not any(c.dep_ in _OBJECTS for c in token.children):
        return None
    node = token
    while node.dep_ == "conj" and node.head.tag_ == "VBG":
        node = node.head  # "targeting facilities, killing commanders": both go with "launched"
    if node.dep_ != "advcl" or not _tells_a_named_actors_act(node.head):
        return None
    doer = node.head
    subject, _ = _subject_of(doer)
    core = [doer] + [c for c in doer.children if c.dep_ in ("aux", "auxpass", "neg", "prt")]
    done = [t for c in doer.children if c.dep_ in _OBJECTS for t in _phrase_tokens(c)]
    return subject, core, done + _phrase_tokens(token)


def _happening_antecedent(relative_verb: Token) -> list[Token]:
    """The happening a relative clause of outcome goes with: the noun the
    parse hangs it on, or the common noun whose phrase ends on that name ("the
    conflict between Baku and Yerevan, | which resulted in")."""
    node = relative_verb.head
    while node.pos_ != "NOUN" and node.head != node and node.dep_ in ("pobj", "prep", "conj", "compound", "appos"):
        node = node.head
    return _phrase_tokens(node) if node.pos_ == "NOUN" else []


def _parties(happening: list[Token]) -> list[Token]:
    """The words of a happening's phrase that name who took part in it: those
    after "between", "by", "against" or "with" ("the Nagorno-Karabakh conflict
    | between Baku and Yerevan": not the place it is named after), else all."""
    inside = set(happening)
    named = [t for p in happening if p.dep_ == "prep" and p.lower_ in _ACTOR_PREPOSITIONS and p.head in inside
             for t in p.subtree if t in inside]
    return named or happening


# --------------------------------------------------------------------------
# The model's events, checked against the parse
# --------------------------------------------------------------------------

# The 'what' field's cap (questions.Happening): a summary this long was most
# likely cut by the grammar mid-phrase.
_CUT_AT = 52
# A phrase never ends on these words; a summary that does was cut.
_DANGLING = frozenset(
    "a an the and or but of to in on at for with by from that which who as than its his her their our "
    "would will could should has have had is are was were be been".split()
)
# Neutral verbs of saying, as written: a summary built on one reports a remark,
# not a happening. Narrower than attribution.SPEECH_VERBS on purpose: 'accused',
# 'denied' and 'announced' report happenings of their own (accusations, denials).
_SAYING = frozenset(
    "said says told tells added noted emphasized emphasised emphasizes stressed mentioned informed remarked "
    "reiterated reiterating stated explained highlighted underlined expressed".split()
)
# Words that make a clause something that did not (yet) happen.
_IRREALIS_AUX = frozenset({"would", "will", "could", "might", "may", "should", "can", "shall", "'d", "'ll", "wo"})
_IRREALIS_VERBS = frozenset(
    {"plan", "intend", "threaten", "want", "seek", "aim", "prepare", "vow", "prevent", "refuse", "hope", "consider",
     "propose", "urge", "expect", "schedule", "wish"}
)
# Nouns that make what they govern only wished for or ahead: "the importance of
# holding exercises", "a proposal for talks", "the desire to expand ties".
_UNREALISED_NOUNS = frozenset(
    "importance need necessity proposal plan hope desire call intention wish possibility prospect readiness "
    "willingness offer request demand".split()
)
# Words that put a happening ahead: "upcoming talks", "the planned summit".
_AHEAD = frozenset("upcoming forthcoming future planned proposed prospective potential possible scheduled".split())


# "to attack", "peace talks": too few words to say who did what, and a phrase
# that short matches every summary holding it when reports are merged.
MIN_MODEL_SUMMARY_WORDS = 3


def _cut(summary: str, sentence: str) -> bool:
    """Whether the summary was cut: it fills the cap, ends on a word that leads
    on, or is the sentence's own opening words and stops short of its end
    ("According to a report by the Guardian in 2019, Shia")."""
    words = summary.split()
    if len(summary) >= _CUT_AT or (len(words) > 1 and words[-1].casefold().strip(",;:") in _DANGLING):
        return True
    opening, whole = " ".join(words).casefold(), " ".join(sentence.split()).casefold()
    return len(words) > MIN_MODEL_SUMMARY_WORDS and whole.startswith(opening) and len(whole) - len(opening) > 15


# A claim is an accusation of its own ("Iranian media claimed a Zionist
# presence") or the claim a denial answers; a summary built on "claimed" under
# any other type reports a remark ("Diaz claimed in 2020" typed attack). Verbs
# of appraisal always report one.
_CLAIMING = frozenset({"claimed"})
_APPRAISING = frozenset(
    "welcomed welcomes criticized criticised criticizes criticises condemned condemns praised praises hailed".split()
)


def _reports_a_remark(summary: str, event_type: str = "other") -> bool:
    words = [word.casefold().strip(",;:") for word in summary.split()[:5]]
    return any(w in _SAYING or w in _APPRAISING or (w in _CLAIMING and event_type not in ("accusation", "denial")) for w in words)


def _summary_trigger(span: Span, summary: str) -> Token | None:
    """The sentence's word for a happening that the summary is about: one the
    summary repeats (a verb preferred), else the sentence's first."""
    stems = {word.casefold()[:5] for word in summary.split() if len(word) >= 4}
    return _preferred([t for t in span if _names_a_happening(t) and t.text.casefold()[:5] in stems]) or _trigger(span)


def did_not_happen(trigger: Token, summary: str = "") -> bool:
    """Whether the trigger's clause is negated, hypothetical or still ahead:
    "would not allow Israel to attack", "will never permit strikes", "plans to
    strike", "the importance of holding exercises in the future", "proposed
    sending a delegation for upcoming talks". What is ahead is no event unless
    the summary tells the act that did happen around it ("invited him to
    attend the upcoming summit")."""
    node, seen = trigger, 0
    while seen < 6:
        children = list(node.children)
        if any(c.dep_ == "neg" and not _not_until(c) for c in children):
            return True
        if any(c.dep_ == "aux" and c.text.casefold() in _IRREALIS_AUX for c in children):
            return True
        if node != trigger and node.pos_ == "VERB" and node.lemma_.casefold() in _IRREALIS_VERBS:
            return True
        if _ahead(node, trigger) and not _summary_tells_a_done_act_above(node, summary):
            return True
        if node.head == node or node.dep_ == "parataxis" or (node.dep_ == "ccomp" and _reports(node.head)):
            return False  # the sentence, or the clause someone reports: its own modality was checked
        node, seen = node.head, seen + 1
    return False


def _ahead(node: Token, trigger: Token) -> bool:
    """Whether this word of the trigger's path says what it governs is only
    wished for or still to come: a noun like "proposal" above the trigger, or
    "upcoming", "planned", "in the future" on it."""
    if node != trigger and node.pos_ == "NOUN" and node.lemma_.casefold() in _UNREALISED_NOUNS:
        return True
    for child in node.children:
        if child.dep_ in ("amod", "advmod", "npadvmod") and child.lower_ in _AHEAD:
            return True
        if child.dep_ == "prep" and child.lower_ == "in" and any(g.lower_ == "future" for g in child.children):
            return True
    return False


def _summary_tells_a_done_act_above(node: Token, summary: str) -> bool:
    """Whether the summary is told by a verb above ``node`` that reports a
    done act of its own ("invited"), not a remark ("highlighted") or a wish."""
    words = {w.casefold().strip(",;:.") for w in summary.split()}
    return any(
        a.pos_ == "VERB" and a.tag_ in ("VBD", "VBZ", "VBP") and a.lower_ in words
        and a.lemma_.casefold() not in REPORTING_VERBS | _IRREALIS_VERBS
        for a in node.ancestors
    )


# Predicates that say what a happening named as their subject means or is, not
# what happened: "the drills signal escalation", "the deal stirred tensions",
# "this meeting came after clashes", "the bombings were retaliation". Closed on
# purpose: any other predicate of a happening tells it ("killings rocked the
# town", "the explosion caused damage", "the talks came to nothing").
_COMMENTING = frozenset(
    "be signal mark represent show suggest indicate reflect remain seem appear stir fuel raise pose present "
    "underscore highlight demonstrate prove constitute amount serve signify mean illustrate symbolise symbolize "
    "come concern".split()
)
# Verbs whose object (or passive subject) is only talked about: "welcomed the
# ceasefire", "highlighting casualties", "the attack was condemned". Not the verbs that bring one about: "called a ceasefire",
# "announced a truce", "declared war", "agreed a deal".
_REMARKING = (REPORTING_VERBS - {"call", "announce", "declare", "agree", "vote", "charge"}) | frozenset(
    "signal mark represent regard consider view describe characterise characterize show "
    "underscore highlight".split()
)


def _only_talked_about(trigger: Token) -> bool:
    """Whether the noun for the happening is what a comment or remark is about,
    not itself told as happening: the subject of a predicate that says what
    it means or is ("The drills signal escalation", "The deal stirred
    tensions", "The attack was a crime"), or the object of a remark or an
    evaluation ("He welcomed the ceasefire"). A noun in a phrase of
    circumstance ("in a phone call", "regret over the attacks"), the object of
    a verb of doing ("launched drills") and one a verb lists ("This includes
    attacks") name what happened."""
    while trigger.dep_ == "conj" and trigger.head.pos_ in ("NOUN", "PROPN"):
        trigger = trigger.head  # "casualties and the bombing": the first conjunct's place in the clause
    head = trigger.head
    if trigger.pos_ not in ("NOUN", "PROPN") or head == trigger or head.pos_ not in ("VERB", "AUX"):
        return False
    if trigger.dep_ in ("nsubj", "attr"):
        return _comments(head)
    if trigger.dep_ in ("dobj", "nsubjpass"):
        # "the attack is believed to have been carried out by ETA": the subject is the infinitive's.
        raised = trigger.dep_ == "nsubjpass" and any(c.dep_ == "xcomp" for c in head.children)
        if _listed(trigger):  # "This includes attacks": what it stands for happened, unless only planned
            return any(c.dep_ == "nsubj" and c.lemma_.casefold() in _UNREALISED_NOUNS for c in head.children)
        return head.lemma_.casefold() in _REMARKING and not _names_a_happening(head) and not raised
    return False


def _comments(verb: Token) -> bool:
    """Whether the predicate says what its subject means or is ("signal",
    "stirred", "came after", "was a crime"), not what happened ("There was an
    explosion", "the truce came into effect")."""
    lemma = verb.lemma_.casefold()
    if lemma == "be":
        return not any(c.dep_ == "expl" for c in verb.children) and not _places_or_dates(verb)
    if lemma == "come":
        return not any(c.dep_ == "prep" and c.lower_ in ("into", "to") for c in verb.children)
    return lemma in _COMMENTING


_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_WHEN_LABELS = frozenset({"DATE", "TIME"})


def _places_or_dates(verb: Token) -> bool:
    """Whether "be" says where or when its subject happened ("the worst explosion
    was at the bus station", "the bombing was an attack on 13 September"): a
    place or a date in what follows "be" tells the happening, not a comment on it."""
    after = [t for c in verb.children if c.dep_ in ("prep", "attr", "acomp", "npadvmod") for t in c.subtree]
    return any(t.ent_type_ in _PLACE_LABELS | _WHEN_LABELS for t in after) or any(
        c.dep_ == "prep" and c.lower_ in ("at", "in", "near", "outside", "inside") for c in verb.children
    )


def _date_of_the_report(trigger: Token, date_text: str | None, span: Span) -> bool:
    """Whether the date expression dates the sentence's reporting verb and not
    the happening in what it reports: in "Herzog announced on 31 May that ...
    during his recent visit", 31 May is the day of the announcement."""
    if date_text is None:
        return False
    at = span.text.find(date_text)
    if at < 0:
        return False
    date = span.doc.char_span(span.start_char + at, span.start_char + at + len(date_text), alignment_mode="expand")
    if date is None:
        return False
    verb = _clause_verb(date.root)
    return verb is not None and _reports(verb) and _in_what_it_reports(trigger, verb)


def _clause_verb(token: Token) -> Token | None:
    """The verb whose clause the word is in (the word itself when a verb)."""
    for node in (token, *token.ancestors):
        if node.pos_ in ("VERB", "AUX"):
            return node
    return None


def _in_what_it_reports(trigger: Token, verb: Token) -> bool:
    """Whether the trigger is in the clause the reporting verb reports ("announced
    that ... during his visit"), not in its object ("announced its approval of
    opening an embassy": the announcement is the act)."""
    node = trigger
    while node.head != node and node != verb:
        if node.head == verb:
            return node.dep_ in ("ccomp", "parataxis")
        node = node.head
    return False


def _not_until(neg: Token) -> bool:
    """"it was not until May that Chile signed": the signing happened."""
    return neg.i + 1 < len(neg.doc) and neg.nbor(1).lower_ == "until"


def _reports(verb: Token) -> bool:
    return verb.lemma_.casefold() in REPORTING_VERBS


# Verbs whose object lists instances of what their subject stands for: "This
# includes attacks on the ports" tells that the attacks happened.
_LISTING = frozenset({"include", "involve"})


def _listed(noun: Token) -> bool:
    """Whether the noun is the object of a verb that lists instances ("This includes | attacks")."""
    return noun.dep_ == "dobj" and noun.head.pos_ == "VERB" and noun.head.lemma_.casefold() in _LISTING


def _noun_phrase(trigger: Token) -> list[Token] | None:
    """The phrase of a noun for a happening that a preposition attaches ("in a
    phone conversation with Aliyev") or that a verb lists ("This includes |
    attacks on the ports"): the event is the phrase, not the verb the
    preposition hangs on ("made the remarks") or the list."""
    head = _head_noun(trigger)
    if head.pos_ not in ("NOUN", "PROPN") or not (head.dep_ == "pobj" or _listed(head)):
        return None
    # The noun must name the happening with its modifiers ("phone call"), not a thing ("launch formation").
    compound = [c for c in head.children if c.dep_ == "compound"] + [head]
    if not EVENT_CUE.match(head.text) and _type_of(_text(compound)) == "other":
        return None
    return _phrase_tokens(head, _ASIDES_BUT_NAMES)


def checked_event(event: Event, doc: Doc, sentence: Sentence) -> tuple[Event | None, str | None]:
    """The model's event with a summary that is a clause of its sentence.

    A small model copies the sentence's first words into 'what' until the cap
    cuts them ("Mukhtar Mammadov, told The Jerusalem Post that Baku would"), or
    writes who said something instead of what happened. Either way the summary
    becomes the clause of the sentence's word for the happening, from the parse.
    A happening the sentence says did not (or will not) happen is no event, nor
    is a remark with no word for a happening at all. Returns the event, or None
    and the reason it was dropped.
    """
    span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    if span is None:
        return event, None
    trigger = _summary_trigger(span, event.summary)
    if trigger is not None and _describes_a_thing(trigger):
        trigger = None  # "their drone efficiency": a word for a happening naming a thing
    remark = _reports_a_remark(event.summary, event.event_type)
    if trigger is None and remark:
        return None, f"'{event.summary}' reports a remark, not a happening"
    if trigger is None and not any(cue.search(sentence.text) for _, cue in TYPE_CUES):
        # "Relations between the two have presented warning signs": comment, not news.
        return None, f"'{event.summary}': no word in its sentence names a happening"
    if trigger is None and not any(_typed_verb(t) for t in span):
        # "The biggest speculations are regarding Israel's diplomatic ties": a kind of happening named, none told.
        return None, f"'{event.summary}': no verb in its sentence tells a happening"
    if trigger is not None and did_not_happen(trigger, event.summary):
        return None, f"'{event.summary}': the sentence says it did not or may not happen"
    if trigger is not None and _only_talked_about(trigger):
        return None, f"'{event.summary}': the sentence comments on a happening or remarks on it, it does not report it"
    if trigger is not None and _date_of_the_report(trigger, event.date_text, span):
        event = event.model_copy(update={"date_text": None})  # the report's date, not the happening's
    if trigger is not None and (sure := _type_of_word(trigger)) is not None:
        event = event.model_copy(update={"event_type": sure})
    describes = trigger is not None and (
        _predicate_nominal(trigger) is not None or _describes_a_noun(trigger) or _listed(_head_noun(trigger)))
    if not (remark or describes or _cut(event.summary, sentence.text)
            or len(event.summary.split()) < MIN_MODEL_SUMMARY_WORDS):
        return event, None
    summary = ""
    if trigger is not None:
        trigger, tokens, why = _happening_words(trigger, _noun_phrase(trigger) or _clause_tokens(trigger), span)
        if why is not None:
            return None, f"'{event.summary}': {why}"
        summary = _short_text(tokens, trigger)
    if len(summary.split()) < MIN_SUMMARY_WORDS and remark:
        return None, f"'{event.summary}' reports a remark, not a happening"
    if len(summary.split()) < MIN_MODEL_SUMMARY_WORDS:
        # No clause of its own around the word ("to attack"): the sentence's main clause says it.
        summary = _short_text(_clause_tokens(span.root), span.root)
        if len(summary.split()) < MIN_MODEL_SUMMARY_WORDS and (remark or _cut(event.summary, sentence.text)):
            return None, f"'{event.summary}' stops mid-phrase or reports a remark, and no clause of its sentence says what happened"
        if len(summary.split()) < MIN_MODEL_SUMMARY_WORDS:
            return event, None
    return event.model_copy(update={"summary": summary}), None


# Prepositions that name who took part in a happening a noun names: "an attack
# by Azerbaijan", "talks between Baku and Yerevan", "a war against Armenia",
# "a call with Aliyev".
_ACTOR_PREPOSITIONS = frozenset({"by", "between", "against", "with"})
_ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def _happening_words(trigger: Token, tokens: list[Token], span: Span) -> tuple[Token, list[Token], str | None]:
    """The words that say the happening with who took part, and their word for
    it; no words and the reason when the sentence has none.

    A noun phrase that names a happening without who took part ("the war",
    "subsequent drills") gives way to the clause of a verb for a happening in
    the sentence that has its subject; without one it is no event. A phrase in
    apposition ("Israel, a key arms supplier to Baku") says who someone is.
    So does a predicate nominal ("Israel is one of Baku's arms suppliers") and
    a participle describing a noun ("trucks supplying goods"): the happening is
    then the sentence's clause that tells a named actor's act, if it has one."""
    if _in_apposition(trigger):
        return trigger, [], "an apposition: it says who someone is, not what happened"
    if _predicate_nominal(trigger) is not None or _describes_a_noun(trigger):
        verb = _act_told_beside(trigger)
        if verb is None:
            return trigger, [], "describes what someone or something is, not what happened"
        return verb, _clause_tokens(verb), None
    if not _headed_by_a_noun(tokens) or _names_who(tokens):
        return trigger, tokens, None
    if _listed(_head_noun(trigger)):
        # The list's subject ("this") says nothing of who: the phrase must say who or where.
        return (trigger, tokens, None) if _names_where(tokens) else (
            trigger, [], "names a happening but not who took part in it or where")
    subject, core, obj = _clause(trigger)
    if subject and core and not _when(trigger):  # "Yerevan and Baku are engaging | in peace talks"
        return trigger, subject + core + obj, None
    verb = next((t for t in span if _verb_for_a_happening(t) and t != trigger), None)
    if verb is None:
        return trigger, [], _NO_ACTORS
    return verb, _clause_tokens(verb), None


_NO_ACTORS = "names a happening but not who took part in it"
# Nouns for a time that a happening marks: "at the onset of the war".
_TIME_NOUNS = frozenset("onset start beginning end height aftermath wake eve time course outbreak day days".split())
# Prepositions that make a happening what something is about: "concern about the drills".
_TOPIC_PREPOSITIONS = frozenset({"about", "over", "regarding", "concerning", "on"})


def _in_passing(trigger: Token) -> bool:
    """Whether a noun for a happening is only named in passing: a time it sets
    ("after the war", "at the onset of the war") or what a remark is about
    ("concern about subsequent drills", "claims regarding the drills")."""
    node = _head_noun(trigger)
    while node.dep_ in ("pobj", "conj") and node.head != node:
        preposition = node.head if node.dep_ == "pobj" else None
        if preposition is not None and preposition.lower_ in _TIME_PREPOSITIONS | _TOPIC_PREPOSITIONS:
            return True
        if preposition is not None and preposition.lower_ == "of" and preposition.head.lemma_.casefold() in _TIME_NOUNS:
            return True
        node = preposition.head if preposition is not None else node.head
    return False


# Prepositions that place a happening in time: "After the war, Karabakh
# became ..." is not what the war's clause says.
_TIME_PREPOSITIONS = frozenset({"after", "before", "during", "since", "until", "following", "amid", "throughout"})


def _when(trigger: Token) -> bool:
    return trigger.dep_ == "pobj" and trigger.head.lower_ in _TIME_PREPOSITIONS


def _predicate_nominal(trigger: Token) -> Token | None:
    """The copula whose complement the word for a happening is in ("Israel is
    one of | Baku's arms suppliers"), None when it is not in one. A complement
    that says what a happening was tells it: "There was an explosion", "It was
    the first death since 2017", "The bombing was an attack"."""
    node = _head_noun(trigger)
    while node.head != node and node.head.pos_ not in ("VERB", "AUX"):
        node = node.head
    copula = node.head
    if node.dep_ != "attr" or copula.lemma_.casefold() != "be":
        return None
    subjects = [c for c in copula.children if c.dep_ == "nsubj"]
    described = [s for s in subjects if s.pos_ != "PRON" and not _names_a_happening(_head_noun(s))]
    return copula if described else None


def _describes_a_noun(trigger: Token) -> bool:
    """Whether the word is a participle describing a noun ("trucks | supplying goods")."""
    return trigger.pos_ == "VERB" and trigger.dep_ == "acl" and trigger.tag_ in ("VBG", "VBN")


def _act_told_beside(trigger: Token) -> Token | None:
    """The verb of the clause that tells the happening a description goes
    with: for a predicate nominal, a clause joined to its copula ("Israel is
    one of Baku's suppliers, | as it has provided Baku with arms"); for a
    participle describing a noun, the clause the noun is in ("Baku imposed a
    tax on | trucks supplying goods"). Only a done act of a named actor counts."""
    copula = _predicate_nominal(trigger)
    if copula is not None:
        beside = [c for c in copula.children if c.dep_ in ("advcl", "conj") and c.pos_ == "VERB"]
    else:
        beside = [v for v in (_clause_verb(trigger.head),) if v is not None]
    return next((verb for verb in beside if _tells_a_named_actors_act(verb)), None)


def _tells_a_named_actors_act(verb: Token) -> bool:
    """Whether the verb tells what a named actor did: past or perfect, not
    negated or hypothetical, no verb of saying, thinking or commenting, and a
    subject that names someone."""
    lemma = verb.lemma_.casefold()
    if verb.pos_ != "VERB" or lemma in REPORTING_VERBS | _IRREALIS_VERBS | _COMMENTING | _REMARKING:
        return False
    perfect = verb.tag_ == "VBN" and any(c.dep_ == "aux" and c.lemma_.casefold() == "have" for c in verb.children)
    if not (verb.tag_ == "VBD" or perfect) or did_not_happen(verb):
        return False
    subject, _ = _subject_of(verb)
    return any(is_a_name(t) for t in subject if t.head not in subject or t.head == t)


def is_a_name(token: Token) -> bool:
    """Whether the word is a name: one the parse recognises, or a proper noun it gives no kind ("Baku")."""
    return token.ent_type_ in _NAME_LABELS or (token.pos_ == "PROPN" and not token.ent_type_)


def _in_apposition(trigger: Token) -> bool:
    node = _head_noun(trigger)
    while node.pos_ not in ("VERB", "AUX") and node.head != node:
        if node.dep_ == "appos":
            return True
        node = node.head
    return False


def _headed_by_a_noun(tokens: list[Token]) -> bool:
    inside = set(tokens)
    heads = [t for t in inside if t.head not in inside or t.head == t]
    return bool(heads) and all(t.pos_ in ("NOUN", "PROPN", "PRON", "NUM") for t in heads)


def _names_who(tokens: list[Token]) -> bool:
    """Whether a noun phrase names who took part: an owner ("his visit",
    "Baku's arms deal"), "by", "between", "against" or "with" someone, "on" a
    named place or actor ("the attack on Arica"), or a people or state
    describing it ("the Israeli attacks")."""
    inside = set(tokens)
    for token in inside:
        if token.dep_ in ("poss", "agent") and token.head in inside:
            return True
        if token.dep_ == "prep" and token.lower_ in _ACTOR_PREPOSITIONS and any(c in inside for c in token.children):
            return True
        if token.dep_ == "prep" and token.lower_ == "on" and any(  # "the attack on Arica": the one it was done to
            c in inside and c.ent_type_ in _ACTOR_LABELS for c in token.children
        ):
            return True
        if token.dep_ in ("amod", "compound", "nmod") and token.ent_type_ in _ACTOR_LABELS and token.head in inside:
            return True
    return False




def _names_where(tokens: list[Token]) -> bool:
    """Whether the phrase names a place ("attacks on the ports off the coast of Oman")."""
    return any(t.ent_type_ in _PLACE_LABELS for t in tokens)


def _verb_for_a_happening(token: Token) -> bool:
    return (token.pos_ == "VERB" and EVENT_CUE.match(token.text) is not None and token.lower_ not in _SAYING
            and not _describes_a_thing(token) and not did_not_happen(token) and bool(_subject_of(token)[0]))


def _typed_verb(token: Token) -> bool:
    """Whether the word is a verb that tells a kind of happening ("claimed", "denied")."""
    return token.pos_ == "VERB" and any(cue.match(token.text) for _, cue in TYPE_CUES)


def _describes_a_thing(trigger: Token) -> bool:
    """Whether the word only says what kind of thing a noun is ("drone" in
    "drone efficiency", "launch" in "launch formation")."""
    return trigger.dep_ in ("compound", "amod", "nmod") and _head_noun(trigger) == trigger and trigger.head != trigger


def _clause_tokens(trigger: Token) -> list[Token]:
    subject, core, obj = _clause(trigger)
    return subject + core + obj


# Dependents a long summary does without, each dropped whole with what depends
# on it: modifiers, further conjuncts, asides. Never a subject, an object or
# the words that make the verb.
_DETAILS = frozenset({"prep", "advmod", "npadvmod", "conj", "appos", "acl", "relcl", "advcl", "nummod", "quantmod"})
# Words a summary cannot end on ("of", "and", "to"); an adjective or a
# determiner only while the noun it goes with is left out (_leads_on).
_OPEN_ENDED = frozenset({"ADP", "CCONJ", "SCONJ", "PART", "AUX"})
_COMPLEMENTS = frozenset({"dobj", "obj", "attr", "oprd", "dative", "pobj", "pcomp", "xcomp", "ccomp", "acomp"})


def _short_text(tokens: list[Token], keep: Token | None = None) -> str:
    """The phrase, or when longer than SUMMARY_WORDS the phrase less its last
    details: whole constituents are dropped from its end ("for talks on
    enhancing cooperation | in the fields of ..."), never a word inside a phrase
    begun, nor the one holding ``keep``. "" when what is left ends on a word
    that leads on to words it does not hold ("deploying Israeli")."""
    kept = set(tokens)
    while _words(kept) > SUMMARY_WORDS:
        detail = _detail_to_drop(kept, keep)
        if not detail:
            break
        kept = _linked(kept - detail)
    kept = _completed(_linked(kept))
    return _text(kept) if kept else ""


def _detail_to_drop(kept: set[Token], keep: Token | None) -> set[Token]:
    """The constituent ending the phrase to drop: the smallest on the way up
    from the last word whose dropping is enough, else the largest."""
    last = max((t for t in kept if not t.is_punct), key=lambda t: t.i)
    candidates = []
    node = last
    while node.head in kept and node.head != node:
        if node.dep_ in _DETAILS and not _completes_its_head(node) and (keep is None or keep not in node.subtree):
            piece = _constituent(node, kept)
            if not _splits_a_name(piece, kept):
                candidates.append(piece)
        node = node.head
    excess = _words(kept) - SUMMARY_WORDS
    for piece in candidates:
        if _words(piece) >= excess and _words(kept - piece) >= MIN_MODEL_SUMMARY_WORDS:
            return piece
    return candidates[-1] if candidates and _words(kept - candidates[-1]) >= MIN_MODEL_SUMMARY_WORDS else set()


def _completes_its_head(node: Token) -> bool:
    """A prepositional phrase that completes its head goes with it: one of a
    verb inside a prepositional phrase ("instead of providing the state | with
    oil"), an "of" phrase of a noun ("the framework | of Iran’s sovereignty")."""
    if node.dep_ != "prep":
        return False
    if node.head.pos_ in ("VERB", "AUX"):
        return node.head.dep_ == "pcomp"
    return node.lower_ == "of" and node.head.pos_ in ("NOUN", "PROPN", "PRON", "NUM")


def _splits_a_name(piece: set[Token], kept: set[Token]) -> bool:
    """Whether the piece's first word goes on a name the phrase keeps ("Azerbaijani President | Ilham Aliyev")."""
    first = min(piece, key=lambda t: t.i)
    before = first.doc[first.i - 1] if first.i > 0 else None
    return first.pos_ == "PROPN" and before is not None and before in kept and before.pos_ == "PROPN"


def _constituent(node: Token, kept: set[Token]) -> set[Token]:
    """The node's words, with the conjunction or commas that join it to its head."""
    piece = {t for t in node.subtree if t in kept}
    start = min(t.i for t in node.subtree)
    before = start - 1
    while before >= 0 and node.doc[before] in kept and node.doc[before].head == node.head and (
            node.doc[before].dep_ in ("cc", "punct", "preconj") or node.doc[before].is_space):
        piece.add(node.doc[before])
        before -= 1
    return piece


def _linked(kept: set[Token]) -> set[Token]:
    """The words less the links whose other end is gone: a preposition without
    its object, a conjunction without the conjunct after it."""
    while True:
        loose = {t for t in kept if _loose(t, kept)}
        if not loose:
            return kept
        kept = kept - loose


def _loose(token: Token, kept: set[Token]) -> bool:
    if token.dep_ in ("cc", "preconj"):
        # One the parse links to no conjunct but that joins two kept words stays: it is the text's.
        following = next((t for t in token.doc[token.i + 1:] if not t.is_space), None)
        return following not in kept and not any(
            c in kept and c.dep_ == "conj" and c.i > token.i for c in token.head.children)
    if token.dep_ in ("prep", "agent"):
        return not any(c in kept for c in token.children)
    return False


def _completed(kept: set[Token]) -> set[Token]:
    """The words, when they end on a complete phrase; a modifier the parse cut
    from its noun gets the words up to that noun ("Israeli | made attack
    drones"); else nothing."""
    if not kept:
        return kept
    last = max((t for t in kept if not t.is_punct), key=lambda t: t.i, default=None)
    if last is None or not _leads_on(last, kept):
        return kept
    doc, extended, token = last.doc, set(kept), last
    while token.i + 1 < len(doc):
        following = doc[token.i + 1]
        if following.is_space or following.tag_ == "HYPH":
            extended.add(following)
        elif following.pos_ in ("ADJ", "NOUN", "PROPN", "NUM") or following.tag_ in ("VBN", "VBD"):
            extended.add(following)
            after = doc[following.i + 1] if following.i + 1 < len(doc) else None
            if following.pos_ in ("NOUN", "PROPN") and following.ent_type_ != "NORP" and (
                    after is None or not (after.pos_ in ("NOUN", "PROPN") or after.tag_ == "HYPH")):
                return extended
        else:
            return set()
        token = following
    return set()


def _leads_on(last: Token, kept: set[Token]) -> bool:
    """Whether the phrase's last word needs words after it that the phrase lacks:
    "the", "of", "enhancing" without its object, "Israeli" before the noun it describes."""
    if any(c.i > last.i and c.dep_ in _COMPLEMENTS and c not in kept for c in last.children):
        return True
    if last.dep_ in ("compound", "amod", "nmod", "poss", "det", "nummod") and last.head.i > last.i and last.head not in kept:
        return True
    following = last.doc[last.i + 1] if last.i + 1 < len(last.doc) else None
    continues = following is not None and following.is_alpha and following.pos_ not in ("CCONJ", "ADP", "SCONJ", "PART")
    # "Israeli | made attack drones" leads on; "an Afghani" (a determiner: a noun) does not.
    if last.ent_type_ == "NORP" and continues and not any(c.dep_ == "det" for c in last.children):
        return True
    return last.pos_ in _OPEN_ENDED and last.dep_ != "prt"
