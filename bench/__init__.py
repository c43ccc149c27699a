"""The performance benchmark (`make bench`) and the reference views only it serves."""
