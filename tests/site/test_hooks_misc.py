"""hooks/assets.py and hooks/api_reference.py called directly: clear errors, robust pages."""
from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

from hooks import api_reference, assets


class _Page:
    def __init__(self, src_uri):
        self.file = type("File", (), {"src_uri": src_uri})()


def test_missing_bundle_says_run_npm_run_build(tmp_path):
    with pytest.raises(PluginError, match=r"itt\.js is missing: run `npm run build`"):
        assets.on_config({"docs_dir": str(tmp_path)})


def test_font_faces_cover_the_chosen_cuts():
    css, files = assets._font_faces("ibm-plex-serif")
    assert "font-weight: 400" in css and "font-style: italic" in css
    assert files and all(name.endswith(".woff2") for name in files)
    assert all("latin" in name for name in files)


def test_api_page_gets_one_section_per_module():
    markdown = api_reference.on_page_markdown(
        "# API\n\n<!-- pycore-modules -->\n", _Page("api.md"), None, None
    )
    for name in api_reference.public_modules():
        assert f"::: pycore.{name}\n" in markdown
    assert "::: pycore._validation" not in markdown


def test_api_page_without_marker_fails():
    with pytest.raises(PluginError, match="lost its marker"):
        api_reference.on_page_markdown("# API\n", _Page("api.md"), None, None)


def test_other_pages_are_untouched():
    text = "<!-- pycore-modules -->"
    assert api_reference.on_page_markdown(text, _Page("index.md"), None, None) == text
