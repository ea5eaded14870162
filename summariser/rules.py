"""Rules: what the article's words settle, without asking the model.

Each rule reads the article's own text and is deterministic, so what it
decides is never a model's guess and is the same on every run:

* a speaker's role as written before their name, and the side (state) they
  speak for;
* whom a sentence says the speaker addressed;
* the kind of happening a sentence's words name (to settle a catch-all type);
* the stored items built from the model's narrow answers: evidence, content,
  dates and roles come from the sentence, not from the model.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .articles import Article
from .datamodel import DEFAULT_TOPIC, Entity, EntityType, Event, Participant, Stance, Statement
from .entities import normalise_text
from .grounding import evidence_at, fold_name, plain_article, plain_name
from .lexicon import (
    GOVERNMENT_WORDS, ROLE_WORDS, TITLE_PHRASES, looks_like_personal_name, names_a_news_outlet, names_an_organisation,
    side_named, state_of,
)
from .prepass import DATE_EXPRESSION

if TYPE_CHECKING:  # the answers' types; questions.py imports these rules
    from .prepass import Sentence, SpeechCandidate
    from .questions import Happening, SpeechAct


# --------------------------------------------------------------------------
# Speakers: role as written, and the side they speak for
# --------------------------------------------------------------------------


def speaker_role(text: str, speaker: str) -> str | None:
    """The title written right before a speaker's name, e.g. 'Azerbaijani President'.

    Deterministic, so a role is always the article's own words: the model is
    never asked to describe affiliations (small models invent them).
    """
    speaker = plain_name(speaker).strip()
    surname = speaker.split()[-1] if speaker else ""
    if len(surname) < 3:
        return None
    text = plain_article(text)  # a soft hyphen or a decomposed accent does not hide a name
    pattern = _role_before(surname)
    best: str | None = None
    # A role and its name are on one line, so only lines holding the surname are searched.
    for start, end in _lines_holding(text, surname):
        for match in pattern.finditer(text, start, end):
            role = match.group(1).strip(" ,")
            if best is None or len(role) > len(best):
                best = role
    return best


@lru_cache(maxsize=4096)
def _role_before(surname: str) -> re.Pattern[str]:
    return re.compile(
        # [^\S\n]: spaces but not a line break, so a role never reaches into the line before.
        # "Iran’s newly elected President": a possessive state may take a few lower-case words.
        r"((?:[A-Z][\w\-]*[’']s[^\S\n]+(?:[a-z]+[^\S\n]+){0,2})?(?:[A-Z][\w’'\-]*[^\S\n]+){0,4}?" + ROLE_WORDS + r"(?:[^\S\n]+(?:of|to)[^\S\n]+(?:the[^\S\n]+)?[A-Z][\w\-]*)?)[^\S\n]*,?[^\S\n]+"
        r"(?:[A-Z][\w\-]*[^\S\n]+){0,2}" + re.escape(surname) + r"\b"
    )


def _lines_holding(text: str, word: str):
    """(start, end) of each line of ``text`` that contains ``word``, in order."""
    found = text.find(word)
    while found != -1:
        start = text.rfind("\n", 0, found) + 1
        end = text.find("\n", found)
        end = len(text) if end == -1 else end
        yield start, end
        found = text.find(word, end)




def same_side(actor: str, speaker: str, role: str | None) -> bool:
    """Whether `actor` is the speaker or the side they speak for (the direction check)."""
    folded, speaker_folded = fold_name(actor), fold_name(speaker)
    if not folded:
        return False
    if folded in speaker_folded or speaker_folded in folded:
        return True
    if role and folded in fold_name(_own_words(role)):
        return True
    # "Azerbaijan" or "Baku" and a speaker described as "Azerbaijani President".
    side = speaker_side(speaker, role)
    if side is None:
        return False
    return side.casefold() in (folded, (state_of(normalise_text(actor)) or "").casefold())


# A party and the words that name it or one of its members.
_PARTY_WORDS = {"democrat": "Democrats", "democrats": "Democrats", "democratic": "Democrats",
                "republican": "Republicans", "republicans": "Republicans", "gop": "Republicans"}
_PARTY_TAGS = {"d": "Democrats", "r": "Republicans"}


def party_named(actor: str) -> str | None:
    """The party an actor's name names ("House Democrats", "the GOP", "Republican"), else None."""
    parties = {_PARTY_WORDS[w] for w in re.findall(r"[a-z]+", actor.casefold()) if w in _PARTY_WORDS}
    return parties.pop() if len(parties) == 1 else None


@lru_cache(maxsize=4096)
def _party_patterns(surname: str) -> tuple[re.Pattern[str], ...]:
    name = re.escape(surname) + r"\b"
    return (
        # "Republican Sen. Lindsey Graham", "Democratic House Leader Nancy Pelosi"
        re.compile(r"\b(Democratic|Republican|Democrat)[^\S\n]+(?:[A-Z][\w.]*[^\S\n]+){0,4}" + name),
        # "Rep. Jim Banks, R-Ind.", "Sen. Mark Begich (D-Alaska)"
        re.compile(r"\b" + name + r",?[^\S\n]*\(?([RD])-[A-Z][A-Za-z.]*"),
        # "Sandy Levin of Michigan, the top Democrat on ...", "Smith, a Republican"
        re.compile(r"\b" + name + r"(?:[^\S\n]+of[^\S\n]+[A-Z]\w+)?,[^\S\n]+(?:a|an|the)[^\S\n]+(?:[\w-]+[^\S\n]+){0,3}?"
                   r"(Democrat|Republican)\b"),
    )


