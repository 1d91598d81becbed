"""Orders: what a checkout writes, and what customers and staff read afterwards."""
