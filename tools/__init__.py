"""Maintenance scripts run by the Makefile (generated files, deploy steps)."""
