"""What of a page is still in English: the texts a page (or PDF) shows that are the English
msgid of a message the language's catalog translates differently.

The catalogs (locale/<lang>/LC_MESSAGES/django.po and djangojs.po) are the list of every word the
product says; a text on a page equal to one of their English originals, in a language whose
catalog says otherwise, is a string that skipped translation (an untranslated template, a lazy
string evaluated at import, a message built in English by a worker).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


@dataclass(frozen=True)
class English:
    """The English originals a language translates: exact texts, and patterns for those with
    placeholders (filled by the page with numbers, names, times)."""

    texts: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    # What the language itself says: a translation may happen to be spelled like another
    # message's English ("Planning", Italian for the board, is also an English status).
    translations: frozenset[str]

    def left_in(self, shown: Iterable[str]) -> list[str]:
        """Every shown text that is one of the English originals, whole."""
        found = []
        for text in {" ".join(t.split()) for t in shown} - self.translations:
            if text in self.texts or any(p.fullmatch(text) for p in self.patterns):
                found.append(text)
        return sorted(found)


def _words(text: str) -> str:
    return " ".join(text.split())


@functools.cache
def english(language: str) -> English:
    """The English msgids of `language`'s catalogs whose translation differs from them. Texts
    of a single character, or made of placeholders and punctuation only, say nothing English."""
    texts: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    translations: set[str] = set()
    for domain in ("django", "djangojs"):
        path = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            pairs = (
                [
                    (entry.msgid, entry.msgstr_plural.get(0, "")),
                    (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
                ]
                if entry.msgid_plural
                else [(entry.msgid, entry.msgstr)]
            )
            for original, msgstr in pairs:
                msgid = _words(original)
                translations.add(_words(msgstr))
                if not msgstr or _words(msgstr) == msgid:
                    continue
                bare = PLACEHOLDER.sub("", msgid)
                if len(re.sub(r"\W", "", bare)) < 2:
                    continue
                if PLACEHOLDER.search(msgid):
                    pieces = PLACEHOLDER.split(msgid)
                    patterns.append(re.compile(".+?".join(re.escape(p) for p in pieces)))
                else:
                    texts.add(msgid)
    return English(frozenset(texts), tuple(patterns), frozenset(translations))
