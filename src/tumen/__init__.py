"""tumen: rebuild a reproducible OSINT report on the 2023 DPRK-Russia munitions pipeline.

The package holds every piece of logic the notebooks use, one module per domain concern:

- ``tumen.paths``     every project directory, derived from the package location
- ``tumen.errors``    the project's exceptions (one root class, ``TumenError``)
- ``tumen.params``    loading and validating ``params.yaml``
- ``tumen.results``   recording the numbers a notebook cites, and rendering prose from them
- ``tumen.figures``   deterministic figure files and numbered, captioned report figures
- ``tumen.plan``      the build graph (what each notebook depends on) for ``make``
- ``tumen.runner``    executing one notebook with papermill
- ``tumen.assemble``  the single-file HTML report and its PDF
- ``tumen.cli``       ``python -m tumen``: a thin command line over the above
"""

__version__ = "0.1.0"
