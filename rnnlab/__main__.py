"""``python -m rnnlab setup|lab|data|check``: see :mod:`rnnlab.cli`."""

from rnnlab.cli import main

raise SystemExit(main())
