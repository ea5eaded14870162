"""The one lexicon: states, demonyms and capitals, titles, organisation words.

Every rule that needs to know that "Azeri" is Azerbaijan, that "Foreign
Minister" is an office and not a name, or that "Ministry" makes a name an
organisation reads it here. Keys are normalised (``entities.normalise_text``:
lower case, no punctuation). Small on purpose: anything not listed is
resolved as an ordinary name.

(The scorer in ``summariser.evaluate`` keeps its own name tables on purpose:
gold matching must not move when the extractor's lexicon grows.)
"""

from __future__ import annotations

# --------------------------------------------------------------------------
# Reference tables: states, their demonyms and capitals
# --------------------------------------------------------------------------

# canonical name -> (names and demonyms, capitals). Keys are normalised
# (see normalise_text). Small on purpose: it covers the actors news about the
# region names by metonymy; anything else is resolved as an ordinary name.
STATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Afghanistan": (("afghanistan", "afghan"), ("kabul",)),
    "Armenia": (("armenia", "armenian"), ("yerevan",)),
    "Azerbaijan": (("azerbaijan", "azerbaijani", "azeri", "republic of azerbaijan"), ("baku",)),
    "China": (("china", "chinese"), ("beijing",)),
    "Egypt": (("egypt", "egyptian"), ("cairo",)),
    "France": (("france", "french"), ("paris",)),
    "Germany": (("germany", "german"), ("berlin",)),
    "Greece": (("greece", "greek"), ("athens",)),
    "India": (("india", "indian"), ("new delhi",)),
    "Iran": (
        ("iran", "iranian", "islamic republic", "islamic republic of iran", "persia"),
        ("tehran",),
    ),
    "Iraq": (("iraq", "iraqi"), ("baghdad",)),
    "Israel": (
        ("israel", "israeli", "jewish state", "zionist", "zionist entity"),
        ("tel aviv", "jerusalem"),
    ),
    "Lebanon": (("lebanon", "lebanese"), ("beirut",)),
    "Oman": (("oman", "omani"), ("muscat",)),
    "Pakistan": (("pakistan", "pakistani"), ("islamabad",)),
    "Qatar": (("qatar", "qatari"), ("doha",)),
    "Russia": (("russia", "russian", "russian federation"), ("moscow", "kremlin")),
    "Saudi Arabia": (("saudi arabia", "saudi"), ("riyadh",)),
    "Somalia": (("somalia", "somali"), ("mogadishu",)),
    "South Sudan": (("south sudan", "south sudanese"), ("juba",)),
    "Sudan": (("sudan", "sudanese"), ("khartoum",)),
    "Syria": (("syria", "syrian"), ("damascus",)),
    "Turkey": (("turkey", "turkiye", "turkish"), ("ankara",)),
    "Ukraine": (("ukraine", "ukrainian"), ("kyiv", "kiev")),
    "United Kingdom": (("united kingdom", "uk", "britain", "great britain", "british"), ("london",)),
    "United States": (
        ("united states", "united states of america", "us", "usa", "america", "american"),
        ("washington",),
    ),
    "Yemen": (("yemen", "yemeni"), ("sanaa",)),
}

STATE_BY_NAME: dict[str, str] = {
    alias: state for state, (names, _) in STATES.items() for alias in names
}
STATE_BY_CAPITAL: dict[str, str] = {
    capital: state for state, (_, capitals) in STATES.items() for capital in capitals
}
CAPITAL_DISPLAY: dict[str, str] = {
    capital: capital.title() for capital in STATE_BY_CAPITAL
}

