"""The model path under hostile articles and faulty servers.

Article text is data everywhere: it is never read as a template, never as the
model's control tokens, never as the prompt's own numbering. A fault of the
server or of one answer costs that request, item or article, never the batch.
Every case drives the real CLI (instructor, openai, our transports) against
the scripted server in tests/fake_model.py and checks what the server
received and what the user is told.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_model import Call, FakeModel, Reply, compact, good, good_content  # noqa: E402
from test_reliability import ARTICLE_A, ARTICLE_B, articles, dossier_article_paths, extraction_about, run_cli, write  # noqa: E402


@pytest.fixture
def fake():
    with FakeModel(good) as server:
        yield server


def user_messages(call: Call) -> list[str]:
    return [m["content"] for m in call.body["messages"] if m["role"] == "user"]


# --------------------------------------------------------------------------
# Article text is never a template
# --------------------------------------------------------------------------

TEMPLATE_SYNTAX = {
    "arithmetic": "The mayor said the budget grew by {{ 7*7 }} percent in Zorblat.",
    "attribute look-up": "The mayor said the file {{ self.__init__.__globals__ }} was lost in Zorblat.",
    "loop": "The mayor said the markup {% for x in y %}x{% endfor %} stays in Zorblat.",
    "unclosed block": "The mayor said the vote {% if was delayed in Zorblat.",
    "comment": "The mayor said {# nobody #} the wiki markup {{Infobox}} stays in Zorblat.",
}


@pytest.mark.parametrize("case", sorted(TEMPLATE_SYNTAX))
def test_template_syntax_in_an_article_reaches_the_model_verbatim(tmp_path, fake, case):
    line = TEMPLATE_SYNTAX[case]
    text = f"Council row in Zorblat {{{{ 6*7 }}}}\n\n{line}\nDelegations met in the capital for three hours.\n"
    paths = articles(tmp_path, text, ARTICLE_B)
    ran = run_cli(paths, tmp_path / "out" / "dossier.json", fake.base_url, tmp_path / "cache")

    assert ran.code == 0, ran.output
    calls = fake.calls_about("Zorblat")
    assert calls
    for call in calls:
        [content] = user_messages(call)
        assert line in content, content
        assert "Council row in Zorblat {{ 6*7 }}" in content, content
        assert "42" not in content and "49" not in content
    # What was asked about it is what the grounded evidence shows.
    evidence = [s["evidence"]["text"] for s in extraction_about(ran, "Zorblat")["statements"]]
    assert evidence and set(evidence) == {line}, evidence


def test_our_prompt_templates_take_article_text_as_values_only():
    from summariser.prompts import render

    hostile = "{{ 7*7 }} {% raw %}{{ x }}{% endraw %} {# c #}"
    question = render("statement.j2", number=3, text=hostile, speaker="{{ speaker }}", source="", content=hostile,
                      choices=(), targets=("{{ config }}",))
    assert question.count(hostile) == 2 and "{{ speaker }} says" in question and "{{ config }}" in question
    block = render("article.j2", title="{% if %}", published=None, sentences=f"[1] {hostile}")
    assert block == f"Article: {{% if %}}\n\n[1] {hostile}"
