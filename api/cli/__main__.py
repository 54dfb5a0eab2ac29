"""`python -m api.cli`: the same as the `parcours` console script."""

from api.cli import main

main()
