"""What is stored: the sound catalog, presets (schema, validation, atomic saves), share lines,
the user's folders. Imports neither pyo nor Textual."""
