from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Exports and agreement"

    def ready(self) -> None:
        from annotation.signals import annotation_submitted
        from exports.receivers import on_annotation_submitted

        annotation_submitted.connect(on_annotation_submitted, dispatch_uid="exports.agreement_pending")
