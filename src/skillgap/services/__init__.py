"""Use cases: each CLI command (and later each HTTP route) makes one call into this layer.

- ``workspace``: init_workspace, workspace_status
- ``bundles``:   load_bundle (a folder of YAML/CSV), run_demo (load the demo, summarise it)
- ``summary``:   organisation_summary
"""
