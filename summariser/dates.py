"""Date normalisation: a stated date ("on Thursday", "last month") to a DateValue.

Stated dates are resolved with ``dateparser`` against the article's publication
date (``RELATIVE_BASE``), preferring the past: news reports what already
happened. Precision comes from dateparser's own notion of the period a phrase
names (day, month, year), so "in 2019" becomes ``2019`` and not a made-up day.

Without a publication date we refuse to guess relative dates. To tell "June
13" (relative: which year?) from "December 16 2022" (absolute) without a
hand-written grammar, the phrase is parsed against two far-apart reference
dates: if both give the same value at the phrase's precision, the phrase does
not depend on the reference date and is kept; otherwise it stays unresolved.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from dateparser.date import DateDataParser

from summariser.datamodel import DatePrecision, DateValue

# Prepositions that introduce a date but are not part of it ("on Thursday").
_LEADING_PREPOSITIONS = re.compile(
    r"^(?:(?:back|as)\s+(?:in|of|on)|on|in|since|at|during|from|by|as\s+of)\s+",
    re.IGNORECASE,
)

# dateparser periods -> our precisions. A week ("last week") or a bare time of
# day cannot be stated as YYYY-MM-DD without inventing a day, so they stay
# unknown rather than pretending to a precision they do not have.
_PERIOD_PRECISION: dict[str, DatePrecision] = {"day": "day", "month": "month", "year": "year"}

# Two reference dates far apart in year, month and weekday, used only to test
# whether a phrase depends on its reference date (see module docstring).
_PROBE_DATES = (dt.date(2001, 3, 15), dt.date(2013, 10, 9))
_PROBE_BASES = tuple(dt.datetime.combine(d, dt.time()) for d in _PROBE_DATES)

_ISO_FORMATS: dict[DatePrecision, str] = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}

_PRECISION_RANK: dict[DatePrecision, int] = {"unknown": 0, "year": 1, "month": 2, "day": 3}


def strip_date_text(text: str) -> str:
    """The phrase without surrounding space, punctuation or a leading preposition."""
    cleaned = text.strip().strip(".,;:()").strip()
    previous = None
    while previous != cleaned:  # "back in" then nothing more, "on" ...
        previous = cleaned
        cleaned = _LEADING_PREPOSITIONS.sub("", cleaned).strip()
    return cleaned


def parse_published(published: str | None) -> dt.date | None:
    """An ISO publication date (``YYYY-MM-DD``, time part ignored) or None."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


@lru_cache(maxsize=1024)
def _parser(base: dt.datetime) -> DateDataParser:
    # The settings dateparser.parse() would take, on a reusable parser: building
    # one per call (what dateparser.parse does) dominates run time.
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": True,
    }
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=262144)
def _parse_against(phrase: str, base: dt.datetime) -> tuple[str | None, DatePrecision]:
    """(iso, precision) of ``phrase`` read relative to ``base``."""
    date_data = _parser(base).get_date_data(phrase)
    if date_data.date_obj is None:
        return None, "unknown"
    precision = _PERIOD_PRECISION.get(date_data.period or "", "unknown")
    if precision == "unknown":
        return None, "unknown"
    return date_data.date_obj.strftime(_ISO_FORMATS[precision]), precision


def _is_single_weekday_like(phrase: str) -> bool:
    return len(phrase.split()) == 1


Reading = tuple[str | None, DatePrecision]


@lru_cache(maxsize=262144)
def resolve_directly(phrase: str, published: dt.date) -> Reading:
    """``phrase`` read by dateparser against ``published``: the reference result."""
    base = dt.datetime(published.year, published.month, published.day)
    iso, precision = _parse_against(phrase, base)
    if precision == "day" and iso == (published - dt.timedelta(days=7)).isoformat():
        # "Iran on Thursday said ..." in an article published on a Thursday
        # means that same day; dateparser's past preference jumps back a week.
        # A bare word ("Thursday") that reads as the publication day when seen
        # from the next morning is such a weekday; "last Thursday" is not.
        next_morning = base + dt.timedelta(days=1)
        if _is_single_weekday_like(phrase) and _parse_against(phrase, next_morning)[0] == published.isoformat():
            return published.isoformat(), "day"
    return iso, precision


