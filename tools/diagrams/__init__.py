"""The project's pictures, generated: the architecture from template.yaml, the local stack
from its code (python -m tools.diagrams)."""
