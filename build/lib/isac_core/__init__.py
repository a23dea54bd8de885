"""isac_core: analytic and Monte Carlo kernels for stochastic-geometry ISAC papers.

The kernels are pure functions (see :mod:`isac_core.models`); :mod:`isac_core.sweep`
runs them over a figure's grid with Dask, :mod:`isac_core.io` labels the results as
xarray datasets in Zarr, and :mod:`isac_core.plotting`, :mod:`isac_core.checks` and
:mod:`isac_core.report` turn them into figures, verdicts and an HTML report.
"""

__version__ = "0.1.0"
