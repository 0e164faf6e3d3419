"""Exports of theme summaries: builders gather visible data, writers turn it into files."""
