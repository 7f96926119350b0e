"""The database: SQLAlchemy models and the queries that turn rows into the core's inputs.

Imports the core, never the web app or the CLI.
"""
