"""summariser: news articles in, a consolidated, source-grounded JSON dossier out."""

__version__ = "0.1.0"
