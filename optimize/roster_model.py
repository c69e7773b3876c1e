"""Every PuLP touchpoint: problems, variables, solving and reading statuses.

Keeping PuLP here means an API change touches one file. Variable and
constraint names are built from indices, never from user ids, so no two names
can collide after PuLP's character clean-up.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import warnings
from collections.abc import Hashable, Iterable

import pulp

from optimize.methods import DEFAULT_SOLVER, SOLVERS

__all__ = [
    "SOLVERS",
    "affine",
    "binary_vars",
    "continuous_vars",
    "integer_vars",
    "linear_sum",
    "mip_bound",
    "new_problem",
    "problem_size",
    "solve",
    "status_name",
    "value",
]



def new_problem(name: str) -> pulp.LpProblem:
    """An empty minimisation problem."""
    return pulp.LpProblem(name, pulp.LpMinimize)


def integer_vars(problem: pulp.LpProblem, prefix: str, keys: Iterable[Hashable],
                 upper=None) -> dict:
    """Integer variables >= 0 (and <= *upper*) of *problem*, named prefix_0, prefix_1, ..."""
    return {key: problem.add_variable(f"{prefix}_{i}", 0, upper, pulp.LpInteger)
            for i, key in enumerate(keys)}


def continuous_vars(problem: pulp.LpProblem, prefix: str, keys: Iterable[Hashable]) -> dict:
    """Continuous variables >= 0 of *problem*, named prefix_0, prefix_1, ... ."""
    return {key: problem.add_variable(f"{prefix}_{i}", 0, None, pulp.LpContinuous)
            for i, key in enumerate(keys)}


def binary_vars(problem: pulp.LpProblem, prefix: str, keys: Iterable[Hashable]) -> dict:
    """0/1 variables of *problem*, named prefix_0, prefix_1, ..."""
    return integer_vars(problem, prefix, keys, upper=1)


def affine(pairs, constant: float = 0.0) -> pulp.LpAffineExpression:
    """The expression sum(coefficient * variable) + *constant* from (variable, coefficient) pairs;
    much faster than :func:`linear_sum` for long sums. Repeated variables add up."""
    coefficients: dict = {}
    for var, coef in pairs:
        coefficients[var] = coefficients.get(var, 0.0) + coef
    return pulp.LpAffineExpression(coefficients, constant=constant)


def linear_sum(terms) -> pulp.LpAffineExpression:
    """Sum of variables / affine terms (0 when empty)."""
    return pulp.lpSum(terms)


def _solver(name: str, time_limit: float | None, gap: float | None = None, threads: int | None = None):
    """HiGHS through highspy; CBC as a system ``cbc`` (COIN_CMD) or PuLP's bundled one."""
    if name not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {name!r}")
    options: dict[str, object] = {"msg": False}
    if gap is not None:
        if not 0 <= gap < 1:
            raise ValueError(f"gap must be a fraction in [0, 1), got {gap!r}")
        options["gapRel"] = gap
    if threads is not None:
        options["threads"] = int(threads)
    if time_limit is not None:
        if not time_limit > 0:
            raise ValueError(f"time_limit must be > 0 seconds, got {time_limit!r}")
        options["timeLimit"] = time_limit
    if name == "HiGHS":
        solver = _InterruptibleHiGHS(**options) if pulp.HiGHS().available() else pulp.getSolver("HiGHS", **options)
    else:
        solver = pulp.getSolver("COIN_CMD", **options)
        if not solver.available():
            # PuLP 3.3 deprecates its bundled CBC in favour of COIN_CMD; it is still
            # the only CBC many installs have, so silence that notice here only.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                solver = pulp.getSolver("PULP_CBC_CMD", **options)
    if not solver.available():
        raise ValueError(f"solver {name!r} is not available in this environment")
    return solver


