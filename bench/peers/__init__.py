"""The cold-start benchmark's peers: the same `GET /todos` (one DynamoDB Query) on other stacks."""
