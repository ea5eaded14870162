"""Entity resolution: names, titles, metonymy, containment, spelling, roles."""

from __future__ import annotations

import random

import pytest

from summariser.entities import EntityResolver, NameUse, normalise_text, parse_name


def resolver(*uses: NameUse) -> EntityResolver:
    return EntityResolver(list(uses))


def uses(article: str, *names: str) -> list[NameUse]:
    return [NameUse(name, article) for name in names]


def names_of(r: EntityResolver) -> dict[str, list[str]]:
    return {e.name: e.aliases for e in r.entities}


def test_normalisation():
    assert normalise_text("Aliyev’s") == "aliyev"
    assert normalise_text("  Iran's   PRESIDENT ") == "iran president"
    assert normalise_text("U.S.") == "us"
    assert normalise_text("Türkiye") == "turkiye"


@pytest.mark.parametrize(
    ("surface", "kind", "display", "role", "country"),
    [
        ("Azerbaijani President Ilham Aliyev", "name", "Ilham Aliyev", "president", "Azerbaijan"),
        ("Azerbaijan’s Foreign Minister Jeyhun Bayramov", "name", "Jeyhun Bayramov", "foreign minister", "Azerbaijan"),
        ("Azeri Ambassador to the US Khazar Ibrahim", "name", "Khazar Ibrahim", "ambassador", "Azerbaijan"),
        ("Masoud Pezeshkian, Iran's president", "name", "Masoud Pezeshkian", "president", "Iran"),
        ("Likud Party leader Benjamin Netanyahu", "name", "Benjamin Netanyahu", "leader", None),
        ("the Azeri president", "role", "Azeri president", "president", "Azerbaijan"),
        ("Israeli Defense Forces", "name", "Israeli Defense Forces", None, None),  # no title: keeps its adjective
        ("Iranian media", "name", "Iranian media", None, None),
        ("Baku", "country", "Azerbaijan", None, None),
        ("Tel Aviv", "country", "Israel", None, None),
        ("Azeri", "country", "Azerbaijan", None, None),
        ("the Azerbaijani government", "country", "Azerbaijan", None, None),
        ("Zionist regime", "country", "Israel", None, None),
        ("the Islamic Republic", "country", "Iran", None, None),
        ("U.S.", "country", "United States", None, None),
    ],
)
def test_parse_name(surface, kind, display, role, country):
    parsed = parse_name(surface)
    assert (parsed.kind, parsed.display, parsed.role, parsed.role_country) == (kind, display, role, country)


def test_capital_declared_as_place_stays_a_place():
    assert parse_name("Baku", as_place=True).kind == "place"


def test_aliyev_variants_are_one_person():
    r = resolver(*uses("a1", "Aliyev", "Ilham Aliyev", "President Aliyev",
                       "Azerbaijani President Ilham Aliyev", "President Ilham Aliyev"))
    assert names_of(r) == {"Ilham Aliyev": ["Aliyev", "Azerbaijani President Ilham Aliyev",
                                            "President Aliyev", "President Ilham Aliyev"]}
    (entity,) = r.entities
    assert entity.type == "person"


def test_bare_surname_typed_other_still_joins_the_person():
    # An extraction types a lone "Aliyev" as 'other': that is not knowing, not a declaration.
    r = resolver(NameUse("Aliyev", "a1", "other"), NameUse("President Aliyev", "a1", "person"),
                 NameUse("Aliyev", "a2", "other"), NameUse("Ilham Aliyev", "a2", "person"))
    assert names_of(r) == {"Ilham Aliyev": ["Aliyev", "President Aliyev"]}


def test_surname_declared_an_organisation_is_not_a_person():
    r = resolver(NameUse("Hezbollah", "a1", "organization"), NameUse("Hassan Hezbollah", "a1", "person"))
    assert len(r.entities) == 2


