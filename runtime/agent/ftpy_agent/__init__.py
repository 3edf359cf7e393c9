"""ftpy's agent: code that runs inside the Python program ftpy runs or debugs (stdlib only)."""
