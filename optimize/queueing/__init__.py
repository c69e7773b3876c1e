"""Stationary queueing formulas: Erlang B/C/A, QED staffing, offered load."""
