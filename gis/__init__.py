"""Core of the whole-village planning map: import, CRS, workspace, analysis.

Nothing in this package imports Streamlit; the app and the command line
both call the same functions.
"""

__version__ = "0.1.0"
