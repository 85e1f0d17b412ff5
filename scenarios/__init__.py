"""Scenario library."""
