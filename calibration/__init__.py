"""Calibration: read a hall's ticketing log, fit the model, write a scenario.

Pipeline: :func:`load_log_format` (YAML format file) -> :func:`read_log`
(tidy visits) -> :func:`calibrate` (arrivals, service times, patience,
staffing) -> :func:`build_scenario` / :func:`write_scenario` and
:func:`format_report` / :func:`save_plots`.
"""

from .arrivals import ArrivalFit, fit_arrivals
from .distfit import DistFit, fit_candidates, fit_distribution
from .errors import LogError, LogFormatError
from .fit import Calibration, FitOptions, calibrate, calibrate_log, options_from_format
from .logformat import LogFormat, load_log_format, log_format_from_dict
from .patience import PatienceFit, fit_patience, fit_patience_by_service
from .reader import ReadReport, read_log, read_log_with_report
from .report import format_report, save_plots
from .scenario import build_scenario, check_with_engine, scenario_yaml, write_scenario
from .service import ServiceTimeFit, fit_service_times
from .staffing_inference import STAFFING_METHODS, StaffingEstimate, infer_staffing

__all__ = [
    "ArrivalFit",
    "Calibration",
    "DistFit",
    "FitOptions",
    "LogError",
    "LogFormat",
    "LogFormatError",
    "PatienceFit",
    "ReadReport",
    "STAFFING_METHODS",
    "ServiceTimeFit",
    "StaffingEstimate",
    "build_scenario",
    "calibrate",
    "calibrate_log",
    "check_with_engine",
    "fit_arrivals",
    "fit_candidates",
    "fit_distribution",
    "fit_patience",
    "fit_patience_by_service",
    "fit_service_times",
    "format_report",
    "infer_staffing",
    "load_log_format",
    "log_format_from_dict",
    "options_from_format",
    "read_log",
    "read_log_with_report",
    "save_plots",
    "scenario_yaml",
    "write_scenario",
]
