"""The static files' storage with DEBUG off: whitenoise's compressed copies (gzip, and Brotli
with STATIC_BROTLI and the brotli package), made again only for files that changed.

whitenoise compresses every collected file at every collectstatic, changed or not; with the
icon set that is minutes of CPU at every release (Brotli at its best level, mostly), for the
same bytes. collectstatic leaves an unchanged file (and its modification time) alone, so
compressed copies newer than their file are still right."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from whitenoise.compress import Compressor, brotli_installed
from whitenoise.storage import CompressedStaticFilesStorage


def _brotli() -> bool:
    return bool(getattr(settings, "STATIC_BROTLI", True)) and brotli_installed


class IncrementalCompressedStorage(CompressedStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return Compressor(use_brotli=_brotli(), **kwargs)

    def post_process(
        self, paths: dict[str, Any], dry_run: bool = False, **options: Any
    ) -> Iterator[tuple[str, str, bool]]:
        changed = {path: found for path, found in paths.items() if not self._compressed(path)}
        yield from super().post_process(changed, dry_run, **options) or ()

    def _compressed(self, path: str) -> bool:
        """Whether the file has up-to-date compressed copies: .gz (whitenoise writes one for
        every file it compresses), and .br too when Brotli is on."""
        full = self.path(path)
        try:
            source = os.stat(full).st_mtime
            suffixes = (".gz", ".br") if _brotli() else (".gz",)
            return all(os.stat(full + suffix).st_mtime >= source for suffix in suffixes)
        except OSError:
            return False
