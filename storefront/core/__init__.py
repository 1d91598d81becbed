"""What every feature uses: money, time, database types, htmx helpers, outbox, security."""
