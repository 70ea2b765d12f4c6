"""collectstatic with DEBUG off compresses only the files that changed since the last one."""

from __future__ import annotations

import gzip
import os
import time

from django.core.management import call_command


def _collect():
    call_command("collectstatic", interactive=False, verbosity=0)


def test_a_second_collectstatic_compresses_only_what_changed(settings, tmp_path):
    source, out = tmp_path / "src", tmp_path / "out"
    source.mkdir()
    for name in ("a.css", "b.css"):
        (source / name).write_text(f"/* {name} */\n" + "body { color: #123456; }\n" * 200)
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = out
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "fieldservice.staticfiles.IncrementalCompressedStorage"},
    }
    _collect()
    assert (out / "a.css.gz").exists()
    assert (out / "b.css.gz").exists()
    # Everything as if collected an hour ago; then a.css changes.
    hour_ago = time.time() - 3600
    for path in (source / "b.css", *out.iterdir()):
        os.utime(path, (hour_ago, hour_ago))
    (source / "a.css").write_text("/* a, changed */\n" + "p { margin: 0; }\n" * 200)

    _collect()

    assert os.stat(out / "a.css.gz").st_mtime > hour_ago + 60  # made again, from the new a.css
    assert b"changed" in gzip.decompress((out / "a.css.gz").read_bytes())
    assert os.stat(out / "b.css.gz").st_mtime == hour_ago  # left alone