def speaker_party(text: str, speaker: str) -> str | None:
    """The party the article says a speaker belongs to, from the words at their
    name ("Republican Sen. Graham", "Banks, R-Ind.", "Levin, the top Democrat");
    None when it says none, or more than one."""
    surname = plain_name(speaker).strip().split()[-1] if plain_name(speaker).strip() else ""
    if len(surname) < 3:
        return None
    text = plain_article(text)
    found = set()
    for start, end in _lines_holding(text, surname):
        for pattern in _party_patterns(surname):
            for match in pattern.finditer(text, start, end):
                word = match.group(1).casefold()
                found.add(_PARTY_TAGS.get(word) or _PARTY_WORDS[word])
    return found.pop() if len(found) == 1 else None


def same_party(actor: str, speaker: str, text: str) -> bool:
    """Whether ``actor`` is the party the article says the speaker belongs to."""
    party = party_named(actor)
    return party is not None and party == speaker_party(text, speaker)


# In "ambassador to Israel" or "envoy for Iran" the state is the posting, not
# the side the speaker speaks for.
_POSTING = re.compile(r"\b(?:to|for|in|at|on)\s+(?:the\s+)?(?:[A-Z][\w\-’']*\s*)+", re.I)


def _own_words(role: str) -> str:
    """A role without its posting: 'Azeri ambassador to Israel' -> 'Azeri ambassador'."""
    return _POSTING.sub(" ", role).strip()


def speaker_side(speaker: str, role: str | None) -> str | None:
    """The state a speaker speaks for, from their role as written ('Azerbaijani President' -> Azerbaijan)."""
    for text in (_own_words(role or ""), speaker):
        for word in re.findall(r"[A-Z][\w\-]+", text):
            state = state_of(normalise_text(word))
            if state:
                return state
    return None


# --------------------------------------------------------------------------
# Addressees
# --------------------------------------------------------------------------

# Whom something is said to, where the sentence says so in a fixed phrase:
# "told X", "assured X", "clarified to X", "in a phone call with X". On the
# seeds' gold these find 6 of the 15 addressees with 1 doubtful extra, where
# the 1.5B model, asked for an addressee, named one for nearly every
# statement (11 right, 38 wrong).
_NAME = r"(?:(?:the|a|an)\s+)?[A-Z][\w.'’\-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w.'’\-]*){0,5}(?:\s+(?:news\s+agency|media))?"
_TELLING = (
    r"told|tells|tell|informed|informs|assured|assuring|assures|reassured|urged|urging|urges|invited|"
    r"inviting|invites|warned|warning|warns|asked|asking|briefed|thanked|congratulated|called\s+on|calling\s+on"
)
ADDRESSEE_PATTERNS = (
    re.compile(r"\b(?:" + _TELLING + r")\s+(?:his|her|their)\s+(?:[A-Z]\w+\s+)?counterpart,?\s+(" + _NAME + ")"),
    re.compile(r"\b(?:" + _TELLING + r")\s+(" + _NAME + ")"),
    re.compile(
        r"\b(?:said|wrote|written|clarified|explained|stressed|emphasi[sz]ed|declared|announced|stated|noted|"
        r"added|complained|pledged|promised|given|granted)\s+(?:later\s+)?(?:he\s+|she\s+)?(?:\w+\s+)?to\s+(" + _NAME + ")"
    ),
    re.compile(r"\b(?:call|conversation|talks|meeting|interview|letter|message)\s+(?:with|to)\s+(" + _NAME + ")"),
)


def addressee_in(text: str, speaker: str) -> str | None:
    """Whom the sentence says the speaker addressed, in the sentence's words; else None."""
    surname = fold_name(speaker).split(" ")[-1]
    text = plain_name(text)
    for pattern in ADDRESSEE_PATTERNS:
        for match in pattern.finditer(text):
            name = match.group(1).strip(" ,.")
            if surname and surname in fold_name(name):
                continue  # the speaker, not whom they spoke to
            return name
    return None


# --------------------------------------------------------------------------
# Event types
# --------------------------------------------------------------------------

# The kind of happening a sentence's words name, most specific first. Used to
# check the model's event type: the 1.5B model labels most events
# 'accusation' or 'attack' (on the seeds' gold, 8 of 23 matched events had the
# right type; with this check 17).
TYPE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (event_type, re.compile(pattern, re.I))
    for event_type, pattern in (
        ("casualties", r"\b(?:kill|dead\b|died|death|wounded|injur|casualt|lives\b)"),
        ("ceasefire", r"\b(?:ceasefire|cease-fire|truce)"),
        ("phone_call", r"\b(?:phone|telephone|call between|conversation)"),
        ("visit", r"\bvisit"),
        ("arms_transfer", r"\b(?:arms\b|weapon|munition|exported|exports?\b|supplier|bought|purchas|transfer of)"),
        ("meeting", r"\b(?:met\b|meet|talks\b|summit)"),
        ("agreement", r"\b(?:agree|signed|deal\b|accord\b|treaty)"),
        ("attack", r"\b(?:attack|strike|struck|bomb|shell|missile|rocket|explo|blast|shot|shoot|raid|assault|ambush|airstrike)"),
        ("military_activity", r"\b(?:drill|exercise|deploy|troops|manoeuvre|maneuver|mobili|conquer|annex|recaptur|retak)"),
        ("diplomatic_action", r"\b(?:embass|appointed|diplomatic (?:ties|relations)|expel|sanction)"),
        ("denial", r"\b(?:denied|deny|denies|dismiss|reject)"),
        ("accusation", r"\b(?:accus|alleg|claim|blame)"),
    )
)
def settle_event_type(model_type: str, sentence: str) -> str:
    """The model's event type, unless the sentence has no word for that kind of
    happening and does name another kind (the first in TYPE_CUES' order)."""
    cues = dict(TYPE_CUES)
    if model_type in cues and cues[model_type].search(sentence):
        return model_type
    for event_type, cue in TYPE_CUES:
        if cue.search(sentence):
            return event_type
    return model_type


