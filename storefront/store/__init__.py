"""The shop's own details and hours; read by every page (footer) and by slot rules later."""
