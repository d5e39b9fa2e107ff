"""Fixtures of the identity and transmitter tests: the invented archive of
tests/fixtures/ais_archive.py as a CSV file, read in memory and ingested into a store."""

import pytest
from fixtures.ais_archive import archive, ingest_archive, read_archive


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("identity") / "archive.csv"
    archive().to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def data(csv_path):
    return read_archive(csv_path)


@pytest.fixture(scope="module")
def store(csv_path, tmp_path_factory):
    return ingest_archive(csv_path, tmp_path_factory.mktemp("cache"))