# --------------------------------------------------------------------------
# Building the stored items (deterministic, in the article's own words)
# --------------------------------------------------------------------------


def _clean_name(name: str | None) -> str | None:
    if name is None:
        return None
    cleaned = " ".join(name.split()).strip(" .,;:\"'“”‘’")
    return cleaned or None


def statement_from(candidate: SpeechCandidate, act: SpeechAct, article: Article) -> Statement:
    """A statement in the article's own words: content, source and cue are the
    parse's spans; the evidence is the sentence or sentences that hold them."""
    attribution = candidate.attribution
    speaker = _clean_name(act.speaker) or act.speaker
    text = article.text
    return Statement(
        speaker=speaker,
        speaker_role=speaker_role(text, speaker),
        content=attribution.content.text,
        # "mixed" (a paraphrase holding a quotation) reports words as spoken: a quote.
        kind="paraphrase" if attribution.kind == "paraphrase" else "quote",
        addressee=addressee_in(candidate.sentence.text, speaker),
        date_text=candidate.sentence.dates[0] if candidate.sentence.dates else None,
        evidence=evidence_at(text, *attribution.sentences),
        content_span=evidence_at(text, attribution.content.start, attribution.content.end),
        source_span=evidence_at(text, attribution.source.start, attribution.source.end) if attribution.source else None,
        cue_span=evidence_at(text, attribution.cue.start, attribution.cue.end),
        speaker_type=candidate.speaker_type,
    )


def _whole_words(text: str, limit: int) -> str:
    """The grammar cuts a capped field mid-word; drop the dangling fragment."""
    text = " ".join(text.split())
    if len(text) >= limit and " " in text:
        text = text.rsplit(" ", 1)[0]
    return text.rstrip(" ,;:-")


def event_date(summary: str, sentence: Sentence) -> str | None:
    """The event's own date expression in its sentence.

    When the summary names a date, it is the event's: the sentence's
    expression of that date, and none when the sentence does not hold it (the
    summary then describes another sentence's event, and this sentence's
    date, "Iran said on Thursday ...", is not the airstrike's "on June 13").
    Otherwise the sentence's first date expression.
    """
    stated = [m.group(0).casefold() for m in DATE_EXPRESSION.finditer(summary)]
    if not stated:
        return sentence.dates[0] if sentence.dates else None
    own = [d for d in sentence.dates if any(s in d.casefold() or d.casefold() in s for s in stated)]
    return own[0] if own else None


def event_from(happening: Happening, sentence: Sentence, article: Article) -> Event:
    participants = [Participant(name=n, role="agent") for n in map(_clean_name, happening.by) if n]
    participants += [Participant(name=n, role="target") for n in map(_clean_name, happening.to) if n]
    return Event(
        summary=_whole_words(happening.what, type(happening).model_fields["what"].metadata[0].max_length),
        event_type=settle_event_type(happening.type, sentence.text),
        date_text=event_date(happening.what, sentence),
        place=_clean_name(happening.where),
        participants=_unique_participants(participants),
        evidence=evidence_at(article.text, sentence.start, sentence.end),
    )


def _unique_participants(participants: list[Participant]) -> list[Participant]:
    seen: set[str] = set()
    unique = []
    for participant in participants:
        key = fold_name(participant.name)
        if key not in seen:
            seen.add(key)
            unique.append(participant)
    return unique


# 'neutral' is an explicitly neutral position ("Turkey will stay neutral"). The
# small model also answers it for sentences that take no position at all, so
# it is kept only when the sentence says so in words.
_NEUTRAL_CUE = re.compile(r"\b(?:neutral(?:ity)?|impartial(?:ity)?|equidistan\w*|not take sides|no side)\b", re.I)


def stance_from(act: SpeechAct, sentence: Sentence, article: Article) -> Stance | None:
    """A statement's stance, held by the speaker's side.

    The direction is fixed by rule, not by the model: the holder is the
    state the speaker's role names ('Azerbaijani President' -> Azerbaijan),
    else the speaker. When the model gives a stance but no target, whom the
    sentence says the speaker addressed is the target, unless that is the
    speaker's own side.
    """
    if act.stance is None:
        return None
    if act.stance == "neutral" and not _NEUTRAL_CUE.search(sentence.text):
        return None
    speaker = _clean_name(act.speaker) or act.speaker
    role = speaker_role(article.text, speaker)
    target = _clean_name(act.target) or addressee_in(sentence.text, speaker)
    if target is None or same_side(target, speaker, role):
        return None
    # A member's 'support' of their own party says nothing; criticism of it does.
    if act.stance == "support" and same_party(target, speaker, article.text):
        return None
    # A demonym or a capital stands for its state ("Iranian", "Tel Aviv").
    target = side_named(normalise_text(target)) or target
    holder = speaker_side(speaker, role) or speaker
    if fold_name(holder) == fold_name(target):
        return None
    return Stance(
        holder=holder,
        target=target,
        topic=" ".join((act.topic or "").split()) or DEFAULT_TOPIC,
        polarity=act.stance,
        speaker=speaker if speaker.casefold() != holder.casefold() else None,
        date_text=sentence.dates[0] if sentence.dates else None,
        evidence=evidence_at(article.text, sentence.start, sentence.end),
    )


