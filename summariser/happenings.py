"""Events from syntax, for the sentences the model's events answer left out.

A small model lists fewer events than an article reports (on the seeds it
found 39 of 53, and missed most in long sentences about several things).
Every sentence with a word for a happening (``prepass.EVENT_CUE``) that no
answered event cites becomes an event here, built from the parse alone:

* the trigger is the sentence's first word for a happening, a verb preferred;
* the summary is the trigger's clause in the article's own words: its subject,
  the trigger, and its object or first prepositional phrase, without relative
  clauses, appositions and asides, so it is never a sentence cut mid-phrase;
* the type comes from the trigger's words first, then the sentence's
  (``rules.TYPE_CUES``), else ``other``;
* participants are the names in the subject (agents) and in the object
  (targets); the date is the sentence's own date expression, unless it dates
  the verb that reports the happening ("announced on 31 May that ... during
  his recent visit": the visit is undated).

What is only ahead or wished for ("upcoming talks", "the importance of
holding exercises"), what a sentence comments on ("the drills signal
escalation", "this includes attacks") or remarks on ("he welcomed the
ceasefire") is no event, from the parse or from the model.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from .articles import Article
from .datamodel import Event, Participant
from .grounding import evidence_at
from .prepass import EVENT_CUE, Sentence
from .attribution import CUE_VERBS
from .rules import TYPE_CUES

# Children that make a phrase long without saying what happened.
_ASIDES = frozenset({"relcl", "acl", "appos", "advcl", "parataxis", "punct", "ccomp", "mark", "meta"})
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


def _names_a_happening(token: Token) -> bool:
    """Whether the word is one for a happening (``prepass.EVENT_CUE``)."""
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
    return subject, core, obj


def _subject_of(verb: Token) -> tuple[list[Token], list[Token]]:
    """The verb's subject phrase, and the words that link it to the verb. An
    infinitive without a subject takes the subject of the verb it depends on,
    with that verb and its object ("Iran used drones | to kill two people")."""
    link: list[Token] = []
    for _ in range(3):
        own = [t for c in verb.children if c.dep_ in _SUBJECTS for t in _phrase_tokens(c)]
        if not own and verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ == "VERB":
            # "criticised Azerbaijan | for deploying drones": the one blamed did it.
            own = [t for c in verb.head.head.children if c.dep_ in _OBJECTS for t in _phrase_tokens(c)]
        if own or verb.dep_ not in ("xcomp", "advcl") or verb.head == verb:
            return own, link
        head = verb.head
        link = [head] + [c for c in head.children if c.dep_ in ("aux", "auxpass", "neg", "prt")] + [
            t for c in head.children if c.dep_ in _OBJECTS for t in _phrase_tokens(c)] + link
        verb = head
    return [], []


_LEADING = frozenset({"DET", "ADP", "ADJ", "CCONJ", "SCONJ", "PART", "AUX", "PUNCT", "NUM"})


def _words(tokens: list[Token]) -> int:
    return sum(1 for t in tokens if not t.is_punct)


def _text(tokens: list[Token]) -> str:
    """The tokens in text order, one plain space wherever the article had any
    gap between them (a no-break space, a dropped aside)."""
    ordered = [t for t in sorted(set(tokens), key=lambda t: t.i) if not t.is_space]
    if _words(ordered) > SUMMARY_WORDS:
        while _words(ordered) > SUMMARY_WORDS:
            ordered.pop()
        # Never end on a word that leads into what was cut ("during the recent").
        while len(ordered) > 1 and ordered[-1].pos_ in _LEADING:
            ordered.pop()
    parts = []
    for before, token in zip([None, *ordered], ordered):
        if before is not None and before.idx + len(before.text) < token.idx:
            parts.append(" ")
        parts.append(token.text)
    return "".join(parts).strip(" ,;:")


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
    summary = _short_text(_noun_phrase(trigger) or subject + core + obj)
    if len(summary.split()) < MIN_SUMMARY_WORDS or did_not_happen(trigger, summary):
        return None
    date_text = sentence.dates[0] if sentence.dates else None
    agents = _named_in(subject, span)
    participants = [Participant(name=n, role="agent") for n in agents]
    participants += [Participant(name=n, role="target") for n in _named_in(obj, span) if n not in agents]
    return Event(
        summary=summary,
        event_type=_type_of(_text(core + obj), sentence.text),
        date_text=None if _date_of_the_report(trigger, date_text, span) else date_text,
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
        and a.lemma_.casefold() not in CUE_VERBS | _IRREALIS_VERBS
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
# ceasefire", "highlighting casualties", "this includes attacks", "the attack
# was condemned". Not the verbs that bring one about: "called a ceasefire",
# "announced a truce", "declared war", "agreed a deal".
_REMARKING = (CUE_VERBS - {"call", "announce", "declare", "agree", "vote", "charge"}) | frozenset(
    "include involve signal mark represent regard consider view describe characterise characterize show "
    "underscore highlight".split()
)


def _only_talked_about(trigger: Token) -> bool:
    """Whether the noun for the happening is what a comment or remark is about,
    not itself told as happening: the subject of a predicate that says what
    it means or is ("The drills signal escalation", "The deal stirred
    tensions", "The attack was a crime"), or the object of a remark or an
    evaluation ("He welcomed the ceasefire", "This includes attacks on
    ports"). A noun in a phrase of circumstance ("in a phone call", "regret
    over the attacks") and the object of a verb of doing ("launched drills")
    name what happened."""
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
        return head.lemma_.casefold() in _REMARKING and not _names_a_happening(head) and not raised
    return False


def _comments(verb: Token) -> bool:
    """Whether the predicate says what its subject means or is ("signal",
    "stirred", "came after", "was a crime"), not what happened ("There was an
    explosion", "the truce came into effect")."""
    lemma = verb.lemma_.casefold()
    if lemma == "be":
        return not any(c.dep_ == "expl" for c in verb.children)
    if lemma == "come":
        return not any(c.dep_ == "prep" and c.lower_ in ("into", "to") for c in verb.children)
    return lemma in _COMMENTING


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
    return verb.lemma_.casefold() in CUE_VERBS


def _noun_phrase(trigger: Token) -> list[Token] | None:
    """The phrase of a noun for a happening that a preposition attaches ("in a
    phone conversation with Aliyev"): the event is the phrase, not the verb the
    preposition hangs on ("made the remarks")."""
    head = _head_noun(trigger)
    if head.pos_ not in ("NOUN", "PROPN") or head.dep_ != "pobj":
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
    if not (remark or _cut(event.summary, sentence.text) or len(event.summary.split()) < MIN_MODEL_SUMMARY_WORDS):
        return event, None
    summary = _short_text(_noun_phrase(trigger) or _clause_tokens(trigger)) if trigger is not None else ""
    if len(summary.split()) < MIN_SUMMARY_WORDS and remark:
        return None, f"'{event.summary}' reports a remark, not a happening"
    if len(summary.split()) < MIN_MODEL_SUMMARY_WORDS:
        # No clause of its own around the word ("to attack"): the sentence's main clause says it.
        summary = _short_text(_clause_tokens(span.root))
        if len(summary.split()) < MIN_MODEL_SUMMARY_WORDS:
            return event, None
    return event.model_copy(update={"summary": summary}), None


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


def _short_text(tokens: list[Token]) -> str:
    """The phrase, or when longer than SUMMARY_WORDS the words nearest its
    head: words are taken level by level down the parse, so what is left out
    is the detail of a detail, never the half of a phrase already begun."""
    if _words(tokens) <= SUMMARY_WORDS:
        return _text(tokens)
    inside = set(tokens)

    def depth(token: Token) -> int:
        return sum(1 for a in token.ancestors if a in inside)

    kept: set[Token] = set()
    for token in sorted(tokens, key=lambda t: (depth(t), t.i)):
        if token.head in kept or token.head not in inside or token.head == token:
            if not token.is_punct and _words(list(kept)) >= SUMMARY_WORDS:
                break
            kept.add(token)
    # Words that only make sense with their head go where it goes ("carry out", "Iran's", "and").
    kept |= {c for t in kept for c in t.children if c.dep_ in ("case", "prt", "neg", "det", "aux", "auxpass")}
    if kept:
        first, last = min(t.i for t in kept), max(t.i for t in kept)
        kept |= {t for t in tokens if t.pos_ == "CCONJ" and first < t.i < last}
    # A name is kept whole or not at all: "Javier Milei", never "Milei" alone.
    for entity in tokens[0].doc.ents:
        if any(t in kept for t in entity):
            kept.update(t for t in entity if t in inside)
    # A preposition or conjunction whose object was left out says nothing.
    kept = {t for t in kept if t.pos_ not in ("ADP", "CCONJ", "SCONJ") or any(c in kept for c in t.children)}
    return _text(list(kept))
