"""The check of the translation catalogs that `make test` runs (issue 21), behind
`manage.py check_translations`.

A catalog is fine when it holds exactly the messages the code has today, each translated, none
fuzzy or obsolete, each translation with the placeholders and HTML tags of the English (a
missing `%(name)s` raises KeyError or shows a blank at run time; an extra one raises), a
Plural-Forms header that gives the language's rule, and msgfmt compiles it without a word.

The code's messages come from Django's own makemessages, run on a copy of the sources in a
temporary folder with a copy of the catalogs, so that the committed catalogs are never
rewritten: makemessages writes into the first `locale` folder above each source file, which in
the project would be the committed one.
"""

from __future__ import annotations

import contextlib
import gettext
import io
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polib
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.utils import is_ignored_path
from django.test.utils import override_settings

SOURCE = "en"  # the language the code's messages are written in
DOMAINS = ("django", "djangojs")
# Django's default extensions for each domain; the copy of the sources holds only these.
EXTENSIONS = {"django": ("html", "txt", "py"), "djangojs": ("js",)}
# What makemessages must not read: other people's code, the tests' strings, collected or
# generated files. Django adds its own defaults (CVS, .*, *~, *.pyc) to these.
IGNORE = [".venv", "node_modules", "tests", "staticfiles", "var"]
DJANGO_DEFAULT_IGNORE = ["CVS", ".*", "*~", "*.pyc"]

# The plural rules a catalog may state, as (nplurals, expression): gettext's classic rule for
# these languages, and the CLDR one Django's own Spanish catalog uses (a separate form for
# whole millions, "1 millón de visitas"). Compared by value, not by spelling.
ONE_OTHER = (2, "n != 1")
ONE_MANY_OTHER = (3, "n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2")
PLURAL_RULES = {
    "it": [ONE_OTHER, ONE_MANY_OTHER],
    "es": [ONE_OTHER, ONE_MANY_OTHER],
    "bg": [ONE_OTHER],
}
PLURAL_SAMPLE = [*range(1001), 10**6, 10**6 + 1, 2 * 10**6, 10**9]

# printf-style (%%, %s, %d, %(name)s, %5.2f) and str.format ({}, {0}, {name}, {name:>3})
# placeholders, and HTML tags by name only: an attribute's text (title="...") is translated.
PERCENT = re.compile(
    r"%%|%(?:\((?P<name>[^)]*)\))?[#0+-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]"
)
BRACE = re.compile(r"\{\{|\}\}|\{(?P<name>\w*)(?:![rsa])?(?::[^{}]*)?\}")
TAG = re.compile(r"<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")

Key = tuple[str | None, str, str]  # msgctxt, msgid, msgid_plural ("" when not a plural)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one catalog, said so that a translator can find the entry."""

    path: str
    kind: str
    msgid: str = ""
    detail: str = ""

    def __str__(self) -> str:
        where = f"{self.path}: {self.kind}"
        if self.msgid:
            where += f": {self.msgid!r}"
        return f"{where} ({self.detail})" if self.detail else where


@dataclass
class Report:
    """What the check found: the problems, and per language how many messages are done."""

    problems: list[Problem] = field(default_factory=list)
    translated: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)


def key_of(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or "")


def placeholders(text: str) -> Counter[str]:
    """The placeholders of a message, each as written (`%(count)d`, `%s`, `{name}`)."""
    found = Counter(m.group(0) for m in PERCENT.finditer(text) if m.group(0) != "%%")
    found.update(m.group(0) for m in BRACE.finditer(text) if m.group(0) not in ("{{", "}}"))
    return found


def tags(text: str) -> Counter[str]:
    """The HTML tags of a message by name (`<a>`, `</a>`, `<br>` also for `<br/>`)."""
    return Counter(f"<{m['close']}{m['name'].lower()}>" for m in TAG.finditer(text))


def _named(mark: str) -> bool:
    """`%(count)s` and `{count}` are named; `%d`, `{}` and `{0}` take an argument by place."""
    return mark.startswith("%(") or re.match(r"\{[A-Za-z_]", mark) is not None


def plural_rule(header: str) -> tuple[int, list[int]] | None:
    """A Plural-Forms header's number of forms and the form it picks for each sample number,
    or None when it cannot be read."""
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", header)
    if not match:
        return None
    try:
        pick = gettext.c2py(match[2])
        return int(match[1]), [pick(n) for n in PLURAL_SAMPLE]
    except (ValueError, SyntaxError, RecursionError):
        return None


def _rules(language: str) -> list[tuple[int, str]]:
    return PLURAL_RULES.get(language, [ONE_OTHER])


