import sys

from narvaro.cli import main

sys.exit(main())
