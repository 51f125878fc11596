"""What a Label Studio import reports: counts, and each refused item with where and why."""

from dataclasses import dataclass, field


@dataclass
class Refused:
    task: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"task {self.task}, field {self.field}: {self.reason}"


@dataclass
class ImportSummary:
    format: str = "JSON"
    tasks: int = 0
    annotations: int = 0  # written: new, or changed
    unchanged: int = 0  # identical to what was stored: left alone
    statements: int = 0
    deleted: int = 0  # gone from Label Studio since the last pull: deleted here
    over_k: int = 0  # refused because the task already has its k submissions
    predictions: int = 0
    prediction_sets: int = 0
    skipped_ground_truth: int = 0
    skipped_cancelled: int = 0
    ignored_regions: int = 0  # untouched pre-label regions that never became statements
    users_matched: int = 0
    users_created: list[str] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
