"""Stances from what one actor does toward another, read from the parse.

Speech is not the only place a position shows: "Armenia has criticised
Azerbaijan", "Tehran provided war supplies to Armenia", "Israel and Turkiye
are both supporters of Azerbaijan", "the Senate voted against the farm bill",
"Baku would not allow Tel Aviv to attack Iran". Where a word that takes a
side links a named actor to another actor or to a named measure, that is a
stance, with no model involved:

* the words: a verb by its lemma ("criticised", "endorsed", "sued"), a verb
  and its preposition ("voted against", "campaigned for"), a noun
  ("supporters of", "criticism of X from Y", "faced criticism from Y"), an
  adjective ("critical of", "wary of"); withheld permission ("would not
  allow X to"), a call to stop ("called on X to end ...", "called for X to
  resign") and an overridden veto are against X;
* holder: the subject (a person stands for the state their title names, as
  for statements: ``rules.speaker_side``; a description stands for the name
  beside it; "who" for whom it refers to); target: the object, a demonym or
  capital standing for its state, the owner of a thing ("criticised Obama's
  plan"), or a named measure ("the tax bill"); passives are turned round;
* only for what the sentence gives as the holder's deed: what it asserts (its
  main clause, a clause joined to it, "voted to ...", a relative or adverbial
  clause), or a clause a news outlet relays ("NBC reported that X slammed Y":
  X's, never NBC's) or the holder's own side reports ("Baku's envoy said Baku
  would not allow ..."). Not when negated, conditional ("if", "might") or
  claimed by someone else;
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
from .lexicon import names_a_news_outlet, side_named, state_of
from .prepass import Sentence, parallel_owner
from .rules import same_side, speaker_role, speaker_side

SUPPORT_LEMMAS = frozenset(
    "support back praise welcome supply provide arm aid assist defend endorse congratulate thank help "
    "reassure applaud hail laud commend champion nominate".split()
)
OPPOSE_LEMMAS = frozenset(
    "criticise criticize condemn accuse attack strike bomb sanction threaten blame denounce oppose invade "
    "shell target fight censure boycott slam blast rebuff reject veto block sue fault chide rebuke assail "
    "lambaste ridicule warn impeach override overrule prevent".split()
)
# A side taken through a preposition: "voted against X", "campaigned for X".
PREP_STANCES: dict[tuple[str, str], str] = {
    **{(verb, "for"): "support" for verb in ("vote", "campaign", "stump", "fight")},
    **{(verb, "against"): "oppose" for verb in ("vote", "campaign", "speak", "rail", "fight", "testify", "sue")},
    ("side", "with"): "support",
}
# "X is critical of Y", "X is wary of Y", "opposed to Y".
ADJECTIVE_STANCES: dict[tuple[str, str], str] = {
    ("critical", "of"): "oppose", ("wary", "of"): "oppose", ("skeptical", "of"): "oppose",
    ("suspicious", "of"): "oppose", ("supportive", "of"): "support", ("opposed", "to"): "oppose",
    ("hostile", "to"): "oppose", ("loyal", "to"): "support", ("grateful", "to"): "support",
}
# "would not allow X to ...": withholding permission is a position against X.
PERMISSION_LEMMAS = frozenset("allow let permit tolerate".split())
# "called on X to resign", "urged X to end ...": asking an actor to stop is opposing them.
ASKING_LEMMAS = frozenset("call urge ask demand press pressure".split())
STOPPING_LEMMAS = frozenset("resign end stop quit drop withdraw halt cease abandon step leave".split())
# Verbs whose infinitive carries the subject's own act: "voted to override X's veto".
CARRYING_LEMMAS = frozenset("vote move seek try vow pledge promise continue begin start decide plan".split())
# Verbs that report what someone else said or did.
REPORTING_LEMMAS = frozenset("say report tell inform write announce state add confirm claim".split())
# "X are supporters of Y", "X is a key ally of Y"
SUPPORT_NOUNS = frozenset("supporter backer ally partner supplier friend".split())
# A target that is a measure rather than an actor: "voted against the tax bill".
POLICY_NOUNS = frozenset(
    "bill law legislation act plan proposal policy measure amendment budget order ban reform nomination "
    "resolution mandate program programme treaty".split()
)
# Positions named by a noun: "criticism of X from Y", "Y's support for X", "faced criticism from Y".
STANCE_NOUNS: dict[str, str] = {
    "criticism": "oppose", "opposition": "oppose", "condemnation": "oppose", "attack": "oppose",
    "praise": "support", "support": "support", "endorsement": "support", "backing": "support",
}
# Verbs whose subject receives the position a noun names: "Issa faced criticism from Republicans".
RECEIVING_LEMMAS = frozenset("face draw receive win earn get attract meet land".split())
# A state's own arms and offices: "the Israeli military" acts for Israel.
_FORCES = frozenset("military army forces troops government administration regime navy".split())
_CONDITIONS = frozenset({"if", "unless", "whether", "lest"})
_ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_TITLE_WORDS = frozenset("mr mrs ms dr sen rep gov president senator ceo chairman".split())


def _entity(token: Token, sentence: Span) -> Span | None:
    """The named actor a token belongs to (the token itself or its compound head's name)."""
    for ent in sentence.ents:
        if ent.label_ in _ACTOR_LABELS and ent.start <= token.i < ent.end:
            return ent
    # The small parser's entity recogniser misses some states ("Armenia"): the lexicon knows them.
    if token.pos_ == "PROPN" and state_of(normalise_text(token.text)):
        return Span(token.doc, token.i, token.i + 1, label="GPE")
    # ... and some surnames ("Cruz accused ..."): a capitalised proper noun left unlabelled.
    if token.pos_ == "PROPN" and not token.ent_type_ and token.text[:1].isupper() and token.is_alpha \
            and normalise_text(token.text) not in _TITLE_WORDS:
        first = token.i
        while first > sentence.start and token.doc[first - 1].dep_ == "compound" and token.doc[first - 1].pos_ == "PROPN" \
                and normalise_text(token.doc[first - 1].text.rstrip(".")) not in _TITLE_WORDS:
            first -= 1
        return Span(token.doc, first, token.i + 1, label="PERSON")
    return None


def _with_conjuncts(token: Token) -> list[Token]:
    """'Israel and Turkiye': both."""
    return [token, *(t for t in token.conjuncts)]


def _policy(token: Token) -> Span | None:
    """A named measure: a policy noun with words that name it ("the tax bill", "Obama's health care law")."""
    if token.ent_type_ == "LAW":
        ent = next(e for e in token.doc.ents if e.start <= token.i < e.end)
        return Span(token.doc, ent.start, ent.end, label="POLICY")
    if token.lemma_ not in POLICY_NOUNS or token.pos_ != "NOUN":
        return None
    named = [c for c in token.lefts if c.dep_ in ("compound", "poss", "nmod") and c.pos_ != "PRON"
             or c.dep_ == "amod" and c.ent_type_ in ("NORP", "ORG", "GPE")]  # "the tax bill", "the Democratic budget"; not "his plans", "the first bill"
    if not named:
        return None
    return Span(token.doc, named[0].left_edge.i, token.i + 1, label="POLICY")


def _possessive_nmod(token: Token) -> bool:
    """"Sessions’ work": the parser makes a name with a bare apostrophe a modifier, not a possessor."""
    return token.dep_ == "nmod" and token.pos_ == "PROPN" and any(c.text in ("’", "'") for c in token.children)


def _actors(tokens: list[Token], sentence: Span, policies: bool = False) -> list[Span]:
    """The named actors among ``tokens``; for a thing, the actor it belongs to ("Obama's plan"),
    and with ``policies`` the named measure itself."""
    found = []
    for token in tokens:
        for member in _with_conjuncts(token):
            ent = _entity(member, sentence)
            if ent is None and member.lemma_ in _FORCES:  # "the Israeli military": Israel's
                ent = next((e for c in member.children if c.dep_ in ("amod", "compound")
                            and (e := _entity(c, sentence)) is not None and e.label_ in ("GPE", "NORP")), None)
            if ent is None:
                owners = [c for c in member.children if c.dep_ == "poss" or _possessive_nmod(c)]
                owned = [_entity(o, sentence) for o in owners]
                policy = _policy(member) if policies else None
                candidates = [e for e in owned if e is not None] + ([policy] if policy is not None else [])
            else:
                candidates = [ent]
            for candidate in candidates:
                if candidate not in found:
                    found.append(candidate)
    return found


def _subjects(verb: Token) -> list[Token]:
    """A verb's subjects; a relative pronoun is the noun it refers to ("Paul, who criticized ..."),
    a description is the name beside it ("his top lieutenant, Sen. Dick Durbin, blasted ...")."""
    subjects = []
    for subject in (c for c in verb.children if c.dep_ == "nsubj"):
        if subject.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
            subject = verb.head
        if any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in subject.children):
            continue  # "No Democrats voted for it": nobody did
        named = [c for c in subject.children if c.dep_ == "appos"]
        subjects += named or [subject]
    # "voted to override ...", "headed to Michigan to campaign for X": the same subject's act.
    purpose = verb.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    if not subjects and (verb.dep_ in ("xcomp", "conj") or purpose) and not any(c.dep_ == "nsubj" for c in verb.children):
        return _subjects(verb.head)
    return subjects


