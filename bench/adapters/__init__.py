"""Loaders that turn third-party evaluation corpora (kept outside the repository) into plain records."""
