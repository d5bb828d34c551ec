"""The AWS emulators: moto servers on 127.0.0.1 (the main one, an IAM-enforcing one)."""
