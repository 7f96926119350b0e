"""The password policy a facilitator's account must meet, on the web and in the CLI alike."""

MIN_PASSWORD = 8
