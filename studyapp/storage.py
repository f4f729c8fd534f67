from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed files once `collectstatic` has run (make serve does); plain names before
    it, so tests and a fresh checkout serve static files through whitenoise's finders."""

    manifest_strict = False

    def stored_name(self, name):
        if not self.hashed_files:
            return name
        return super().stored_name(name)
