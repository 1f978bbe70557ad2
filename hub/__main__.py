"""``python -m hub`` runs the CLI, for machines where the ``hub`` script is not on PATH."""

from hub.cli import app

app(prog_name="hub")
