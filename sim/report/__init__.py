"""Self-contained HTML reports (styles and plots inside the file, nothing fetched)::

    import sim.report
    sim.report.write_report(results, "report.html")
    sim.report.write_comparison_report(sim.compare(a, b), "compare.html")
"""

from .comparison import comparison_html, write_comparison_report
from .simulation import report_html, write_report

__all__ = ["comparison_html", "report_html", "write_comparison_report", "write_report"]
