"""What Secrets Manager does on its own that the emulator does not: rotating with a function."""
