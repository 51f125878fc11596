"""Corpora: get or create one by name."""

from django.core.exceptions import ValidationError

from ..access import corpora_readable_by
from ..models import Corpus


def corpus_get_or_create(*, name: str, user=None) -> Corpus:
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["A corpus needs a name."]})
    creator = user if user and user.pk else None
    corpus, _ = Corpus.objects.get_or_create(name=name, defaults={"created_by": creator, "owner": creator})
    return corpus


def corpus_open_or_create(*, name: str, user) -> Corpus:
    """The corpus named ``name`` if ``user`` may read it, else a new one they own.

    A name taken by a corpus the user may not read is refused, without opening that corpus.
    """
    existing = Corpus.objects.filter(name=name.strip()).first()
    if existing is not None and not corpora_readable_by(user=user).filter(pk=existing.pk).exists():
        raise ValidationError({"name": ["A corpus with this name exists already."]})
    return corpus_get_or_create(name=name, user=user)
