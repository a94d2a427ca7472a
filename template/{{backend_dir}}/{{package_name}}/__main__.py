"""`python -m <package>`: the API's command line (the cli package)."""

from .cli import app

app(prog_name=f"python -m {__package__}")
