from django.apps import AppConfig


class AnnotationConfig(AppConfig):
    name = "annotation"
    verbose_name = "Annotation"

    def ready(self) -> None:
        from corpora.access import register_project_scope
        from corpora.work import register_paragraph_work

        from .corpus_scope import ProjectCorpusScope
        from .corpus_work import SubmittedWork

        register_project_scope(ProjectCorpusScope())
        register_paragraph_work(SubmittedWork())