# Words that take a side toward whoever is named next to them. A stance whose
# polarity the words near its target contradict (the model says 'support' of
# "the threat that Iran poses") is dropped and counted, not kept or flipped:
# the words alone do not say which way the position really goes.
_AGAINST_WORDS = re.compile(
    r"\b(?:threat\w*|condemn\w*|critici[sz]\w*|accus\w*|blam\w*|violat\w*|crimes?|aggress\w*|hostil\w*|"
    r"double standards|sanction\w*|blow to|denounc\w*|veto\w*|overrid\w*|end (?:his|her|its|their) campaign|"
    r"not tolerate|Zionist)\b",  # "Zionist" is the word of those against Israel
    re.I,
)
_FOR_WORDS = re.compile(
    r"\b(?:prais\w*|welcom\w*|thank\w*|support\w*|cooperat\w*|partner\w*|friend\w*|respect for|"
    r"commitment to|ally|allies|alliance|congratulat\w*|ties with)\b",
    re.I,
)
_NEAR = 60  # characters either side of the target's mention


def _mentions(actor: str, text: str) -> list[tuple[int, int]]:
    """Where the text names ``actor``: its own spelling, or a demonym or capital of the same state."""
    spans = [m.span() for m in re.finditer(r"\b" + re.escape(actor) + r"\b", text, re.I)]
    words = list(re.finditer(r"[A-Z][\w\-’']+", text))
    pairs = [(a.start(), b.end()) for a, b in zip(words, words[1:]) if text[a.end():b.start()] == " "]  # "Tel Aviv"
    for start, end in [w.span() for w in words] + pairs:
        if state_of(normalise_text(text[start:end])) == actor:
            spans.append((start, end))
    return spans


def polarity_conflict(stance: Stance, sentence: str) -> str | None:
    """Why the words next to the stance's target contradict its polarity; None when they do not."""
    if stance.polarity not in ("support", "oppose"):
        return None
    if stance.polarity == "support" and (against := _against_named(stance, sentence)):
        return against
    against = stance.polarity == "support"
    contrary, agreeing = (_AGAINST_WORDS, _FOR_WORDS) if against else (_FOR_WORDS, _AGAINST_WORDS)
    for start, end in _mentions(stance.target, sentence):
        near = sentence[max(0, start - _NEAR): end + _NEAR]
        found = contrary.search(near)
        if found and not agreeing.search(near):
            return f"polarity: '{stance.polarity}' of {stance.target}, but the sentence says '{found.group(0)}' next to it"
    return None


# Words that set whoever follows them as the one opposed: "the fight against
# the Trump administration", "attacks by Democrats", "to harass President
# Trump", "investigate claims the White House ...", "upend Title X", "the
# corrupt mayor". Only words right before the name count (an article, or a
# title or first name, between), so "joined the United States in the fight
# against terrorism" says nothing against the United States (nor does "has
# nothing against X").
_AGAINST_BEFORE = re.compile(
    r"\b(?i:(?<!not\s)(?<!nothing\s)against|attack(?:s|ed)?\s+(?:by|from)|harass\w*|upend\w*|probe\s+(?:into|of)|probing|corrupt|"
    r"impeach(?:es|ed|ing)?|impeachment\s+of|"
    r"investigat\w*(?:\s+(?:into|of))?(?:\s+(?:claims?|allegations?|reports?|whether|that))?)\s+"
    r"(?:(?i:the|a|an|his|her|their|its)\s+)?(?:[A-Z][\w.’'\-]*\s+){0,2}$"
)
# Words of condemnation said of the name itself: "Ellis is corrupt", "the
# agency was unethical". Near the name but said of something else ("“The rule
# is unethical,” said Ann Lee, president of the Clinic") they say nothing of it.
_CONDEMNED_AFTER = re.compile(
    r"(?:[’']s)?\s+(?:is|are|was|were|has\s+been|have\s+been)\s+(?:(?:so|deeply|utterly|totally|completely)\s+)?"
    r"(?:corrupt|unethical|unconscionable)\b",
    re.I,
)


# "called for Obama's impeachment", "demanded the senator's resignation": asking
# for someone's removal is against them.
_DEMANDING_BEFORE = re.compile(
    r"\b(?i:call(?:s|ed|ing)?\s+for|demand(?:s|ed|ing)?|push(?:es|ed|ing)?\s+for|urg(?:e|es|ed|ing))\s+"
    r"(?:(?i:the)\s+)?(?:[A-Z][\w.’'\-]*\s+){0,2}$"
)
_REMOVAL_AFTER = re.compile(r"[’']s\s+(?:impeachment|ouster|removal|resignation|indictment|arrest|firing|prosecution)\b", re.I)


