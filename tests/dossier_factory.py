"""Hand-made dossiers for tests and the render check, built from the real seeds.

Evidence offsets are computed with ``str.index`` on the article text as loaded
(newlines normalised), so ``text[start:end] == evidence.text`` holds for every
source built here. The dossier is what a good merge of the five seed articles
could look like; it does not depend on the merge code, which is written
separately.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from summariser.canonical import content_id, sha256_text
from summariser.datamodel import (
    ArticleMeta,
    DateValue,
    Dispute,
    DisputeClaim,
    Dossier,
    DossierEntity,
    DossierEvent,
    DossierStatement,
    Evidence,
    RunInfo,
    Source,
    StanceAssertion,
    StanceTimeline,
    StatementSource,
    Usage,
)

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

# seed key → (file, title, outlet, published)
SEED_ARTICLES = {
    "airspace": ("000_42ea9305e4fd82ff.txt", "Iran Says Azerbaijan Denies Allowing Israeli Use of Airspace During 12-Day War", None, "2025-06-26"),
    "soil": ("001_301e08e2ee5a4c49.txt", "Azerbaijan will not allow Israel to attack Iran from its soil", "The Cradle", "2022-12-16"),
    "call": ("002_6dd892b7e9f94d3a.txt", "Pezeshkian and Aliyev discuss the war in a phone call", None, "2025-06-26"),
    "tensions": ("003_7e6c0d4b9196c354.txt", "Tensions Elevate Between Iran And Azerbaijan", None, None),
    "herzog": ("004_196baa326f068f44.txt", "Azerbaijan, Israel discuss ‘Iranian threat’", "The Cradle", "2023-06-01"),
}

HOSTILE_TEXT = (
    "Officials said the page contained <script>alert(1)</script> and was taken down.\n"
    'A second line had <img src=x onerror="alert(2)"> & a link <a href="https://evil.example/">here</a>.\n'
)


# --------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------


def read_seed(file_name: str) -> str:
    """A seed article as the loader sees it: UTF-8, newlines normalised."""
    raw = (SEEDS / file_name).read_text(encoding="utf-8")
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def article_meta(text: str, title: str, *, outlet: str | None = None, published: str | None = None, path: str = "articles/x.txt") -> ArticleMeta:
    return ArticleMeta(
        id=hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16],
        title=title,
        outlet=outlet,
        published=published,
        paths=[path],
        content_hash=sha256_text(text),
        chars=len(text),
    )


def find_span(text: str, wanted: str, occurrence: int = 0) -> tuple[int, int]:
    """Offsets of the ``occurrence``-th appearance of ``wanted`` in ``text``.

    Exact match first (``str.index``); failing that, any run of whitespace in
    ``wanted`` may match any run in the text, because the seeds contain
    non-breaking spaces that are invisible when writing fixtures by hand.
    """
    try:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(wanted, start + 1)
        return start, start + len(wanted)
    except ValueError:
        pattern = r"\s+".join(re.escape(word) for word in wanted.split())
        matches = list(re.finditer(pattern, text))
        if len(matches) <= occurrence:
            raise ValueError(f"{wanted!r} is not in the article text") from None
        return matches[occurrence].start(), matches[occurrence].end()


def source_in(article_id: str, text: str, evidence: str, occurrence: int = 0) -> Source:
    """A Source whose evidence is the article's own characters where ``evidence`` appears."""
    start, end = find_span(text, evidence, occurrence)
    return Source(article_id=article_id, evidence=Evidence(text=text[start:end], start=start, end=end))


def statement_source(source: Source, kind: str, content: str) -> StatementSource:
    """A statement's source also records how that article reports it (quote or paraphrase)."""
    return StatementSource(article_id=source.article_id, evidence=source.evidence, kind=kind, content=content)


def day(iso: str, text: str | None = None) -> DateValue:
    precision = {10: "day", 7: "month", 4: "year"}[len(iso)]
    return DateValue(text=text or iso, iso=iso, precision=precision)


def undated(text: str) -> DateValue:
    return DateValue(text=text, iso=None, precision="unknown")


def run_info() -> RunInfo:
    return RunInfo(model="test-model", prompt_version="p-test")


