"""Server-rendered corpus pages (managers: staff users). Kind corrections go through the JSON API."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .models import Article, Corpus, Paragraph
from .selectors import (article_list, article_paragraphs_with_history, corpus_languages, corpus_list,
                        corpus_paragraph_counts)
from .services import corpus_get_or_create, corpus_import


@staff_member_required
@require_http_methods(["GET", "POST"])
def corpus_list_page(request):
    if request.method == "POST":
        try:
            corpus = corpus_get_or_create(name=request.POST.get("name", ""), user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("corpora:list")
        messages.success(request, f"Corpus “{corpus.name}” is ready; upload files to it.")
        return redirect("corpora:detail", corpus.pk)
    return render(request, "corpora/list.html", {"corpora": corpus_list()})


@staff_member_required
@require_http_methods(["GET", "POST"])
def corpus_upload_page(request):
    """Upload files or a zip into a corpus (new or existing) and show the import report."""
    report = None
    selected = request.GET.get("corpus", "")
    if request.method == "POST":
        selected = request.POST.get("corpus", "")
        files = request.FILES.getlist("file")
        new_name = request.POST.get("new_name", "").strip()
        corpus = None
        if new_name:
            corpus = corpus_get_or_create(name=new_name, user=request.user)
        elif selected:
            corpus = Corpus.objects.filter(pk=selected).first()
        if corpus is None:
            messages.error(request, "Choose a corpus or type a name for a new one.")
        elif not files:
            messages.error(request, "Choose at least one file (.txt, .md, .html, .jsonl or .zip).")
        else:
            report = corpus_import(uploads=[(f.name, f) for f in files], corpus=corpus, user=request.user)
            selected = str(corpus.pk)
    return render(request, "corpora/upload.html", {
        "corpora": Corpus.objects.order_by("name"), "selected": selected, "report": report})


@staff_member_required
def corpus_detail_page(request, corpus_id: int):
    corpus = get_object_or_404(Corpus, pk=corpus_id)
    search, language = request.GET.get("q", "").strip(), request.GET.get("language", "")
    page = Paginator(article_list(corpus=corpus, search=search, language=language), 50).get_page(request.GET.get("page"))
    counts = corpus_paragraph_counts(corpus=corpus)
    kinds = [(value, label, counts[value]) for value, label in Paragraph.Kind.choices]
    return render(request, "corpora/detail.html", {
        "corpus": corpus, "page": page, "counts": counts, "kinds": kinds, "q": search, "language": language,
        "languages": corpus_languages(corpus=corpus)})


@staff_member_required
def article_page(request, article_id: int):
    article = get_object_or_404(Article.objects.select_related("corpus"), pk=article_id)
    neighbours = Article.objects.filter(corpus=article.corpus).order_by("id")
    return render(request, "corpora/article.html", {
        "article": article, "paragraphs": article_paragraphs_with_history(article=article),
        "kinds": Paragraph.Kind.choices,
        "previous": neighbours.filter(id__lt=article.id).order_by("-id").values_list("id", flat=True).first(),
        "next": neighbours.filter(id__gt=article.id).values_list("id", flat=True).first()})
