"""`python -m pgprod` and the `pgprod` script: Ctrl-C while the CLI is still being
imported ends with one line too, like anywhere after (`pgprod.cli.main`)."""

import sys


def run() -> int:
    try:
        from pgprod.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    return main()


if __name__ == "__main__":
    sys.exit(run())
