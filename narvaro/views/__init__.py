"""Streamlit panels that pages embed (a case page shows several in its tabs)."""
