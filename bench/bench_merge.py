"""Merge benchmark on synthetic article extractions.

    .venv/bin/python bench/bench_merge.py            # 1,000 and 10,000 articles
    .venv/bin/python bench/bench_merge.py --sizes 2000 --memory

Each size runs in a fresh subprocess so caches warmed by one size do not
flatter the next. Articles are generated with a seeded RNG from a small
world: a few hundred actors (people with titles, states with their capitals
and demonyms), a pool of real-world events, statements and stances that
several articles report in different words and at different dates, so the
merge really has to merge. Printed: merge wall time (generation excluded),
peak RSS of the process, and with --memory the tracemalloc peak of the merge
itself (a second, slower run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summariser.canonical import sha256_text  # noqa: E402
from summariser.merge import merge  # noqa: E402
from summariser.datamodel import (  # noqa: E402
    ArticleExtraction,
    ArticleMeta,
    Entity,
    Event,
    Evidence,
    Participant,
    Stance,
    Statement,
    Usage,
)

STATES = [
    ("Azerbaijan", "Azerbaijani", "Baku"), ("Iran", "Iranian", "Tehran"), ("Israel", "Israeli", "Tel Aviv"),
    ("Armenia", "Armenian", "Yerevan"), ("Turkey", "Turkish", "Ankara"), ("Russia", "Russian", "Moscow"),
    ("United States", "American", "Washington"), ("Iraq", "Iraqi", "Baghdad"), ("Qatar", "Qatari", "Doha"),
    ("Ukraine", "Ukrainian", "Kyiv"), ("Syria", "Syrian", "Damascus"), ("Lebanon", "Lebanese", "Beirut"),
    ("Egypt", "Egyptian", "Cairo"), ("Pakistan", "Pakistani", "Islamabad"), ("India", "Indian", "New Delhi"),
    ("China", "Chinese", "Beijing"), ("France", "French", "Paris"), ("Germany", "German", "Berlin"),
]
FIRST = ["Ilham", "Masoud", "Jeyhun", "Khazar", "Mukhtar", "Isaac", "Nikol", "Hossein", "Benny", "Abbas",
         "Sergei", "Ali", "Recep", "Hakan", "Mohammed", "Ahmed", "Yusuf", "Farid", "Leyla", "Sara", "Anna",
         "David", "Omar", "Karim", "Rustam", "Elmar", "Tigran", "Ararat", "Mehmet", "Dmitry"]
LAST = ["Aliyev", "Pezeshkian", "Bayramov", "Ibrahim", "Mammadov", "Herzog", "Pashinyan", "Araghchi", "Gantz",
        "Lavrov", "Fidan", "Erdogan", "Hasanov", "Karimov", "Nasser", "Rahimi", "Sargsyan", "Mirzoyan", "Cohen",
        "Levi", "Petrov", "Volkov", "Demir", "Yilmaz", "Haddad", "Khalil", "Suleiman", "Rostami", "Jafari",
        "Novak", "Weber", "Martin", "Zhang", "Sharma", "Khan", "Hussein", "Abadi", "Barzani", "Smirnov", "Kaya"]
TITLES = ["President", "Foreign Minister", "Prime Minister", "Ambassador", "Defense Minister", "Spokesman"]
EVENT_VERBS = {
    "attack": (["launched strikes on", "attacked", "carried out airstrikes against", "struck targets in"], True),
    "phone_call": (["held a phone call with", "spoke by phone with", "had a telephone conversation with"], False),
    "meeting": (["met", "held talks with", "met with"], False),
    "visit": (["visited", "paid a visit to", "made an official visit to"], False),
    "agreement": (["signed an agreement with", "signed a deal with", "reached an accord with"], False),
    "military_activity": (["held military drills near", "staged exercises on the border of", "held drills near"], True),
    "casualties": (["killed {n} people in", "left {n} dead in", "killed at least {n} in"], True),
    "arms_transfer": (["delivered drones to", "supplied weapons to", "sold arms to"], False),
}
TOPICS = [
    ["use of its territory against {t}", "airspace use against {t}", "use of its soil for attacks on {t}"],
    ["sanctions on {t}", "new sanctions against {t}", "sanctions targeting {t}"],
    ["arms sales to {t}", "weapons deliveries to {t}", "arms exports to {t}"],
    ["normalisation of relations with {t}", "normalising ties with {t}", "relations normalisation with {t}"],
    ["military presence of {t} at the border", "{t} troops at the border", "border deployment by {t}"],
    ["peace talks with {t}", "negotiations with {t}", "the peace process with {t}"],
    ["nuclear programme of {t}", "{t} nuclear programme", "nuclear activities of {t}"],
]
CLAIMS = [
    "{s} will never allow its territory to be used against {t}",
    "{s} is ready to sign a peace treaty with {t} this year",
    "the attacks by {t} are a violation of international law",
    "{s} remains committed to dialogue with {t} on all issues",
    "{t} must withdraw its troops from the border immediately",
    "cooperation between {s} and {t} in energy will expand",
    "{s} has no plans to buy more weapons from {t}",
    "{s} condemns the strikes on civilian areas by {t}",
]


@dataclass
class Actor:
    full: str
    title: str
    state: int

    def surfaces(self) -> list[str]:
        demonym = STATES[self.state][1]
        surname = self.full.split()[-1]
        return [self.full, f"{self.title} {self.full}", f"{demonym} {self.title} {self.full}",
                f"{self.title} {surname}", surname]


def make_world(rng: random.Random, n_articles: int, start: dt.date):
    actors = []
    names = set()
    while len(actors) < 300:
        full = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if full not in names:
            names.add(full)
            actors.append(Actor(full, rng.choice(TITLES), rng.randrange(len(STATES))))
    days = 730
    events = []
    for _ in range(max(50, n_articles * 3 // 10)):
        event_type = rng.choice(sorted(EVENT_VERBS))
        a, b = rng.sample(range(len(STATES)), 2)
        events.append({
            "type": event_type, "agent": a, "target": b, "n": rng.randint(2, 90),
            "person": rng.random() < 0.4, "actor": rng.randrange(len(actors)),
            "date": start + dt.timedelta(days=rng.randrange(days)),
        })
    events.sort(key=lambda e: e["date"])
    claims = [{"actor": rng.randrange(len(actors)), "claim": rng.randrange(len(CLAIMS)), "t": rng.randrange(len(STATES)),
               "date": start + dt.timedelta(days=rng.randrange(days))} for _ in range(max(30, n_articles // 5))]
    stances = [{"holder": rng.randrange(len(STATES)), "target": rng.randrange(len(STATES)),
                "topic": rng.randrange(len(TOPICS)), "polarity": rng.choice(["support", "oppose", "oppose", "deny"])}
               for _ in range(400)]
    return actors, events, claims, stances


class ArticleWriter:
    """Accumulates sentences and returns verbatim evidence spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, sentence: str) -> Evidence:
        if self.parts:
            self.parts.append(" ")
            self.length += 1
        start = self.length
        self.parts.append(sentence)
        self.length += len(sentence)
        return Evidence(text=sentence, start=start, end=self.length)

    def text(self) -> str:
        return "".join(self.parts)


