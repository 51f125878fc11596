"""Server-rendered corpus pages (managers: staff users). Kind corrections go through the JSON API.

Each page shows only what corpora/access.py lets the user read; anything else is a 404.
"""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .access import (
    article_readable,
    corpora_readable_by,
    corpus_change_check,
    corpus_readable,
    import_job_readable,
    may_change,
    projects_using,
)
from .import_jobs import import_job_create, import_job_retry
from .import_report import ImportReport
from .kind_adaptation import active_kind_model, corrections_summary, kind_model_retrain
from .kind_model import load as shipped_kind_model
from .models import Article, ImportJob, Paragraph
from .selectors import (
    article_list,
    article_paragraphs_with_history,
    corpus_languages,
    corpus_list,
    corpus_paragraph_counts,
    import_job_list,
    import_job_progress,
)
from .services.corpus import corpus_open_or_create
from .work import submitted_by_paragraph


@staff_member_required
@require_http_methods(["GET", "POST"])
def corpus_list_page(request):
    if request.method == "POST":
        try:
            corpus = corpus_open_or_create(name=request.POST.get("name", ""), user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("corpora:list")
        messages.success(request, f"Corpus “{corpus.name}” is ready; upload files to it.")
        return redirect("corpora:detail", corpus.pk)
    return render(request, "corpora/list.html", {"corpora": corpus_list(user=request.user)})


@staff_member_required
@require_http_methods(["GET", "POST"])
def corpus_upload_page(request):
    """Upload files or a zip into a corpus (new or existing): stored, then imported by a job."""
    selected = request.GET.get("corpus", "")
    if request.method == "POST":
        selected = request.POST.get("corpus", "")
        files = request.FILES.getlist("file")
        corpus, error = _upload_target(
            request.user, new_name=request.POST.get("new_name", "").strip(), selected=selected
        )
        if not error and not files:
            error = "Choose at least one file (.txt, .md, .html, .jsonl or .zip)."
        if not error:
            try:
                job = import_job_create(
                    corpus=corpus, uploads=files, user=request.user, encoding=request.POST.get("encoding", "")
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
        if error:
            messages.error(request, error)
        else:
            _say_what_happened(request, job)
            return redirect("corpora:import", job.pk)
    return render(
        request,
        "corpora/upload.html",
        {
            "corpora": corpora_readable_by(user=request.user).order_by("name"),
            "selected": selected,
            "encodings": COMMON_ENCODINGS,
        },
    )


COMMON_ENCODINGS = [
    "utf-8",
    "cp1252",
    "latin-1",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "cp1250",
    "cp1251",
    "koi8-r",
    "shift_jis",
    "euc-jp",
    "gb18030",
    "big5",
    "euc-kr",
]


def _say_what_happened(request, job: ImportJob) -> None:
    """The message matches the job's state: in-process imports are already done, never "queued"."""
    n = len(job.files)
    if job.status == ImportJob.Status.COMPLETE:
        report = ImportReport.from_dict(job.report)
        if not report.imported and not report.failed:
            messages.info(request, f"Nothing new: everything in the {n} file(s) is already in the corpus.")
        else:
            messages.success(
                request,
                f"Imported: {len(report.imported)} file(s), {report.articles} article(s); "
                f"{len(report.skipped)} skipped, {len(report.failed)} failed.",
            )
    elif job.status == ImportJob.Status.FAILED:
        messages.error(request, f"The import failed: {job.error}")
    else:
        messages.info(request, f"{n} file(s) uploaded; a background worker imports them (progress below).")


@staff_member_required
@require_http_methods(["GET", "POST"])
def import_job_page(request, job_id: int):
    """An upload's import: live progress while it runs, then its report. POST: retry a failed one."""
    job = import_job_readable(user=request.user, job_id=job_id)
    if request.method == "POST":
        try:
            corpus_change_check(user=request.user, corpus=job.corpus)
            job = import_job_retry(job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            _say_what_happened(request, job)
        return redirect("corpora:import", job.pk)
    return render(
        request,
        "corpora/import_job.html",
        {
            "job": job,
            "progress": import_job_progress(job=job),
            "report": ImportReport.from_dict(job.report) if job.report else None,
            "can_change": may_change(user=request.user, projects=projects_using(corpus=job.corpus, user=request.user)),
        },
    )


def _upload_target(user, *, new_name: str, selected: str):
    """(the corpus to import into, None) or (None, why not): readable and changeable by `user`."""
    try:
        if new_name:
            corpus = corpus_open_or_create(name=new_name, user=user)
        else:
            corpus = corpora_readable_by(user=user).filter(pk=int(selected) if selected.isdigit() else None).first()
            if corpus is None:
                return None, "Choose a corpus or type a name for a new one."
        corpus_change_check(user=user, corpus=corpus)
    except ValidationError as exc:
        return None, " ".join(exc.messages)
    except PermissionDenied as exc:
        return None, str(exc)
    return corpus, None


@staff_member_required
@require_GET
def corpus_detail_page(request, corpus_id: int):
    corpus = corpus_readable(user=request.user, corpus_id=corpus_id)
    search, language = request.GET.get("q", "").strip(), request.GET.get("language", "")
    page = Paginator(article_list(corpus=corpus, search=search, language=language), 50).get_page(
        request.GET.get("page")
    )
    counts = corpus_paragraph_counts(corpus=corpus)
    kinds = [(value, label, counts[value]) for value, label in Paragraph.Kind.choices]
    projects = projects_using(corpus=corpus, user=request.user)
    imports = list(import_job_list(corpus=corpus)[:5])
    latest = next((j for j in imports if j.report), None)
    return render(
        request,
        "corpora/detail.html",
        {
            "imports": [(job, import_job_progress(job=job)) for job in imports],
            "latest_import": latest,
            "report": ImportReport.from_dict(latest.report) if latest else None,
            "corpus": corpus,
            "page": page,
            "counts": counts,
            "kinds": kinds,
            "q": search,
            "language": language,
            "languages": corpus_languages(corpus=corpus),
            "projects": projects,
            "can_change": may_change(user=request.user, projects=projects),
            "kind_model": active_kind_model(),
            "shipped_model": shipped_kind_model().info,
        },
    )


@staff_member_required
@require_http_methods(["GET", "POST"])
def kind_model_retrain_page(request, corpus_id: int):
    """GET: what a retrain would learn from, and the button; POST: retrain, then back to the corpus page."""
    corpus = corpus_readable(user=request.user, corpus_id=corpus_id)
    if request.method == "GET":
        projects = projects_using(corpus=corpus, user=request.user)
        return render(
            request,
            "corpora/kind_model.html",
            {
                "corpus": corpus,
                "kind_model": active_kind_model(),
                "shipped_model": shipped_kind_model().info,
                "pending": corrections_summary(),
                "can_change": may_change(user=request.user, projects=projects),
            },
        )
    try:
        corpus_change_check(user=request.user, corpus=corpus)
        version = kind_model_retrain(user=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        sources = ", ".join(version.sources)
        messages.success(
            request,
            f"The kind model was retrained with {version.corrections} corrections from "
            f"{version.articles} articles; new imports from {sources} use it.",
        )
    return redirect("corpora:detail", corpus.pk)


@staff_member_required
@require_GET
def article_page(request, article_id: int):
    article = article_readable(user=request.user, article_id=article_id)
    neighbours = Article.objects.filter(corpus=article.corpus).order_by("id")
    projects = projects_using(corpus=article.corpus, user=request.user)
    paragraphs = article_paragraphs_with_history(article=article)
    submitted = submitted_by_paragraph(p.pk for p in paragraphs)
    for p in paragraphs:
        p.submitted = submitted.get(p.pk, 0)
    return render(
        request,
        "corpora/article.html",
        {
            "article": article,
            "paragraphs": paragraphs,
            "kinds": Paragraph.Kind.choices,
            "projects": projects,
            "can_change": may_change(user=request.user, projects=projects),
            "previous": neighbours.filter(id__lt=article.id).order_by("-id").values_list("id", flat=True).first(),
            "next": neighbours.filter(id__gt=article.id).values_list("id", flat=True).first(),
        },
    )
