"""The commands of ``servicehall``: name -> (module, one-line help). Light on purpose: the top-level
``--help`` lists them without importing any command module."""

COMMANDS = {
    "simulate": ("simulate", "simulate a scenario and report waiting times per zone"),
    "compare": ("compare", "compare two scenarios (paired, common random numbers)"),
    "sweep": ("sweep", "simulate a scenario over a grid of what-if values"),
    "optimize": ("optimize", "find the cheapest staffing that meets a waiting-time target"),
    "roster": ("roster", "a weekly roster of named people (days, shifts, zones, AB posts), verified day by day"),
    "layout": ("layout", "search hall layouts (windows per zone, pooled comprehensive windows) by the staff-hours the target needs"),
    "robustness": ("robustness", "how a layout or staffing plan holds over a set of demand scenarios"),
    "tune-alarm": ("alarm", "tune the alarm policy (threshold, switch time, who helps whom)"),
    "calibrate": ("calibrate", "fit a scenario to a ticketing log"),
    "validate": ("calibrate", "compare a scenario's simulated KPIs with a ticketing log"),
    "schema": ("schema", "print the JSON Schema of scenario files (for editors)"),
    "app": ("app", "start the what-if web app (staffing grid, KPIs, compare, optimize, replay)"),
}


def summary(name: str) -> str:
    """The one-line help of command *name*."""
    return COMMANDS[name][1]
