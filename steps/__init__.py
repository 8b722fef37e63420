"""pytest-bdd step definitions of the scenarios in features/ (run: pytest steps)."""