# Offices that precede a name ("Foreign Minister Jeyhun Bayramov"); multi-word
# ones are matched first so "Defense Forces" is not read as a title.
TITLE_PHRASES: tuple[str, ...] = (
    "foreign ministry spokesman", "foreign ministry spokesperson",
    "prime minister", "foreign minister", "defense minister", "defence minister",
    "interior minister", "finance minister", "supreme leader", "secretary general",
    "secretary of state", "head of state", "president elect", "chief of staff",
    "president", "minister", "ambassador", "envoy", "spokesman", "spokeswoman",
    "spokesperson", "leader", "king", "queen", "emir", "sheikh", "ayatollah",
    "chancellor", "senator", "general", "commander", "chief", "mr", "mrs", "ms", "dr",
)
# Words that qualify a title without changing the office ("newly elected").
TITLE_MODIFIERS = frozenset({"newly", "elected", "new", "incoming", "acting", "current"})
# Modifiers that make the office someone else's at another time: such a role
# is not used to identify a person ("former president").
PAST_MODIFIERS = frozenset({"former", "late", "then", "outgoing", "ex"})
# "<Azerbaijani> government" speaks for the state itself.
GOVERNMENT_WORDS = frozenset({
    "government", "regime", "authorities", "administration", "presidency",
    "leadership", "state", "side", "officials",
})
# Words that make an unknown name an organisation rather than a person.
ORG_WORDS = frozenset({
    "ministry", "media", "agency", "army", "navy", "forces", "force", "party",
    "group", "council", "union", "nations", "organization", "organisation",
    "committee", "corps", "guard", "guards", "news", "times", "post", "tv",
    "parliament", "bank", "company", "corporation", "university", "militants",
    "hezbollah", "hamas", "taliban", "police", "court", "un", "nato", "eu",
    "government", "office", "idf", "irgc",
})

# Honorifics are titles for parsing a name, but say nothing about an office.
HONORIFICS = frozenset({"mr", "mrs", "ms", "dr"})

# Office words as written before a speaker's name ("Azerbaijani President
# Ilham Aliyev", "the Azeri ambassador to Israel"), for finding a speaker's
# role in the article's own words. Case-sensitive on purpose: "leader" and
# "ambassador" are written in lower case in running text, the rest as titles.
ROLE_WORDS = (
    r"(?:President|Prime Minister|Foreign Minister|Defen[cs]e Minister|Minister|Ambassador|ambassador"
    r"|Secretary|Spokes(?:wo)?man|Emir|King|Chief|General|Commander|leader|Leader|Speaker)"
)

def state_of(word: str) -> str | None:
    """The state a normalised word or phrase names, as name, demonym or capital."""
    return STATE_BY_NAME.get(word) or STATE_BY_CAPITAL.get(word)


def side_named(word: str) -> str | None:
    """The state a stance's side names (``state_of``), initials however written:
    "U.S." and "U. S." normalise to "u s", which is "us"."""
    if len(word) > 2 and all(len(part) == 1 for part in word.split()):
        word = word.replace(" ", "")
    return state_of(word)


def names_an_organisation(tokens: set[str] | frozenset[str]) -> bool:
    """Whether a name's normalised words make it an organisation ("Foreign Ministry", "IRGC")."""
    return bool(tokens & ORG_WORDS)


def looks_like_personal_name(display: str) -> bool:
    """Two to five words, every word of four letters or more capitalised: a
    person's name, possibly behind a title ("Foreign Minister Hossein Amir-Abdollahian")."""
    words = display.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words if len(w) > 3)


# News outlets and anonymous sources: they relay what others say or do, so a
# position they report is never theirs ("NBC reported that ...", "told The
# Jerusalem Post"). Normalised words; a name holding one (and naming no
# state: "Iranian media" speaks for Iran) is an outlet.
NEWS_WORDS = frozenset({
    "news", "media", "agency", "times", "post", "journal", "tribune", "herald", "gazette", "daily",
    "newspaper", "tv", "television", "radio", "broadcaster", "outlet", "reporter", "reporters",
    "correspondent", "sources", "observatory", "nbc", "cbs", "abc", "cnn", "msnbc", "bbc", "fox",
    "reuters", "ap", "afp", "bloomberg", "politico", "axios", "guardian", "tass", "irna", "isna",
    "tasnim", "fars", "xinhua", "aljazeera", "jazeera", "telegraph", "independent", "examiner",
})


def names_a_news_outlet(tokens: set[str] | frozenset[str]) -> bool:
    """Whether a name's normalised words make it a news outlet or an anonymous
    source rather than an actor ("NBC", "The Jerusalem Post", "internal sources")."""
    return bool(tokens & NEWS_WORDS) and not any(STATE_BY_NAME.get(t) for t in tokens)
