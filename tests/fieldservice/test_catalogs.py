"""The translation catalogs' check: each kind of fault is reported, a clean catalog passes."""

from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fieldservice import catalogs

TWO_FORMS = "nplurals=2; plural=(n != 1);"


def write_po(path: Path, entries: list[polib.POEntry], *, plural_forms: str | None = TWO_FORMS):
    po = polib.POFile()
    po.metadata = {
        "Project-Id-Version": "fieldservice",
        "Language": "it",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if plural_forms is not None:
        po.metadata["Plural-Forms"] = plural_forms
    for entry in entries:
        po.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def entry(msgid, msgstr="", **kwargs):
    return polib.POEntry(msgid=msgid, msgstr=msgstr, **kwargs)


def visits(*forms):
    return polib.POEntry(
        msgid="%(count)s visit for %(name)s",
        msgid_plural="%(count)s visits for %(name)s",
        msgstr_plural=dict(enumerate(forms)),
        flags=["python-format"],
    )


def problems_in(tmp_path, entries, *, expected=None, **kwargs):
    po = write_po(tmp_path / "django.po", entries, **kwargs)
    found, _done, _total = catalogs.check_catalog(po, language="it", expected=expected)
    return [(p.kind, p.msgid) for p in found]


def test_a_clean_catalog_passes(tmp_path):
    entries = [
        entry("Visit at %(time)s", "Intervento alle %(time)s", flags=["python-format"]),
        entry("Open <a href='%(url)s'>the ticket</a>", "Apri <a href='%(url)s'>il ticket</a>"),
        entry("{name} is on the way", "{name} è in arrivo"),
        entry("printer", "stampante", msgctxt="appliance"),
        visits("Un intervento per %(name)s", "%(count)s interventi per %(name)s"),
    ]
    po = write_po(tmp_path / "django.po", entries)
    expected = {catalogs.key_of(e) for e in entries}

    found, done, total = catalogs.check_catalog(po, language="it", expected=expected)

    assert found == []
    assert (done, total) == (5, 5)


def test_a_message_of_the_code_the_catalog_lacks_is_missing(tmp_path):
    expected = {(None, "Visit", ""), (None, "Ticket", "")}

    found = problems_in(tmp_path, [entry("Visit", "Intervento")], expected=expected)

    assert found == [("missing", "Ticket")]


def test_an_entry_the_code_no_longer_has_is_reported(tmp_path):
    entries = [entry("Visit", "Intervento"), entry("Old label", "Etichetta vecchia")]

    found = problems_in(tmp_path, entries, expected={(None, "Visit", "")})

    assert found == [("not in the code any more", "Old label")]


def test_untranslated_fuzzy_and_commented_out_entries_are_reported(tmp_path):
    entries = [
        entry("Visit"),
        entry("Ticket", "Ticket?", flags=["fuzzy"]),
        entry("Gone", "Andato", obsolete=True),
        visits("Un intervento per %(name)s", ""),
    ]

    found = problems_in(tmp_path, entries)

    assert found == [
        ("untranslated", "Visit"),
        ("fuzzy", "Ticket"),
        ("untranslated", "%(count)s visit for %(name)s"),
        ("obsolete entry (#~)", "Gone"),
    ]


@pytest.mark.parametrize(
    ("msgid", "msgstr", "kind"),
    [
        ("Visit at %(time)s", "Intervento", "placeholder dropped"),
        ("Visit at %(time)s", "Intervento alle %(time)s di %(day)s", "placeholder added"),
        ("Visit at %(time)s", "Intervento alle %(time)d", "placeholder dropped"),
        ("%s visits", "interventi", "placeholder dropped"),
        ("{name} is on the way", "In arrivo", "placeholder dropped"),
        ("Visit", "Intervento {name}", "placeholder added"),
        ("Read <strong>this</strong>", "Leggi questo", "tag dropped"),
        ("Read this", "Leggi <em>questo</em>", "tag added"),
    ],
)
def test_a_translation_must_keep_the_placeholders_and_tags(tmp_path, msgid, msgstr, kind):
    found = problems_in(tmp_path, [entry(msgid, msgstr)])

    assert (kind, msgid) in found


def test_a_percent_sign_in_prose_is_no_placeholder(tmp_path):
    found = problems_in(tmp_path, [entry("100%% done, 10% off", "Completato al 100%%, sconto")])

    assert found == []


def test_the_singular_may_leave_out_the_count_but_nothing_else(tmp_path):
    fine = visits("Un intervento per %(name)s", "%(count)s interventi per %(name)s")
    no_name = visits("Un intervento", "%(count)s interventi per %(name)s")
    plural_without_count = visits("Un intervento per %(name)s", "Interventi per %(name)s")
    positional = polib.POEntry(
        msgid="%d visit", msgid_plural="%d visits", msgstr_plural={0: "Uno", 1: "%d interventi"}
    )

    assert problems_in(tmp_path, [fine]) == []
    po = write_po(tmp_path / "django.po", [no_name])
    found, _done, _total = catalogs.check_catalog(po, language="it", expected=None)
    assert [(p.kind, p.detail.split()[0]) for p in found] == [
        ("placeholder dropped", "%(count)s"),
        ("placeholder dropped", "%(name)s"),
    ]
    assert problems_in(tmp_path, [plural_without_count]) == [("placeholder dropped", fine.msgid)]
    # `"Uno" % 1` raises: a count taken by position cannot be left out.
    assert problems_in(tmp_path, [positional]) == [("placeholder dropped", "%d visit")]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (None, "Plural-Forms header missing"),
        ("nplurals=1; plural=0;", "wrong Plural-Forms header"),
        ("nplurals=2; plural=(n > 1);", "wrong Plural-Forms header"),
        ("nplurals=2; plural=n ==;", "wrong Plural-Forms header"),
    ],
)
def test_the_plural_forms_header_must_give_the_languages_rule(tmp_path, header, kind):
    found = problems_in(tmp_path, [entry("Visit", "Intervento")], plural_forms=header)

    assert found == [(kind, "" if header is None else header)]


