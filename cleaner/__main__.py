"""``python -m cleaner`` and the ``mtclean`` console script."""
from __future__ import annotations


def main() -> None:
    from . import gcpause

    gcpause.pause()                 # start-up time; resumed once the run's set-up is done
    from .cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