def test_metonymy_and_demonyms_map_to_the_state():
    r = resolver(*uses("a1", "Azerbaijan", "Baku", "Azeri", "Azerbaijani", "Iran", "Tehran", "Iranian",
                       "Israel", "Tel Aviv", "Israeli", "Yerevan", "Ankara"))
    assert names_of(r) == {
        "Armenia": ["Yerevan"],
        "Azerbaijan": ["Azerbaijani", "Azeri", "Baku"],
        "Iran": ["Iranian", "Tehran"],
        "Israel": ["Israeli", "Tel Aviv"],
        "Turkey": ["Ankara"],
    }
    assert {e.type for e in r.entities} == {"country"}


def test_place_entity_is_not_merged_into_the_country():
    r = resolver(NameUse("Baku", "a1", "place", as_place=True), NameUse("Baku", "a1"), NameUse("Azerbaijan", "a1"))
    assert names_of(r) == {"Azerbaijan": ["Baku"], "Baku": []}
    assert r.entity_id("Baku", "a1") == r.entity_id("Azerbaijan", "a1")
    assert r.entity_id("Baku", "a1", as_place=True) != r.entity_id("Azerbaijan", "a1")


def test_ambiguous_surname_resolves_only_where_unique():
    r = resolver(*uses("a1", "Ilham Aliyev", "Aliyev"), NameUse("Heydar Aliyev", "a2", "person"),
                 *uses("a2", "Aliyev"), *uses("a3", "Aliyev", "President Ilham Aliyev", "Heydar Aliyev"))
    ilham, heydar = r.entity_id("Ilham Aliyev", "a1"), r.entity_id("Heydar Aliyev", "a2")
    assert ilham != heydar
    assert r.entity_id("Aliyev", "a1") == ilham
    assert r.entity_id("Aliyev", "a2") == heydar
    assert r.entity_id("Aliyev", "a3") not in {ilham, heydar}  # both named there: left alone


def test_spelling_variants_merge_but_different_people_do_not():
    r = resolver(*uses("a1", "Masoud Pezeshkian", "Massoud Pezeshkian", "Hossein Amir-Abdollahian",
                       "Hossein Amir Abdollahian", "Ilham Aliyev", "Heydar Aliyev"))
    assert len(r.entities) == 4


def test_role_only_name_joins_the_holder_in_the_same_article():
    r = resolver(*uses("a1", "Azerbaijani President Ilham Aliyev", "the Azeri president"),
                 *uses("a2", "the Azeri president", "Israel's Foreign Minister"),
                 *uses("a3", "Israel's Foreign Minister"))
    aliyev = r.entity_id("Ilham Aliyev", "a1")
    assert r.entity_id("the Azeri president", "a1") == aliyev
    assert r.entity_id("the Azeri president", "a2") != aliyev  # no holder named in a2
    assert r.entity_id("Israel's Foreign Minister", "a2") == r.entity_id("Israel's Foreign Minister", "a3")


def test_declared_mentions_are_unified_but_never_with_a_state():
    r = resolver(NameUse("Ilham Aliyev", "a1", "person", same_as=("the Azeri leader", "Azerbaijan")))
    assert r.entity_id("Azerbaijan", "a1") != r.entity_id("Ilham Aliyev", "a1")
    assert r.entity_id("the Azeri leader", "a1") == r.entity_id("Ilham Aliyev", "a1")


def test_single_word_does_not_swallow_an_organisation():
    r = resolver(NameUse("Kata'ib Hezbollah", "a1", "organization"), NameUse("Hezbollah", "a1", "organization"))
    assert len(r.entities) == 2


def test_resolution_is_order_independent():
    all_uses = [*uses("a1", "Aliyev", "Ilham Aliyev", "Baku", "the Azeri president", "Pezeshkian"),
                NameUse("Masoud Pezeshkian", "a2", "person"), *uses("a2", "Massoud Pezeshkian", "Aliyev"),
                NameUse("Heydar Aliyev", "a3", "person"), *uses("a3", "Aliyev", "Tehran")]
    expected = [e.model_dump() for e in EntityResolver(all_uses).entities]
    rng = random.Random(5)
    for _ in range(10):
        shuffled = rng.sample(all_uses, len(all_uses))
        assert [e.model_dump() for e in EntityResolver(shuffled).entities] == expected
