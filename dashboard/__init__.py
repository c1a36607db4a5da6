"""bordermon's Streamlit dashboard: pages wire widgets to :mod:`layers`, nothing more."""
