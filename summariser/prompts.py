"""Prompt templates: loading, rendering and their version hash.

Templates live in the top-level ``prompts/`` folder (reviewed like code) and
ship inside the wheel as ``summariser/_data/prompts``. Messages are laid out
for llama.cpp's prompt cache: a fixed system message, then the numbered
article, then the question, so the three questions about one article share
everything up to the question and the article is read only once.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, StrictUndefined
from pydantic import BaseModel

from .canonical import content_id
from .questions import EventsAnswer, speech_question

TEMPLATES = ("system.j2", "article.j2", "statement.j2", "events.j2")


def prompts_dir() -> Path:
    """The checkout's prompts/ when running from source, else the packaged copy."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "prompts", here / "_data" / "prompts"):
        if (candidate / "system.j2").is_file():
            return candidate
    raise FileNotFoundError("prompt templates not found: reinstall summariser (pip install -e .)")


@lru_cache(maxsize=None)
def template_texts() -> dict[str, str]:
    folder = prompts_dir()
    return {name: (folder / name).read_text(encoding="utf-8") for name in TEMPLATES}


@lru_cache(maxsize=1)
def prompt_version() -> str:
    """Hash of every template and of the question models whose fields they render."""
    questions = [m.model_json_schema() for m in (speech_question(), speech_question(("a name",)), EventsAnswer)]
    return content_id("p", {"templates": template_texts(), "questions": questions}, length=10)


_ENV = Environment(undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)


def render(name: str, **values: object) -> str:
    return _ENV.from_string(template_texts()[name]).render(**values).strip()


def describe_fields(item_model: type[BaseModel]) -> str:
    """The item model's field descriptions, as the instructions they are written to be."""
    lines = []
    for name, info in item_model.model_fields.items():
        annotation = getattr(info.annotation, "__name__", None) or str(info.annotation)
        described = info.description or ""
        if "Literal" in str(info.annotation):
            described = (described + " One of: " + ", ".join(_literal_values(info.annotation)) + ".").strip()
        lines.append(f"- {name}: {described}" if described else f"- {name} ({annotation})")
    return "\n".join(lines)


def _literal_values(annotation: object) -> list[str]:
    from typing import get_args

    values: list[str] = []
    for arg in get_args(annotation):
        if isinstance(arg, str):
            values.append(arg)
        else:
            values.extend(_literal_values(arg))
    return values


# Spellings that chat templates and tokenizers read as control tokens, not
# text: <|im_start|>, <|eot_id|>, <|endoftext|> (ChatML, Llama 3, Phi, ...),
# DeepSeek's <｜…｜>, <s> and </s>, <start_of_turn>, <<SYS>>, [INST] and
# Mistral's other [WORD] markers. llama.cpp's server turns them into the real
# tokens wherever they stand in a message, so an article could open a system
# turn of its own.
_CONTROL_TOKEN = re.compile(r"<(?=[|｜]|<?/?[A-Za-z_][\w.-]{0,40}>)|\[(?=/?[A-Z][A-Z_]{2,30}\])")
_WORD_JOINER = "\u2060"  # invisible: the marker's characters stay, its spelling as one token does not


def plain_text(text: str) -> str:
    """Text from an article as the model may see it: any spelling of a control
    token is broken by an invisible character after its opening bracket. Only
    what the model is shown changes; offsets are the article's own."""
    return _CONTROL_TOKEN.sub(lambda m: m.group(0) + _WORD_JOINER, text)
