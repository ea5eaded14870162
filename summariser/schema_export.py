"""JSON Schemas generated from the Pydantic models, for schemas/.

The models are the single source of truth; these files are for readers and
other tools, and a test fails when they are stale.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from .canonical import canonical_json
from .questions import EventsAnswer, SpeechStance
from .datamodel import ArticleExtraction, Dossier, RunRecord

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "dossier.schema.json": Dossier,
    "article-extraction.schema.json": ArticleExtraction,
    # What `summarise run` writes beside the dossier (dossier.run.json).
    "run-record.schema.json": RunRecord,
    # What the model is asked to fill (JSON_SCHEMA mode sends these; the
    # questions narrow sentence numbers to the article's, see questions.py).
    # One per attribution; when a pronoun's referent is open, a `speaker`
    # field limited to the nearby names is added (questions.speech_question).
    "question-statement.schema.json": SpeechStance,
    "question-events.schema.json": EventsAnswer,
}


def schema_files() -> dict[str, str]:
    return {name: canonical_json(model.model_json_schema()) for name, model in SCHEMA_MODELS.items()}


def stale_files(directory: str | Path) -> list[str]:
    """Schema files that are missing or differ from what the models generate."""
    directory = Path(directory)
    stale = []
    for name, text in schema_files().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale
