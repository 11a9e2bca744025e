"""The app's pages: each renders results of ``gis`` functions."""
