"""A project's registries and stance model as the plain data the pre-labelling pipeline takes.

Its own module so that the job service (`prelabel.py`) and the model training (`stance_model.py`)
both use it without importing each other.
"""

from __future__ import annotations

from django.conf import settings

from annotation.prelabel.base import ActorEntry, ClaimEntry
from annotation.prelabel.pipeline import PipelineConfig

from ..models import Actor, Claim, Project, RegistryStatus, StanceModelVersion


def pipeline_config_for(*, project: Project, stance_version: int | None | str = "latest") -> PipelineConfig:
    """The project's registries and stance model as plain data for the pipeline.

    stance_version: "latest", a version number, or None for no stance model.
    """
    actors = tuple(
        ActorEntry(key=str(a.pk), name=a.name, aliases=tuple(al.alias for al in a.aliases.all()))
        for a in Actor.objects.filter(project=project, status=RegistryStatus.APPROVED).prefetch_related("aliases")
    )
    claims = tuple(
        ClaimEntry(key=str(c.pk), text=c.text)
        for c in Claim.objects.filter(project=project, status=RegistryStatus.APPROVED).order_by("pk")
    )
    stance = None
    if stance_version == "latest":
        stance = StanceModelVersion.objects.filter(project=project).order_by("-version").first()
    elif stance_version is not None:
        stance = StanceModelVersion.objects.filter(project=project, version=stance_version).first()
    transformer_dir = project.transformer_model_path or None
    return PipelineConfig(
        actors=actors,
        claims=claims,
        claim_threshold=project.claim_threshold,
        stance_labels=tuple(project.stance_labels.values_list("value", flat=True)),
        stance_version=str(stance.version) if stance else None,
        stance_artifact=bytes(stance.artifact) if stance else None,
        transformer_dir=transformer_dir,
        transformer_root=str(settings.STANDPOINT_MODEL_DIR) if transformer_dir else None,
    )
