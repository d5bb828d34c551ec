"""The local stack (`make run`): AWS stood in for on a laptop, a folder per service it stands in for.

Never imported by Lambda code (an import-linter contract holds this).
"""