def date_phrase(rng: random.Random, when: dt.date, published: dt.date) -> str | None:
    if rng.random() < 0.25:
        return None
    if (published - when).days < 6 and rng.random() < 0.6:
        return f"on {when.strftime('%A')}"
    if rng.random() < 0.5:
        return f"{when.strftime('%B')} {when.day}"
    return f"on {when.day} {when.strftime('%B')}"


def state_surface(rng: random.Random, state: int) -> str:
    name, demonym, capital = STATES[state]
    return rng.choice([name, name, capital, demonym])


def make_article(rng, index, actors, events, claims, stances, event_dates) -> ArticleExtraction:
    import bisect

    focus = events[rng.randrange(len(events))]
    published = focus["date"] + dt.timedelta(days=rng.randrange(0, 8))
    lo = bisect.bisect_left(event_dates, published - dt.timedelta(days=30))
    hi = bisect.bisect_right(event_dates, published)
    chosen = [focus] + [events[rng.randrange(lo, hi)] for _ in range(2)]
    writer = ArticleWriter()
    entities: dict[str, str] = {}
    out_events = []
    for world in chosen:
        verbs, _ = EVENT_VERBS[world["type"]]
        verb = rng.choice(verbs).format(n=world["n"] + (rng.random() < 0.05))
        if world["person"]:
            actor = actors[world["actor"]]
            agent = rng.choice(actor.surfaces())
            entities[actor.full] = "person"
        else:
            agent = state_surface(rng, world["agent"])
        target = state_surface(rng, world["target"])
        summary = f"{agent} {verb} {target}"
        date_text = date_phrase(rng, world["date"], published)
        sentence = f"{summary} {date_text or 'recently'}, officials said."
        out_events.append(Event(
            summary=summary, event_type=world["type"], date_text=date_text,
            participants=[Participant(name=agent, role="agent"), Participant(name=target, role="target")],
            evidence=writer.add(sentence),
        ))
    out_statements = []
    for _ in range(3):
        claim = claims[rng.randrange(len(claims))]
        actor = actors[claim["actor"]]
        entities[actor.full] = "person"
        content = CLAIMS[claim["claim"]].format(s=STATES[actor.state][0], t=STATES[claim["t"]][0])
        kind = rng.choice(["quote", "paraphrase"])
        if kind == "paraphrase":
            words = content.split()
            content = " ".join(w for w in words if rng.random() > 0.1) or content
        speaker = rng.choice(actor.surfaces())
        sentence = f"{speaker} said that {content}."
        out_statements.append(Statement(
            speaker=speaker, content=content, kind=kind, speaker_role=actor.title,
            date_text=date_phrase(rng, min(claim["date"], published), published),
            evidence=writer.add(sentence),
        ))
    out_stances = []
    for _ in range(2):
        stance = stances[rng.randrange(len(stances))]
        target_name = STATES[stance["target"]][0]
        topic = rng.choice(TOPICS[stance["topic"]]).format(t=target_name)
        holder = state_surface(rng, stance["holder"])
        polarity = stance["polarity"] if rng.random() > 0.05 else "neutral"
        sentence = f"{holder} made its position clear on {topic}."
        out_stances.append(Stance(
            holder=holder, target=target_name, topic=topic, polarity=polarity,
            date_text=date_phrase(rng, published, published), evidence=writer.add(sentence),
        ))
    text = writer.text()
    article_id = sha256_text(f"synthetic-{index}")[:16]
    return ArticleExtraction(
        article=ArticleMeta(id=article_id, title=f"Synthetic article {index}", published=published.isoformat(),
                            paths=[f"synthetic/{index}.txt"], content_hash=sha256_text(text), chars=len(text)),
        statements=out_statements, events=out_events, stances=out_stances,
        entities=[Entity(name=name, type=kind) for name, kind in sorted(entities.items())],
        usage=Usage(calls=2, prompt_tokens=1500, completion_tokens=400),
        model="synthetic", prompt_version="bench",
    )


