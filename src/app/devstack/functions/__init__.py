"""Lambda, locally: every function of the template in worker processes of its own."""
