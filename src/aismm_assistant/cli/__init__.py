"""Command-line surface: one module per command group, each a thin shell over the library."""
