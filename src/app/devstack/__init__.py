"""The local stack: emulator, provisioning from template.yaml, local outputs.

Never imported by Lambda code (an import-linter contract holds this).
"""
