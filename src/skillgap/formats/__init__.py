"""Adapters for the formats skillgap reads: documents in, domain values out.

- ``bundle``: a folder of YAML and CSV files describing an organisation (the demo ships one).
- ``tabular``: safe reading of YAML and CSV input, shared by every adapter.
"""
