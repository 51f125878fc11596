"""Reads of the exports app: annotation rows for agreement and gold, dataset versions with their access rule."""
