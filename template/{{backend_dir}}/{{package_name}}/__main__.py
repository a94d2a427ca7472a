"""`python -m <package>`: the API's command line (see cli.py)."""

from .cli import app

app(prog_name=f"python -m {__package__}")
