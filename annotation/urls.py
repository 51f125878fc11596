"""Server-rendered pages of the annotation app."""

from django.urls import path

from .views import account as views_account
from .views import adjudication as views_adjudication
from .views import evaluation as views_evaluation
from .views import going_back as views_going_back
from .views import people as views_people
from .views import prelabel as views_prelabel
from .views import projects as views
from .views import task_browser as views_tasks

app_name = "annotation"
urlpatterns = [
    path("", views.home, name="home"),
    path("account/", views_account.account, name="account"),
    path("account/tokens/", views_account.token_create, name="token-create"),
    path("account/tokens/<int:token_id>/revoke/", views_account.token_revoke, name="token-revoke"),
    path("projects/<int:project_id>/", views.project_dashboard, name="project"),
    path("projects/<int:project_id>/annotate/", views.workspace, name="workspace"),
    path("projects/<int:project_id>/annotate/previous/", views_going_back.previous_task, name="workspace-previous"),
    path("projects/<int:project_id>/my-annotations/", views_going_back.my_annotations_page, name="my-annotations"),
    path(
        "projects/<int:project_id>/my-annotations/<int:annotation_id>/open/",
        views_going_back.annotation_open,
        name="my-annotation-open",
    ),
    path("projects/<int:project_id>/actors/", views.registry_actors, name="registry-actors"),
    path("projects/<int:project_id>/claims/", views.registry_claims, name="registry-claims"),
    path("projects/<int:project_id>/prelabel/", views_prelabel.prelabel_page, name="prelabel"),
    path("projects/<int:project_id>/prelabel/jobs/", views_prelabel.prelabel_jobs_fragment, name="prelabel-jobs"),
    path(
        "projects/<int:project_id>/prelabel/evaluation/",
        views_evaluation.prelabel_evaluation_page,
        name="prelabel-evaluation",
    ),
    # people
    path("projects/<int:project_id>/people/", views_people.people, name="people"),
    path("projects/<int:project_id>/people/invite/", views_people.invitation_create, name="invitation-create"),
    path(
        "projects/<int:project_id>/people/invitations/<int:invitation_id>/revoke/",
        views_people.invitation_revoke,
        name="invitation-revoke",
    ),
    path("projects/<int:project_id>/people/users/", views_people.user_create, name="user-create"),
    path(
        "projects/<int:project_id>/people/<int:user_id>/deactivate/",
        views_people.member_deactivate,
        name="member-deactivate",
    ),
    path(
        "projects/<int:project_id>/people/<int:user_id>/reactivate/",
        views_people.member_reactivate,
        name="member-reactivate",
    ),
    path("invitations/<str:token>/", views_people.signup, name="signup"),
    # task browser (managers)
    path("projects/<int:project_id>/tasks/", views_tasks.task_browser, name="task-browser"),
    path("projects/<int:project_id>/tasks/bulk/", views_tasks.task_bulk, name="task-bulk"),
    path("tasks/<int:task_id>/", views_tasks.task_page_view, name="task-detail"),
    # adjudication
    path("projects/<int:project_id>/adjudication/", views_adjudication.adjudication_list, name="adjudication-list"),
    path("tasks/<int:task_id>/adjudicate/", views_adjudication.adjudicate, name="adjudicate"),
]
