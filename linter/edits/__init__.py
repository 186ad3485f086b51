"""Minimal text edits on YAML and Python source, in the layout the file already has."""
