"""Renderers: analysis results in, text / JSON out. No I/O beyond the console given."""
