"""Use cases: each CLI command (and later each HTTP route) makes one call into this layer.

- ``workspace``: init_workspace, workspace_status
- ``bundles``:   load_bundle (a folder of YAML/CSV), load_demo (the shipped demo organisation)
- ``summary``:   organisation_summary
"""