def _against_named(stance: Stance, sentence: str) -> str | None:
    """Why 'support' of a target is contradicted by words that name it as the
    one opposed ("the fight against X", "attacks by X", "X is corrupt"); None otherwise."""
    for start, end in _mentions(stance.target, sentence):
        before = _AGAINST_BEFORE.search(sentence, max(0, start - _NEAR), start)
        after = _CONDEMNED_AFTER.match(sentence, end)
        if before is None and after is None and _REMOVAL_AFTER.match(sentence, end):
            before = _DEMANDING_BEFORE.search(sentence, max(0, start - _NEAR), start)
            after = _REMOVAL_AFTER.match(sentence, end) if before else None
        if before or after:
            words = " ".join(sentence[before.start() if before else start:after.end() if after else end].split())
            return f"polarity: 'support' of {stance.target}, but the sentence says '{words}'"
    return None


# "declined to comment on a report in X": saying nothing takes no position.
_NO_COMMENT = re.compile(r"\b(?:declin\w*|refus\w*|would\s+not|did\s+not)\s+(?:immediately\s+)?(?:to\s+)?"
                         r"(?:comment|discuss|confirm|elaborate|respond|say\s+more)\b", re.I)


def said_nothing(stance: Stance, sentence: str) -> str | None:
    """Why a stance read from a sentence whose speaker declined to comment is
    none: whatever the words near the target, nothing was said of it. None
    when the sentence says more than that (another verb of saying)."""
    found = _NO_COMMENT.search(sentence)
    if found is None or re.search(r"\b(?:said|says|told|added|argued|called)\b", sentence[:found.start()] + sentence[found.end():]):
        return None
    return f"polarity: '{stance.polarity}' of {stance.target}, but the speaker only '{found.group(0)}'"


# "to attack", "targeting": the words before the one attacked.
_ATTACKING = re.compile(r"\b(?:to\s+(?:attack|strike|target|bomb|hit)|attacking|targeting|striking|bombing)\b", re.I)
_DENIED = re.compile(r"\b(?:not|never|no|nor|refus\w*|prevent\w*)\b", re.I)


def attacked_target(stance: Stance, sentence: str) -> str | None:
    """Why a stance's target is only the one attacked in the sentence ("Israel is
    using drones to attack Iraq"): a position toward it is the model's guess,
    the sentence takes its position toward the attacker. None otherwise, and
    when the attack is one someone will not allow ("would not allow X to attack")."""
    if stance.polarity not in ("support", "oppose"):
        return None
    for start, _ in _mentions(stance.target, sentence):
        for attack in _ATTACKING.finditer(sentence, max(0, start - _NEAR), start):
            if not _DENIED.search(sentence, max(0, attack.start() - 40), attack.start()):
                return f"target: {stance.target} is the one attacked in the sentence ('{attack.group(0)}'), not a side"
    return None


_ABBREVIATION = re.compile(r"\b[A-Z](?:\.\s?[A-Z])+\.?")


def target_not_spoken_of(stance: Stance, words: str) -> str | None:
    """Why a stance read from a statement is toward someone the statement does
    not speak of or to: ``words`` run from the cue to the end of what was said
    ("assured Tehran that ...", "said that the drills were lawful"). A target
    the words never name is the model's guess from elsewhere in the sentence
    ("dismissed the Azeri claims and said that the drills were lawful": the
    second statement says nothing of Azerbaijan). None when the words name it,
    by its own spelling, a name word of it, or a demonym or capital of its state."""
    if _mentions(stance.target, words):
        return None
    if any(state_of(normalise_text(m.group(0))) == stance.target for m in _ABBREVIATION.finditer(words)):
        return None  # "the U.S."
    name_words = [w for w in re.findall(r"[\w\-’']+", stance.target) if w[:1].isupper() and len(w) > 2]
    if any(re.search(r"\b" + re.escape(w) + r"\b", words) for w in name_words):
        return None
    return f"target: {stance.target} is not named in what was said ('{words[:60]}')"


# "urged Baku to investigate", "called on Tehran to stop": what follows asks
# something of the target, which says nothing of support for it.
# "ask Mueller to send", "requested the FBI to": asking, requesting and
# imploring are demands too; an article or a title may come between.
_ASKED_OF = re.compile(
    r"\b(?i:urg(?:e|es|ed|ing)|call(?:s|ed|ing)? on|press(?:es|ed|ing)?|demand(?:s|ed|ing)? that|ask(?:s|ed|ing)?|"
    r"request(?:s|ed|ing)?|implor(?:e|es|ed|ing))\s+(?:(?i:the)\s+)?(?:[A-Z][\w.’'\-]*\s+){0,2}$"
)


def asked_of_target(stance: Stance, sentence: str) -> str | None:
    """Why 'support' of a target is only the model's reading of a demand made of
    it ("Pezeshkian urged Baku to investigate the reports"): being asked to do
    something is no sign of support. None for other polarities (a demand can
    be hostile: "called on X to end his campaign" is read against X elsewhere)
    and when the target is not the one asked."""
    if stance.polarity != "support":
        return None
    for start, end in _mentions(stance.target, sentence):
        asked = _ASKED_OF.search(sentence, max(0, start - _NEAR), start)
        if asked and re.match(r"\s+to\b", sentence[end:]):
            return f"polarity: 'support' of {stance.target}, but the sentence only asks something of it ('{asked.group(0).strip()}')"
    return None


