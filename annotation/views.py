"""Server-rendered pages. They render templates; the page JavaScript writes through the JSON API."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .access import can_create_projects, projects_for, role_for


@login_required
def home(request):
    projects = list(projects_for(user=request.user).order_by("name"))
    rows = [{"project": p, "role": role_for(user=request.user, project=p)} for p in projects]
    return render(request, "annotation/home.html", {"rows": rows, "can_create": can_create_projects(request.user)})