@lru_cache(maxsize=65536)
def _resolve_absolute(phrase: str) -> Reading:
    readings = {_parse_against(phrase, base) for base in _PROBE_BASES}
    if len(readings) == 1:
        return next(iter(readings))
    return None, "unknown"


# --------------------------------------------------------------------------
# Resolving many articles fast, with the same answers
# --------------------------------------------------------------------------
#
# dateparser takes ~0.5 ms per call; a 10,000-article merge has tens of
# thousands of (phrase, publication date) pairs. The commonest relative
# phrase names a day or month without its year ("June 13"): once measured
# on two probe dates, its year follows from the publication date alone
# (_calendar_shape). Other relative phrases often shift
# rigidly with the reference date: "June 13" or "last month" read from a base
# one year later give a result exactly one year later ("year-shift
# equivariant"); "Thursday" read a whole number of weeks later gives a result
# that many weeks later ("week-shift equivariant"). Such a phrase is parsed
# once per month-day (or weekday) of the publication date, against a fixed
# reference year (or week), and the result is shifted. Whether a phrase
# shifts rigidly is *measured* with dateparser on probe dates, never assumed;
# anything else is parsed directly. tests/test_dates.py checks that this
# gives exactly the direct answers.

_REFERENCE_LEAP_YEAR = 2000  # a leap year, so February 29 exists as a reference day
_REFERENCE_MONDAY = dt.date(2001, 1, 1)
# Pairs one year apart whose weekdays differ, so a weekday phrase cannot pass;
# the last straddles a leap day, so day counts ("2 days ago") cannot pass.
_YEAR_PROBES = (
    (dt.date(2001, 3, 15), dt.date(2002, 3, 15)),
    (dt.date(2013, 10, 9), dt.date(2014, 10, 9)),
    (dt.date(2003, 3, 1), dt.date(2004, 3, 1)),
)
# Pairs whole weeks apart across month and year ends, so "June 13" cannot pass.
_WEEK_PROBES = ((dt.date(2001, 3, 15), dt.date(2001, 10, 11)), (dt.date(2003, 11, 2), dt.date(2004, 2, 8)))


def _shift_years(reading: Reading, years: int) -> Reading | None:
    iso, precision = reading
    if iso is None:
        return reading
    year = int(iso[:4]) + years
    if not 1 <= year <= 9999:
        return None
    shifted = f"{year:04d}{iso[4:]}"
    if precision == "day":
        try:
            dt.date.fromisoformat(shifted)
        except ValueError:  # February 29 into a common year
            return None
    return shifted, precision


def _shift_days(reading: Reading, days: int) -> Reading | None:
    iso, precision = reading
    if iso is None:
        return reading
    if precision != "day":
        return None
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat(), precision


@lru_cache(maxsize=65536)
def _shifts_with_years(phrase: str) -> bool:
    for early, late in _YEAR_PROBES:
        years = late.year - early.year
        if _shift_years(resolve_directly(phrase, early), years) != resolve_directly(phrase, late):
            return False
    return True


@lru_cache(maxsize=65536)
def _shifts_with_weeks(phrase: str) -> bool:
    for early, late in _WEEK_PROBES:
        days = (late - early).days
        if _shift_days(resolve_directly(phrase, early), days) != resolve_directly(phrase, late):
            return False
    return True


def _past_year(month: int, day: int, base: dt.date) -> int:
    """The year of the latest (month, day) on or before ``base``."""
    return base.year if (month, day) <= (base.month, base.day) else base.year - 1


def _calendar_reading(month: int, day: int | None, precision: DatePrecision, base: dt.date) -> Reading:
    """The latest such day (or month) on or before ``base``."""
    if day is not None:
        return f"{_past_year(month, day, base):04d}-{month:02d}-{day:02d}", precision
    # A month counts as begun on its day 0, so the base's own month is "past".
    return f"{_past_year(month, 0, base):04d}-{month:02d}", precision


