"""`python -m pvwatch` is the `pvwatch` command."""

from pvwatch.cli.main import main

main()
