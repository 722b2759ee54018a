import sys

from pgprod.cli import main

sys.exit(main())
