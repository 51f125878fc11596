"""Server-rendered corpus pages (managers: staff users)."""

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from .models import Corpus


@staff_member_required
def corpus_list(request):
    return render(request, "corpora/list.html", {"corpora": Corpus.objects.all()})
