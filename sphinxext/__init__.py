"""Local Sphinx extensions of the book (each module does one job)."""
