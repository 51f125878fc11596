"""Signals annotation sends so that higher apps can react without annotation importing them."""

from django.dispatch import Signal

# Sent inside the submit transaction, after an annotation is submitted or a submitted one is edited.
# Arguments: project_id, task_id.
annotation_submitted = Signal()
