"""Keep the message catalogs in step with the code: extract, update, compile (Babel).

``python -m layers.catalogs`` extracts every marked message from the modules that
``babel.cfg`` names, adds new messages to each catalog of :data:`layers.i18n.CATALOG_LANGUAGES`
(untranslated, for a translator to fill in), drops messages the code no longer has, and
compiles each ``.po`` to the ``.mo`` that :func:`layers.i18n.translator` reads. The files
are written without source line numbers and in a stable order, so that an edit elsewhere
in a module does not change them. ``--check`` changes nothing and exits 1 when a catalog
is out of step with the code. ``--review [LANGUAGE …]`` lists the translations marked
for a native speaker to check (``# native review needed``), as Markdown for a reviewer.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from layers.i18n import CATALOG_LANGUAGES, DOMAIN, LOCALE_DIR

__all__ = [
    "REVIEW_MARK",
    "catalog_path",
    "compile_catalog",
    "extract_messages",
    "for_review",
    "main",
    "problems",
    "review_list",
    "update_catalogs",
]

ROOT = LOCALE_DIR.parent.parent
COMMENT_TAG = "TRANSLATORS:"
#: The markers of :mod:`layers.i18n`, and ``_`` of the dashboard's pages (``_ = tr().gettext``):
#: only a call with a literal is extracted, so ``_`` as a throwaway name is never one.
KEYWORDS = {
    name: DEFAULT_KEYWORDS[name] for name in ("_", "N_", "gettext", "ngettext", "pgettext", "npgettext")
}
#: The translator comment that asks a native speaker to check a translation.
REVIEW_MARK = "native review needed"
_SKIPPED_DIRECTORIES = {"node_modules", "geodata", "tests", "bench", "scripts", "build", "dist"}
_WIDTH = 100


def _walk(path: str) -> bool:
    name = Path(path).name
    return not (name.startswith((".", "_")) or name in _SKIPPED_DIRECTORIES)


def extract_messages(root: Path = ROOT) -> Catalog:
    """Every message the code marks for translation, as a template catalog."""
    with (root / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    template = Catalog(project=DOMAIN, charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        root,
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=(COMMENT_TAG,),
        strip_comment_tags=True,
        directory_filter=_walk,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def catalog_path(language: str, suffix: str = ".po") -> Path:
    """Where the catalog of ``language`` is kept (``suffix`` ``.po`` or ``.mo``)."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def _read(language: str) -> Catalog:
    with catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=_WIDTH, no_location=True, sort_output=True, ignore_obsolete=True)
    return buffer.getvalue()


def compile_catalog(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes of a catalog (fuzzy translations are left out, as gettext does)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _read_mo(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_mo(handle)


def _translated(string: Any) -> bool:
    return all(string) if isinstance(string, list | tuple) else bool(string)


def _translations(catalog: Catalog) -> dict[tuple[str | None, Any], Any]:
    """What a compiled catalog answers (the header's tool version aside)."""

    def frozen(value: Any) -> Any:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {
        (message.context, frozen(message.id)): frozen(message.string)
        for message in catalog
        if message.id and _translated(message.string) and not message.fuzzy
    }


def _updated(language: str, template: Catalog) -> Catalog:
    catalog = _read(language)
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    return catalog


def update_catalogs(root: Path = ROOT, languages: Sequence[str] = CATALOG_LANGUAGES) -> list[Path]:
    """Bring every catalog in step with the code and compile it; the files that changed."""
    template = extract_messages(root)
    changed: list[Path] = []
    for language in languages:
        catalog = _updated(language, template)
        for path, data in (
            (catalog_path(language), _po_bytes(catalog)),
            (catalog_path(language, ".mo"), compile_catalog(catalog)),
        ):
            if not path.exists() or path.read_bytes() != data:
                if path.suffix == ".po":
                    catalog.revision_date = datetime.now().astimezone()
                    data = _po_bytes(catalog)
                path.write_bytes(data)
                changed.append(path)
    return changed


def problems(root: Path = ROOT, languages: Sequence[str] = CATALOG_LANGUAGES) -> list[str]:
    """What is out of step: messages a catalog lacks, has no longer, leaves untranslated or fuzzy-only;
    compiled catalogs that are not their ``.po`` compiled."""
    template = extract_messages(root)
    wanted = {(message.context, message.id) for message in template if message.id}
    found: list[str] = []
    for language in languages:
        catalog = _read(language)
        have = {(message.context, message.id): message for message in catalog if message.id}
        found += [f"{language}: missing {ident[1]!r}" for ident in sorted(wanted - set(have), key=str)]
        found += [f"{language}: stale {ident[1]!r}" for ident in sorted(set(have) - wanted, key=str)]
        for ident in sorted(wanted & set(have), key=str):
            if not _translated(have[ident].string):
                found.append(f"{language}: untranslated {ident[1]!r}")
            elif have[ident].fuzzy:
                found.append(f"{language}: fuzzy (left out of the .mo) {ident[1]!r}")
        mo = catalog_path(language, ".mo")
        if not mo.exists() or _translations(_read_mo(mo)) != _translations(catalog):
            found.append(f"{language}: {mo.name} is not {catalog_path(language).name} compiled")
    return found


def for_review(language: str) -> list[tuple[str, str, str]]:
    """The translations of ``language`` marked for review: (English, translation, the doubt).

    The doubt is what the translator wrote after the mark ("" when nothing); a plural
    message gives its singular and its forms joined by `` | ``.
    """
    found: list[tuple[str, str, str]] = []
    for message in _read(language):
        notes = [comment for comment in message.user_comments if REVIEW_MARK in comment]
        if not message.id or not notes:
            continue
        english = message.id[0] if isinstance(message.id, list | tuple) else message.id
        forms = message.string if isinstance(message.string, list | tuple) else [message.string]
        string = " | ".join(form or "" for form in forms)
        doubt = " ".join(note.replace(REVIEW_MARK, "").strip(" :;,-—") for note in notes).strip()
        found.append((english, string, doubt))
    return found


def review_list(languages: Sequence[str] = CATALOG_LANGUAGES) -> str:
    """Every translation marked for review, per language, as a Markdown table for a reviewer."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    parts = []
    for language in languages:
        marked = for_review(language)
        parts.append(f"## {language}: {len(marked)} to review\n")
        parts.append("| English | translation | doubt |\n|---|---|---|")
        parts += [f"| {cell(en)} | {cell(tr)} | {cell(doubt)} |" for en, tr, doubt in marked]
        parts.append("")
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers.catalogs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when out of step")
    parser.add_argument(
        "--review",
        nargs="*",
        metavar="LANGUAGE",
        choices=CATALOG_LANGUAGES,
        help="list the translations marked for native review (every catalog when none is named)",
    )
    args = parser.parse_args(argv)
    if args.review is not None:
        print(review_list(args.review or CATALOG_LANGUAGES))
        return 0
    if args.check:
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    for path in update_catalogs():
        print(f"updated {path.relative_to(ROOT)}")
    for line in problems():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
