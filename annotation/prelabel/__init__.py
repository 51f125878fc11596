"""Plain-Python pre-labelling models: actor tagger, claim suggester, stance classifiers.

Nothing here imports Django, DRF or Celery, and heavy libraries (spaCy, torch, transformers,
scikit-learn) are imported inside ``load()``/``train()``, so importing this package is cheap and
the models can be used and tested without a database or a broker.
"""

from .base import ActorEntry, ClaimEntry, Prelabeler, Suggestion

__all__ = ["ActorEntry", "ClaimEntry", "Prelabeler", "Suggestion"]