def _clause_subjects(verb: Token) -> list[Token]:
    return [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]


def _roles(verb: Token) -> tuple[list[Token], list[Token]]:
    """Who acts and toward whom, from a verb's dependents (passives turned round)."""
    subjects = _subjects(verb)
    objects = [c for c in verb.children if c.dep_ in ("dobj", "obj", "dative")]
    passive = [c for c in verb.children if c.dep_ == "nsubjpass"]
    if passive:
        agents = [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        return agents, passive
    if verb.lemma_ in ("provide", "supply"):  # "provided weapons to Armenia"
        objects += [p for c in verb.children if c.dep_ == "prep" and c.lower_ == "to" for p in c.children if p.dep_ == "pobj"]
    return subjects, objects


def _permission_roles(verb: Token) -> tuple[list[Token], list[Token]]:
    """'Baku would not allow Tel Aviv to attack Iran': Baku, and Tel Aviv (the one not let act)."""
    subjects = _subjects(verb)
    objects = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    for clause in (c for c in verb.children if c.dep_ in ("ccomp", "xcomp")):
        objects += _clause_subjects(clause)
    # "would not tolerate the presence of the Zionist regime": whose presence.
    objects += [p for o in list(objects) for c in o.children if c.dep_ == "prep" and c.lower_ == "of"
                for p in c.children if p.dep_ == "pobj"]
    return subjects, objects


def _asking_roles(verb: Token) -> tuple[list[Token], list[Token]]:
    """'called on X to end ...', 'called for X to resign', 'urged X to step down': X."""
    subjects = _subjects(verb)
    asked = [c for c in verb.children if c.dep_ in ("dobj", "obj")]
    asked += [p for c in verb.children if c.dep_ == "prep" and c.lower_ == "on" for p in c.children if p.dep_ == "pobj"]
    objects = []
    for clause in (c for c in verb.children if c.dep_ in ("xcomp", "ccomp", "advcl")):
        if clause.lemma_ in STOPPING_LEMMAS:
            objects += _clause_subjects(clause) or asked
    return subjects, objects


def _prep_roles(verb: Token, preposition: str) -> tuple[list[Token], list[Token]]:
    subjects = _subjects(verb)
    objects = [p for c in verb.children if c.dep_ == "prep" and c.lower_ == preposition for p in c.children
               if p.dep_ == "pobj"]
    return subjects, objects


def _negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" for c in verb.children)


def _asserted(verb: Token) -> bool:
    """The verb is what the sentence asserts (its main clause, or one joined to
    it, or an act the subject set out to do: "voted to override"), not a deed
    someone reports, plans or would not allow ("would not let Israel attack
    Iran", "said Iran attacked")."""
    while verb.dep_ == "conj":
        verb = verb.head
    if verb.dep_ == "xcomp" and verb.head.lemma_ in CARRYING_LEMMAS and not _negated(verb.head):
        return _asserted(verb.head)
    # "Paul, who has criticized Christie, ...", "after she criticized him": facts the sentence
    # states in passing (not "if X attacks": a condition asserts nothing).
    if verb.dep_ in ("relcl", "advcl") and not any(c.dep_ == "mark" and c.lower_ in _CONDITIONS for c in verb.children):
        return _asserted(verb.head) if verb.head.pos_ in ("VERB", "AUX") else True
    return verb.dep_ == "ROOT"


def _conditional(verb: Token) -> bool:
    """'would attack Y if he ran', 'might back Y': a deed that has not happened."""
    if any(c.dep_ == "aux" and c.lower_ in ("might", "may", "could") for c in verb.children):
        return True
    return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITIONS for m in c.children)
               for c in verb.children)