def unnamed_holder(stance: Stance, sentence: str = "", common_words: frozenset[str] = frozenset()) -> str | None:
    """Why a stance's holder is no actor the text names ("events", "escalating
    probe", "President" alone): a position needs someone to hold it. None when
    the holder is a name, a state, or an organisation's name. Given its
    sentence (and the article's words that are surely no name), also a word
    capitalised only because it opens the sentence ("Days after ...") and a
    place that only says where a person is from ("the Maryland Democrat said")."""
    if sentence and (misread := _holder_misread(stance.holder, sentence, common_words)):
        return misread
    holder = " ".join(stance.holder.split())
    words = holder.split()
    folded = normalise_text(holder)
    if state_of(folded) or names_an_organisation(frozenset(folded.split())):
        return None
    named = [w[:1].isupper() or _NAME_PARTICLE.fullmatch(w) is not None for w in words]
    # "Republican lawmakers", "Iranian officials": a named group.
    group = len(words) >= 2 and all(named[:-1]) and words[-1].lower() in _GROUPS
    title = folded.removeprefix("the ")
    if (all(named) or group) and re.fullmatch(r"[\w.'’\- ]+", holder) and title not in ROLE_NAMES:
        return None
    return f"holder: '{stance.holder}' names no actor"


# Lower-case words inside names ("Abu Mahdi al-Muhandis", "Charles de Gaulle").
_NAME_PARTICLE = re.compile(r"(?:al|el|de|del|der|van|von|bin|ibn|da|la|le|of|the|and|for)|(?:al|el|ad|ar|as|an)-\w+", re.I)
_GROUPS = frozenset(
    "lawmakers officials senators leaders militants forces troops voters members supporters critics activists "
    "protesters residents authorities legislators delegates diplomats ministers representatives".split()
)
# A title alone is no name ("The President said ..."): the lexicon's titles,
# and offices of local and party politics it does not list as titles.
ROLE_NAMES = frozenset(TITLE_PHRASES) | {"governor", "mayor", "speaker", "secretary", "chairman"}


def _opposite(a: str, b: str) -> bool:
    return {a, b} in ({"support", "oppose"}, {"support", "deny"})


def overruling_deed(stance: Stance, deeds: list[Stance]) -> Stance | None:
    """The stance the parse reads in the same sentence, between the same two sides,
    with the opposite polarity ("would not allow Tel Aviv to attack" is against
    Israel, whatever the model answered); None when the parse does not disagree.
    The parse's reading is syntactic and sure, so it wins."""
    for deed in deeds:
        if _same_sides_and_place(deed, stance) and _opposite(deed.polarity, stance.polarity):
            return deed
    return None


def _same_sides_and_place(a: Stance, b: Stance) -> bool:
    same_place = (a.evidence.start, a.evidence.end) == (b.evidence.start, b.evidence.end)
    return same_place and fold_name(a.holder) == fold_name(b.holder) and fold_name(a.target) == fold_name(b.target)


def contradicted(stance: Stance, stances: list[Stance]) -> Stance | None:
    """Another of ``stances`` with the opposite polarity between the same two
    sides in the same sentence (two attributions read as 'support' and 'oppose'
    of the same target): one sentence does not say both, and nothing tells which
    reading is right. None when no other reading disagrees."""
    for other in stances:
        if other is not stance and _same_sides_and_place(other, stance) and _opposite(other.polarity, stance.polarity):
            return other
    return None


def relaying_outlet(stance: Stance, sentence: str) -> str | None:
    """The news outlet or anonymous source a stance puts as its holder or target
    ("NBC reported ...", "told The Jerusalem Post"): it relays positions, it
    holds none and is the target of none. A state the sentence names only as
    an outlet's ("told a Turkish news agency") is that outlet. None when both
    are actors."""
    for name in (stance.holder, stance.target):
        if names_a_news_outlet(frozenset(normalise_text(name).split())):
            return name
        if reporter := reporter_of_outlet(name, sentence):
            return reporter
    spans = _mentions(stance.target, sentence)
    outlets = [_OUTLET_AFTER.match(sentence, end) for _, end in spans]
    if spans and all(outlets):
        start = spans[0][0]
        return sentence[start:outlets[0].end()]
    return None


# The words that make a state's name an outlet's: "Turkish news agency", "Israeli media".
_OUTLET_AFTER = re.compile(r"\s+(?:state\s+)?(?:news\s+agency|news|media|press|television|TV|radio|newspaper)\b", re.I)


def distinct_stances(stances: list[Stance]) -> list[Stance]:
    """One stance per holder, target, polarity and sentence: two attributions
    in one sentence that take the same position are one position."""
    seen: set[tuple] = set()
    kept = []
    for stance in stances:
        key = (stance.holder.casefold(), stance.target.casefold(), stance.polarity,
               stance.evidence.start, stance.evidence.end)
        if key not in seen:
            seen.add(key)
            kept.append(stance)
    return kept


def guess_type(name: str, *, is_place: bool = False) -> EntityType:
    """An extraction's type for a name, from the lexicon; the merge votes over these."""
    folded = normalise_text(name)
    if state_of(folded):
        return "country"
    if is_place:
        return "place"
    if names_an_organisation(frozenset(folded.split())):
        return "organization"
    if looks_like_personal_name(name):
        return "person"
    return "other"


