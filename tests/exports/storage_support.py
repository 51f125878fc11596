"""Point dataset exports at a test's own folder: the local build folder (EXPORT_ROOT) and the
`datasets` storage, which by default is that same folder on disk."""

from pathlib import Path


def point_exports_at(settings, folder: Path) -> Path:
    settings.EXPORT_ROOT = folder
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(folder)}},
    }
    return folder


class FailingAfterStorage:
    """Django's InMemoryStorage whose `save` fails after `FAIL_AFTER` files: an object store that
    goes away in the middle of an upload."""

    FAIL_AFTER = 2

    def __new__(cls, *args, **kwargs):
        from django.core.files.storage import InMemoryStorage

        class _Failing(InMemoryStorage):
            saved = 0

            def _save(self, name, content):
                if type(self).saved >= cls.FAIL_AFTER:
                    raise ConnectionError("the object store went away")
                type(self).saved += 1
                return super()._save(name, content)

        return _Failing(*args, **kwargs)
