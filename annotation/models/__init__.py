from .gold import Adjudication, GoldStatement
from .invitation import Invitation
from .label_studio import LabelStudioLink
from .prediction import (
    Prediction,
    PredictionDecision,
    PredictionSet,
    PrelabelEvaluation,
    PrelabelJob,
    StanceModelVersion,
)
from .project import Project, ProjectMembership, Role, StanceLabel
from .registry import Actor, ActorAlias, Claim, RegistryStatus
from .token import ApiToken
from .work import Annotation, AnnotationRevision, Assignment, Statement, Task

__all__ = [
    "Actor",
    "ActorAlias",
    "Adjudication",
    "ApiToken",
    "Annotation",
    "AnnotationRevision",
    "Assignment",
    "Claim",
    "GoldStatement",
    "Invitation",
    "LabelStudioLink",
    "Prediction",
    "PredictionDecision",
    "PredictionSet",
    "PrelabelEvaluation",
    "PrelabelJob",
    "Project",
    "ProjectMembership",
    "RegistryStatus",
    "Role",
    "StanceLabel",
    "StanceModelVersion",
    "Statement",
    "Task",
]