def _check_header(po: polib.POFile, path: str, language: str) -> tuple[list[Problem], int]:
    problems = []
    if language not in PLURAL_RULES:
        problems.append(Problem(path, "no plural rule known", language, "add it to PLURAL_RULES"))
    if po.metadata_is_fuzzy:
        # msgfmt skips a fuzzy header, and with it the charset and the plural rule.
        problems.append(Problem(path, "fuzzy header"))
    header = po.metadata.get("Plural-Forms", "")
    rule = plural_rule(header)
    allowed = [plural_rule(f"nplurals={n}; plural={e};") for n, e in _rules(language)]
    if not header:
        problems.append(Problem(path, "Plural-Forms header missing"))
    elif rule is None or rule not in allowed:
        expected = " or ".join(f"nplurals={n}; plural={e};" for n, e in _rules(language))
        problems.append(Problem(path, "wrong Plural-Forms header", header, f"expected {expected}"))
    nplurals = rule[0] if rule else _rules(language)[0][0]
    return problems, nplurals


def _single_number_forms(language: str, nplurals: int, header: str) -> set[int]:
    """The plural forms used for one number only (n = 1): those may leave the count out."""
    fallback = "nplurals={}; plural={};".format(*_rules(language)[0])
    rule = plural_rule(header) or plural_rule(fallback)
    if rule is None:
        return set()
    picks = Counter(rule[1])
    return {form for form in range(nplurals) if picks[form] == 1}


def _compare(path: str, msgid: str, english: str, translation: str) -> list[Problem]:
    problems = []
    want, got = placeholders(english), placeholders(translation)
    for mark in sorted((want - got).elements()):
        problems.append(Problem(path, "placeholder dropped", msgid, f"{mark} in {translation!r}"))
    for mark in sorted((got - want).elements()):
        problems.append(Problem(path, "placeholder added", msgid, f"{mark} in {translation!r}"))
    want, got = tags(english), tags(translation)
    for tag in sorted((want - got).elements()):
        problems.append(Problem(path, "tag dropped", msgid, f"{tag} in {translation!r}"))
    for tag in sorted((got - want).elements()):
        problems.append(Problem(path, "tag added", msgid, f"{tag} in {translation!r}"))
    return problems


def _check_plural(
    entry: polib.POEntry, path: str, nplurals: int, single: set[int]
) -> tuple[list[Problem], bool]:
    forms = [entry.msgstr_plural.get(i, "") for i in range(max(nplurals, 1))]
    if not all(forms) or len(entry.msgstr_plural) != nplurals:
        filled = sum(1 for f in entry.msgstr_plural.values() if f)
        detail = f"{filled} of {nplurals} plural forms"
        return [Problem(path, "untranslated", entry.msgid, detail)], False
    problems = []
    plural_marks = placeholders(entry.msgid_plural)
    # The count the English singular leaves out ("One visit"), or any named one.
    count = plural_marks - placeholders(entry.msgid)
    for index, form in enumerate(forms):
        english = entry.msgid if index == 0 else entry.msgid_plural
        found = _compare(path, entry.msgid, english, form)
        found = [p for p in found if not p.kind.startswith("placeholder")]
        got = placeholders(form)
        dropped = plural_marks - got
        added = got - (plural_marks | placeholders(entry.msgid))
        if index in single and dropped.total() == 1:
            (mark,) = dropped
            # "una visita" for "%(count)s visits": a named count may go where n is always 1;
            # a positional one may not, as `"una visita" % 1` raises.
            if _named(mark) and (not count or mark in count):
                dropped = Counter()
        found += [
            Problem(path, "placeholder dropped", entry.msgid, f"{m} in {form!r}")
            for m in sorted(dropped.elements())
        ]
        found += [
            Problem(path, "placeholder added", entry.msgid, f"{m} in {form!r}")
            for m in sorted(added.elements())
        ]
        problems += found
    return problems, True


def check_catalog(
    po_path: Path, *, language: str, expected: set[Key] | None, label: str = ""
) -> tuple[list[Problem], int, int]:
    """Check one committed catalog; with `expected` (the code's messages), also that it holds
    exactly those. Returns the problems, the messages translated and the messages there are."""
    path = label or str(po_path)
    if not po_path.exists():
        total = len(expected) if expected is not None else 0
        # makemessages writes no catalog for a domain without messages (no JavaScript ones yet).
        missing = [Problem(path, "catalog missing", detail=f"{total} messages")] if total else []
        return missing, 0, total
    try:
        po = polib.pofile(str(po_path))
    except (OSError, ValueError) as err:
        return [Problem(path, "unreadable catalog", detail=str(err))], 0, len(expected or ())
    problems, nplurals = _check_header(po, path, language)
    single = _single_number_forms(language, nplurals, po.metadata.get("Plural-Forms", ""))
    live = {key_of(e): e for e in po if not e.obsolete}
    keys = expected if expected is not None else set(live)
    translated = 0
    for entry in po:
        if entry.obsolete:
            problems.append(Problem(path, "obsolete entry (#~)", entry.msgid))
            continue
        if expected is not None and key_of(entry) not in expected:
            problems.append(Problem(path, "not in the code any more", entry.msgid))
            continue
        done = "fuzzy" not in entry.flags
        if not done:
            problems.append(Problem(path, "fuzzy", entry.msgid))
        if entry.msgid_plural:
            found, filled = _check_plural(entry, path, nplurals, single)
        elif not entry.msgstr:
            found, filled = [Problem(path, "untranslated", entry.msgid)], False
        else:
            found, filled = _compare(path, entry.msgid, entry.msgid, entry.msgstr), True
        problems += found
        translated += int(done and filled and not found)
    for key in sorted(keys - set(live), key=lambda k: (k[1], k[0] or "")):
        problems.append(Problem(path, "missing", key[1]))
    return problems, translated, len(keys)


