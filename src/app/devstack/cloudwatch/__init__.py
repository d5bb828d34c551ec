"""CloudWatch's part of the local stack: the functions' business metrics, shown on the console."""
