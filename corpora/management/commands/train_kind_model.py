"""python manage.py train_kind_model: retrain the paragraph-kind model (corpora/kind_model.py).

Without options it rebuilds the shipped model file from the labelled corpus (the development part of
corpora/testdata/kinds, plus ../shared/corpus when present) and prints the held-out figures on the
test part beside the rules alone. ``--with-corrections`` trains the installation's adapted model,
which also learns from every managers' kind correction, and stores it in the database.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from corpora.kind_model import DEFAULT_PATH


class Command(BaseCommand):
    help = (
        "Retrain the learned paragraph-kind model. Default: rewrite the shipped model file from the labelled "
        "corpus and print held-out figures; --with-corrections: adapt it to this installation's corrections."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=14, help="random seed (the result is deterministic for it)")
        parser.add_argument("--out", default=str(DEFAULT_PATH), help="where to write the shipped model's JSON")
        parser.add_argument(
            "--shared",
            default=str(Path(settings.BASE_DIR).parent / "shared" / "corpus"),
            help="folder of extra articles labelled by the rules (skipped when missing)",
        )
        parser.add_argument(
            "--with-corrections",
            action="store_true",
            help="train this installation's adapted model including managers' corrections",
        )

    def handle(self, *args, seed: int, out: str, shared: str, with_corrections: bool, **options):
        from corpora.kind_training import TESTDATA, default_training_set, labelled_dir, scores, train

        if with_corrections:
            from corpora.kind_adaptation import kind_model_retrain

            try:
                version = kind_model_retrain(user=None, seed=seed, shared_dir=Path(shared))
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"Adapted model {version.pk}: learned from {version.corrections} corrections in "
                f"{version.articles} articles; used for imports from {', '.join(version.sources) or '-'}"
            )
            return
        articles, info = default_training_set(Path(shared))
        model = train(articles, seed=seed, info=info)
        test = labelled_dir(TESTDATA / "test")
        held_out, rules_only = scores(model, test), scores(None, test)
        model.info["held_out"] = {"model": held_out.as_dict(), "rules": rules_only.as_dict()}
        Path(out).write_text(model.to_json() + "\n", encoding="utf-8")
        self.stdout.write(
            f"Trained on {len(articles)} articles ({model.info['paragraphs']} paragraphs), seed {seed}; wrote {out}"
        )
        self.stdout.write(
            f"Held-out test part ({held_out.paragraphs} paragraphs): body F1 {held_out.body_f1:.3f}, "
            f"non-body recall {held_out.nonbody_recall:.3f}; rules alone: body F1 "
            f"{rules_only.body_f1:.3f}, non-body recall {rules_only.nonbody_recall:.3f}"
        )