class Corpus:
    """Articles (meta + text) by short key, with a helper to cite them."""

    def __init__(self) -> None:
        self.meta: dict[str, ArticleMeta] = {}
        self.text: dict[str, str] = {}

    def add(self, key: str, text: str, title: str, outlet: str | None = None, published: str | None = None, path: str | None = None) -> ArticleMeta:
        meta = article_meta(text, title, outlet=outlet, published=published, path=path or f"articles/{key}.txt")
        self.meta[key] = meta
        self.text[key] = text
        return meta

    def cite(self, key: str, evidence: str, occurrence: int = 0) -> Source:
        return source_in(self.meta[key].id, self.text[key], evidence, occurrence)

    def texts_by_id(self) -> dict[str, str]:
        return {self.meta[key].id: self.text[key] for key in self.meta}


def seed_corpus() -> Corpus:
    corpus = Corpus()
    for key, (file_name, title, outlet, published) in SEED_ARTICLES.items():
        corpus.add(key, read_seed(file_name), title, outlet, published, path=f"seeds/{file_name}")
    return corpus


def eid(name: str) -> str:
    return content_id("ent", name)


# --------------------------------------------------------------------------
# The realistic seed dossier
# --------------------------------------------------------------------------

_ENTITIES = [
    ("Iran", "country", ["Tehran", "Islamic Republic"], ["airspace", "soil", "call", "tensions", "herzog"]),
    ("Azerbaijan", "country", ["Baku", "Azeri"], ["airspace", "soil", "call", "tensions", "herzog"]),
    ("Israel", "country", ["Tel Aviv", "Israeli regime", "Zionist regime"], ["airspace", "soil", "call", "tensions", "herzog"]),
    ("United States", "country", ["U.S."], ["call"]),
    ("Qatar", "country", [], ["call"]),
    ("Masoud Pezeshkian", "person", ["Pezeshkian"], ["airspace", "call"]),
    ("Ilham Aliyev", "person", ["Aliyev", "President Aliyev"], ["airspace", "call", "tensions", "herzog"]),
    ("Jeyhun Bayramov", "person", [], ["airspace"]),
    ("Khazar Ibrahim", "person", ["Ibrahim"], ["soil"]),
    ("Benny Gantz", "person", ["Gantz"], ["soil"]),
    ("Isaac Herzog", "person", ["Herzog"], ["herzog"]),
    ("Hossein Amir-Abdollahian", "person", [], ["tensions"]),
    ("Mukhtar Mammadov", "person", [], ["herzog"]),
]


def _entities(corpus: Corpus) -> list[DossierEntity]:
    return [
        DossierEntity(id=eid(name), name=name, type=kind, aliases=aliases, articles=sorted(corpus.meta[k].id for k in keys))
        for name, kind, aliases, keys in _ENTITIES
    ]