def test_the_cldr_rule_with_a_form_for_millions_is_accepted(tmp_path):
    header = "nplurals=3; plural=n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"
    three = polib.POEntry(
        msgid="%(count)s visit",
        msgid_plural="%(count)s visits",
        msgstr_plural={0: "un intervento", 1: "%(count)s di interventi", 2: "%(count)s interventi"},
    )

    assert problems_in(tmp_path, [three], plural_forms=header) == []
    assert problems_in(tmp_path, [visits("uno", "due")], plural_forms=header) == [
        ("untranslated", visits().msgid)
    ]


def test_a_catalog_msgfmt_refuses_fails_the_compilation(tmp_path):
    locale = tmp_path / "locale"
    po = write_po(locale / "it" / "LC_MESSAGES" / "django.po", [entry("Visit", "Intervento")])
    po.write_text(po.read_text() + '\nmsgid "Visit"\nmsgstr "Visita"\n')

    found = catalogs.compile_catalogs(locale=locale)

    assert "compilemessages failed" in [p.kind for p in found]
    assert any("duplicate message definition" in p.detail for p in found)


def test_a_msgfmt_warning_fails_the_compilation(tmp_path):
    locale = tmp_path / "locale"
    po = write_po(locale / "it" / "LC_MESSAGES" / "django.po", [entry("Visit", "Intervento")])
    po.write_text(po.read_text().replace('"Content-Type: text/plain; charset=UTF-8\\n"\n', ""))

    found = catalogs.compile_catalogs(locale=locale)

    assert [p.kind for p in found] == ["msgfmt"]
    assert "charset" in found[0].detail.lower()


def test_a_clean_catalog_compiles(tmp_path):
    locale = tmp_path / "locale"
    write_po(locale / "it" / "LC_MESSAGES" / "django.po", [entry("Visit", "Intervento")])

    assert catalogs.compile_catalogs(locale=locale) == []
    assert (locale / "it" / "LC_MESSAGES" / "django.mo").exists()


def make_project(root: Path) -> Path:
    """A tiny project: one Python message, one template message, one JavaScript one, and
    strings in folders makemessages must not read."""
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "views.py").write_text(
        'from django.utils.translation import gettext as _\n\nLABEL = _("Visit")\n'
    )
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(
        '{% load i18n %}<p>{% translate "Ticket" %}</p>\n'
    )
    (root / "static").mkdir()
    (root / "static" / "app.js").write_text('const label = gettext("Offline");\n')
    for ignored in ("tests", "node_modules", "var"):
        (root / ignored).mkdir()
        (root / ignored / "x.py").write_text(
            'from django.utils.translation import gettext as _\n_("Ignored")\n'
        )
    return root / "locale"


def write_catalogs(locale: Path, django_entries, js_entries):
    write_po(locale / "it" / "LC_MESSAGES" / "django.po", django_entries)
    write_po(locale / "it" / "LC_MESSAGES" / "djangojs.po", js_entries)


def test_the_whole_check_passes_on_complete_catalogs_and_leaves_them_alone(tmp_path):
    locale = make_project(tmp_path / "project")
    write_catalogs(
        locale,
        [entry("Visit", "Intervento"), entry("Ticket", "Ticket")],
        [entry("Offline", "Non in linea")],
    )
    before = {p: p.read_bytes() for p in locale.rglob("*") if p.is_file()}

    report = catalogs.check(
        root=tmp_path / "project", locale=locale, languages=["it"], work=tmp_path / "work"
    )

    assert report.problems == []
    assert (report.translated["it"], report.total["it"]) == (3, 3)
    assert {p: p.read_bytes() for p in locale.rglob("*") if p.is_file()} == before


def test_the_whole_check_reports_what_the_code_added_and_dropped(tmp_path):
    locale = make_project(tmp_path / "project")
    write_catalogs(
        locale,
        [entry("Visit", "Intervento"), entry("Old", "Vecchio")],
        [entry("Offline", "Non in linea")],
    )

    report = catalogs.check(
        root=tmp_path / "project", locale=locale, languages=["it"], work=tmp_path / "work"
    )

    assert [(p.path, p.kind, p.msgid) for p in report.problems] == [
        ("locale/it/LC_MESSAGES/django.po", "not in the code any more", "Old"),
        ("locale/it/LC_MESSAGES/django.po", "missing", "Ticket"),
    ]


def test_the_command_prints_the_counts_and_exits_1_on_a_problem(tmp_path, capsys):
    locale = make_project(tmp_path / "project")
    write_catalogs(locale, [entry("Visit", "Intervento"), entry("Ticket")], [])

    with pytest.raises(CommandError):
        call_command("check_translations", root=str(tmp_path / "project"), locale_dir=str(locale))

    out = capsys.readouterr().out
    assert "it: 1 of 3 translated" in out
    assert "locale/it/LC_MESSAGES/django.po: untranslated: 'Ticket'" in out
    assert "locale/it/LC_MESSAGES/djangojs.po: missing: 'Offline'" in out
