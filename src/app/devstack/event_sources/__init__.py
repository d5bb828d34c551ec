"""Lambda event source mappings: DynamoDB streams and S3 notifications delivered to functions."""