def _events(c: Corpus) -> list[DossierEvent]:
    def event(key: str, summary: str, event_type: str, date: DateValue | None, sources: list[Source], participants: list[str], place: str | None = None) -> DossierEvent:
        return DossierEvent(
            id=content_id("ev", key), summary=summary, event_type=event_type, date=date, place=place,
            participants=[eid(p) for p in participants], sources=sources,
        )

    return [
        event("karabakh-war", "Azerbaijan wins the war against Armenia over Nagorno-Karabakh", "military_activity",
              day("2020-09", "September 2020"),
              [c.cite("tensions", "Azerbaijan won the war against Armenia in September 2020 over the disputed Nagorno-Karabakh region")],
              ["Azerbaijan"], "Nagorno-Karabakh"),
        event("iran-drills", "Iran holds military drills at the Azerbaijani border", "military_activity",
              day("2022", "Last year"),
              [c.cite("herzog", "Tehran launched drills and moved large amounts of military equipment to its shared border"),
               c.cite("tensions", "the military presence and subsequent drills conducted at the borders, by the Iranian army")],
              ["Iran", "Azerbaijan"], "Iran–Azerbaijan border"),
        event("gantz-visit", "Israeli Defense Minister Benny Gantz visits Baku to discuss defense cooperation", "visit",
              day("2022-10", "Back in October"),
              [c.cite("soil", "Back in October, Azerbaijan warmly welcomed Israel’s outgoing Defense Minister Benny Gantz to bolster and discuss defense cooperation")],
              ["Benny Gantz", "Azerbaijan"], "Baku"),
        event("herzog-visit", "Israeli President Isaac Herzog visits Baku at Aliyev's invitation", "visit",
              day("2023-05", "recent visit"),
              [c.cite("herzog", "during his recent visit to Baku, at the invitation of the Azeri President, Ilham Aliyev")],
              ["Isaac Herzog", "Ilham Aliyev"], "Baku"),
        event("israel-strikes", "Israel launches airstrikes on Iranian military and nuclear facilities", "attack",
              day("2025-06-13", "June 13"),
              [c.cite("airspace", "Israel launched a wave of coordinated airstrikes on June 13 targeting Iranian military and nuclear facilities"),
               c.cite("call", "attacking Iran, including targeting nuclear facilities")],
              ["Israel", "Iran"], "Iran"),
        event("us-strikes", "The United States bombs Iranian nuclear sites", "attack",
              undated("on the eighth day of the conflict"),
              [c.cite("call", "the U.S., which later bombed Iranian nuclear sites on the eighth day of the conflict")],
              ["United States", "Iran"]),
        event("qatar-base", "Iran strikes a U.S. base in Qatar", "attack", None,
              [c.cite("call", "Iran was then compelled to strike a U.S. base in Qatar")],
              ["Iran", "United States", "Qatar"], "Qatar"),
        event("ceasefire", "Ceasefire between Israel and Iran takes effect", "ceasefire",
              day("2025-06-24", "Tuesday"),
              [c.cite("airspace", "A ceasefire between the two nations was brokered and came into effect on Tuesday")],
              ["Israel", "Iran"]),
        event("phone-call", "Pezeshkian and Aliyev speak by phone about the war and the airspace reports", "phone_call",
              day("2025-06-26", "Thursday"),
              [c.cite("airspace", "a phone call between Iran’s newly elected President Masoud Pezeshkian and Azerbaijani President Ilham Aliyev"),
               c.cite("call", "President Pezeshkian made the remarks in a phone conversation with Azerbaijani President Ilham Aliyev on Thursday")],
              ["Masoud Pezeshkian", "Ilham Aliyev"]),
    ]


