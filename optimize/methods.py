"""The optimizer's methods by name (a light module: the command line lists them without
loading the optimizer)."""

from __future__ import annotations

__all__ = ["DEFAULT_ADAPTIVE_ROUNDS", "DEFAULT_BOUND_ITERATIONS", "DEFAULT_MASTER_ITERATIONS", "DEFAULT_METHOD", "MASTER_SAFETY_SECONDS", "MAX_ADAPTIVE_ROUNDS",
           "MAX_MASTER_ITERATIONS", "DEFAULT_MASTER_ROUNDS", "MAX_MASTER_ROUNDS", "MAX_SIMULATIONS", "METHODS",
           "SOLVERS", "DEFAULT_SOLVER"]

METHODS = ("sipp", "lag", "mol", "simulation", "calibrated")
"""``sipp``, ``lag``, ``mol``: analytic requirements, then the closed loop; ``simulation``:
the simulation search, then the closed loop; ``calibrated``: the zones' exact models
corrected by simulating the hall (:mod:`optimize.calibrated_method`)."""

DEFAULT_METHOD = "calibrated"

SOLVERS = ("HiGHS", "CBC")
DEFAULT_SOLVER = "HiGHS"
"""The solver every integer program uses unless told otherwise (``--solver``)."""

# the calibrated method's effort, limited so that its seeds never meet: search simulation i
# uses seed + 10 + i (the masters' rounds continue it: at most 40 + 9), the probes seed + 60, + 61, adaptive round r seed + 100 + 2r (+ 1)
MAX_SIMULATIONS = 40
DEFAULT_ADAPTIVE_ROUNDS = 0
"""Rounds of the adaptive stage by default: off. Measured on 7 Dec it did not bring the small
zones closer to the brute force (169 of 186 either way), and on a one-zone exact case it
lowered a period to a true 0.778 against 0.80; ``--adaptive-rounds N`` runs it."""
MAX_ADAPTIVE_ROUNDS = 20
DEFAULT_MASTER_ITERATIONS = 0
"""Iterations (integer-program solves) each zone's roster master may take (shifts without
pools, headcount or minimum staff); past them the best roster found and the bound proven so
far stand. A budget of iterations, not seconds, so the roster is the same on every machine.
Off (0) by default: on the reference hall the masters cost more than the search itself."""
MAX_MASTER_ITERATIONS = 500
DEFAULT_BOUND_ITERATIONS = 0
"""Without masters, integer-program solves of each zone's roster master run for the lower
bound only (the roster stays the lean one): each solve's optimum is a valid bound. Off by
default: on the reference hall with lunch-break shifts (``python3 bench/optimizer.py
--bound-iterations N``, 8 Dec, a quiet machine, one simulation-equivalent 0.70 s) 0 solves
give 617.5 (gap 28.2%) in 24 s, 34.3 equivalents; 3 give 792.5 (7.8%) in 36 s, 51.9
equivalents, past the 40-equivalent goal of the default run. Opt in when the gap matters."""
DEFAULT_MASTER_ROUNDS = 3
"""Simulations of the masters' answer (each followed by the models corrected there and the
masters run again); the search's seeds continue through them."""
MAX_MASTER_ROUNDS = 9
MASTER_SAFETY_SECONDS = 300.0
"""A zone master stops after this long whatever its budget (only then does its roster depend
on the machine's speed; such a master is among those the ``master`` row of ``iterations`` does
not count in ``proven_zones``)."""
