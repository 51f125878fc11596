"""Server-rendered pages of the annotation app."""

from django.urls import path

from . import views, views_adjudication, views_prelabel

app_name = "annotation"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:project_id>/", views.project_dashboard, name="project"),
    path("projects/<int:project_id>/annotate/", views.workspace, name="workspace"),
    path("projects/<int:project_id>/actors/", views.registry_actors, name="registry-actors"),
    path("projects/<int:project_id>/claims/", views.registry_claims, name="registry-claims"),
    path("projects/<int:project_id>/prelabel/", views_prelabel.prelabel_page, name="prelabel"),
    path("projects/<int:project_id>/prelabel/jobs/", views_prelabel.prelabel_jobs_fragment, name="prelabel-jobs"),
    # adjudication (H5)
    path("projects/<int:project_id>/adjudication/", views_adjudication.adjudication_list, name="adjudication-list"),
    path("tasks/<int:task_id>/adjudicate/", views_adjudication.adjudicate, name="adjudicate"),
]
