"""How much annotation work hangs on paragraphs, asked of the app that holds it.

``corpora`` does not import ``annotation`` (corpora <- annotation): ``annotation`` registers a
``ParagraphWork`` in ``AnnotationConfig.ready()`` (``annotation/corpus_work.py``). Without one (this
app alone) no paragraph has work. The article page uses it to warn before a kind change or
"comments from here" touches paragraphs whose tasks have submitted annotations.
"""

from collections.abc import Iterable
from typing import Protocol


class ParagraphWork(Protocol):
    def submitted_by_paragraph(self, paragraph_ids: Iterable[int]) -> dict[int, int]:
        """{paragraph id: submitted annotations on its tasks, all projects}; absent means none."""


class _NoWork:
    def submitted_by_paragraph(self, paragraph_ids: Iterable[int]) -> dict[int, int]:
        return {}


_work: ParagraphWork = _NoWork()


def register_paragraph_work(work: ParagraphWork) -> None:
    global _work
    _work = work


def submitted_by_paragraph(paragraph_ids: Iterable[int]) -> dict[int, int]:
    return _work.submitted_by_paragraph(list(paragraph_ids))