# A statement's speaker type, as the text gives it, is a better guess than the
# name's shape ("Smith" alone looks like nothing; "the report" like a person).
_TYPE_OF_SPEAKER: dict[str, EntityType] = {"person": "person", "organization": "organization", "document": "document"}


def entities_of(statements: list[Statement], events: list[Event], stances: list[Stance]) -> list[Entity]:
    names: dict[str, tuple[str, bool, EntityType | None]] = {}

    def add(name: str | None, is_place: bool = False, told: EntityType | None = None) -> None:
        if name and fold_name(name) not in names:
            names[fold_name(name)] = (name, is_place, told)

    for statement in statements:
        add(statement.speaker, told=_TYPE_OF_SPEAKER.get(statement.speaker_type or ""))
        add(statement.addressee)
    for event in events:
        for participant in event.participants:
            add(participant.name)
        add(event.place, is_place=True)
    for stance in stances:
        add(stance.holder)
        add(stance.target)
        add(stance.speaker)
    return sorted(
        (Entity(name=name, type=_entity_type(name, place, told)) for name, place, told in names.values()),
        key=lambda e: (e.name.casefold(), e.name),
    )


def _entity_type(name: str, is_place: bool, told: EntityType | None) -> EntityType:
    guessed = guess_type(name, is_place=is_place)
    return guessed if guessed in ("country", "place") or told is None else told


# --------------------------------------------------------------------------
# Holders and targets as the sentence writes them
# --------------------------------------------------------------------------


def _name_spans(name: str, text: str) -> list[tuple[int, int]]:
    """Every place ``text`` may name ``name``: its spelling, a demonym or capital
    of its state (``_mentions``), or one of its own name words. Generous on
    purpose: the rules below drop a stance only when *every* mention is of
    one kind, so a mention too many keeps a stance, never drops one."""
    spans = set(_mentions(name, text))
    for word in re.findall(r"[\w\-’']+", name):
        if word[:1].isupper() and len(word) > 2:
            spans.update(m.span() for m in re.finditer(r"\b" + re.escape(word) + r"\b", text))
    return sorted(spans)


def _all_within(spans: list[tuple[int, int]], ranges: list[tuple[int, int]]) -> bool:
    return bool(spans) and all(any(a <= start and end <= b for a, b in ranges) for start, end in spans)


def target_describes_speaker(stance: Stance, sentence: str, description: list[tuple[int, int]]) -> str | None:
    """Why a stance's target is only the speaker's own description: every
    mention of it lies in the words that say who the speaker is ("said Maria
    Olsen, president of the Northfield Alliance", "said Pruitt, who ran the
    Army under Clinton"), none in what they said. That is their affiliation,
    not a side they took. ``description`` holds character ranges within
    ``sentence`` (see attribution.source_description). None otherwise."""
    if _all_within(_name_spans(stance.target, sentence), description):
        return f"target: {stance.target} is named only in the description of the speaker, not in what was said"
    return None


# The verbs and forms after which a name is only whom something was said to
# ("told X", "said to X", "a letter to X", "an interview given to X"). Not
# those that say more of the speaker's attitude ("assured", "thanked",
# "clarified to", "warned") nor the two-way exchanges (a call, talks, a
# meeting: a relation in themselves).
_ONLY_TOLD = re.compile(r"(?:told|tells?|inform(?:ed|s)|briefed|said|wrote|written|given|granted|letter|message)\b", re.I)
# The channel a statement came through: "in a release from the State
# Department", "testified before the Senate committee".
CHANNEL_PATTERNS = (
    re.compile(r"\b(?:release|statement|letter|memo|e-?mail|post|tweet|video|filing|testimony)\s+"
               r"(?:from|by|to|before)\s+(" + _NAME + ")"),
    re.compile(r"\b(?:testif(?:y|ies|ied|ying)|appear(?:s|ed|ing)?)\s+(?:before|to)\s+(" + _NAME + ")"),
)
# "the House and Senate Judiciary committees": the names joined to the first.
_JOINED_NAME = re.compile(r"(?:,\s+|,?\s+(?:and|or|&)\s+)" + _NAME)


def _told_or_channel(text: str, speaker: str) -> list[tuple[int, int]]:
    """Where ``text`` names only whom the speaker told, or the channel they spoke through."""
    surname = fold_name(speaker).split(" ")[-1]
    found = []
    matches = [m for p in ADDRESSEE_PATTERNS for m in p.finditer(text) if _ONLY_TOLD.match(m.group(0))]
    for match in matches + [m for p in CHANNEL_PATTERNS for m in p.finditer(text)]:
        if surname and surname in fold_name(match.group(1)):
            continue  # the speaker, not whom they spoke to
        start, end = match.span(1)
        while joined := _JOINED_NAME.match(text, end):
            end = joined.end()
        found.append((start, end))
    return found


def support_of_the_told(stance: Stance, sentence: str) -> str | None:
    """Why 'support' of a target is only the model's reading of being told
    something or being the channel ("told a Senate committee that he drank",
    "said in a letter to the House", "in a release from the State
    Department"): every mention of the target is as addressee or channel,
    none in what was said. None for other polarities, and when what was said
    names the target ("told Tehran that Baku would not allow Tel Aviv to
    attack Iran")."""
    if stance.polarity != "support":
        return None
    text = plain_name(sentence)
    if _all_within(_name_spans(stance.target, text), _told_or_channel(text, stance.speaker or stance.holder)):
        return f"polarity: 'support' of {stance.target}, but the sentence only says something was told to it or came through it"
    return None


