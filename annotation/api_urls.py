"""REST API routes of the annotation app (mounted under /api/). See annotation/api/CONTRACT.md."""

from django.urls import path

from .api import adjudication as adjudication_api
from .api import aliases, auth, going_back, prelabel, projects, registry, task_browser, work

app_name = "annotation-api"
urlpatterns: list = [
    # the annotators' two hot calls first: Django tries routes in order
    path("projects/<int:project_id>/next-task/", work.NextTaskApi.as_view(), name="next-task"),
    path("annotations/<int:annotation_id>/submit/", work.AnnotationSubmitApi.as_view(), name="annotation-submit"),
    path("auth/token/", auth.TokenObtainApi.as_view(), name="token"),
    path("auth/tokens/", auth.TokenListCreateApi.as_view(), name="token-list"),
    path("auth/tokens/<int:token_id>/", auth.TokenDetailApi.as_view(), name="token-detail"),
    # projects and members
    path("projects/", projects.ProjectListCreateApi.as_view(), name="project-list"),
    path("projects/<int:project_id>/", projects.ProjectDetailApi.as_view(), name="project-detail"),
    path("projects/<int:project_id>/members/", projects.MemberListApi.as_view(), name="member-list"),
    path("projects/<int:project_id>/members/<int:user_id>/", projects.MemberDetailApi.as_view(), name="member-detail"),
    path("projects/<int:project_id>/tasks/", projects.TaskListApi.as_view(), name="task-list"),
    path("projects/<int:project_id>/tasks/sync/", projects.TaskSyncApi.as_view(), name="task-sync"),
    path("projects/<int:project_id>/task-browser/", task_browser.TaskBrowserApi.as_view(), name="task-browser"),
    path("projects/<int:project_id>/task-browser/bulk/", task_browser.TaskBulkApi.as_view(), name="task-bulk"),
    path("projects/<int:project_id>/progress/", projects.ProgressApi.as_view(), name="progress"),
    # registries
    path("projects/<int:project_id>/actors/", registry.ActorListCreateApi.as_view(), name="actor-list"),
    path("actors/<int:actor_id>/", registry.ActorDetailApi.as_view(), name="actor-detail"),
    path("actors/<int:actor_id>/approve/", registry.ActorApproveApi.as_view(), name="actor-approve"),
    path("actors/<int:actor_id>/aliases/", aliases.ActorAliasCreateApi.as_view(), name="actor-alias-create"),
    path(
        "projects/<int:project_id>/alias-proposals/", aliases.AliasProposalListApi.as_view(), name="alias-proposal-list"
    ),
    path("actors/<int:actor_id>/merge/", registry.ActorMergeApi.as_view(), name="actor-merge"),
    path("projects/<int:project_id>/claims/", registry.ClaimListCreateApi.as_view(), name="claim-list"),
    path("claims/<int:claim_id>/", registry.ClaimDetailApi.as_view(), name="claim-detail"),
    path("claims/<int:claim_id>/approve/", registry.ClaimApproveApi.as_view(), name="claim-approve"),
    path("claims/<int:claim_id>/merge/", registry.ClaimMergeApi.as_view(), name="claim-merge"),
    # work
    path("assignments/<int:assignment_id>/", work.AssignmentDetailApi.as_view(), name="assignment-detail"),
    path("assignments/<int:assignment_id>/renew/", work.AssignmentRenewApi.as_view(), name="assignment-renew"),
    path("annotations/", work.AnnotationListApi.as_view(), name="annotation-list"),
    path("annotations/<int:annotation_id>/", work.AnnotationDetailApi.as_view(), name="annotation-detail"),
    path("annotations/<int:annotation_id>/skip/", work.AnnotationSkipApi.as_view(), name="annotation-skip"),
    path("annotations/<int:annotation_id>/history/", work.AnnotationHistoryApi.as_view(), name="annotation-history"),
    # going back
    path("projects/<int:project_id>/my-annotations/", going_back.MyAnnotationListApi.as_view(), name="my-annotations"),
    path("projects/<int:project_id>/previous-task/", going_back.PreviousTaskApi.as_view(), name="previous-task"),
    path("annotations/<int:annotation_id>/reopen/", going_back.AnnotationReopenApi.as_view(), name="annotation-reopen"),
    path("annotations/<int:annotation_id>/undo-skip/", going_back.SkipUndoApi.as_view(), name="annotation-undo-skip"),
    path("statements/", work.StatementCreateApi.as_view(), name="statement-create"),
    path("statements/<int:statement_id>/", work.StatementDetailApi.as_view(), name="statement-detail"),
    path("predictions/<int:prediction_id>/decision/", work.PredictionDecisionApi.as_view(), name="prediction-decision"),
    # pre-labelling
    path("projects/<int:project_id>/prelabel-jobs/", prelabel.JobListCreateApi.as_view(), name="prelabel-job-list"),
    path("prelabel-jobs/<int:job_id>/", prelabel.JobDetailApi.as_view(), name="prelabel-job-detail"),
    path("prelabel-jobs/<int:job_id>/cancel/", prelabel.JobCancelApi.as_view(), name="prelabel-job-cancel"),
    path("projects/<int:project_id>/stance-models/", prelabel.StanceModelListApi.as_view(), name="stance-model-list"),
    path(
        "projects/<int:project_id>/stance-models/train/",
        prelabel.StanceModelTrainApi.as_view(),
        name="stance-model-train",
    ),
    path(
        "projects/<int:project_id>/prediction-precision/", prelabel.PrecisionApi.as_view(), name="prediction-precision"
    ),
    path(
        "projects/<int:project_id>/claim-merge-proposals/",
        prelabel.ClaimMergeProposalsApi.as_view(),
        name="claim-merge-proposals",
    ),
    path("projects/<int:project_id>/gazetteer/", prelabel.GazetteerLoadApi.as_view(), name="gazetteer-load"),
    # adjudication (managers)
    path(
        "projects/<int:project_id>/adjudication/",
        adjudication_api.DisagreementListApi.as_view(),
        name="adjudication-list",
    ),
    path("tasks/<int:task_id>/adjudication/", adjudication_api.AdjudicationApi.as_view(), name="adjudication"),
    path(
        "tasks/<int:task_id>/adjudication/accept-agreed/",
        adjudication_api.AdjudicationAcceptAgreedApi.as_view(),
        name="adjudication-accept-agreed",
    ),
    path(
        "tasks/<int:task_id>/adjudication/pick/",
        adjudication_api.AdjudicationPickApi.as_view(),
        name="adjudication-pick",
    ),
]
