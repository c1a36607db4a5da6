"""bordermon's data layer: read, validate, write and analyse the event store.

Pure geopandas and shapely; nothing here knows of Streamlit.
"""
