"""Suite-wide settings.

Property tests (hypothesis) draw their examples from a seed fixed per test
(``derandomize``), so every run of the suite tries the same inputs: a red run reproduces
on any machine and a green run cannot turn red by chance. A bug hypothesis finds is kept
as an explicit test case of its own.
"""

from hypothesis import settings

settings.register_profile("tumen", derandomize=True, print_blob=True)
settings.load_profile("tumen")