def _statements(c: Corpus) -> list[DossierStatement]:
    def statement(key: str, speaker: str, role: str | None, content: str, kind: str, sources: list[Source], date: DateValue | None = None, addressee: str | None = None) -> DossierStatement:
        return DossierStatement(
            id=content_id("st", key), speaker=eid(speaker), speaker_name=speaker, speaker_role=role,
            content=content, kind=kind, addressee=eid(addressee) if addressee else None, date=date,
            sources=[statement_source(s, kind, content) for s in sources],
        )

    return [
        statement("pez-never", "Masoud Pezeshkian", "President of Iran", "Iran has never initiated any war", "paraphrase",
                  [c.cite("call", "Pezeshkian emphasized that Iran has never initiated any war")], day("2025-06-26", "Thursday")),
        statement("pez-crime", "Masoud Pezeshkian", "President of Iran", "a crime against humanity", "quote",
                  [c.cite("call", "a crime against humanity")], day("2025-06-26", "Thursday"), addressee="Israel"),
        statement("pez-investigate", "Masoud Pezeshkian", "President of Iran",
                  "Baku should investigate reports that Israel used Azerbaijani airspace", "paraphrase",
                  [c.cite("airspace", "Pezeshkian urged Baku to investigate reports alleging that Israel had used Azerbaijani airspace")],
                  day("2025-06-26", "Thursday"), addressee="Azerbaijan"),
        statement("aliyev-skies", "Ilham Aliyev", "President of Azerbaijan",
                  "the Azerbaijani government would not in any way allow its skies to be used against the friendly and brotherly country.", "quote",
                  [c.cite("airspace", "the Azerbaijani government would not in any way allow its skies to be used against the friendly and brotherly country.")],
                  day("2025-06-26", "Thursday"), addressee="Iran"),
        statement("aliyev-control", "Ilham Aliyev", "President of Azerbaijan",
                  "his government maintains full control over its airspace and would never permit it to be used against Iran", "paraphrase",
                  [c.cite("call", "Aliyev stressed that his government maintains full control over its airspace and would never permit it to be used against Iran")],
                  day("2025-06-26", "Thursday")),
        statement("aliyev-drills", "Ilham Aliyev", "President of Azerbaijan",
                  "Every country can conduct military drill, it’s their sovereign right. But why now and why on our border?", "quote",
                  [c.cite("tensions", "Every country can conduct military drill, it’s their sovereign right. But why now and why on our border?")],
                  addressee="Iran"),
        statement("bayramov-territory", "Jeyhun Bayramov", "Foreign Minister of Azerbaijan",
                  "will never allow its territory to be used for attacks on third countries, including friendly Iran.", "quote",
                  [c.cite("airspace", "will never allow its territory to be used for attacks on third countries, including friendly Iran.")],
                  day("2025-06", "At the onset of the war")),
        statement("ibrahim-soil", "Khazar Ibrahim", "Azeri Ambassador to the US",
                  "Baku would not allow Tel Aviv to attack Iran from its soil", "paraphrase",
                  [c.cite("soil", "Baku would not allow Tel Aviv to attack Iran from its soil")], day("2022-12-16", "16 December")),
        statement("herzog-dream", "Isaac Herzog", "President of Israel",
                  "Visiting Azerbaijan is a dream come true for me and my nation,", "quote",
                  [c.cite("herzog", "Visiting Azerbaijan is a dream come true for me and my nation,")], day("2023-05-31", "31 May")),
        statement("abdollahian-zionist", "Hossein Amir-Abdollahian", "Foreign Minister of Iran",
                  "We do not tolerate active presence of Zionist regime in Azerbaijan against Iran.", "quote",
                  [c.cite("tensions", "We do not tolerate active presence of Zionist regime in Azerbaijan against Iran.")], addressee="Azerbaijan"),
        statement("mammadov-refuel", "Mukhtar Mammadov", "Azeri ambassador to Israel",
                  "Baku would not allow the Israeli military to use Azerbaijan as a refueling base during a future attack against Iran", "paraphrase",
                  [c.cite("herzog", "Baku would not allow the Israeli military to use Azerbaijan as a refueling base during a future attack against Iran")],
                  day("2023-03-10", "10 March")),
    ]


def _stances(c: Corpus) -> list[StanceTimeline]:
    def assertion(polarity: str, date: DateValue | None, speaker: str | None, source: Source) -> StanceAssertion:
        return StanceAssertion(polarity=polarity, date=date, speaker=eid(speaker) if speaker else None, source=source)

    def timeline(key: str, holder: str, target: str, topic: str, assertions: list[StanceAssertion]) -> StanceTimeline:
        polarities = {a.polarity for a in assertions}
        return StanceTimeline(
            id=content_id("sn", key), holder=eid(holder), target=eid(target), topic=topic, assertions=assertions,
            latest_polarity=assertions[-1].polarity, changed=len(polarities) > 1,
        )

    return [
        timeline("az-il-territory", "Azerbaijan", "Israel", "use of Azerbaijani territory or airspace to attack Iran", [
            assertion("oppose", day("2022-12-16", "16 December"), "Khazar Ibrahim", c.cite("soil", "Baku would not allow Tel Aviv to attack Iran from its soil")),
            assertion("oppose", day("2023-03-10", "10 March"), "Mukhtar Mammadov", c.cite("herzog", "Baku would not allow the Israeli military to use Azerbaijan as a refueling base")),
            assertion("oppose", day("2025-06", "At the onset of the war"), "Jeyhun Bayramov", c.cite("airspace", "will never allow its territory to be used for attacks on third countries")),
            assertion("deny", day("2025-06-26", "Thursday"), "Ilham Aliyev", c.cite("call", "Rejecting the reports suggesting that Azerbaijani airspace had been used by Israeli drones to attack Iran")),
        ]),
        timeline("az-il-defense", "Azerbaijan", "Israel", "defense cooperation", [
            assertion("support", day("2022-10", "Back in October"), None, c.cite("soil", "to bolster and discuss defense cooperation")),
            assertion("support", day("2023-05-31", "31 May"), "Ilham Aliyev", c.cite("herzog", "Aliyev praised the defense cooperation between Tel Aviv and Baku")),
        ]),
        timeline("ir-az-israel-presence", "Iran", "Azerbaijan", "Israeli presence in Azerbaijan", [
            assertion("oppose", None, "Hossein Amir-Abdollahian", c.cite("tensions", "We do not tolerate active presence of Zionist regime in Azerbaijan against Iran.")),
        ]),
        timeline("ir-az-cooperation", "Iran", "Azerbaijan", "expanded bilateral cooperation", [
            assertion("support", day("2025-06-26", "Thursday"), "Masoud Pezeshkian", c.cite("call", "He also voiced hope for expanded cooperation between Iran and Azerbaijan")),
        ]),
    ]


