"""API Gateway, locally: a REST API stage built from the template, in front of the functions."""
