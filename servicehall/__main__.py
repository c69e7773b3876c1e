try:
    from .cli import entry
except KeyboardInterrupt:  # Ctrl-C before the command line's own handlers are set
    raise SystemExit(130) from None

entry()
