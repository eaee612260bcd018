"""The Textual mixer: the only package that imports Textual."""