class _InterruptibleHiGHS(pulp.HiGHS):
    """HiGHS solving in a helper thread that this thread waits for a tenth of a second at a
    time: run in this thread, HiGHS holds it in C until it ends, so Ctrl-C or SIGTERM would
    wait for the whole solve (a minute for a week's roster). On either, the solve is
    cancelled and the exception goes on; HiGHS stops at its next check."""

    def callSolver(self, lp):
        model = lp.solverModel
        model.HandleUserInterrupt = True  # HiGHS asks the model's cancel flag as it goes
        model.startSolve()
        try:
            while not model.wait(0.1)[0]:
                pass
        except BaseException:
            model.cancelSolve()  # the solve thread ends at HiGHS's next check, seconds later in a long presolve
            model.wait(0.5)
            raise


@contextlib.contextmanager
def _quiet_stdout():
    """Send what C code writes to file descriptor 1 to /dev/null: HiGHS prints its banner
    there when its first model is made, whatever ``msg`` says, and stdout may be JSON."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):   # no real stdout (a notebook, captured)
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def solve(problem: pulp.LpProblem, solver: str = DEFAULT_SOLVER,
          time_limit: float | None = None, gap: float | None = None,
          threads: int | None = None) -> str:
    """Solve *problem*; return ``optimal``, ``feasible`` (stopped with an incumbent),
    ``infeasible``, ``unbounded`` or ``not solved``.

    *gap* is the relative MIP gap at which the solver may stop (0.01 = 1%);
    a solution within it counts as ``optimal``. *threads* caps the solver's threads.

    Reads both ``status`` and ``sol_status``: PuLP reports status Optimal when a
    time limit stops the search with an incumbent, and only ``sol_status`` says
    the solution is merely integer-feasible.
    """
    if not problem.variables():  # HiGHS rejects an empty model; nothing to decide
        return "optimal"
    chosen = _solver(solver, time_limit, gap, threads)
    if not isinstance(chosen, pulp.LpSolver_CMD):
        with _quiet_stdout():
            problem.solve(chosen)
        return status_name(problem.status, problem.sol_status)
    # A solver program (CBC): its files in a folder of our own, and the program stopped with us
    chosen.tmpDir = tempfile.mkdtemp(prefix="servicehall-solver-")
    try:
        with _quiet_stdout():
            problem.solve(chosen)
    except BaseException:
        _kill_children(chosen.path)  # a SIGTERM reaches this process only: the program would go on alone
        raise
    finally:
        shutil.rmtree(chosen.tmpDir, ignore_errors=True)
    return status_name(problem.status, problem.sol_status)


def _kill_children(program: str) -> None:
    """Kill this process's child processes running *program* (Linux: read from /proc)."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:  # pragma: no cover - not Linux
        return
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/children") as fh:
                children = [int(pid) for pid in fh.read().split()]
        except OSError:
            continue
        for pid in children:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    running = fh.read().split(b"\0", 1)[0].decode(errors="replace")
                if os.path.basename(running) == os.path.basename(program):
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                continue


def mip_bound(problem: pulp.LpProblem) -> float | None:
    """The proven lower bound on the objective after :func:`solve` with HiGHS (None if unknown)."""
    model = getattr(problem, "solverModel", None)
    if model is None or not hasattr(model, "getInfo"):
        return None
    info = model.getInfo()
    bound = getattr(info, "mip_dual_bound", None)
    if bound is None or bound != bound or abs(bound) == float("inf"):
        return None
    return float(bound)


def status_name(status: int, sol_status: int) -> str:
    """Readable status from PuLP's (status, sol_status) pair; see :func:`solve`."""
    if status == pulp.LpStatusInfeasible or sol_status == pulp.LpSolutionInfeasible:
        return "infeasible"
    if status == pulp.LpStatusUnbounded or sol_status == pulp.LpSolutionUnbounded:
        return "unbounded"
    if status == pulp.LpStatusOptimal and sol_status == pulp.LpSolutionOptimal:
        return "optimal"
    if sol_status == pulp.LpSolutionIntegerFeasible:
        return "feasible"
    return "not solved"


def problem_size(problem: pulp.LpProblem) -> dict:
    """Variables, integer variables and constraints of *problem*."""
    variables = problem.variables()
    return {"variables": len(variables), "integer": sum(1 for v in variables if v.cat == pulp.LpInteger),
            "constraints": problem.numConstraints()}


def value(var) -> float:
    """Solution value of a variable or expression (0 when unset)."""
    got = pulp.value(var)
    return 0.0 if got is None else float(got)
