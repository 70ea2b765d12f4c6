"""The static files' storage with DEBUG off: whitenoise's compressed copies (gzip, and Brotli
when the brotli package is there), made again only for files that changed.

whitenoise compresses every collected file at every collectstatic, changed or not; with the
icon set that is minutes of CPU at every release, for the same bytes. collectstatic leaves an
unchanged file (and its modification time) alone, so a compressed copy newer than its file is
still right."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from whitenoise.storage import CompressedStaticFilesStorage


class IncrementalCompressedStorage(CompressedStaticFilesStorage):
    def post_process(
        self, paths: dict[str, Any], dry_run: bool = False, **options: Any
    ) -> Iterator[tuple[str, str, bool]]:
        changed = {path: found for path, found in paths.items() if not self._compressed(path)}
        yield from super().post_process(changed, dry_run, **options) or ()

    def _compressed(self, path: str) -> bool:
        """Whether the file has an up-to-date compressed copy (.gz: whitenoise writes one for
        every file it compresses, with .br beside it when Brotli is there)."""
        full = self.path(path)
        try:
            source = os.stat(full).st_mtime
            return os.stat(full + ".gz").st_mtime >= source
        except OSError:
            return False
