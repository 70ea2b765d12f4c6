"""One visual language (issue 25): the design tokens live in one stylesheet, their text colours
pass WCAG AA on their backgrounds, and the other stylesheets only use them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory

STATIC = Path(settings.BASE_DIR) / "static"
TOKENS = STATIC / "fieldservice" / "tokens.css"
USERS_OF_TOKENS = [
    STATIC / "fieldservice" / "base.css",
    STATIC / "dispatch" / "board.css",
    STATIC / "fieldapp" / "app.css",
    STATIC / "portal" / "portal.css",
    STATIC / "desk" / "desk.css",
]
COLOUR_LITERAL = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(|:\s*(?:white|black|red|blue|green|grey|gray)\b"
)
STATUSES = ["unassigned", "scheduled", "en-route", "on-site", "done", "cannot-complete"]


def _tokens() -> dict[str, str]:
    text = TOKENS.read_text()
    return dict(re.findall(r"(--[a-z0-9-]+)\s*:\s*([^;]+);", text))


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    a, b = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_the_tokens_name_the_scales_the_statuses_and_the_priorities():
    tokens = _tokens()

    wanted = (
        [f"--text-{s}" for s in ("xs", "sm", "md", "lg", "xl", "2xl")]
        + [f"--space-{n}" for n in range(1, 8)]
        + ["--radius-sm", "--radius-md", "--radius-lg", "--shadow-sm", "--shadow-md"]
        + ["--focus-color", "--focus-width", "--color-primary", "--color-danger"]
        + [f"--status-{s}-{part}" for s in STATUSES for part in ("bg", "fg", "soft-bg", "soft-fg")]
        + [f"--priority-{p}-{part}" for p in range(1, 5) for part in ("bg", "fg")]
    )
    assert [name for name in wanted if name not in tokens] == []


def test_every_text_colour_passes_wcag_aa_on_its_background():
    tokens = _tokens()
    pairs = [
        (fg, fg[: -len("fg")] + "bg")
        for fg in tokens
        if fg.endswith("-fg") and fg[: -len("fg")] + "bg" in tokens
    ]
    pairs += [
        ("--color-text", "--color-bg"),
        ("--color-text-muted", "--color-bg"),
        ("--color-text-muted", "--color-surface"),
        ("--color-text-muted", "--color-surface-muted"),
        ("--color-link", "--color-surface"),
        ("--color-primary-fg", "--color-primary"),
        ("--color-primary-fg", "--color-primary-hover"),
        ("--color-danger-fg", "--color-danger"),
        ("--color-brand-fg", "--color-brand"),
        ("--color-brand-fg", "--color-brand-soft"),
        ("--color-danger", "--color-surface"),
    ]
    assert len(pairs) > 20

    weak = [
        f"{fg} on {bg}: {_contrast(tokens[fg], tokens[bg]):.2f}"
        for fg, bg in pairs
        if _contrast(tokens[fg], tokens[bg]) < 4.5
    ]
    assert weak == []


def test_the_borders_of_fields_and_the_focus_ring_can_be_seen():
    tokens = _tokens()

    # WCAG 1.4.11: what shows a control or its focus needs 3:1 against what is around it.
    assert _contrast(tokens["--color-border-strong"], tokens["--color-surface"]) >= 3
    assert _contrast(tokens["--focus-color"], tokens["--color-bg"]) >= 3
    assert _contrast(tokens["--focus-halo"], tokens["--color-brand"]) >= 3


@pytest.mark.parametrize("sheet", USERS_OF_TOKENS, ids=lambda p: p.parent.name + "/" + p.name)
def test_the_pages_stylesheets_use_only_the_tokens(sheet):
    css = re.sub(r"/\*.*?\*/", "", sheet.read_text(), flags=re.DOTALL)

    assert COLOUR_LITERAL.findall(css) == []
    assert "@import" not in css
    assert "var(--" in css


def test_the_base_layout_links_the_tokens_before_every_other_stylesheet():
    request = RequestFactory().get("/")
    html = render_to_string("base.html", request=request)

    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sheets[:2] == ["/static/fieldservice/tokens.css", "/static/fieldservice/base.css"]


def test_the_icons_come_from_the_npm_package_as_static_files():
    for name in ("truck", "map-pin", "circle-check", "log-out", "calendar-range"):
        found = finders.find(f"vendor/lucide/{name}.svg")
        assert found is not None, name
        assert "lucide" in Path(found).read_text()
