"""Which Standpoint annotation an annotation in a Label Studio project became (or came from).

A pull uses these links to carry deletions over: an annotation linked to a Label Studio annotation
that is no longer in that project's export was deleted there, so it is deleted here too. Unique per
(Label Studio project, Label Studio annotation) and one link per Standpoint annotation and project.
"""

from django.db import models


class LabelStudioLink(models.Model):
    annotation = models.ForeignKey("annotation.Annotation", related_name="label_studio_links", on_delete=models.CASCADE)
    ls_project_id = models.PositiveIntegerField(help_text="The Label Studio project's id.")
    ls_annotation_id = models.PositiveBigIntegerField(help_text="The annotation's id in Label Studio.")
    linked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ls_project_id", "ls_annotation_id"]
        constraints = [
            models.UniqueConstraint(fields=["ls_project_id", "ls_annotation_id"], name="ls_link_unique_ls_annotation"),
            models.UniqueConstraint(fields=["ls_project_id", "annotation"], name="ls_link_unique_annotation"),
        ]

    def __str__(self) -> str:
        return f"annotation {self.annotation_id} = Label Studio {self.ls_project_id}/{self.ls_annotation_id}"
