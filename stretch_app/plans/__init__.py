"""Plans: a few weeks of guided practice, and what they did for the person's cramps."""
