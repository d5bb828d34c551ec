"""The local stack (`make run`): AWS stood in for on a laptop, a folder per service it replaces.

Never imported by Lambda code (an import-linter contract holds this).
"""
