"""The accessibility check can fail: axe must report a deliberately inaccessible page.

Needs only Chromium and node_modules/axe-core, not the app (no live_server).
"""

from __future__ import annotations

import pytest

BAD_PAGE = '<html><body><img src="x.png"><input type="text"></body></html>'


def test_axe_reports_violations_on_an_inaccessible_page(page, assert_accessible):
    page.set_content(BAD_PAGE)

    with pytest.raises(pytest.fail.Exception) as excinfo:
        assert_accessible(page)

    message = str(excinfo.value)
    assert "- image-alt [" in message  # <img> without alt text
    assert "- label [" in message  # <input> without a label
    assert "img" in message and "input" in message  # the offending selectors are listed