def _relayed_by(verb: Token) -> Token | None:
    """The reporting verb whose clause ``verb`` is ("NBC reported that X slammed Y"), if any."""
    while verb.dep_ == "conj":
        verb = verb.head
    if verb.dep_ == "ccomp" and verb.head.lemma_ in REPORTING_LEMMAS and _asserted(verb.head):
        return verb.head
    return None


def _noun_roles(noun: Token) -> tuple[list[Token], list[Token]]:
    """'X are supporters of Y': the copula's subject, and the noun's 'of' object."""
    if noun.dep_ == "attr" and noun.head.lemma_ == "be" and _asserted(noun.head):
        subjects = _subjects(noun.head)
    elif noun.dep_ == "appos":  # "Israel, a key arms supplier to Baku"
        subjects = [noun.head]
    else:
        return [], []
    objects = [p for c in noun.children if c.dep_ == "prep" and c.lower_ in ("of", "to") for p in c.children if p.dep_ == "pobj"]
    return subjects, objects


def _pobjs(token: Token, prepositions: tuple[str, ...]) -> list[Token]:
    return [p for c in token.children if c.dep_ == "prep" and c.lower_ in prepositions for p in c.children if p.dep_ == "pobj"]


def _stance_noun_roles(noun: Token) -> tuple[list[Token], list[Token]]:
    """'criticism of X from Y', 'Y's praise for X', 'X faced criticism from Y': (Y, X)."""
    owners = [c for c in noun.children if c.dep_ == "poss"]
    # "Baku's partnership with Ankara and its support for Ukraine": "its" is Baku.
    holders = _pobjs(noun, ("from", "by")) + [parallel_owner(c) or c for c in owners]
    targets = _pobjs(noun, ("of", "for", "against", "toward", "towards"))
    verb = noun.head
    if noun.dep_ in ("dobj", "pobj") and verb.lemma_ in RECEIVING_LEMMAS | {"with"} and not targets:
        if noun.dep_ == "pobj" and verb.head.lemma_ == "meet":  # "was met with opposition by X"
            verb = verb.head
            holders += _pobjs(verb, ("by",)) + [p for c in verb.children if c.dep_ == "agent" for p in c.children]
        if verb.lemma_ in RECEIVING_LEMMAS and _asserted(verb) and not _negated(verb):
            targets = _subjects(verb) + [c for c in verb.children if c.dep_ == "nsubjpass"]
    return holders, targets