def _source_files(root: Path) -> Iterator[Path]:
    """The files makemessages reads, relative to root, minus the ignored folders and files."""
    ignore = [*IGNORE, *DJANGO_DEFAULT_IGNORE, "locale"]
    suffixes = {f".{ext}" for exts in EXTENSIONS.values() for ext in exts}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath).relative_to(root)
        dirnames[:] = sorted(d for d in dirnames if not is_ignored_path(str(here / d), ignore))
        for name in sorted(filenames):
            if Path(name).suffix in suffixes and not is_ignored_path(str(here / name), ignore):
                yield here / name


def copy_project(*, root: Path, locale: Path, languages: Iterable[str], into: Path) -> Path:
    """A copy of the sources and of the committed catalogs in `into`; returns its locale
    folder."""
    for relative in _source_files(root):
        (into / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / relative, into / relative)
    copied = into / "locale"
    for language in languages:
        (copied / language / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
        for domain in DOMAINS:
            po = locale / language / "LC_MESSAGES" / f"{domain}.po"
            if po.exists():
                shutil.copyfile(po, copied / language / "LC_MESSAGES" / f"{domain}.po")
    return copied


def extract(*, project: Path, languages: list[str]) -> dict[str, set[Key]]:
    """The messages of the code copied in `project`, per domain, by makemessages (which also
    merges them into the copied catalogs, never into the committed ones)."""
    found = {}
    locale = project / "locale"
    with contextlib.chdir(project), override_settings(LOCALE_PATHS=[str(locale)]):
        for domain in DOMAINS:
            call_command(
                "makemessages",
                locale=languages,
                domain=domain,
                extensions=list(EXTENSIONS[domain]),
                ignore_patterns=list(IGNORE),
                keep_pot=True,
                verbosity=0,
                stdout=io.StringIO(),
            )
            pot = locale / f"{domain}.pot"
            found[domain] = {key_of(e) for e in polib.pofile(str(pot))} if pot.exists() else set()
    return found


def compile_catalogs(*, locale: Path, label: Path | str = "locale") -> list[Problem]:
    """Compile the catalogs under `locale` (a copy) with compilemessages, as `make messages`
    does, and also run msgfmt on each: compilemessages passes over msgfmt's warnings."""
    problems = []
    for po in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        name = str(Path(label) / po.relative_to(locale))
        result = subprocess.run(  # noqa: S603 -- a fixed program on our own file
            ["msgfmt", "--check-format", "-o", os.devnull, str(po)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        if result.stderr.strip():
            said = " ".join(line.strip() for line in result.stderr.splitlines())
            problems.append(Problem(name, "msgfmt", detail=said))
    errors = io.StringIO()
    with contextlib.chdir(locale.parent), override_settings(LOCALE_PATHS=[str(locale)]):
        try:
            call_command("compilemessages", verbosity=1, stdout=io.StringIO(), stderr=errors)
        except CommandError as err:
            detail = errors.getvalue().strip() or str(err)
            problems.append(Problem(str(label), "compilemessages failed", detail=detail))
    return problems


def check(*, root: Path, locale: Path, languages: list[str], work: Path) -> Report:
    """The whole check: the code's messages against each committed catalog under `locale`,
    each catalog on its own, and their compilation; `work` is an empty temporary folder."""
    report = Report()
    project = work / "project"
    copied = copy_project(root=root, locale=locale, languages=languages, into=project)
    expected = extract(project=project, languages=languages)
    # makemessages has merged the code into the copies; compile the committed text instead.
    shutil.rmtree(copied)
    compiled = work / "compiled" / "locale"
    for language in languages:
        for domain in DOMAINS:
            po = locale / language / "LC_MESSAGES" / f"{domain}.po"
            label = _label(po, root)
            problems, done, total = check_catalog(
                po, language=language, expected=expected[domain], label=label
            )
            report.problems += problems
            report.translated[language] += done
            report.total[language] += total
            if po.exists():
                (compiled / language / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
                shutil.copyfile(po, compiled / language / "LC_MESSAGES" / po.name)
    if compiled.exists():
        report.problems += compile_catalogs(locale=compiled, label=_label(locale, root))
    return report


def _label(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
