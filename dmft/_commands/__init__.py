"""The `dmft` command-line interface: one module per command, all on one typer app."""
