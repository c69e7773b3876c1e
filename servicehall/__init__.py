"""servicehall: the command-line front end over the ``sim`` and ``optimize`` packages."""
