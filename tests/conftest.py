"""Suite-wide settings.

Property tests (hypothesis) draw their examples from a seed fixed per test
(``derandomize``), so every run of the suite tries the same inputs: a red run reproduces
on any machine and a green run cannot turn red by chance. A bug hypothesis finds is kept
as an explicit test case of its own.
"""

from hypothesis import settings

settings.register_profile("tumen", derandomize=True, print_blob=True)
settings.load_profile("tumen")


def pytest_ignore_collect(collection_path, config):
    """A ``conftest.py`` holds fixtures, not doctests: with ``--doctest-modules`` pytest would
    import each folder's ``conftest.py`` once more as a module named ``conftest`` and find two
    files under one name ("import file mismatch"). Fixtures still load as usual."""
    if collection_path.name == "conftest.py":
        return True
    return None
