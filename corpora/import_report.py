"""What an import reports: one FileResult per file, progress events, and the whole ImportReport.

Plain dataclasses (no database): corpora.services.imports.corpus_import fills them, the import command and
the upload page show them.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field


@dataclass
class FileResult:
    name: str
    status: str  # "imported" | "skipped" | "failed"
    reason: str = ""
    articles: int = 0
    duplicates: int = 0
    paragraphs: int = 0


@dataclass
class ImportProgress:
    files_done: int
    files_total: int
    articles: int
    paragraphs: int
    current: str


@dataclass
class ImportReport:
    corpus_id: int
    corpus_name: str
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def _with(self, status: str) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    @property
    def imported(self) -> list[FileResult]:
        return self._with("imported")

    @property
    def skipped(self) -> list[FileResult]:
        return self._with("skipped")

    @property
    def failed(self) -> list[FileResult]:
        return self._with("failed")

    @property
    def articles(self) -> int:
        return sum(f.articles for f in self.files)

    @property
    def paragraphs(self) -> int:
        return sum(f.paragraphs for f in self.files)

    def as_dict(self) -> dict:
        return {
            "corpus": {"id": self.corpus_id, "name": self.corpus_name},
            "imported": len(self.imported),
            "skipped": len(self.skipped),
            "failed": len(self.failed),
            "articles": self.articles,
            "paragraphs": self.paragraphs,
            "seconds": round(self.seconds, 3),
            "files": [asdict(f) for f in self.files],
        }

    def lines(self) -> list[str]:
        """The report as text, one line per file that was not simply imported."""
        out = [
            f"Corpus {self.corpus_name!r}: {len(self.imported)} file(s) imported, {len(self.skipped)} skipped, "
            f"{len(self.failed)} failed; {self.articles} article(s), {self.paragraphs} paragraph(s) "
            f"in {self.seconds:.1f} s."
        ]
        for f in self.files:
            if f.status == "imported":
                extra = f", {f.duplicates} already in the corpus" if f.duplicates else ""
                out.append(f"  imported  {f.name}: {f.articles} article(s), {f.paragraphs} paragraph(s){extra}")
            else:
                out.append(f"  {f.status:8}  {f.name}: {f.reason}")
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        """The report back from ``as_dict()`` (as an import job keeps it)."""
        fields = set(FileResult.__dataclass_fields__)
        return cls(
            corpus_id=data["corpus"]["id"],
            corpus_name=data["corpus"]["name"],
            seconds=data.get("seconds", 0.0),
            files=[FileResult(**{k: v for k, v in f.items() if k in fields}) for f in data.get("files", [])],
        )


ProgressCallback = Callable[[ImportProgress], None]
