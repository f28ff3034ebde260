"""Companion notebooks, generated from the chapters and demo files (see generate.py)."""
