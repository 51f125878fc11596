from .gold import Adjudication, GoldStatement
from .prediction import PredictionDecision, Prediction, PredictionSet, PrelabelJob, StanceModelVersion
from .project import Project, ProjectMembership, Role, StanceLabel
from .registry import Actor, ActorAlias, Claim, RegistryStatus
from .work import Annotation, AnnotationRevision, Assignment, Statement, Task

__all__ = [
    "Actor", "ActorAlias", "Adjudication", "Annotation", "AnnotationRevision", "Assignment", "Claim",
    "GoldStatement", "Prediction", "PredictionDecision", "PredictionSet", "PrelabelJob", "Project",
    "ProjectMembership", "RegistryStatus", "Role", "StanceLabel", "StanceModelVersion", "Statement", "Task",
]
