"""Trust: verifying credentials (signatures, keys, DIDs, status lists) and signing our own.

Verification returns a report (``skillgap.domain.verification``); it raises only for
programming errors, never for a bad badge.
"""
