"""Custom routines: the builder, the generator and share links."""
