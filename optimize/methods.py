"""The optimizer's methods by name (a light module: the command line lists them without
loading the optimizer)."""

from __future__ import annotations

__all__ = ["DEFAULT_METHOD", "METHODS"]

METHODS = ("sipp", "lag", "mol", "simulation", "calibrated")
"""``sipp``, ``lag``, ``mol``: analytic requirements, then the closed loop; ``simulation``:
the simulation search, then the closed loop; ``calibrated``: the zones' exact models
corrected by simulating the hall (:mod:`optimize.calibrated_method`)."""

DEFAULT_METHOD = "calibrated"
