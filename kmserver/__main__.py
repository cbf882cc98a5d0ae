import sys

from kmserver.cli import main

sys.exit(main())