def _adjective_roles(adjective: Token) -> tuple[str | None, list[Token], list[Token]]:
    """'X is critical of Y': (polarity, X, Y)."""
    if adjective.dep_ != "acomp" or not _asserted(adjective.head) or _negated(adjective.head):
        return None, [], []
    for prep in (c for c in adjective.children if c.dep_ == "prep"):
        polarity = ADJECTIVE_STANCES.get((adjective.lemma_, prep.lower_))
        if polarity:
            objects = [p for p in prep.children if p.dep_ == "pobj"]
            return polarity, _subjects(adjective.head), objects
    return None, [], []


def _side(ent: Span, text: str) -> str:
    # "the United Nations" is "United Nations"; "Trump’s" is "Trump".
    name = re.sub(r"(?:['’]s?)$", "", re.sub(r"^(?:the|The)\s+", "", ent.text))
    if ent.label_ == "POLICY":
        return name
    if ent.label_ == "PERSON":
        return speaker_side(name, speaker_role(text, name)) or name
    return side_named(normalise_text(name)) or name


def _readings(token: Token) -> list[tuple[str, list[Token], list[Token]]]:
    """Each (polarity, subjects, objects) a word reads as, before asking whether the sentence asserts it."""
    if token.pos_ == "VERB" and token.lemma_ in PERMISSION_LEMMAS and _negated(token):
        return [("oppose", *_permission_roles(token))]
    if token.pos_ == "VERB" and _negated(token):
        return []
    if token.pos_ == "VERB" and token.lemma_ in ASKING_LEMMAS:
        return [("oppose", *_asking_roles(token))]
    readings = []
    if token.pos_ == "VERB" and token.lemma_ in SUPPORT_LEMMAS | OPPOSE_LEMMAS:
        readings.append(("support" if token.lemma_ in SUPPORT_LEMMAS else "oppose", *_roles(token)))
    if token.pos_ == "VERB":
        for prep in (c for c in token.children if c.dep_ == "prep"):
            polarity = PREP_STANCES.get((token.lemma_, prep.lower_))
            if polarity:
                readings.append((polarity, *_prep_roles(token, prep.lower_)))
    if token.pos_ == "NOUN" and token.lemma_ in SUPPORT_NOUNS and not _negated(token.head):
        readings.append(("support", *_noun_roles(token)))
    if token.pos_ == "NOUN" and token.lemma_ in STANCE_NOUNS:
        readings.append((STANCE_NOUNS[token.lemma_], *_stance_noun_roles(token)))
    if token.pos_ == "ADJ":
        polarity, subjects, objects = _adjective_roles(token)
        if polarity:
            readings.append((polarity, subjects, objects))
    return readings


def _holds(trigger: Token, holder_ent: Span, text: str) -> bool:
    """Whether the sentence gives the deed as the holder's: it asserts it, or it
    is reported by a news outlet (which relays, it holds nothing) or by the
    holder's own side ("Baku's envoy said Baku would not allow ...")."""
    verb = trigger.head if trigger.pos_ in ("NOUN", "ADJ") else trigger
    if _conditional(verb):
        return False
    if trigger.pos_ in ("NOUN", "ADJ") or _asserted(verb):
        return True
    reporting = _relayed_by(verb)
    if reporting is None:
        return False
    for reporter in _actors(_subjects(reporting), trigger.sent):
        if names_a_news_outlet(frozenset(normalise_text(reporter.text).split())):
            return True
        if _side(reporter, text).casefold() == _side(holder_ent, text).casefold():
            return True
    return False


def stances_from_deeds(doc: Doc, sentences: list[Sentence], article: Article) -> list[Stance]:
    found: list[Stance] = []
    for sentence in sentences:
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None:
            continue
        for token in span:
            for polarity, subjects, objects in _readings(token):
                for holder_ent in _actors(subjects, span):
                    if not _holds(token, holder_ent, article.text):
                        continue
                    for target_ent in _actors(objects, span, policies=True):
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
