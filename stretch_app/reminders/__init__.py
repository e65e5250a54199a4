"""Reminders: schedules, Web Push and calendar files."""