@lru_cache(maxsize=65536)
def _calendar_shape(phrase: str) -> tuple[int, int | None, DatePrecision] | None:
    """(month, day or None, precision) when ``phrase`` names a day or month without a year.

    Measured, not assumed: the phrase must read as the same month (and day)
    against both probe dates, in the latest such year on or before each,
    which is what PREFER_DATES_FROM='past' means for "June 13" or "in May".
    """
    readings = [_parse_against(phrase, dt.datetime.combine(b, dt.time())) for b in _PROBE_DATES]
    iso, precision = readings[0]
    if iso is None or precision not in ("day", "month"):
        return None
    month = int(iso[5:7])
    day = int(iso[8:10]) if precision == "day" else None
    for probe, reading in zip(_PROBE_DATES, readings):
        if reading != _calendar_reading(month, day, precision, probe):
            return None
    return month, day, precision


def resolve_phrase(phrase: str, published: dt.date) -> Reading:
    """Same answer as ``resolve_directly``, computed once per phrase shape."""
    absolute = _resolve_absolute(phrase)
    if absolute[0] is not None:
        return absolute
    shape = _calendar_shape(phrase)
    if shape is not None:
        return _calendar_reading(*shape, published)
    if _shifts_with_years(phrase):
        try:
            reference = published.replace(year=_REFERENCE_LEAP_YEAR)
        except ValueError:
            reference = None
        if reference is not None:
            shifted = _shift_years(resolve_directly(phrase, reference), published.year - reference.year)
            if shifted is not None:
                return shifted
    elif _shifts_with_weeks(phrase):
        reference = _REFERENCE_MONDAY + dt.timedelta(days=published.weekday())
        shifted = _shift_days(resolve_directly(phrase, reference), (published - reference).days)
        if shifted is not None:
            return shifted
    return resolve_directly(phrase, published)


@lru_cache(maxsize=262144)
def normalise_date(text: str | None, published: str | None) -> DateValue | None:
    """The stated date ``text`` as a DateValue, resolved against ``published``.

    None in, None out. Unparseable phrases keep their text with precision
    "unknown". Without a publication date only phrases that name their year
    are resolved.
    """
    if text is None or not text.strip():
        return None
    phrase = strip_date_text(text)
    if not phrase:
        return DateValue(text=text.strip())
    published_date = parse_published(published)
    if published_date is None:
        iso, precision = _resolve_absolute(phrase)
    else:
        iso, precision = resolve_phrase(phrase, published_date)
    return DateValue(text=text.strip(), iso=iso, precision=precision)


def precision_rank(value: DateValue | None) -> int:
    """Higher = more precise; None and unresolved dates rank lowest."""
    if value is None or value.iso is None:
        return 0
    return _PRECISION_RANK[value.precision]


def dates_compatible(a: DateValue | None, b: DateValue | None) -> bool:
    """Whether two dates can name the same moment.

    Unknown on either side is compatible (we cannot tell). Otherwise the
    coarser date must contain the finer one: "2025-06" and "2025-06-13" fit,
    "2025-06-13" and "2025-06-14" do not.
    """
    return iso_compatible(a.iso if a else None, b.iso if b else None)


def iso_compatible(a: str | None, b: str | None) -> bool:
    """``dates_compatible`` on ISO strings ("2025", "2025-06", "2025-06-13")."""
    if a is None or b is None:
        return True
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return longer.startswith(shorter)


def iso_after(a: str | None, b: str | None) -> bool:
    """Whether ``a`` is after ``b`` at the precision both give ("2025-07" is
    after "2025-06", not after "2025"); never when either is unknown."""
    if a is None or b is None:
        return False
    width = min(len(a), len(b))
    return a[:width] > b[:width]


def date_sort_key(value: DateValue | None) -> tuple[int, str]:
    """Timeline order: resolved dates oldest first, unresolved ones last."""
    if value is None or value.iso is None:
        return (1, "")
    return (0, value.iso)
