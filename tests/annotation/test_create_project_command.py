import pytest
from django.core.management import CommandError, call_command

from annotation.models import Project
from tests.annotation.conftest import build_corpus
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_project_command_makes_the_project_and_its_tasks(capsys):
    UserFactory(username="boss")
    source = ProjectFactory()
    corpus = build_corpus(project=source, articles=2, per_article=3, name="news")
    call_command("create_project", "Pipelines", "--manager", "boss", "--corpus", "news", "--k", "2", "--sync")
    project = Project.objects.get(name="Pipelines")
    assert project.annotators_per_task == 2 and list(project.corpora.all()) == [corpus]
    assert project.tasks.count() == 6 and project.stance_labels.count() == 4
    assert "6 tasks" in capsys.readouterr().out


def test_create_project_command_names_what_is_wrong():
    UserFactory(username="boss")
    with pytest.raises(CommandError, match="No corpus 'nope'"):
        call_command("create_project", "X", "--manager", "boss", "--corpus", "nope")
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        call_command("create_project", "X", "--manager", "ghost")
    call_command("create_project", "Dup", "--manager", "boss")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_project", "Dup", "--manager", "boss")
