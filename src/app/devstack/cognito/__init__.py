"""Cognito, locally: sign-in helpers on the emulator's user pool and the identity-pool service."""
