"""python manage.py export_dataset PROJECT [options]: build a dataset version now, in this process."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotation.models import Project
from exports.builders import FORMATS
from exports.services.export import GOLD_STRATEGIES, dataset_version_build, dataset_version_create


def project_from_arg(value: str) -> Project:
    project = Project.objects.filter(pk=int(value)).first() if value.isdigit() else None
    project = project or Project.objects.filter(name=value).first()
    if project is None:
        raise CommandError(f"No project with id or name {value!r}.")
    return project


class Command(BaseCommand):
    help = "Build a versioned dataset export of a project (synchronously) and print where its files are."

    def add_arguments(self, parser):
        parser.add_argument("project", help="project id or name")
        parser.add_argument("--formats", default=",".join(FORMATS), help=f"comma-separated: {', '.join(FORMATS)}")
        parser.add_argument("--gold", dest="gold_strategy", choices=GOLD_STRATEGIES, default="majority")
        parser.add_argument("--include-annotations", action="store_true", help="add raw per-annotator annotations")
        parser.add_argument("--include-predictions", action="store_true", help="add pre-labels")
        parser.add_argument("--articles", help="comma-separated article ids")
        parser.add_argument("--published-from")
        parser.add_argument("--published-to")
        parser.add_argument("--min-agreement", type=float)
        parser.add_argument("--split", default="0.8,0.1,0.1", help="train,dev,test ratios")
        parser.add_argument("--seed", type=int, default=13)

    def handle(self, *args, **o):
        project = project_from_arg(o["project"])
        params = {
            "formats": o["formats"].split(","),
            "gold_strategy": o["gold_strategy"],
            "include_annotations": o["include_annotations"],
            "include_predictions": o["include_predictions"],
            "article_ids": [int(a) for a in o["articles"].split(",")] if o["articles"] else None,
            "published_from": o["published_from"],
            "published_to": o["published_to"],
            "min_agreement": o["min_agreement"],
            "split_ratios": o["split"].split(","),
            "seed": o["seed"],
        }
        try:
            version = dataset_version_create(project=project, params=params, enqueue=False)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(f"Building {project.name} v{version.number} ...")
        version = dataset_version_build(version_id=version.pk)
        if version.status != version.Status.COMPLETE:
            raise CommandError(f"v{version.number} failed: {version.error}")
        counts = version.manifest["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"v{version.number}: {counts['paragraphs']} paragraphs, {counts['statements']} statements -> "
                f"storage 'datasets': {version.folder}/  (manifest sha256 {version.sha256})"
            )
        )
