"""Adapters: the only modules that import AWS SDKs (boto3, botocore, PynamoDB)."""
