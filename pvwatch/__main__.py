"""`python -m pvwatch` is the `pvwatch` command."""

from pvwatch.app.main import main

main()