def generate(n_articles: int, seed: int = 1234) -> list[ArticleExtraction]:
    rng = random.Random(seed)
    actors, events, claims, stances = make_world(rng, n_articles, dt.date(2023, 1, 1))
    event_dates = [e["date"] for e in events]
    return [make_article(rng, i, actors, events, claims, stances, event_dates) for i in range(n_articles)]


def run_one(n_articles: int, memory: bool) -> dict:
    extractions = generate(n_articles)
    started = time.perf_counter()
    dossier = merge(extractions, model="synthetic", prompt_version="bench")
    seconds = time.perf_counter() - started
    result = {
        "articles": n_articles,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "input_items": sum(len(x.events) + len(x.statements) + len(x.stances) for x in extractions),
        "entities": len(dossier.entities),
        "events": len(dossier.events),
        "statements": len(dossier.statements),
        "stance_timelines": len(dossier.stances),
        "disputes": len(dossier.disputes),
    }
    if memory:
        tracemalloc.start()
        merge(extractions, model="synthetic", prompt_version="bench")
        result["merge_tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--memory", action="store_true", help="also measure the merge's tracemalloc peak")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.memory)))
        return
    for size in args.sizes:
        command = [sys.executable, __file__, "--child", str(size)] + (["--memory"] if args.memory else [])
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        print(", ".join(f"{k}={v}" for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()
