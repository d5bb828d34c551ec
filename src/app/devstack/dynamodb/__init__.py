"""What DynamoDB does on its own that the emulator does not: Time to Live deletions."""
