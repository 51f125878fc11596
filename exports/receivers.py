"""Receivers of the lower apps' signals: each calls one service and stops."""

from exports.services.agreement_refresh import agreement_mark_pending


def on_annotation_submitted(sender, *, project_id: int, **kwargs) -> None:
    agreement_mark_pending(project_id=project_id)
