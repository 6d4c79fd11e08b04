"""Cinestream's operations code: configuration, the launch command of every job, the local stack, the CLI."""
