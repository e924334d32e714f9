"""What pages and reports print for the codes stored in the db: the
Vietnamese labels the vocabulary files give (agency types, themes)."""

from __future__ import annotations

from functools import cache

from core.vocab import load


def agency_type_label(agency_type: str | None) -> str:
    """`cong_an` -> `Công an` (core/vocab/agency_types.toml); an unknown code as it is."""
    if not agency_type:
        return ""
    return load("agency_types")["type"].get(agency_type, {}).get("label", agency_type)


@cache
def _theme_labels() -> dict[str, str]:
    return {t["name"]: t["label"] for t in load("themes")["theme"]}


def theme_label(theme: str) -> str:
    """`kiem_soat_tien_chat` -> `Quản lý nhà nước, kiểm soát tiền chất` (core/vocab/themes.toml)."""
    return _theme_labels().get(theme, theme)
