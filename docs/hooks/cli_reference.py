"""mkdocs hook: the CLI reference page is generated from the typer app at build time,
so it always shows the options and help texts of the code being documented.

A page containing the line `<!-- cli-reference -->` gets it replaced by typer's
Markdown for `dmft` and every subcommand (`typer.cli.get_docs_for_click`, the code
behind `typer dmft.cli utils docs`)."""

MARKER = "<!-- cli-reference -->"


def cli_markdown() -> str:
    """typer's Markdown for the `dmft` app, headings moved one level down."""
    import typer
    from typer.cli import get_docs_for_click

    from dmft.cli import app

    command = typer.main.get_command(app)
    with typer.Context(command, info_name="dmft") as ctx:
        text = get_docs_for_click(obj=command, ctx=ctx, name="dmft", title="dmft")
    lines = []
    for line in text.strip().splitlines():
        if line.startswith("#"):
            line = "#" + line
        lines.append(line)
    return "\n".join(lines) + "\n"


def on_page_markdown(markdown, page, config, files):
    if MARKER in markdown:
        return markdown.replace(MARKER, cli_markdown())
    return markdown