def _disputes(c: Corpus) -> list[Dispute]:
    return [
        Dispute(id=content_id("dp", "airspace"), topic="Did Israel use Azerbaijani airspace to attack Iran?", claims=[
            DisputeClaim(claim="Israel used Azerbaijani airspace for drone and microlight attacks on Iran", by=None, sources=[
                c.cite("airspace", "reports alleging that Israel had used Azerbaijani airspace to conduct “drone and microlight attacks into Iranian skies.”"),
            ]),
            DisputeClaim(claim="Azerbaijan did not allow its airspace to be used against Iran", by=eid("Ilham Aliyev"), sources=[
                c.cite("airspace", "President Aliyev dismissed the reports"),
                c.cite("call", "Azerbaijan did not allow its airspace to be used against Iran"),
            ]),
        ]),
        Dispute(id=content_id("dp", "drills"), topic="Iran's military drills at the Azerbaijani border", claims=[
            DisputeClaim(claim="The drills were provocative: why now and why on Azerbaijan's border?", by=eid("Ilham Aliyev"), sources=[
                c.cite("tensions", "But why now and why on our border?"),
            ]),
            DisputeClaim(claim="The drills were conducted within the framework of Iran's sovereignty", by=eid("Hossein Amir-Abdollahian"), sources=[
                c.cite("tensions", "the drills by the military were conducted according to the framework of Iran’s sovereignty"),
            ]),
        ]),
    ]


def seed_dossier() -> tuple[Dossier, dict[str, str]]:
    """The realistic five-article dossier and its texts (article id → text)."""
    corpus = seed_corpus()
    dossier = Dossier(
        articles=sorted(corpus.meta.values(), key=lambda m: m.id),
        entities=_entities(corpus),
        events=_events(corpus),
        statements=_statements(corpus),
        stances=_stances(corpus),
        disputes=_disputes(corpus),
        run=run_info(),
    )
    return dossier, corpus.texts_by_id()


# --------------------------------------------------------------------------
# Small dossiers for focused tests
# --------------------------------------------------------------------------


def hostile_dossier() -> tuple[Dossier, dict[str, str]]:
    """One article whose text is hostile HTML, with an event citing the <script> part."""
    corpus = Corpus()
    meta = corpus.add("evil", HOSTILE_TEXT, 'Evil <b>title</b> "quoted"', outlet="<i>Outlet</i>", published="2025-01-01")
    event = DossierEvent(
        id=content_id("ev", "evil"), summary="Page contained <script>alert(3)</script>", event_type="other",
        date=day("2025-01-01"), sources=[corpus.cite("evil", "<script>alert(1)</script>"), corpus.cite("evil", 'onerror="alert(2)"')],
    )
    statement = DossierStatement(
        id=content_id("st", "evil"), speaker=eid("Officials"), speaker_name="<b>Officials</b>", content="<script>alert(4)</script>",
        kind="quote", sources=[statement_source(corpus.cite("evil", "the page contained <script>alert(1)</script>"), "quote", "<script>alert(4)</script>")],
    )
    dossier = Dossier(articles=[meta], events=[event], statements=[statement], run=run_info())
    return dossier, corpus.texts_by_id()