# What follows a name inside a longer one: a capitalised word ("Office of the
# Vice| President", "Rear Adm|. Kenneth Braithwaite", "Americans| United for
# Life"). Not "of": "Peter Lund of the Chicago Tribune" is Peter Lund. Days and
# months follow any name ("said Trump Tuesday").
_LONGER_NAME = re.compile(
    r"\.?[^\S\n]+(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"January|February|March|April|May|June|July|August|September|October|November|December)\b)[A-Z][\w’'\-]*"
)


def _is_headline(sentence: str) -> bool:
    """A title-case line capitalises every word: capitals there run on from any name."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'\-]*", sentence) if len(w) > 3]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) > 0.7 * len(words)


def cut_off_name(name: str, sentence: str) -> str | None:
    """The longer name a holder or target is a cut-off piece of: when every
    place the sentence spells it runs on as a longer capitalised name ("Rear
    Adm" of "Rear Adm. Kenneth Braithwaite", "Americans" of "Americans United
    for Life"), it is no name of its own. A demonym or capital of a state
    stands alone ("Iranian President ..." names Iran). None otherwise."""
    if _is_headline(sentence):
        return None
    longer = []
    for start, end in _mentions(name, sentence):
        if fold_name(sentence[start:end]) != fold_name(name):
            return None
        run_on = _LONGER_NAME.match(sentence, end)
        if run_on is None or run_on.group(0).split()[-1].casefold() in GOVERNMENT_WORDS:
            return None  # "the Biden Administration" is Biden's side
        longer.append(sentence[start:run_on.end()])
    return longer[0] if longer else None


def cut_off_side(stance: Stance, sentence: str) -> str | None:
    """Why a stance's holder or target is a piece of a longer name (``cut_off_name``); None otherwise."""
    for side, name in (("holder", stance.holder), ("target", stance.target)):
        longer = cut_off_name(name, sentence)
        if longer:
            return f"{side}: '{name}' is only part of the name '{longer}…' in the sentence"
    return None


# Where a person is from, not who they are: "the Maryland Democrat", "an Ohio lawmaker".
_PERSON_FROM = re.compile(
    r"[^\S\n]+(?:Democrat|Republican|Independent|[Ss]enator|[Ll]awmaker|[Cc]ongress(?:wo)?man|[Rr]epresentative|"
    r"[Aa]ide|[Nn]ative|[Rr]esident|[Vv]oter|[Ll]egislator)s?\b"
)
_PARTIES = frozenset({"democrat", "democrats", "democratic", "republican", "republicans", "gop", "independent"})


def _holder_misread(holder: str, sentence: str, common_words: frozenset[str]) -> str | None:
    """Why the sentence shows ``holder`` is no actor: it is a common word that
    only opens the sentence, or every mention of it is a place naming where a
    person is from. None otherwise."""
    spans = [m.span() for m in re.finditer(r"\b" + re.escape(holder) + r"\b", sentence)]
    if not spans:
        return None
    opening = len(sentence) - len(sentence.lstrip(" \"“‘'(\n"))
    if holder in common_words and all(start == opening for start, _ in spans):
        return f"holder: '{holder}' is a common word, capitalised only because it opens the sentence"
    if fold_name(holder) not in _PARTIES and all(_PERSON_FROM.match(sentence, end) for _, end in spans):
        after = _PERSON_FROM.match(sentence, spans[0][1]).group(0).strip()
        return f"holder: '{holder}' only says where the '{after}' who spoke is from"
    return None


# The people who report for an outlet: "New York Times reporter", "a columnist for".
_REPORTERS = r"(?:reporter|correspondent|columnist|writer|journalist|editor|anchor|host|commentator)s?"
_REPORTER_AFTER = re.compile(r",?\s+(?:(?:a|an|the)\s+(?:[\w\-]+\s+){0,3}?" + _REPORTERS + r"\s+(?:for|at|with|of)\s+|of\s+)(" + _NAME + ")")
_REPORTER_BEFORE = re.compile(r"(" + _NAME + r")(?:[’']s|\s+(?:[\w\-]+\s+){0,3}?" + _REPORTERS + r")\s+$")


def reporter_of_outlet(name: str, sentence: str) -> str | None:
    """The words that make ``name`` a news outlet's reporter in the sentence
    ("Vivian Wang of the New York Times", "Chicago Tribune reporter Peter
    Lund", "CNN's Jake Tapper", "Lund, a columnist for the Tribune"): they
    relay what others hold, like their outlet. None otherwise."""
    for match in re.finditer(r"\b" + re.escape(name) + r"\b", sentence):
        start, end = match.span()
        after = _REPORTER_AFTER.match(sentence, end)
        if after and _names_outlet(after.group(1)):
            return sentence[start:after.end()].rstrip(" .,;:")  # a name's pattern takes dotted words
        before = _REPORTER_BEFORE.search(sentence[:start])
        if before and _names_outlet(before.group(1)):
            return sentence[before.start():end]
    return None


def _names_outlet(name: str) -> bool:
    return names_a_news_outlet(frozenset(normalise_text(name).split()))
