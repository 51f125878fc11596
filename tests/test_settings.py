from django.conf import settings
from django.db import connection
from django.urls import reverse


def test_tests_run_on_postgresql(db):
    assert connection.vendor == "postgresql"


def test_celery_uses_a_real_broker_in_tests():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


def test_home_page_asks_anonymous_users_to_log_in(client, db):
    response = client.get(reverse("annotation:home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_home_page_lists_the_users_projects(client, annotator, project):
    client.force_login(annotator)
    response = client.get(reverse("annotation:home"))
    assert response.status_code == 200
    assert project.name in response.content.decode()
