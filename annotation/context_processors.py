from django.conf import settings


def standpoint(request):
    return {"celery_in_process": getattr(settings, "CELERY_IN_PROCESS", False)}
