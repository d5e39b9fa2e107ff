"""Fixtures of the report room's tests."""

import pytest
from fixtures.claims_files import BODY, write

from tumen.report import claims


@pytest.fixture
def table(tmp_path):
    """A claims table with one claim of every kind of value (``fixtures.claims_files``)."""
    return claims.read_claims(write(tmp_path, BODY))
