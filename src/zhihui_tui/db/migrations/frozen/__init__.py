"""Code a migration needs, frozen at its revision: a migration never imports live service code (issue 10)."""
