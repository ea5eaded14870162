"""Date normalisation against the publication date."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from summariser.dates import (
    date_sort_key,
    dates_compatible,
    normalise_date,
    resolve_directly,
    resolve_phrase,
    strip_date_text,
)
from summariser.datamodel import DateValue

PUBLISHED = "2025-06-26"  # a Thursday: seed 000, "Iran on Thursday said ..."


@pytest.mark.parametrize(
    ("text", "published", "iso", "precision"),
    [
        ("June 13", PUBLISHED, "2025-06-13", "day"),
        ("on Thursday", PUBLISHED, "2025-06-26", "day"),  # the publication day itself
        ("Thursday", "2025-06-27", "2025-06-26", "day"),
        ("last Thursday", PUBLISHED, "2025-06-19", "day"),
        ("on Tuesday", PUBLISHED, "2025-06-24", "day"),  # seed 000: the ceasefire
        ("last month", PUBLISHED, "2025-05", "month"),
        ("December 16 2022", PUBLISHED, "2022-12-16", "day"),
        ("16 December", "2022-12-16", "2022-12-16", "day"),  # seed 001, published that day
        ("16 December", "2023-06-01", "2022-12-16", "day"),  # a past December
        ("31 May", "2023-06-01", "2023-05-31", "day"),  # seed 004
        ("on 10 March", "2023-06-01", "2023-03-10", "day"),
        ("in 2019", PUBLISHED, "2019", "year"),
        ("last year", "2023-06-01", "2022", "year"),
        ("in September 2020", PUBLISHED, "2020-09", "month"),
        ("since 2016", None, "2016", "year"),
        ("At the onset of the war", PUBLISHED, None, "unknown"),
        ("last week", PUBLISHED, None, "unknown"),  # a week is not a day
    ],
)
def test_normalise_date(text, published, iso, precision):
    value = normalise_date(text, published)
    assert value == DateValue(text=text, iso=iso, precision=precision)


def test_without_publication_date_relative_dates_stay_unresolved():
    for text in ["June 13", "on Thursday", "last month", "16 December", "last year"]:
        value = normalise_date(text, None)
        assert (value.iso, value.precision) == (None, "unknown"), text
    assert normalise_date("December 16 2022", None).iso == "2022-12-16"
    assert normalise_date("in 2019", None).iso == "2019"


def test_none_and_blank():
    assert normalise_date(None, PUBLISHED) is None
    assert normalise_date("  ", PUBLISHED) is None
    assert normalise_date("on", PUBLISHED) == DateValue(text="on", iso=None, precision="unknown")


def test_strip_leading_prepositions():
    assert strip_date_text("on Thursday") == "Thursday"
    assert strip_date_text("back in October,") == "October"
    assert strip_date_text("since 2016") == "2016"
    assert strip_date_text("in the spring") == "the spring"


def test_fast_resolution_equals_direct_dateparser():
    """The shift cache must give dateparser's own answer, including year ends,
    leap days and publication days that fall on the named weekday."""
    phrases = ["June 13", "16 December", "December 31", "January 1", "February 29", "on Thursday",
               "Monday", "last month", "last year", "yesterday", "2 days ago", "in May", "10 March",
               "September 2020", "three years ago", "the eighth day of the conflict", "last Friday"]
    rng = random.Random(11)
    dates = [dt.date(2024, 2, 29), dt.date(2025, 1, 1), dt.date(2024, 12, 31), dt.date(2025, 3, 1)]
    dates += [dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4000)) for _ in range(25)]
    for phrase in phrases:
        for published in dates:
            assert resolve_phrase(phrase, published) == resolve_directly(phrase, published), (phrase, published)


def test_compatibility_and_order():
    day = DateValue(text="June 13", iso="2025-06-13", precision="day")
    month = DateValue(text="in June", iso="2025-06", precision="month")
    other_day = DateValue(text="June 14", iso="2025-06-14", precision="day")
    unknown = DateValue(text="recently")
    assert dates_compatible(day, month) and dates_compatible(day, unknown) and dates_compatible(None, day)
    assert not dates_compatible(day, other_day)
    assert sorted([unknown, other_day, month, None, day], key=date_sort_key)[:3] == [month, day, other_day]
