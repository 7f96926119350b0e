"""What `make bench` runs. Every figure is printed as `BENCH <name> <value> <unit>`."""
