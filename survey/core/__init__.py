"""The domain: instruments, answers, scoring and risks. No Flask, no SQLAlchemy (a test says so).

Everything here takes plain data and returns plain data, so the CLI scores CSV files with it,
the store feeds it rows, and the reports render what it returns.
"""
