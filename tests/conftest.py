"""Shared test setup: the txaio pytest plugin provides ``txaio_framework``."""
